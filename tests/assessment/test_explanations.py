"""Score explanations: every rule with hand-worked numbers, stored with each unit result and
worded when read.

The text is worded in the site's language; these tests set it to English (the msgids).
"""

import datetime
from decimal import Decimal

import pytest

from assessment.lib.explanations import (
    explanation_text,
    full_detail,
    percent,
    plain,
    stored_explanations,
)
from assessment.models import (
    CityRank,
    ComputationRun,
    Evidence,
    EvidenceStatus,
    Grade,
    SurveyRate,
    UnitResult,
    YearStatus,
)
from assessment.services.compute import results_compute
from tests.assessment.factories import IndicatorFactory, TargetFactory, YearFactory

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture(autouse=True)
def _english_site(settings):
    settings.LANGUAGE_CODE = "en"


def _records(unit, indicator, *values, status=EvidenceStatus.VERIFIED):
    for n, value in enumerate(values, start=1):
        Evidence.objects.create(
            unit=unit, indicator=indicator, date=datetime.date(2026, n, 15), value=D(str(value)),
            description=f"记录{n}", status=status,
        )  # fmt: skip


@pytest.fixture
def details(town, unit_a, unit_b):
    """Every method once for 甲镇 (A01) and 乙镇 (B01); see each test for the numbers."""
    year = YearFactory(year=2026, status=YearStatus.SCORING)

    def indicator(code, method, points, **extra):
        return IndicatorFactory(
            year=year, category=town, code=code, method=method, points=D(points), **extra
        )

    gdp = indicator("GDP", "completion", 20)
    TargetFactory(indicator=gdp, unit=unit_a, target=D(500))
    TargetFactory(indicator=gdp, unit=unit_b, target=D(400))
    _records(unit_a, gdp, 120, 180, 160)
    _records(unit_b, gdp, 480)
    _records(unit_b, gdp, 1000, status=EvidenceStatus.PENDING)  # does not count

    acc = indicator("ACC", "ceiling", 5)
    TargetFactory(indicator=acc, unit=unit_a, target=D(4))
    TargetFactory(indicator=acc, unit=unit_b, target=D(4))
    _records(unit_a, acc, 1, 1, 3)

    inc = indicator("INC", "increment", 10)
    TargetFactory(indicator=inc, unit=unit_a, target=D(120), base=D(100))
    TargetFactory(indicator=inc, unit=unit_b, target=D(120), base=D(100))
    _records(unit_a, inc, 115)
    _records(unit_b, inc, 90)

    inv = indicator("INV", "base_ratio", 10)
    TargetFactory(indicator=inv, unit=unit_a, target=None, base=D(100))
    TargetFactory(indicator=inv, unit=unit_b, target=None, base=D(100))
    _records(unit_a, inv, 150)
    _records(unit_b, inv, 90)

    rank = indicator("RANK", "city_rank", 10)
    CityRank.objects.create(indicator=rank, unit=unit_a, rank=3, total=12)
    step = indicator("STEP", "city_rank", 10, step=D("0.5"))
    CityRank.objects.create(indicator=step, unit=unit_a, rank=30, total=40)

    party = indicator("PARTY", "graded", 10)
    Grade.objects.create(indicator=party, unit=unit_a, grade="B")

    sat = indicator("SAT", "survey", 15)
    SurveyRate.objects.create(indicator=sat, unit=unit_a, rate=D(92))
    SurveyRate.objects.create(indicator=sat, unit=unit_b, rate=D("0.8"))

    award = indicator("AWARD", "bonus", 3)
    _records(unit_a, award, 1, "0.3")
    fail = indicator("FAIL", "deduction", 5)
    _records(unit_a, fail, "0.5")
    veto = indicator("SAFE", "veto", 0)
    _records(unit_b, veto, 1)

    run = results_compute(year=year)
    return {
        r.unit.code: _worded(r) for r in UnitResult.objects.filter(run=run).select_related("unit")
    }


def _worded(result):
    """Each stored explanation with its rule worded as ``text`` (as every page reads it)."""
    return {
        code: {**detail, "text": explanation_text(detail, result.scores.get(code))}
        for code, detail in result.explanations().items()
    }


# An explanation's keys in a published document, in order (the format of assessment.Publication).
PUBLISHED_KEYS = (
    "method", "points", "target", "base", "actual", "rank", "ranked", "grade", "rate", "text",
)  # fmt: skip


# What an explanation keeps beside the published keys, for its words only.
STORED_FOR_THE_WORDS = {
    "counted", "share", "cap", "best", "step", "factor", "items", "total", "capped", "waived",
}  # fmt: skip


