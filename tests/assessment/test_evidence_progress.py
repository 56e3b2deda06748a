"""A unit's home page reads: what is overdue, and the projected score so far (hand-worked)."""

import datetime
from decimal import Decimal

import pytest

from assessment.models import (
    AssessmentYear,
    CityRank,
    Evidence,
    EvidenceStatus,
    Grade,
    SurveyRate,
    YearStatus,
)
from assessment.selectors.evidence import indicators_overdue, unit_progress
from tests.assessment.factories import IndicatorFactory, TargetFactory, YearFactory

pytestmark = pytest.mark.django_db

D = Decimal
V, P, R = EvidenceStatus.VERIFIED, EvidenceStatus.PENDING, EvidenceStatus.REJECTED


@pytest.fixture
def year(db):
    return YearFactory(year=2026, status=YearStatus.COLLECTING, reporting_period_days=31)


def add(unit, indicator, day, value, status=V, **fields):
    return Evidence.objects.create(
        unit=unit,
        indicator=indicator,
        date=datetime.date(2026, *day),
        value=D(value),
        description="记录",
        status=status,
        **fields,
    )


# --- overdue ----------------------------------------------------------------------------------


def test_an_indicator_is_overdue_once_its_latest_record_is_older_than_the_period(
    year, town, unit_a
):
    gdp = IndicatorFactory(year=year, category=town, code="GDP")
    add(unit_a, gdp, (3, 1), 100)
    add(unit_a, gdp, (2, 1), 100)

    # 1 March + 31 days = 1 April: exactly the period, not yet overdue; a day later it is.
    assert indicators_overdue(unit=unit_a, year=year, today=datetime.date(2026, 4, 1)) == []
    (late,) = indicators_overdue(unit=unit_a, year=year, today=datetime.date(2026, 4, 2))
    assert (late.indicator, late.last_date, late.days) == (gdp, datetime.date(2026, 3, 1), 32)


def test_any_record_counts_as_reported_whatever_its_status(year, town, unit_a):
    gdp = IndicatorFactory(year=year, category=town, code="GDP")
    add(unit_a, gdp, (1, 10), 100)
    add(unit_a, gdp, (3, 20), 5, status=R)
    add(unit_a, gdp, (3, 25), 5, status=P, is_current=False)

    assert indicators_overdue(unit=unit_a, year=year, today=datetime.date(2026, 4, 20)) == []


def test_without_any_record_an_indicator_is_overdue_once_the_period_has_passed(year, town, unit_a):
    gdp = IndicatorFactory(year=year, category=town, code="GDP")

    assert indicators_overdue(unit=unit_a, year=year, today=datetime.date(2026, 2, 1)) == []
    (late,) = indicators_overdue(unit=unit_a, year=year, today=datetime.date(2026, 2, 2))
    assert (late.indicator, late.last_date, late.days) == (gdp, None, 32)


def test_only_the_units_indicators_whose_silence_is_a_gap_can_be_overdue(
    year, town, economic, unit_a, unit_b
):
    gdp = IndicatorFactory(year=year, category=town, code="GDP", method="completion")
    growth = IndicatorFactory(year=year, category=town, code="GROWTH", method="increment")
    for method in ("ceiling", "bonus", "deduction", "veto", "graded", "city_rank", "survey"):
        IndicatorFactory(year=year, category=town, code=method.upper()[:8], method=method)
    IndicatorFactory(year=year, category=economic, code="TAX")
    other_year = YearFactory(year=2025)
    IndicatorFactory(year=other_year, category=town, code="OLD")
    add(unit_b, gdp, (6, 1), 1)  # another unit's record does not help unit A

    overdue = indicators_overdue(unit=unit_a, year=year, today=datetime.date(2026, 7, 1))
    assert [o.indicator for o in overdue] == [gdp, growth]


def test_a_ceiling_indicator_with_no_records_is_not_overdue(year, town, unit_a):
    # No accident recorded all year is good news, not a gap in the reporting.
    IndicatorFactory(year=year, category=town, code="ACCIDENT", method="ceiling")

    assert indicators_overdue(unit=unit_a, year=year, today=datetime.date(2026, 11, 30)) == []


@pytest.mark.parametrize("method", ["bonus", "deduction", "veto"])
def test_bonus_and_failure_indicators_are_never_overdue(year, town, unit_a, method):
    indicator = IndicatorFactory(year=year, category=town, code="X", method=method)
    add(unit_a, indicator, (1, 5), 1)

    assert indicators_overdue(unit=unit_a, year=year, today=datetime.date(2026, 12, 31)) == []


