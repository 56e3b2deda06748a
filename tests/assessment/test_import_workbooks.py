"""The workbooks handed to clerks: templates of every kind, and an upload marked with its errors.

Real files: every workbook is written to bytes, read back with openpyxl and, where it matters,
previewed by the import layer.
"""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from django.utils import timezone, translation

from assessment.imports import KINDS, RowError, RowStatus, workbook_preview
from assessment.imports.lookups import Lookups
from assessment.imports.workbooks import marked_workbook, template_workbook
from tests.factories import CadreFactory, UnitFactory
from tests.imports_helpers import WORKBOOK_COLUMNS, make_scheme, workbook_headers, xlsx_bytes
from units.cells import header_key
from units.models import Unit, UnitCategory
from units.xlsx import to_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

# The dropdowns offer the user's language only: codes (English) here, where tests run in English.
CATEGORIES = ["town", "economic", "management", "social"]
METHODS = ["completion", "ceiling", "increment", "base_ratio", "city_rank"]
METHODS += ["graded", "survey", "bonus", "deduction", "veto", "disqualify"]
DROPDOWNS = {
    "units": {"单位类别": CATEGORIES},
    "cadres": {"正副职": ["principal", "deputy"]},
    "indicators": {
        "单位类别": CATEGORIES,
        "计分方法": METHODS,
        "汇总方式": ["sum", "latest"],
    },
    "targets": {},
    "items": {"单位类别": CATEGORIES, "级别": ["national", "provincial", "city", "district"]},
    "evidence": {"状态": ["verified", "pending"]},
    "city_ranks": {},
    "grades": {"等级": ["A", "B", "C", "D"]},
    "surveys": {},
    "evaluations": {},
}
# ... and the Chinese names only, for a Chinese user.
CHINESE_DROPDOWNS = {
    "units": {"单位类别": ["镇街", "经济部门", "综合管理部门", "社会事业部门"]},
    "cadres": {"正副职": ["正职", "副职"]},
    "indicators": {
        "单位类别": ["镇街", "经济部门", "综合管理部门", "社会事业部门"],
        "计分方法": [
            *("完成率", "控制类", "增量", "基数比例", "全市排名", "定性评价", "测评"),
            *("加分", "扣分", "一票否决", "取消评优"),
        ],
        "汇总方式": ["累计求和", "取最新值"],
    },
    "items": {
        "单位类别": ["镇街", "经济部门", "综合管理部门", "社会事业部门"],
        "级别": ["国家级", "省级", "市级", "区级"],
    },
    "evidence": {"状态": ["已核实", "待核实"]},
    "grades": {"等级": ["A", "B", "C", "D"]},
}
SCHEME_KINDS = {"units", "cadres", "indicators", "targets", "items"}  # imported while setting up
RED = "00FFC7CE"
_RANGE = re.compile(r"^'(?P<sheet>.+)'!\$(?P<col>[A-Z]+)\$1:\$(?P=col)\$(?P<end>\d+)$")


