"""Running totals of the evidence (``assessment.models.totals``): what a computation reads
instead of summing every record, kept right by every way a record is written.

Hand-built: 甲镇 (unit_a) reports GDP (summed) and a level (its latest figure) in 2026.
"""

from __future__ import annotations

import datetime
import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from assessment import scoring
from assessment.models import Evidence, EvidenceStatus, Indicator, RunningTotal
from assessment.services.compute import results_compute, run_matches_inputs, year_data
from assessment.services.evidence import evidence_correct, evidence_record, evidence_verify
from tests.assessment.factories import IndicatorFactory, TargetFactory
from tests.factories import UnitFactory
from tests.races import race

pytestmark = [pytest.mark.django_db]

D = Decimal
MARCH, JUNE = datetime.date(2026, 3, 31), datetime.date(2026, 6, 30)


@pytest.fixture
def gdp(year, town):
    return IndicatorFactory(year=year, category=town, code="GDP", name="地区生产总值")


@pytest.fixture
def level(year, town):
    return IndicatorFactory(
        year=year, category=town, code="LVL", name="水质达标率", aggregation="latest"
    )


def read(year, unit, indicator) -> scoring.EvidenceTotal | None:
    """What a computation of ``year`` reads for the unit and indicator (from the totals)."""
    return year_data(year, progress_only=True).inputs.evidence.get((unit.code, indicator.code))


def verified(unit, indicator, value, day, **fields) -> Evidence:
    return Evidence.objects.create(
        unit=unit, indicator=indicator, value=value, date=day, description="月报",
        status=EvidenceStatus.VERIFIED, **fields,
    )  # fmt: skip


def test_recording_verifying_correcting_and_rejecting_keep_the_total(
    year, unit_a, gdp, reporter_a, office_user
):
    def record(value, day):
        return evidence_record(
            unit=unit_a, indicator=gdp, date=day, value=D(value), description="月报", by=reporter_a
        )

    with CaptureQueriesContext(connection) as queries:
        march = record(100, MARCH)
    # a new record pending verification counts for nothing: no total is written for it
    assert not [q for q in queries.captured_queries if RunningTotal._meta.db_table in q["sql"]]
    june = record(250, JUNE)
    assert read(year, unit_a, gdp) is None

    evidence_verify(record=march, by=office_user, accept=True)
    assert read(year, unit_a, gdp) == scoring.EvidenceTotal(value=D(100), records=1)
    evidence_verify(record=june, by=office_user, accept=True)
    assert read(year, unit_a, gdp) == scoring.EvidenceTotal(value=D(350), records=2)

    # June's 250 corrected to 300: the correction waits for verification, 250 no longer counts
    correction = evidence_correct(
        record=june, value=D(300), description="更正", reason="录入错误", by=reporter_a
    )
    assert read(year, unit_a, gdp) == scoring.EvidenceTotal(value=D(100), records=1)
    evidence_verify(record=correction, by=office_user, accept=True)
    assert read(year, unit_a, gdp) == scoring.EvidenceTotal(value=D(400), records=2)

    evidence_verify(record=record(80, JUNE), by=office_user, accept=False, reason="无佐证")
    assert read(year, unit_a, gdp) == scoring.EvidenceTotal(value=D(400), records=2)


def test_the_latest_figure_is_the_latest_date_then_the_one_recorded_last(year, unit_a, level):
    verified(unit_a, level, 95, MARCH)
    verified(unit_a, level, 97, JUNE)
    verified(unit_a, level, 96, JUNE)  # same day, recorded after 97
    verified(unit_a, level, 99, datetime.date(2027, 1, 5))  # next year's: not this year's
    verified(unit_a, level, 98, MARCH)  # recorded last, but of an earlier date

    assert read(year, unit_a, level) == scoring.EvidenceTotal(value=D(96), records=4)


def test_bulk_writes_updates_and_deletions_keep_the_total(year, unit_a, unit_b, gdp):
    def new(unit, value, status=EvidenceStatus.VERIFIED):
        return Evidence(
            unit=unit, indicator=gdp, value=D(value), date=MARCH, description="导入", status=status
        )

    Evidence.objects.bulk_create(
        [new(unit_a, 10), new(unit_a, 20), new(unit_a, 30), new(unit_b, 5, "pending")]
    )
    assert read(year, unit_a, gdp) == scoring.EvidenceTotal(value=D(60), records=3)
    assert read(year, unit_b, gdp) is None  # pending

    Evidence.objects.filter(unit=unit_b).update(status=EvidenceStatus.VERIFIED)
    assert read(year, unit_b, gdp) == scoring.EvidenceTotal(value=D(5), records=1)

    thirty = Evidence.objects.get(unit=unit_a, value=D(30))
    thirty.is_waived = True  # a confirmed fault-tolerance waiver
    Evidence.objects.bulk_update([thirty], ["is_waived"])
    assert read(year, unit_a, gdp) == scoring.EvidenceTotal(value=D(30), records=2)

    Evidence.objects.filter(unit=unit_a, value=D(10)).delete()
    Evidence.objects.get(unit=unit_a, value=D(20)).delete()
    assert read(year, unit_a, gdp) is None
    assert not RunningTotal.objects.filter(unit=unit_a).exists()
    # an edit of what no total reads writes no total
    Evidence.objects.filter(unit=unit_b).update(description="已核")
    assert read(year, unit_b, gdp) == scoring.EvidenceTotal(value=D(5), records=1)