@pytest.mark.parametrize("status", [YearStatus.SETUP, YearStatus.SCORING, YearStatus.PUBLISHED])
def test_no_reporting_alarm_while_the_year_does_not_collect_records(year, town, unit_a, status):
    IndicatorFactory(year=year, category=town, code="GDP")  # nothing recorded since 1 January
    year.status = status
    year.save(update_fields=["status"])

    assert indicators_overdue(unit=unit_a, year=year, today=datetime.date(2026, 7, 1)) == []


def test_a_past_year_is_judged_at_its_last_day(year, town, unit_a):
    gdp = IndicatorFactory(year=year, category=town, code="GDP")
    add(unit_a, gdp, (12, 15), 1)
    assert indicators_overdue(unit=unit_a, year=year, today=datetime.date(2027, 6, 1)) == []


# --- projected score --------------------------------------------------------------------------


def by_code(progress):
    return {row.indicator.code: row for row in progress.indicators}


def test_completion_counts_verified_current_records_and_shows_pending_apart(year, town, unit_a):
    gdp = IndicatorFactory(year=year, category=town, code="GDP", points=D(20))
    TargetFactory(indicator=gdp, unit=unit_a, target=D(500))
    add(unit_a, gdp, (2, 1), 200)
    add(unit_a, gdp, (3, 1), 250)
    add(unit_a, gdp, (4, 1), 100, status=P)
    add(unit_a, gdp, (4, 2), 70, status=P)
    add(unit_a, gdp, (4, 3), 999, status=R)
    add(unit_a, gdp, (1, 5), 999, is_current=False)  # superseded by a correction

    row = by_code(unit_progress(unit=unit_a, year=year))["GDP"]

    assert (row.target, row.verified, row.verified_records) == (D(500), D(450), 2)
    assert (row.pending, row.pending_records) == (D(170), 2)
    assert row.ratio == D("0.9000")  # 450 / 500
    assert row.projected == D("18.00")  # 20 × 0.9


def test_the_latest_aggregation_and_a_ceiling(year, town, unit_a):
    energy = IndicatorFactory(
        year=year, category=town, code="ENERGY", method="ceiling", aggregation="latest"
    )
    energy.points = D(10)
    energy.save()
    TargetFactory(indicator=energy, unit=unit_a, target=D(100))
    add(unit_a, energy, (6, 30), 120)
    add(unit_a, energy, (3, 31), 80)

    row = by_code(unit_progress(unit=unit_a, year=year))["ENERGY"]

    assert (row.verified, row.verified_records) == (D(120), 2)  # June's figure, not March's
    assert row.ratio == D("1.2000")
    assert row.projected == D("8.00")  # 10 × (2 − 1.2)


def test_increment_and_base_ratio(year, town, unit_a, unit_b):
    growth = IndicatorFactory(year=year, category=town, code="GROW", method="increment")
    TargetFactory(indicator=growth, unit=unit_a, target=D(150), base=D(100))
    add(unit_a, growth, (5, 1), 125)
    share = IndicatorFactory(year=year, category=town, code="SHARE", method="base_ratio")
    share.points = D(10)
    share.save()
    TargetFactory(indicator=share, unit=unit_a, target=None, base=D(200))
    TargetFactory(indicator=share, unit=unit_b, target=None, base=D(100))
    add(unit_a, share, (5, 1), 50)
    add(unit_b, share, (5, 1), 30)
    add(unit_b, share, (6, 1), 20)
    add(unit_b, share, (7, 1), 500, status=P)  # pending: not compared yet

    rows = by_code(unit_progress(unit=unit_a, year=year))

    # 20 × (0.5 × 125/150 + 0.5 × 25/50) = 20 × 0.66666… = 13.33
    assert rows["GROW"].projected == D("13.33")
    assert rows["GROW"].ratio == D("0.8333")
    # A: 50/200 = 0.25; B: 50/100 = 0.5 is the best → 10 × 0.25 / 0.5 = 5.00
    assert rows["SHARE"].projected == D("5.00")
    assert rows["SHARE"].ratio == D("0.2500")


def test_bonus_deduction_and_veto(year, town, unit_a):
    bonus = IndicatorFactory(year=year, category=town, code="BON", method="bonus", points=D(3))
    deduction = IndicatorFactory(
        year=year, category=town, code="DED", method="deduction", points=D(5)
    )
    veto = IndicatorFactory(year=year, category=town, code="VETO", method="veto", points=D(0))
    add(unit_a, bonus, (4, 1), 2)
    add(unit_a, bonus, (9, 1), 2)
    add(unit_a, deduction, (5, 1), "1.5")
    add(unit_a, veto, (8, 1), 1, status=P)

    progress = unit_progress(unit=unit_a, year=year)
    rows = by_code(progress)

    assert rows["BON"].projected == D("3.00")  # min(4, 3)
    assert rows["DED"].projected == D("-1.50")
    assert rows["VETO"].projected is None
    assert not progress.vetoed  # a pending veto proposal does not count

    confirmed = Evidence.objects.get(indicator=veto)
    confirmed.status = V
    confirmed.save()
    assert unit_progress(unit=unit_a, year=year).vetoed


