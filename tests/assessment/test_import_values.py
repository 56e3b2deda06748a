"""Headers and cell values as clerks type them: accepted when clear, refused with the reason."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from assessment.imports import RowStatus, workbook_import, workbook_preview
from assessment.models import (
    AssessmentYear,
    CityRank,
    Evidence,
    Grade,
    Indicator,
    SurveyRate,
    Target,
    TeamEvaluation,
)
from tests.imports_helpers import make_scheme, xlsx_bytes
from units.models import Cadre, Unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

UNIT_HEADER = ["单位代码", "单位名称", "单位类别", "编制人数"]


@pytest.fixture
def scheme(town, economic, unit_a, unit_b, lead_unit):
    return make_scheme(status="collecting", town=town, economic=economic, lead_unit=lead_unit)


def run(kind: str, rows: list[list[object]], **kwargs):
    return workbook_import(
        kind=kind, data=xlsx_bytes(rows), file_name=f"{kind}.xlsx", user=None, **kwargs
    )


def messages(preview) -> list[str]:
    assert not preview.committed
    return [str(error) for error in preview.errors]


# --- headers ----------------------------------------------------------------------------------


def test_headers_match_in_any_case_order_width_and_spacing(town):
    header = ["  Headcount ", "ＣＯＤＥ", "单位 名称", "unit_category".replace("unit_", "")]
    preview = run("units", [header, [12, "Q01", "测试镇", "镇街"]])
    assert preview.committed, preview.errors
    unit = Unit.objects.get(code="Q01")
    assert (unit.name, unit.category, unit.headcount) == ("测试镇", town, 12)


def test_an_unknown_column_is_named_and_nothing_is_written(town):
    preview = run("units", [[*UNIT_HEADER, "备注"], ["Q01", "测试镇", "town", 1, "x"]])
    assert messages(preview) == [
        "Row 1: Unknown columns: 备注. Expected: 单位代码 / code、单位名称 / name、单位类别 / "
        "category、编制人数 / headcount、上级单位代码 / parent*."
    ]
    assert not Unit.objects.exists()


def test_a_missing_column_is_named_and_nothing_is_written(town):
    preview = run("units", [["code", "name", "category"], ["Q01", "测试镇", "town"]])
    assert messages(preview) == ["Row 1: Missing columns: 编制人数."]
    assert not Unit.objects.exists()


def test_a_column_given_twice_is_named_and_nothing_is_written(town):
    preview = run("units", [[*UNIT_HEADER, "Code"], ["Q01", "测试镇", "town", 1, "Q02"]])
    assert messages(preview) == ["Row 1: Columns given twice: 单位代码 / Code."]
    assert not Unit.objects.exists()


# --- numbers ----------------------------------------------------------------------------------


def test_text_where_a_number_belongs_is_reported_in_the_users_language(scheme):
    rows = [["年度", "单位代码", "指标代码", "目标值"], [2026, "A01", "GDP", 500]]
    rows += [[2026, "B01", "GDP", "十万"]]
    with translation.override("zh-hans"):
        preview = run("targets", rows, reason="修正")
        text = str(preview.errors[0])
    error = preview.errors[0]
    assert (error.row, error.column, error.value) == (3, "目标值", "十万")
    assert "「十万」不是数字" in text and "目标值" in text and "3" in text
    assert not Target.objects.exists()


def test_full_width_digits_separators_and_non_breaking_spaces_are_numbers(scheme):
    rows = [["年度", "单位代码", "指标代码", "目标值", "基数"]]
    rows += [["２０２６", "A01", "GDP", "１，２３４.５", "1\u00a0000"]]
    preview = run("targets", rows, reason="amendment")
    assert preview.committed, preview.errors
    target = Target.objects.get()
    assert (target.target, target.base) == (Decimal("1234.5"), Decimal(1000))


def test_points_may_carry_a_trailing_fen_and_shares_a_percent_sign(town, economic):
    header = ["年度", "单位类别", "指标代码", "指标名称", "指标分组", "分值", "计分方法"]
    header += ["总量占比", "封顶系数", "名次步长"]
    row = [2027, "town", "GDP", "GDP", "经济", "1.5分", "增量", "40%", "１１０％", "0.5 分"]
    preview = run("indicators", [header, row])
    assert preview.committed, preview.errors
    gdp = Indicator.objects.get()
    assert (gdp.points, gdp.total_share, gdp.cap, gdp.step) == (
        Decimal("1.5"),
        Decimal("0.4"),
        Decimal("1.1"),
        Decimal("0.5"),
    )


def test_a_percent_survey_rate_is_the_rate_and_fen_or_percent_elsewhere_is_refused(scheme):
    preview = run(
        "surveys", [["年度", "单位代码", "指标代码", "得分率"], [2026, "A01", "SAT", "85%"]]
    )
    assert preview.committed, preview.errors
    assert SurveyRate.objects.get().rate == Decimal("0.85")
    rows = [["年度", "单位代码", "指标代码", "目标值"], [2026, "A01", "GDP", "1.5分"]]
    rows += [[2026, "B01", "GDP", "85%"]]
    assert messages(run("targets", rows, reason="x")) == [
        "Row 2, “目标值”: “1.5分” is not a number.",
        # a share is a period's (期间) cumulative target, never the year's own figure
        "Row 3, “目标值”: A share of the year's target belongs on a period's row.",
    ]
    assert not Target.objects.exists()


def test_fen_in_evidence_is_for_bonus_and_deduction_records_only(scheme):
    header = ["单位代码", "指标代码", "日期", "数值", "说明"]
    rows = [header, ["A01", "AWARD", "2026-05-01", "1.5分", "市级表彰"]]
    rows += [["A01", "GDP", "2026-05-01", "15分", "产值"]]
    assert messages(run("evidence", rows)) == [
        "Row 3, “数值”: Only bonus and deduction records are counted in points (分): give the "
        "number alone."
    ]
    del rows[2]
    assert run("evidence", rows).committed
    assert Evidence.objects.get().value == Decimal("1.5")


def test_an_excel_float_reads_as_the_number_excel_shows(scheme):
    rows = [["单位代码", "指标代码", "日期", "数值", "说明"]]
    rows += [["A01", "GDP", datetime.date(2026, 3, 1), 0.1 + 0.2, "一季度"]]
    assert run("evidence", rows).committed
    assert Evidence.objects.get().value == Decimal("0.3")


def test_a_number_too_large_for_the_field_is_refused(scheme):
    rows = [["年度", "单位代码", "指标代码", "目标值"], [2026, "A01", "GDP", 1e300]]
    rows += [[2026, "B01", "GDP", "1e400"]]
    assert messages(run("targets", rows, reason="r")) == [
        "Row 2, “目标值”: Ensure that there are no more than 20 digits in total.",
        "Row 3, “目标值”: Ensure that there are no more than 20 digits in total.",
    ]


# --- dates, codes, names ----------------------------------------------------------------------


def test_dates_may_be_excel_dates_or_text_with_the_year_first(scheme):
    header = ["单位代码", "指标代码", "日期", "数值", "说明"]
    rows = [
        header,
        ["A01", "GDP", datetime.datetime(2026, 1, 31, 0, 0), 1, "一月"],
        ["A01", "GDP", "2026-02-28", 1, "二月"],
        ["A01", "GDP", "2026/3/5", 1, "三月"],
        ["A01", "GDP", "2026年4月5日", 1, "四月"],
    ]
    assert run("evidence", rows).committed
    assert sorted(str(e.date) for e in Evidence.objects.all()) == [
        "2026-01-31",
        "2026-02-28",
        "2026-03-05",
        "2026-04-05",
    ]


def test_impossible_dates_and_bare_numbers_are_not_dates(scheme):
    header = ["单位代码", "指标代码", "日期", "数值", "说明"]
    rows = [header, ["A01", "GDP", "2026-02-30", 1, "a"], ["A01", "GDP", 46000, 1, "b"]]
    assert messages(run("evidence", rows)) == [
        "Row 2, “日期”: “2026-02-30” is not a date: use a date cell or YYYY-MM-DD.",
        "Row 3, “日期”: “46000” is not a date: use a date cell or YYYY-MM-DD.",
    ]
    assert not Evidence.objects.exists()


def test_a_name_longer_than_the_field_allows_is_refused(town):
    preview = run("units", [UNIT_HEADER, ["Q01", "长" * 200, "town", 1]])
    assert messages(preview) == [
        "Row 2, “单位名称”: Ensure this value has at most 100 characters (it has 200)."
    ]
    assert not Unit.objects.exists()


def test_a_code_with_spaces_or_symbols_is_refused(town):
    preview = run("units", [UNIT_HEADER, ["Q 01", "测试镇", "town", 1]])
    assert messages(preview) == [
        "Row 2, “单位代码”: Use letters, digits, '-' or '_' only, starting with a letter or digit."
    ]


def test_categories_methods_and_aggregations_by_code_or_chinese_name(town, economic):
    header = [
        "年度",
        "单位类别",
        "指标代码",
        "指标名称",
        "指标分组",
        "分值",
        "计分方法",
        "汇总方式",
    ]
    rows = [
        header,
        [2027, "TOWN", "A", "甲", "组", 10, "控制类", "取最新值"],
        [2027, "经济部门", "B", "乙", "组", 10, "City_Rank", "sum"],
        [2027, "乡镇", "C", "丙", "组", 10, "排名", "平均"],
    ]
    preview = run("indicators", rows)
    assert messages(preview) == [
        "Row 4, “单位类别”: There is no unit category “乡镇”: use one of town 镇街、"
        "economic 经济部门、management 综合管理部门、social 社会事业部门.",
        "Row 4, “计分方法”: “排名” is not a scoring method. Use one of: 完成率 (completion)、"
        "控制类 (ceiling)、增量 (increment)、基数比例 (base_ratio)、全市排名 (city_rank)、"
        "定性评价 (graded)、测评 (survey)、加分 (bonus)、扣分 (deduction)、一票否决 (veto)、"
        "取消评优 (disqualify).",
        "Row 4, “汇总方式”: “平均” is not an aggregation. Use one of: 累计求和 (sum)、"
        "取最新值 (latest).",
    ]
    del rows[3]
    assert run("indicators", rows).committed
    found = {i.code: (i.category.code, i.method, i.aggregation) for i in Indicator.objects.all()}
    assert found == {"A": ("town", "ceiling", "latest"), "B": ("economic", "city_rank", "sum")}


def test_rank_kind_and_status_take_their_defaults_and_chinese_names(unit_a):
    rows = [["unit", "name", "position", "rank_kind"], ["A01", "张三", "书记", "正职"]]
    rows += [["A01", "李四", "副镇长", None]]
    assert run("cadres", rows).committed
    assert dict(Cadre.objects.values_list("name", "rank_kind")) == {
        "张三": "principal",
        "李四": "deputy",
    }
    preview = run("cadres", [["unit", "name", "position", "正副职"], ["A01", "王五", "x", "主任"]])
    assert messages(preview) == [
        "Row 2, “正副职”: “主任” is neither principal (正职) nor deputy (副职)."
    ]


# --- ranges -----------------------------------------------------------------------------------


def test_grades_ranks_surveys_and_evaluations_out_of_range_are_refused(scheme):
    grades = run("grades", [["年度", "单位代码", "指标代码", "等级"], [2026, "A01", "PARTY", "E"]])
    assert messages(grades) == ["Row 2, “等级”: “E” is not a grade: use A, B, C or D."]
    ranks = run(
        "city_ranks",
        [["年度", "单位代码", "指标代码", "名次", "参评总数"], [2026, "A01", "RANK", 13, 12]],
    )
    assert messages(ranks) == ["Row 2, “名次”: The rank 13 is beyond the number ranked (12)."]
    surveys = run(
        "surveys", [["年度", "单位代码", "指标代码", "得分率"], [2026, "A01", "SAT", 120]]
    )
    assert messages(surveys) == ["Row 2, “得分率”: Ensure this value is less than or equal to 100."]
    scores = run("evaluations", [["年度", "单位代码", "测评得分"], [2026, "A01", "101分"]])
    assert messages(scores) == [
        "Row 2, “测评得分”: Ensure this value is less than or equal to 100."
    ]
    assert not (Grade.objects.exists() or CityRank.objects.exists() or SurveyRate.objects.exists())
    assert not TeamEvaluation.objects.exists()


def test_good_grades_ranks_and_scores_are_stored(scheme):
    assert run(
        "grades", [["年度", "单位代码", "指标代码", "等级"], [2026, "A01", "PARTY", "ｂ"]]
    ).ok
    assert Grade.objects.get().grade == "B"
    rows = [["year", "unit", "indicator", "rank", "total"], [2026, "A01", "RANK", 3, 12]]
    assert run("city_ranks", rows).ok
    assert (CityRank.objects.get().rank, CityRank.objects.get().total) == (3, 12)
    assert run("evaluations", [["年度", "单位代码", "测评得分"], [2026, "A01", "88.5分"]]).ok
    assert TeamEvaluation.objects.get().score == Decimal("88.5")


def test_an_indicator_scored_otherwise_takes_no_grade(scheme):
    preview = run("grades", [["年度", "单位代码", "指标代码", "等级"], [2026, "A01", "SAT", "A"]])
    assert messages(preview) == [
        "Row 2, “指标代码”: Indicator SAT is scored by “survey rate (测评)”, not by "
        "“qualitative grade (定性评价)”."
    ]


def test_every_error_of_the_file_is_listed_not_only_the_first(scheme):
    rows = [["年度", "单位代码", "指标代码", "目标值"]]
    rows += [[2026, "A01", "GDP", "x"], ["twenty", "ZZ9", "GDP", 1], [2026, "B01", "NOPE", -1]]
    preview = workbook_preview(
        kind="targets", data=xlsx_bytes(rows), file_name="t.xlsx", user=None, reason="r"
    )
    assert messages(preview) == [
        "Row 2, “目标值”: “x” is not a number.",
        "Row 3, “年度”: “twenty” is not a year.",
        "Row 3, “单位代码”: There is no unit with the code “ZZ9”: check the code, or import "
        "the unit first.",
        "Row 4, “指标代码”: 2026 has no indicator with the code “NOPE”: check the code, or "
        "import the indicator first.",
    ]
    assert [row.status for row in preview.rows] == [RowStatus.ERROR] * 3
    assert AssessmentYear.objects.count() == 1
