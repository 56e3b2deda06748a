"""Building real workbooks for the import tests, and running the import command on them."""

from __future__ import annotations

import io
import re
import zipfile
from io import StringIO
from pathlib import Path

import openpyxl
from django.core.management import call_command

from tests.example_district import EXAMPLE_DIR

# Each kind's columns as spec/workbooks.md lists them: (Chinese header, English alias, optional),
# in the order a template and an export write them. The spec's ``items`` kind and the evidence
# columns 事项代码 and 文号 are not read by the import yet, so they are not listed here.
WORKBOOK_COLUMNS: dict[str, list[tuple[str, str, bool]]] = {
    "units": [
        ("单位代码", "code", False),
        ("单位名称", "name", False),
        ("单位类别", "category", False),
        ("编制人数", "headcount", False),
        ("上级单位代码", "parent", True),
    ],
    "cadres": [
        ("单位代码", "unit", False),
        ("姓名", "name", False),
        ("职务", "position", False),
        ("正副职", "rank_kind", True),
    ],
    "indicators": [
        ("年度", "year", False),
        ("单位类别", "category", False),
        ("指标代码", "code", False),
        ("指标名称", "name", False),
        ("指标分组", "group", False),
        ("分值", "points", False),
        ("计分方法", "method", False),
        ("汇总方式", "aggregation", True),
        ("封顶系数", "cap", True),
        ("总量占比", "total_share", True),
        ("名次步长", "step", True),
        ("牵头单位代码", "lead_unit", True),
        ("数据来源单位", "source_unit", True),
    ],
    "targets": [
        ("年度", "year", False),
        ("单位代码", "unit", False),
        ("指标代码", "indicator", False),
        ("期间", "period", True),
        ("目标值", "target", False),
        ("基数", "base", True),
        ("责任领导", "leader", True),
    ],
    "evidence": [
        ("单位代码", "unit", False),
        ("指标代码", "indicator", False),
        ("日期", "date", False),
        ("数值", "value", False),
        ("说明", "description", False),
        ("状态", "status", True),
        ("事项代码", "item", True),
        ("文号", "document", True),
    ],
    "items": [
        ("年度", "year", False),
        ("单位类别", "category", False),
        ("指标代码", "indicator", False),
        ("事项代码", "code", False),
        ("事项名称", "name", False),
        ("每次分值", "points", False),
        ("级别", "level", True),
        ("事项上限", "cap", True),
    ],
    "city_ranks": [
        ("年度", "year", False),
        ("单位代码", "unit", False),
        ("指标代码", "indicator", False),
        ("名次", "rank", False),
        ("参评总数", "total", False),
    ],
    "grades": [
        ("年度", "year", False),
        ("单位代码", "unit", False),
        ("指标代码", "indicator", False),
        ("等级", "grade", False),
    ],
    "surveys": [
        ("年度", "year", False),
        ("单位代码", "unit", False),
        ("指标代码", "indicator", False),
        ("得分率", "rate", False),
    ],
    "evaluations": [
        ("年度", "year", False),
        ("单位代码", "unit", False),
        ("干部姓名", "cadre", True),
        ("测评得分", "score", False),
    ],
}


def workbook_headers(kind: str) -> list[str]:
    return [header for header, _alias, _optional in WORKBOOK_COLUMNS[kind]]


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    """A workbook whose first sheet holds these rows (row 1: the headers)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_xlsx(directory: Path, name: str, rows: list[list[object]]) -> Path:
    path = directory / name
    path.write_bytes(xlsx_bytes(rows))
    return path


def rewrite_part(data: bytes, part: str, edit) -> bytes:
    """The same archive with one part's text passed through ``edit``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == part:
                content = edit(content.decode()).encode()
            target.writestr(info.filename, content)
    return buffer.getvalue()


def add_part(data: bytes, name: str, content: bytes, *, compress: bool = True) -> bytes:
    buffer = io.BytesIO(data)
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(buffer, "a", method) as archive:
        archive.writestr(name, content)
    return buffer.getvalue()


def cache_formula_value(data: bytes, cell: str, value: str) -> bytes:
    """Give a formula cell the value Excel would have computed (openpyxl writes none)."""

    def edit(xml: str) -> str:
        pattern = rf'(<c r="{cell}"[^>]*>)(<f>[^<]*</f>)<v\s*/>'
        edited, count = re.subn(pattern, rf"\1\2<v>{value}</v>", xml)
        assert count == 1, xml
        return edited

    return rewrite_part(data, "xl/worksheets/sheet1.xml", edit)


def run_import(kind: str, path: Path, *args: str) -> tuple[str, str]:
    """``manage.py import_workbook KIND PATH ARGS``; returns (stdout, stderr)."""
    out, err = StringIO(), StringIO()
    call_command("import_workbook", kind, str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def example(kind: str) -> Path:
    return EXAMPLE_DIR / f"{kind}.xlsx"


def make_scheme(*, year: int = 2026, status: str = "setup", town, economic, lead_unit=None):
    """A year with a small scheme: five town indicators and one economic one."""
    from assessment.models import AssessmentYear, Indicator

    assessment_year = AssessmentYear.objects.create(year=year, status=status)
    for code, method, points in [
        ("GDP", "completion", 20),
        ("SAT", "survey", 15),
        ("RANK", "city_rank", 10),
        ("PARTY", "graded", 15),
        ("AWARD", "bonus", 3),
    ]:
        Indicator.objects.create(
            year=assessment_year,
            category=town,
            code=code,
            name=f"{code}指标",
            points=points,
            method=method,
            lead_unit=lead_unit if code == "GDP" else None,
        )
    Indicator.objects.create(
        year=assessment_year,
        category=economic,
        code="TAX",
        name="税收",
        points=10,
        method="completion",
    )
    return assessment_year


def import_context(user, file_name: str):
    """The context the import layer writes in: ``user`` importing ``file_name``."""
    from assessment.imports.rows import Context

    return Context(
        kind=None,
        user=user,
        present=frozenset(),
        lookups=None,
        reason="",
        change_reason=f"导入 {file_name}",
        column_order={},
    )


def unsaved_evidence(unit, indicator, count: int, note: str = "快报"):
    """``count`` records of March, not saved yet: "``note`` 0" of 0.5 on the 1st, and so on."""
    import datetime
    from decimal import Decimal

    from assessment.models import Evidence

    return [
        Evidence(
            unit=unit,
            indicator=indicator,
            date=datetime.date(2026, 3, 1 + n),
            value=Decimal(f"{n}.5"),
            description=f"{note} {n}",
        )
        for n in range(count)
    ]


def imported_models() -> list:
    """The models the workbook kinds write (an indicators workbook may add a year as well)."""
    from assessment.models import (
        CadreEvaluation,
        CityRank,
        Evidence,
        Grade,
        Indicator,
        SurveyRate,
        Target,
        TeamEvaluation,
    )
    from units.models import Cadre, Unit

    models = [Unit, Cadre, Indicator, Target, Evidence, CityRank, Grade, SurveyRate]
    return [*models, TeamEvaluation, CadreEvaluation]