def test_assessed_indicators_use_the_imported_values(year, town, unit_a, unit_b):
    rank = IndicatorFactory(year=year, category=town, code="RANK", method="city_rank")
    rank.points = D(10)
    rank.save()
    graded = IndicatorFactory(year=year, category=town, code="GRADE", method="graded")
    graded.points = D(10)
    graded.save()
    survey = IndicatorFactory(year=year, category=town, code="SURVEY", method="survey")
    missing = IndicatorFactory(year=year, category=town, code="NOGRADE", method="graded")
    CityRank.objects.create(indicator=rank, unit=unit_a, rank=3, total=10)
    Grade.objects.create(indicator=graded, unit=unit_a, grade="B")
    Grade.objects.create(indicator=missing, unit=unit_b, grade="A")  # another unit's
    SurveyRate.objects.create(indicator=survey, unit=unit_a, rate=D("92.5"))

    rows = by_code(unit_progress(unit=unit_a, year=year))

    assert rows["RANK"].projected == D("8.00")  # 10 − (10/10) × 2
    assert rows["GRADE"].projected == D("8.50")  # 10 × 0.85
    assert rows["SURVEY"].projected == D("18.50")  # 20 × 0.925
    assert rows["NOGRADE"].projected is None


def test_the_years_grade_factors_apply(year, town, unit_a):
    year.grade_b = D("0.80")
    year.save()
    graded = IndicatorFactory(year=year, category=town, code="GRADE", method="graded")
    Grade.objects.create(indicator=graded, unit=unit_a, grade="B")

    assert by_code(unit_progress(unit=unit_a, year=year))["GRADE"].projected == D("16.00")


def test_without_a_target_nothing_is_projected_and_the_total_adds_what_is(year, town, unit_a):
    gdp = IndicatorFactory(year=year, category=town, code="GDP", points=D(20))
    TargetFactory(indicator=gdp, unit=unit_a, target=D(400))
    add(unit_a, gdp, (2, 1), 100)
    IndicatorFactory(year=year, category=town, code="NOTARGET", points=D(20))
    bonus = IndicatorFactory(year=year, category=town, code="BON", method="bonus", points=D(3))
    add(unit_a, bonus, (2, 1), 1)

    progress = unit_progress(unit=unit_a, year=year)
    rows = by_code(progress)

    assert rows["NOTARGET"].projected is None and rows["NOTARGET"].ratio is None
    assert (rows["NOTARGET"].verified, rows["NOTARGET"].pending) == (0, 0)
    assert progress.projected_total == D("6.00")  # 20 × 100/400 + 1


def test_another_years_or_units_records_do_not_count(year, town, unit_a, unit_b):
    gdp = IndicatorFactory(year=year, category=town, code="GDP", points=D(20))
    TargetFactory(indicator=gdp, unit=unit_a, target=D(100))
    add(unit_b, gdp, (2, 1), 100)
    Evidence.objects.create(
        unit=unit_a,
        indicator=gdp,
        date=datetime.date(2025, 12, 31),
        value=100,
        description="旧数据",
        status=V,
    )
    assert by_code(unit_progress(unit=unit_a, year=year))["GDP"].projected == D("0.00")


def test_the_whole_unit_is_read_in_a_few_queries(
    year, town, unit_a, unit_b, django_assert_max_num_queries
):
    methods = ["completion", "ceiling", "increment", "base_ratio", "city_rank", "graded"]
    methods += ["survey", "bonus", "deduction", "veto"]
    for n in range(30):
        method = methods[n % len(methods)]
        indicator = IndicatorFactory(year=year, category=town, code=f"I{n:02d}", method=method)
        for unit in (unit_a, unit_b):
            TargetFactory(indicator=indicator, unit=unit, target=D(200), base=D(100))
            add(unit, indicator, (3, 1), 150)
            add(unit, indicator, (4, 1), 10, status=P)
    fresh = AssessmentYear.objects.get(pk=year.pk)

    # scheme, catalogue items, targets, records, ranks, grades, rates, and base_ratio's bases
    # and records
    with django_assert_max_num_queries(9):
        progress = unit_progress(unit=unit_a, year=fresh)
        assert len(progress.indicators) == 30
        assert progress.projected_total > 0
