"""Codes are resolved once per referenced kind for the whole file, never once per row."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessment.imports import workbook_import, workbook_preview
from assessment.models import AssessmentYear, Indicator, Target
from tests.imports_helpers import xlsx_bytes
from units.models import Unit

pytestmark = pytest.mark.django_db

HEADER = ["年度", "单位代码", "指标代码", "目标值", "基数"]


@pytest.fixture
def district(town) -> tuple[list[Unit], list[Indicator]]:
    """30 towns and 10 indicators: 300 targets."""
    year = AssessmentYear.objects.create(year=2026)
    units = Unit.objects.bulk_create(
        Unit(code=f"T{n:02d}", name=f"第{n}镇", category=town, headcount=10) for n in range(30)
    )
    indicators = Indicator.objects.bulk_create(
        Indicator(
            year=year, category=town, code=f"I{n}", name=f"指标{n}", points=10, method="completion"
        )
        for n in range(10)
    )
    return units, indicators


def targets_file(units: list[Unit], indicators: list[Indicator]) -> bytes:
    rows: list[list[object]] = [HEADER]
    for unit in units:
        rows += [[2026, unit.code, i.code, "1,000", 900] for i in indicators]
    return xlsx_bytes(rows)


def preview_queries(data: bytes) -> int:
    with CaptureQueriesContext(connection) as queries:
        preview = workbook_preview(kind="targets", data=data, file_name="t.xlsx", user=None)
    assert preview.ok, preview.errors
    return len(queries)


def test_a_preview_makes_as_many_queries_for_300_rows_as_for_3(district):
    units, indicators = district
    small = preview_queries(targets_file(units[:1], indicators[:3]))
    large = preview_queries(targets_file(units, indicators))
    assert small == large <= 8


def test_importing_300_targets_takes_a_bounded_number_of_queries(
    district, django_assert_max_num_queries
):
    units, indicators = district
    data = targets_file(units, indicators)
    # Reads: year, units, indicators, existing targets; writes: targets and their history in
    # SQLite-sized batches (999 parameters), the log, and the transaction's savepoints.
    with django_assert_max_num_queries(15):
        preview = workbook_import(kind="targets", data=data, file_name="t.xlsx", user=None)
    assert preview.committed and preview.counts["new"] == 300
    assert Target.objects.count() == Target.history.count() == 300
    with django_assert_max_num_queries(8):
        again = workbook_import(kind="targets", data=data, file_name="t.xlsx", user=None)
    assert again.counts["unchanged"] == 300