def test_every_explanation_has_every_key_of_the_published_format(details):
    for unit in details.values():
        assert sorted(unit) == sorted(  # (PostgreSQL's jsonb keeps no key order)
            ["GDP", "ACC", "INC", "INV", "RANK", "STEP", "PARTY", "SAT", "AWARD", "FAIL", "SAFE"]
        )
        for detail in unit.values():
            # stored without its empty keys and without words, plus what the words need;
            # published with all of the format's keys, in this order, and no other
            assert set(detail) - {"text"} <= set(PUBLISHED_KEYS) | STORED_FOR_THE_WORDS
            assert tuple(full_detail(detail, None)) == PUBLISHED_KEYS


def test_completion_shows_the_rate_and_the_cap(details):
    # 甲镇: 120 + 180 + 160 = 460 of 500 = 92 %; 20 × 92 % = 18.40
    assert full_detail(details["A01"]["GDP"], "18.40") == {
        "method": "completion", "points": "20.00", "target": "500", "base": None,
        "actual": "460", "rank": None, "ranked": None, "grade": None, "rate": None,
        "text": "completion rate = 460 ÷ 500 = 92%; 20 × 92% = 18.40",
    }  # fmt: skip
    # 乙镇: 480 of 400 = 120 %, capped at 100 %: 20.00 (the pending 1000 does not count)
    assert details["B01"]["GDP"]["text"] == (
        "completion rate = 480 ÷ 400 = 120%, counted as 100%; 20 × 100% = 20.00"
    )


def test_a_ceiling_counts_down_from_twice_the_ceiling(details):
    # spec's worked example: 5 × (2 − 5/4) = 3.75
    assert details["A01"]["ACC"]["text"] == "under the ceiling: 2 − 5 ÷ 4 = 75%; 5 × 75% = 3.75"
    # no accident: 2 − 0 = 200 %, counted as the cap 100 %
    assert details["B01"]["ACC"]["text"] == (
        "under the ceiling: 2 − 0 ÷ 4 = 200%, counted as 100%; 5 × 100% = 5.00"
    )


def test_an_increment_weighs_the_total_and_the_growth(details):
    # spec's worked example: 10 × [0.5 × 115/120 + 0.5 × 15/20] = 8.5416… → 8.54
    detail = details["A01"]["INC"]
    assert (detail["target"], detail["base"], detail["actual"]) == ("120", "100", "115")
    assert detail["text"] == (
        "total 115 ÷ 120 = 95.83%, increment (115 − 100) ÷ (120 − 100) = 75%; "
        "10 × (50% × 95.83% + 50% × 75%) = 8.54"
    )
    # 乙镇 fell below its base: the increment part counts as 0 %: 10 × 0.5 × 90/120 = 3.75
    assert details["B01"]["INC"]["text"].endswith("10 × (50% × 75% + 50% × 0%) = 3.75")


def test_a_base_ratio_is_compared_with_the_best_of_the_category(details):
    # 甲镇 150/100 = 150 % is the best: 10.00; 乙镇 90/100 = 90 %: 10 × 90 / 150 = 6.00
    assert details["A01"]["INV"]["text"] == (
        "150 ÷ base 100 = 150%, the best of the category 150%; 10 × 150% ÷ 150% = 10.00"
    )
    assert details["B01"]["INV"]["text"] == (
        "90 ÷ base 100 = 90%, the best of the category 150%; 10 × 90% ÷ 150% = 6.00"
    )


def test_a_city_rank_loses_a_step_per_place(details):
    # spec's worked example: 10 − (10/12) × 2 = 8.33
    detail = details["A01"]["RANK"]
    assert (detail["rank"], detail["ranked"]) == (3, 12)
    assert detail["text"] == "rank 3 of 12: 10 − 10 ÷ 12 × (3 − 1) = 8.33"
    # a step of 0.5: 10 − 0.5 × 29 = −4.5, never below 0
    assert details["A01"]["STEP"]["text"] == (
        "rank 30 of 40: 10 − 0.5 × (30 − 1) is below 0, so 0.00"
    )
    assert details["B01"]["RANK"]["text"] == "no city rank was entered: 0.00"


def test_grades_and_surveys_show_the_factor_and_the_rate(details):
    assert details["A01"]["PARTY"]["grade"] == "B"
    assert details["A01"]["PARTY"]["text"] == "grade B: 10 × 0.85 = 8.50"
    assert details["B01"]["PARTY"]["text"] == "no grade was entered: 0.00"
    # an imported 92 is a percentage: 15 × 0.92 = 13.80; the stored rate is in [0, 1]
    assert (details["A01"]["SAT"]["rate"], details["A01"]["SAT"]["text"]) == (
        "0.92",
        "rate 92%: 15 × 92% = 13.80",
    )
    assert details["B01"]["SAT"]["text"] == "rate 80%: 15 × 80% = 12.00"


