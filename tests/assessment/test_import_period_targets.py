"""The ``targets`` workbook's optional 期间 / period column: a blank period is the year's target,
a named one the cumulative target by that period's end (a figure, or a share such as 45%)."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal as D

import openpyxl
import pytest
from django.utils import translation

from assessment.imports import workbook_import, workbook_preview
from assessment.imports.workbooks import template_workbook
from assessment.models import PeriodTarget, Target
from assessment.services import warnings as service
from tests.imports_helpers import make_scheme, xlsx_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

HEADERS = ["年度", "单位代码", "指标代码", "期间", "目标值"]


@pytest.fixture
def scheme(town, economic, unit_a, unit_b, lead_unit):
    return make_scheme(status="setup", town=town, economic=economic, lead_unit=lead_unit)


@pytest.fixture
def periods(scheme, office_user):
    return service.periods_create(year=scheme, by=office_user)


def run(rows, **kwargs):
    return workbook_import(
        kind="targets", data=xlsx_bytes(rows), file_name="targets.xlsx", user=None, **kwargs
    )


def messages(preview) -> list[str]:
    assert not preview.committed
    return [str(error) for error in preview.errors]


def test_a_blank_period_is_the_years_target_and_a_named_one_a_period_target(periods):
    rows = [
        HEADERS,
        [2026, "A01", "GDP", None, 1000],
        [2026, "A01", "GDP", "Q2", "45%"],
        [2026, "A01", "GDP", "q3", 700],
    ]
    preview = run(rows)
    assert preview.committed and preview.counts["new"] == 3
    assert Target.objects.get().target == D(1000)
    q2, q3 = periods[1], periods[2]
    assert PeriodTarget.objects.get(period=q2).share == D("0.45")
    assert PeriodTarget.objects.get(period=q2).value is None
    assert PeriodTarget.objects.get(period=q3).value == D(700)
    # the same file again changes nothing
    again = run(rows)
    assert again.counts["unchanged"] == 3 and again.counts["new"] == 0


def test_a_period_target_typed_again_as_a_figure_is_a_change(periods):
    run([HEADERS, [2026, "A01", "GDP", "Q2", "45%"]])
    preview = workbook_preview(
        kind="targets",
        data=xlsx_bytes([HEADERS, [2026, "A01", "GDP", "Q2", 450]]),
        file_name="t.xlsx",
        user=None,
    )
    [row] = preview.rows
    assert row.status == "changed"
    assert [(c.column, c.before, c.after) for c in row.changes] == [
        ("目标值", "0.45", ""),
        ("目标值", "", "450"),
    ]


def test_period_rows_are_checked_and_nothing_is_written(periods, office_user):
    service.period_close(period=periods[0], by=office_user, today=datetime.date(2026, 4, 1))
    rows = [
        ["年度", "单位代码", "指标代码", "期间", "目标值", "基数"],
        [2026, "A01", "GDP", "Q9", 100, None],
        [2026, "A01", "GDP", "Q1", 100, None],
        [2026, "A01", "GDP", "Q2", None, None],
        [2026, "A01", "GDP", "Q2", 450, 10],
        [2026, "A01", "SAT", "Q3", 80, None],
        [2026, "A01", "GDP", None, "45%", None],
        [2026, "B01", "GDP", "Q3", "120%", None],
    ]
    assert messages(run(rows)) == [
        "Row 2, “期间”: The 2026 year has no period of this name (its periods: Q1、Q2、Q3、Q4).",
        "Row 3, “期间”: The period is closed: its colours are kept as they were.",
        "Row 4, “目标值”: A period's row needs its cumulative target.",
        "Row 5, “基数”: Leave this blank on a period's row: it belongs to the year's.",
        "Row 6, “指标代码”: This indicator has no period targets: only targeted indicators are "
        "coloured.",
        "Row 7, “目标值”: A share of the year's target belongs on a period's row.",
        "Row 8, “目标值”: Ensure this value is less than or equal to 1.",
    ]
    assert not PeriodTarget.objects.exists() and not Target.objects.exists()


def test_a_period_before_the_year_has_periods_says_where_they_are_set(scheme):
    assert messages(run([HEADERS, [2026, "A01", "GDP", "Q2", 450]])) == [
        "Row 2, “期间”: The 2026 year has no reporting periods yet: the office sets them on the "
        "warnings page."
    ]


def test_the_errors_are_in_chinese_for_a_chinese_user(periods):
    with translation.override("zh-hans"):
        [error] = run([HEADERS, [2026, "A01", "GDP", "Q9", 450]]).errors
        assert "期间" in str(error) and "Q1、Q2、Q3、Q4" in str(error)
        assert "2026 年度没有名为" in str(error)


def test_the_template_offers_the_period_column_and_shows_period_rows(scheme):
    workbook = openpyxl.load_workbook(io.BytesIO(template_workbook("targets")))
    first, examples = workbook.worksheets[0], workbook.worksheets[1]
    assert [cell.value for cell in first[1]][:5] == [
        "年度",
        "单位代码",
        "指标代码",
        "期间",
        "目标值",
    ]
    rows = [[cell.value for cell in row][:5] for row in examples.iter_rows(min_row=2)]
    year = rows[0][0]
    assert rows == [
        [year, "TO01", "GDP", None, 12000],
        [year, "TO01", "GDP", "Q2", "45%"],
        [year, "TO01", "GDP", "Q3", 8400],
    ]