def load(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def preview_of(kind: str, data: bytes):
    return workbook_preview(kind=kind, data=data, file_name=f"{kind}.xlsx", user=None)


def dropdowns(workbook: openpyxl.Workbook) -> dict[str, list[str]]:
    """Header → the values its dropdown offers (read from the sheet the formula names)."""
    sheet = workbook.worksheets[0]
    found = {}
    for validation in sheet.data_validations.dataValidation:
        assert validation.type == "list" and validation.allow_blank
        (cell_range,) = str(validation.sqref).split()
        letter = re.match(r"[A-Z]+", cell_range).group()
        assert cell_range == f"{letter}2:{letter}1000"
        source = _RANGE.match(validation.formula1)
        assert source, validation.formula1
        lists = workbook[source["sheet"]]
        assert lists.sheet_state == "hidden"
        column = lists[source["col"]][: int(source["end"])]
        found[sheet[f"{letter}1"].value] = [cell.value for cell in column]
    return found


# --- templates ---------------------------------------------------------------------------------


def test_every_kind_of_the_spec_that_the_import_reads_has_a_template():
    assert set(KINDS) == set(WORKBOOK_COLUMNS)


@pytest.mark.parametrize("kind", KINDS)
def test_a_template_has_the_headers_of_its_kind_frozen_and_bold(kind):
    workbook = load(template_workbook(kind))
    sheet = workbook.worksheets[0]
    assert [cell.value for cell in sheet[1]] == workbook_headers(kind)
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    assert all(sheet.column_dimensions[cell.column_letter].width >= 10 for cell in sheet[1])
    assert workbook.sheetnames[1:3] == ["示例", "填写说明"]


@pytest.mark.parametrize("kind", KINDS)
def test_a_template_s_example_sits_on_its_own_sheet_marked_as_an_example(kind):
    workbook = load(template_workbook(kind))
    assert workbook.worksheets[0].max_row == 1  # the sheet imported: headers only
    examples = workbook["示例"]
    assert [cell.value for cell in examples[1]] == workbook_headers(kind)
    # targets: the year's row, then two period rows (a share and a figure)
    assert examples.max_row == (4 if kind == "targets" else 2)
    for row in examples.iter_rows(min_row=2):
        assert all(cell.font.italic and cell.font.color.rgb == "00808080" for cell in row)
    assert "never imported" in examples["A2"].comment.text


@pytest.mark.parametrize("kind", KINDS)
def test_a_template_s_sample_values_have_their_types(kind):
    sheet = load(template_workbook(kind))["示例"]
    for header, cell in zip([c.value for c in sheet[1]], sheet[2], strict=True):
        if header in {"年度", "编制人数", "分值", "封顶系数", "目标值", "数值", "名次", "得分率"}:
            assert cell.data_type == "n", header
        if header == "日期":
            assert cell.is_date and cell.number_format == "yyyy-mm-dd"


@pytest.mark.parametrize("kind", KINDS)
def test_closed_set_columns_have_dropdowns_of_what_the_import_accepts(kind):
    assert dropdowns(load(template_workbook(kind))) == DROPDOWNS[kind]


@pytest.mark.parametrize("kind", CHINESE_DROPDOWNS)
def test_a_chinese_user_s_dropdowns_are_in_chinese_only(kind):
    with translation.override("zh-hans"):
        workbook = load(template_workbook(kind))
    assert dropdowns(workbook) == CHINESE_DROPDOWNS[kind]


def test_the_category_dropdown_holds_the_district_s_own_categories(town):
    UnitCategory.objects.create(code="district", name="区直单位（二）", sort_order=99)
    assert dropdowns(load(template_workbook("units")))["单位类别"] == [*CATEGORIES, "district"]
    with translation.override("zh-hans"):
        chinese = dropdowns(load(template_workbook("units")))["单位类别"]
    assert chinese[-1] == "区直单位（二）"


@pytest.mark.parametrize("lists", [DROPDOWNS, CHINESE_DROPDOWNS], ids=["english", "chinese"])
def test_every_dropdown_value_is_read_by_its_column(lists):
    categories = Lookups().categories
    for kind, by_header in lists.items():
        columns = {column.header: column for column in KINDS[kind].columns}
        for header, choices in by_header.items():
            for choice in choices:
                if header == "单位类别":
                    assert header_key(choice) in categories
                else:
                    columns[header].parse(choice)  # raises ValueError if refused


@pytest.mark.parametrize("kind", KINDS)
def test_the_instructions_describe_every_column(kind):
    sheet = load(template_workbook(kind))["填写说明"]
    rows = [tuple(cell.value or "" for cell in row) for row in sheet.iter_rows()]
    texts = " ".join(str(value) for row in rows for value in row)
    assert "never imported" in texts
    start = rows.index(("列名", "英文别名", "是否必填", "填写要求", "可选值"))
    table = rows[start + 1 :]
    assert [row[:3] for row in table] == [
        (header, alias, "optional column" if optional else "required column")
        for header, alias, optional in WORKBOOK_COLUMNS[kind]
    ]
    assert all(row[3] for row in table)  # what is expected
    allowed = {row[0]: row[4].split("、") for row in table if row[4]}
    assert allowed == DROPDOWNS[kind]


@pytest.fixture
def sample_district(town, economic, lead_unit):
    """What the samples name: unit TO01 with cadre 张三, lead department JJ01, this year's
    scheme (GDP, RANK, PARTY, SAT)."""
    unit = UnitFactory(code="TO01", name="城关街道", category=town, headcount=35)
    CadreFactory(unit=unit, name="张三", position="党工委书记", rank_kind="principal")
    return {"town": town, "economic": economic, "lead_unit": lead_unit}


@pytest.mark.parametrize("kind", KINDS)
def test_a_template_s_example_row_copied_to_the_first_sheet_imports_cleanly(sample_district, kind):
    status = "setup" if kind in SCHEME_KINDS else "collecting"
    make_scheme(year=timezone.localdate().year, status=status, **sample_district)
    workbook = load(template_workbook(kind))
    workbook.worksheets[0].append([cell.value for cell in workbook["示例"][2]])
    preview = preview_of(kind, to_bytes(workbook))
    assert [str(error) for error in preview.errors] == []
    (row,) = preview.rows
    assert row.status != RowStatus.ERROR


@pytest.mark.parametrize("kind", KINDS)
def test_a_template_as_downloaded_has_no_data_rows(kind):
    preview = preview_of(kind, template_workbook(kind))
    assert [str(error) for error in preview.errors] == [
        "The sheet has a header row but no data rows."
    ]


def test_a_category_named_with_full_width_brackets_is_found_by_its_name(town):
    UnitCategory.objects.create(code="district", name="区直单位（二）", sort_order=99)
    workbook = load(template_workbook("units"))
    workbook.worksheets[0].append(["Q01", "新单位", "区直单位（二）", 20])  # from the dropdown
    preview = preview_of("units", to_bytes(workbook))
    assert [str(error) for error in preview.errors] == []
    assert preview.rows[0].status == RowStatus.NEW


# --- marked uploads ----------------------------------------------------------------------------

TARGETS = ["年度", "单位代码", "指标代码", "目标值", "基数"]  # without 责任领导 (optional)


@pytest.fixture
def scheme(town, economic, unit_a, unit_b, lead_unit):
    return make_scheme(status="setup", town=town, economic=economic, lead_unit=lead_unit)


@pytest.fixture
def bad_targets(scheme) -> bytes:
    return xlsx_bytes(
        [
            TARGETS,
            [2026, "A01", "GDP", "十万", 100],
            [2026, "@ZZ9", "GDP", 500, None],
            [2026, "B01", "GDP", 900, None],
            [2026, "B01", "GDP", 950, None],
        ]
    )


def values(sheet) -> list[tuple]:
    return list(sheet.iter_rows(values_only=True))


def marked_cells(sheet) -> dict[str, str]:
    """Cell reference → its comment, for every cell filled light red."""
    return {
        cell.coordinate: cell.comment.text if cell.comment else ""
        for row in sheet.iter_rows()
        for cell in row
        if cell.fill.fgColor.rgb == RED
    }


def test_a_marked_workbook_fills_and_comments_the_cells_of_its_errors(bad_targets):
    preview = preview_of("targets", bad_targets)
    number = "“十万” is not a number."
    unknown = "There is no unit with the code “@ZZ9”: check the code, or import the unit first."
    same = "The same record as row 4: a record may appear only once in a file."
    assert [(e.row, e.column, e.message) for e in preview.errors] == [
        (2, "目标值", number),
        (3, "单位代码", unknown),
        (5, "年度 + 单位代码 + 指标代码", same),
    ]
    marked = load(marked_workbook(bad_targets, preview))
    sheet = marked.worksheets[0]
    assert marked_cells(sheet) == {"D2": number, "B3": unknown, "A5": same, "B5": same, "C5": same}
    assert values(sheet) == values(load(bad_targets).worksheets[0])
    assert marked.sheetnames == [load(bad_targets).sheetnames[0], "错误清单"]
    assert values(marked["错误清单"]) == [
        ("行号", "列", "填写内容", "问题"),
        (2, "目标值", "十万", number),
        (3, "单位代码", "@ZZ9", unknown),
        (5, "年度 + 单位代码 + 指标代码", "2026 · B01 · GDP", same),
    ]
    value = marked["错误清单"]["C3"]
    assert (value.data_type, value.quotePrefix) == ("s", True)  # never a formula


def test_errors_of_a_row_or_of_a_column_the_file_lacks_are_listed(bad_targets):
    preview = preview_of("targets", bad_targets)
    whole_row = RowError("Refused for this row.", row=4, value="2026 · B01 · GDP")
    no_column = RowError("No such cadre.", row=4, column="责任领导", value="王五")
    preview.errors += [whole_row, no_column]
    marked = load(marked_workbook(bad_targets, preview))
    cells = marked_cells(marked.worksheets[0])
    assert cells["A4"] == "Refused for this row."  # the row's first cell
    assert not {"B4", "C4", "D4", "E4", "F4"} & set(cells)
    listed = values(marked["错误清单"])
    assert (4, None, "2026 · B01 · GDP", "Refused for this row.") in listed
    assert (4, "责任领导", "王五", "No such cadre.") in listed


def test_a_missing_required_column_is_listed_and_marked_on_the_header_row(town):
    data = xlsx_bytes([["单位代码", "单位名称", "单位类别"], ["Q01", "测试镇", "镇街"]])
    preview = preview_of("units", data)
    assert [str(error) for error in preview.errors] == ["Row 1: Missing columns: 编制人数."]
    marked = load(marked_workbook(data, preview))
    assert marked_cells(marked.worksheets[0]) == {"A1": "Missing columns: 编制人数."}
    assert values(marked["错误清单"])[1] == (1, None, None, "Missing columns: 编制人数.")


def test_an_error_of_the_whole_file_goes_to_the_list_only(scheme):
    scheme.status = "collecting"  # targets change then only as an amendment with a reason
    scheme.save()
    data = xlsx_bytes([TARGETS, [2026, "A01", "GDP", 100, None]])
    preview = preview_of("targets", data)
    (error,) = preview.errors
    assert error.row is None
    marked = load(marked_workbook(data, preview))
    assert marked_cells(marked.worksheets[0]) == {}
    assert values(marked["错误清单"])[1] == (None, None, None, error.message)


def test_a_refused_file_gives_the_list_alone():
    data = "单位代码,单位名称\nQ01,测试镇\n".encode()
    preview = preview_of("units", data)
    marked = load(marked_workbook(data, preview))
    assert marked.sheetnames == ["错误清单"]
    assert values(marked["错误清单"])[1][3] == preview.errors[0].message


def test_a_marked_workbook_imports_like_the_original_and_is_marked_again_in_place(bad_targets):
    preview = preview_of("targets", bad_targets)
    marked = marked_workbook(bad_targets, preview)
    again = preview_of("targets", marked)
    assert [str(e) for e in again.errors] == [str(e) for e in preview.errors]
    twice = load(marked_workbook(marked, again))
    assert twice.sheetnames == [load(bad_targets).sheetnames[0], "错误清单"]
    assert len(values(twice["错误清单"])) == 1 + len(preview.errors)


def test_the_template_is_a_file_the_import_accepts_with_its_extra_sheets(town):
    workbook = load(template_workbook("units"))
    workbook.worksheets[0].append(["TO01", "城关街道", "town", 35])
    preview = preview_of("units", to_bytes(workbook))
    assert preview.ok
    assert [row.cells for row in preview.rows] == [["TO01", "城关街道", "town", "35", ""]]
    assert Unit.objects.filter(code="TO01").count() == 0  # a preview writes nothing