def test_bonus_deduction_and_veto_items(details):
    assert details["A01"]["AWARD"]["text"] == "verified bonus points 1.3, at most 3: +1.30"
    assert details["A01"]["FAIL"]["text"] == "verified points lost 0.5, at most 5: -0.50"
    assert details["A01"]["SAFE"]["text"] == "no verified veto event"
    assert (details["B01"]["SAFE"]["actual"], details["B01"]["SAFE"]["text"]) == (
        "1",
        "verified veto events: 1; the unit is vetoed (一票否决)",
    )


def test_the_numbers_read_as_people_write_them():
    assert plain(D("500.000000")) == "500"
    assert plain(D("0.8500")) == "0.85"
    assert plain(D("-0.000")) == "0"
    assert plain(None) is None
    assert percent(D(460) / D(500)) == "92%"
    assert percent(D(11) / D(12)) == "91.67%"


def test_explanations_add_no_query_per_unit(town, unit_a):
    """Computing 31 units takes as many queries as computing one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import UnitFactory

    year = YearFactory(year=2026, status=YearStatus.SCORING)
    party = IndicatorFactory(year=year, category=town, code="PARTY", method="graded")
    Grade.objects.create(indicator=party, unit=unit_a, grade="A")
    with CaptureQueriesContext(connection) as one:
        results_compute(year=year)
    for n in range(30):
        UnitFactory(code=f"X{n:02d}", category=town)
    with CaptureQueriesContext(connection) as many:
        run = results_compute(year=year)
    assert run.units.count() == 31
    assert len(many) == len(one)
    texts = {
        explanation_text(r.explanations()["PARTY"], r.scores["PARTY"]) for r in run.units.all()
    }
    assert texts == {"grade A: 20 × 1 = 20.00", "no grade was entered: 0.00"}


def test_what_every_unit_shares_is_stored_once_on_the_run(details, town):
    """The method, the points and the rule's constants are kept on the run; each unit's row
    keeps only its own numbers (a city's rows were half these shared numbers)."""
    run = ComputationRun.objects.get(is_current=True)
    shared = run.explained[str(town.pk)]
    assert shared["GDP"] == {"method": "completion", "points": "20.00"}
    assert shared["INC"] == {"method": "increment", "points": "10.00", "share": "0.5", "cap": "1"}
    # 甲镇 150 ÷ 100 = 1.5 is the best of the category (乙镇 0.9)
    assert shared["INV"] == {"method": "base_ratio", "points": "10.00", "best": "1.5"}
    assert shared["STEP"] == {"method": "city_rank", "points": "10.00", "step": "0.5"}
    assert shared["RANK"] == {"method": "city_rank", "points": "10.00"}
    rows = {r.unit.code: r for r in UnitResult.objects.filter(run=run).select_related("unit")}
    assert rows["A01"].details["GDP"] == {"target": "500", "actual": "460"}
    assert rows["A01"].details["INC"] == {"target": "120", "base": "100", "actual": "115"}
    for row in rows.values():
        for detail in row.details.values():
            assert not {"method", "points", "share", "cap", "best", "step"} & set(detail)


def test_a_run_stored_with_every_number_on_each_row_reads_as_it_did():
    """Runs stored before the shared numbers moved to the run keep them on each row."""
    whole = {"method": "completion", "points": "20.00", "target": "500", "actual": "460"}
    own = {"target": "500", "actual": "460"}
    text = "completion rate = 460 ÷ 500 = 92%; 20 × 92% = 18.40"
    before = stored_explanations({"GDP": whole}, {}, 7)
    now = stored_explanations(
        {"GDP": own}, {"7": {"GDP": {"method": "completion", "points": "20.00"}}}, 7
    )
    assert before == now == {"GDP": whole}
    assert explanation_text(before["GDP"], "18.40") == text
    # a row's own number wins over a shared one of the same name
    assert stored_explanations({"X": {"points": "5"}}, {"3": {"X": {"points": "9"}}}, 3) == {
        "X": {"points": "5"}
    }
    assert stored_explanations(None, {"3": {}}, 3) == {}


def test_a_renamed_category_keeps_its_explanations(details, town):
    """The shared numbers are kept by the category's id, which a new code does not change."""
    town.code = "towns-renamed"
    town.save()
    result = UnitResult.objects.select_related("run").get(run__is_current=True, unit__code="A01")
    assert explanation_text(result.explanations()["GDP"], result.scores["GDP"]) == (
        "completion rate = 460 ÷ 500 = 92%; 20 × 92% = 18.40"
    )