def test_naming_a_data_source_counts_only_its_figures_without_rewriting_a_total(
    year, unit_a, gdp, economic
):
    stats = UnitFactory(code="TJ01", name="区统计局", category=economic)
    verified(unit_a, gdp, 480, JUNE)  # the town's own figure
    verified(unit_a, gdp, 500, JUNE, data_source=stats)  # the bureau's, recorded after
    assert read(year, unit_a, gdp) == scoring.EvidenceTotal(value=D(980), records=2)
    kept = list(RunningTotal.objects.values_list("sourced", "total").order_by("sourced"))

    Indicator.objects.filter(pk=gdp.pk).update(source_unit=stats)
    assert read(year, unit_a, gdp) == scoring.EvidenceTotal(value=D(500), records=1)
    Indicator.objects.filter(pk=gdp.pk).update(source_unit=None)
    assert read(year, unit_a, gdp) == scoring.EvidenceTotal(value=D(980), records=2)
    assert list(RunningTotal.objects.values_list("sourced", "total").order_by("sourced")) == kept


def test_a_latest_figure_on_an_indicator_without_a_source_is_the_latest_of_both_kinds(
    year, unit_a, unit_b, level, economic
):
    stats = UnitFactory(code="TJ01", name="区统计局", category=economic)
    verified(unit_a, level, 91, JUNE, data_source=stats)
    verified(unit_a, level, 93, MARCH)
    verified(unit_b, level, 91, MARCH, data_source=stats)
    verified(unit_b, level, 93, JUNE)
    assert read(year, unit_a, level) == scoring.EvidenceTotal(value=D(91), records=2)
    assert read(year, unit_b, level) == scoring.EvidenceTotal(value=D(93), records=2)


def test_a_total_changed_behind_the_computations_back_shows_in_the_honesty_check(
    year, unit_a, gdp, office_user, settings
):
    TargetFactory(indicator=gdp, unit=unit_a, target=D(500))
    verified(unit_a, gdp, 400, JUNE)
    run = results_compute(year=year, by=office_user)
    assert run.units.get().scores["GDP"] == "16.00"  # 400 of 500, of 20 points
    assert run_matches_inputs(run)

    with connection.cursor() as cursor:  # a raw edit of the derived table
        cursor.execute(f"UPDATE {RunningTotal._meta.db_table} SET total = 500")
    # the suite's computations check the totals themselves and refuse
    with pytest.raises(AssertionError, match="running totals differ from the records"):
        results_compute(year=year, by=office_user, reason="复核")
    settings.RUNNING_TOTALS_CHECK = False  # as in service: the computation reads 500 …
    run = results_compute(year=year, by=office_user, reason="复核")
    assert run.units.get().scores["GDP"] == "20.00"
    assert not run_matches_inputs(run)  # … and the run is shown not to match the records

    RunningTotal.objects.rebuild()  # what the office's rebuild restores
    assert read(year, unit_a, gdp) == scoring.EvidenceTotal(value=D(400), records=1)


def test_a_rebuild_gives_the_totals_the_writes_kept(year, unit_a, unit_b, gdp, level):
    for unit, indicator, value, day in [
        (unit_a, gdp, 10, MARCH), (unit_a, gdp, 15, JUNE), (unit_b, gdp, 7, JUNE),
        (unit_a, level, 88, MARCH), (unit_a, level, 90, JUNE),
    ]:  # fmt: skip
        verified(unit, indicator, value, day)
    columns = ["unit_id", "indicator_id", "sourced", "total", "records", "latest_value"]
    kept = sorted(RunningTotal.objects.values_list(*columns))
    assert [row[3:] for row in kept] == [(D(25), 2, D(15)), (D(178), 2, D(90)), (D(7), 1, D(7))]

    RunningTotal.objects.all().delete()
    RunningTotal.objects.rebuild()

    assert sorted(RunningTotal.objects.values_list(*columns)) == kept


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_writers_of_one_unit_at_once_lose_neither_record(unit_a, town):
    from assessment.models import AssessmentYear, YearStatus

    year = AssessmentYear.objects.create(year=2026, status=YearStatus.COLLECTING)
    gdp = IndicatorFactory(year=year, category=town, code="GDP")
    barrier = threading.Barrier(2, timeout=30)

    def write(value: str) -> str:
        record = Evidence(
            unit=unit_a, indicator=gdp, value=D(value), date=JUNE, description="导入",
            status=EvidenceStatus.VERIFIED,
        )  # fmt: skip
        barrier.wait()  # both start at once
        with transaction.atomic():
            # a bulk write: no history row, so no wait for the audit chain's lock either
            Evidence.objects.bulk_create([record])
            time.sleep(0.3)  # still uncommitted while the other writes
        return "written"

    assert race(write, ["100", "250"]) == {"100": "written", "250": "written"}
    assert read(year, unit_a, gdp) == scoring.EvidenceTotal(value=D(350), records=2)


def test_the_check_command_names_a_wrong_total_and_the_rebuild_mends_it(year, unit_a, gdp):
    import io

    from django.core.management import CommandError, call_command

    verified(unit_a, gdp, 400, JUNE)
    out = io.StringIO()
    call_command("check_totals", stdout=out)
    assert "累计值无误：共 1 项" in out.getvalue()

    RunningTotal.objects.update(total=D(450))  # behind the records' back
    out = io.StringIO()
    with pytest.raises(CommandError, match="有 1 项累计值与平时记录不符"):
        call_command("check_totals", stdout=out)
    assert (
        "甲镇，2026 GDP：累计值为450（1 条，最新值 400），按平时记录应为400（1 条，最新值 400）。"
        in out.getvalue()
    )

    out = io.StringIO()
    call_command("check_totals", "--rebuild", stdout=out)
    assert "累计值无误：共 1 项" in out.getvalue()
    assert read(year, unit_a, gdp) == scoring.EvidenceTotal(value=D(400), records=1)
