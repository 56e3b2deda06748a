"""The scoring engine against spec/scoring.md, every expected number worked by hand.

No database: the engine is plain Python.
"""

from __future__ import annotations

import datetime
from decimal import Decimal as D

import pytest

from assessment.scoring import (
    EvidenceRow,
    EvidenceTotal,
    IndicatorSpec,
    Params,
    Problem,
    ProblemCode,
    SetupError,
    Tier,
    UnitSpec,
    YearInputs,
    aggregate_evidence,
    assign_tiers,
    base_ratio_scores,
    bonus_score,
    ceiling_score,
    city_rank_score,
    competition_ranks,
    completion_score,
    compute,
    deduction_score,
    exact,
    excellent_quota,
    graded_score,
    increment_score,
    round2,
    survey_score,
    threshold_tier,
    to_decimal,
)
from tests.assessment.scoring_helpers import SCORE, simple_year

# --- helpers -------------------------------------------------------------------------------


def day(month: int, dom: int) -> datetime.date:
    return datetime.date(2026, month, dom)


# --- arithmetic ----------------------------------------------------------------------------


def test_a_float_is_read_as_its_shortest_decimal_representation():
    # Decimal(0.1) would be 0.1000000000000000055511151231257827…
    assert to_decimal(0.1) == D("0.1")
    assert to_decimal(82.2) == D("82.2")
    assert to_decimal(7) == D(7)
    assert to_decimal(" 1.25 ") == D("1.25")


def test_to_decimal_refuses_what_is_not_a_finite_number():
    with pytest.raises(ValueError):
        to_decimal(float("nan"))
    with pytest.raises(TypeError):
        to_decimal(True)


def test_rounding_is_once_on_the_exact_value_half_away_from_zero():
    # 3 × 29 / 24 is exactly 3.625 → 3.63; 3 × (29/24) in 28-digit Decimal is 3.6249999…
    assert completion_score(points=3, actual=29, target=24, cap=2) == D("3.63")
    assert round2(exact(-29) * 3 / 24) == D("-3.63")
    assert str(round2(exact(0))) == "0.00"
    assert str(round2(exact(20))) == "20.00"
    # a negative amount that rounds to nothing is 0.00, never -0.00, however often it comes
    assert [str(round2(exact(D("-0.004")))) for _ in range(2)] == ["0.00", "0.00"]
    # the same score again, as a Ratio (n, d), d > 0
    assert (str(round2((29, 8))), str(round2((-29, 8))), str(round2((58, 16)))) == (
        "3.63", "-3.63", "3.63",
    )  # fmt: skip


# --- methods -------------------------------------------------------------------------------


def test_completion_worked_example_of_the_spec():
    # evidence 120 + 180 + 150 = 450; 20 × 450 / 500 = 18.00
    rows = [EvidenceRow(day(3, 1), 1, 120), EvidenceRow(day(6, 1), 2, 180)]
    rows.append(EvidenceRow(day(9, 1), 3, 150))
    actual = aggregate_evidence(rows, "sum")
    assert actual == EvidenceTotal(D(450), 3)
    assert completion_score(points=20, actual=actual.value, target=500) == D("18.00")


@pytest.mark.parametrize(
    ("actual", "cap", "expected"),
    [
        (D(600), D(1), D("20.00")),  # 600 / 500 = 1.2, capped at 1 → 20
        (D(600), D("1.1"), D("22.00")),  # capped at 1.1 → 20 × 1.1 = 22
        (D(530), D("1.1"), D("21.20")),  # 530 / 500 = 1.06 < 1.1 → 21.2
        (D(-5), D(1), D("0.00")),  # negative ratio clamps at 0
        (D(0), D(1), D("0.00")),
    ],
)
def test_completion_is_capped_and_never_negative(actual, cap, expected):
    assert completion_score(points=20, actual=actual, target=500, cap=cap) == expected


@pytest.mark.parametrize(
    ("actual", "cap", "expected"),
    [
        (D(5), D(1), D("3.75")),  # the spec's example: 5 × (2 − 5/4) = 3.75
        (D(4), D(1), D("5.00")),  # exactly the ceiling: full points
        (D(8), D(1), D("0.00")),  # exactly twice the ceiling: nothing
        (D(9), D(1), D("0.00")),  # beyond twice: clamped at 0
        (D(0), D(1), D("5.00")),  # 2 − 0 = 2, capped at 1
        (D(0), D("1.2"), D("6.00")),  # capped at 1.2 → 5 × 1.2
        (D(3), D("1.2"), D("6.00")),  # 2 − 3/4 = 1.25 → 1.2 → 6
        (D(1), D(1), D("5.00")),
    ],
)
def test_ceiling_rewards_staying_under_the_allowed_maximum(actual, cap, expected):
    assert ceiling_score(points=5, actual=actual, target=4, cap=cap) == expected


def test_increment_worked_example_of_the_spec():
    # 10 × [0.5 × 115/120 + 0.5 × 15/20] = 10 × [0.479166… + 0.375] = 8.541666… → 8.54
    assert increment_score(points=10, actual=115, target=120, base=100) == D("8.54")


def test_increment_is_exact_near_a_half():
    # 20 × [0.4 × 320.9/328 + 0.6 × 73.9/81] = 20 × 0.93874887… = 18.77497… → 18.77
    score = increment_score(
        points=20, actual=D("320.9"), target=328, base=247, total_share=D("0.4")
    )
    assert score == D("18.77")


@pytest.mark.parametrize(
    ("actual", "cap", "expected"),
    [
        (D(90), D(1), D("3.75")),  # below base: 10 × [0.5 × 90/120 + 0.5 × 0] = 3.75
        (D(130), D(1), D("10.00")),  # both parts capped at 1
        # 0.5 × min(130/120, 1.2) + 0.5 × min(30/20, 1.2) = 0.541666… + 0.6 → 11.4166… → 11.42
        (D(130), D("1.2"), D("11.42")),
        (D(0), D(1), D("0.00")),
    ],
)
def test_increment_clamps_both_parts(actual, cap, expected):
    assert increment_score(points=10, actual=actual, target=120, base=100, cap=cap) == expected


def test_base_ratio_compares_with_the_best_ratio_of_the_category():
    # ratios: A 50/100 = 0.5, B 150/100 = 1.5, C 30/60 = 0.5, D -10/100 < 0, E 100/300 = 1/3
    values = {"A": (50, 100), "B": (150, 100), "C": (30, 60), "D": (-10, 100), "E": (100, 300)}
    assert base_ratio_scores(points=15, values=values) == {
        "A": D("5.00"),  # 15 × 0.5 / 1.5
        "B": D("15.00"),
        "C": D("5.00"),
        "D": D("0.00"),  # max(v, 0) = 0
        "E": D("3.33"),  # 15 × (1/3) / 1.5 = 3.333…
    }


@pytest.mark.parametrize("actuals", [(0, 0), (-5, 0), (-5, -1)])
def test_base_ratio_gives_zero_to_everyone_when_the_best_ratio_is_not_positive(actuals):
    values = {"A": (actuals[0], 100), "B": (actuals[1], 50)}
    assert base_ratio_scores(points=15, values=values) == {"A": D("0.00"), "B": D("0.00")}


@pytest.mark.parametrize(
    ("rank", "step", "expected"),
    [
        (3, None, D("8.33")),  # the spec's example: 10 − (10/12) × 2 = 8.333…
        (1, None, D("10.00")),
        (12, None, D("0.83")),  # 10 − (10/12) × 11 = 0.8333…
        (7, D("1.5"), D("1.00")),  # custom step: 10 − 1.5 × 6
        (10, D("1.5"), D("0.00")),  # 10 − 13.5 < 0 → 0
    ],
)
def test_city_rank_loses_a_step_per_place(rank, step, expected):
    assert city_rank_score(points=10, rank=rank, total=12, step=step) == expected


@pytest.mark.parametrize(
    ("grade", "expected"),
    [
        ("A", D("15.00")),
        ("B", D("12.75")),
        ("C", D("10.50")),
        ("D", D("7.50")),
        (" b ", D("12.75")),
    ],
)
def test_graded_applies_the_grade_factor(grade, expected):
    # 15 × 1.00, 15 × 0.85, 15 × 0.70, 15 × 0.50
    assert graded_score(points=15, grade=grade) == expected


@pytest.mark.parametrize(
    ("rate", "expected"),
    [
        (D("0.9871"), D("14.81")),  # 15 × 0.9871 = 14.8065 → 14.81
        (D("82.2"), D("12.33")),  # a percentage: 15 × 0.822 = 12.33
        (D(1), D("15.00")),  # 1 is a rate of 100 %, not 1 %
        (D(100), D("15.00")),
        (D("1.5"), D("0.23")),  # above 1: 1.5 % → 15 × 0.015 = 0.225 → 0.23
        (D(0), D("0.00")),
    ],
)
def test_survey_takes_a_rate_or_a_percentage(rate, expected):
    assert survey_score(points=15, rate=rate) == expected


@pytest.mark.parametrize(
    ("value", "expected"), [(D("1.5"), D("1.50")), (D(6), D("3.00")), (D(0), D("0.00"))]
)
def test_bonus_adds_the_verified_values_up_to_the_points(value, expected):
    assert bonus_score(points=3, value=value) == expected


@pytest.mark.parametrize(
    ("value", "expected"), [(D("3.5"), "-3.50"), (D(7), "-5.00"), (D(0), "0.00")]
)
def test_deduction_subtracts_the_points_lost_up_to_the_points(value, expected):
    assert str(deduction_score(points=5, value=value)) == expected


# --- evidence ------------------------------------------------------------------------------


def test_latest_aggregation_takes_the_latest_date_and_then_the_last_recorded():
    rows = [
        EvidenceRow(day(12, 28), 5, D("320.9")),
        EvidenceRow(day(12, 28), 9, D("321.0")),  # same date, recorded later: wins
        EvidenceRow(day(9, 28), 12, D("278.4")),  # recorded last but dated earlier
    ]
    assert aggregate_evidence(rows, "latest") == EvidenceTotal(D("321.0"), 3)


def test_no_evidence_means_an_actual_of_zero():
    assert aggregate_evidence([], "sum") == EvidenceTotal(0, 0)
    assert aggregate_evidence([], "latest") == EvidenceTotal(0, 0)


def test_sum_aggregation_reads_floats_exactly():
    rows = [EvidenceRow(day(1, 1), 1, 0.1), EvidenceRow(day(1, 2), 2, 0.2)]
    assert aggregate_evidence(rows, "sum").value == D("0.3")  # 0.1 + 0.2 as floats is 0.3000…4


# --- compute: units ------------------------------------------------------------------------


def full_scheme() -> list[IndicatorSpec]:
    return [
        IndicatorSpec("GDP", "GDP", "economy", D(40), "completion"),
        IndicatorSpec("RANK", "city rank", "society", D(20), "city_rank"),
        IndicatorSpec("PARTY", "party building", "society", D(20), "graded"),
        IndicatorSpec("SAT", "satisfaction", "society", D(20), "survey"),
        IndicatorSpec("AWARD", "awards", "society", D(3), "bonus"),
        IndicatorSpec("FAIL", "failures", "economy", D(5), "deduction"),
    ]


def test_total_adds_the_rounded_scores_by_group_and_overall():
    inputs = YearInputs(
        indicators={"town": full_scheme()},
        units=[UnitSpec("T1", "T1", "town", 10)],
        targets={("T1", "GDP"): D(300)},
        evidence={
            ("T1", "GDP"): EvidenceTotal(D(290), 3),  # 40 × 290/300 = 38.666… → 38.67
            ("T1", "AWARD"): EvidenceTotal(D("1.5"), 2),  # + 1.50
            ("T1", "FAIL"): EvidenceTotal(D("0.5"), 1),  # − 0.50
        },
        city_ranks={("T1", "RANK"): (2, 12)},  # 20 − (20/12) × 1 = 18.333… → 18.33
        grades={("T1", "PARTY"): "B"},  # 20 × 0.85 = 17.00
        survey_rates={("T1", "SAT"): D("91.25")},  # 20 × 0.9125 = 18.25
    )
    unit = compute(inputs).units["T1"]
    assert unit.scores == {
        "GDP": D("38.67"),
        "RANK": D("18.33"),
        "PARTY": D("17.00"),
        "SAT": D("18.25"),
        "AWARD": D("1.50"),
        "FAIL": D("-0.50"),
    }
    # economy: 38.67 − 0.50 = 38.17; society: 18.33 + 17.00 + 18.25 + 1.50 = 55.08
    assert unit.group_totals == {"economy": D("38.17"), "society": D("55.08")}
    assert str(unit.total) == "93.25"  # 38.17 + 55.08
    assert unit.tier == Tier.EXCELLENT


def test_missing_city_rank_grade_or_survey_scores_zero_with_a_warning():
    inputs = YearInputs(
        indicators={"town": full_scheme()},
        units=[UnitSpec("T1", "T1", "town", 10)],
        targets={("T1", "GDP"): D(300)},
    )
    result = compute(inputs)
    scores = result.units["T1"].scores
    assert (scores["RANK"], scores["PARTY"], scores["SAT"]) == (D("0.00"),) * 3
    assert result.warnings == (
        Problem(ProblemCode.MISSING_CITY_RANK, "town", "T1", "RANK"),
        Problem(ProblemCode.MISSING_GRADE, "town", "T1", "PARTY"),
        Problem(ProblemCode.MISSING_SURVEY_RATE, "town", "T1", "SAT"),
    )


def test_every_setup_error_is_listed_together_and_nothing_is_returned():
    scheme = [
        IndicatorSpec("C", "completion", "g", D(20), "completion"),
        IndicatorSpec("I", "increment", "g", D(20), "increment"),
        IndicatorSpec("B", "base ratio", "g", D(20), "base_ratio"),
        IndicatorSpec("G", "graded", "g", D(20), "graded"),
        IndicatorSpec("S", "survey", "g", D(20), "survey"),
        IndicatorSpec("Z", "mystery", "g", D(0), "lottery"),
    ]
    inputs = YearInputs(
        indicators={"town": scheme},
        units=[UnitSpec("U1", "U1", "town", 10), UnitSpec("U2", "U2", "town", 10)],
        targets={("U2", "C"): D(0), ("U1", "I"): D(50), ("U2", "I"): D(50)},
        bases={("U2", "I"): D(50), ("U1", "B"): D(0)},
        grades={("U1", "G"): "E"},
        survey_rates={("U2", "S"): D(120)},
        team_evaluations={"U1": D(101)},
        bonus_pool=-1,
    )
    with pytest.raises(SetupError) as raised:
        compute(inputs)
    found = {(p.code, p.unit, p.indicator, p.value) for p in raised.value.problems}
    assert found == {
        (ProblemCode.UNKNOWN_METHOD, None, "Z", "lottery"),
        (ProblemCode.MISSING_TARGET, "U1", "C", None),
        (ProblemCode.INVALID_TARGET, "U2", "C", D(0)),
        (ProblemCode.MISSING_BASE, "U1", "I", None),
        (ProblemCode.TARGET_NOT_ABOVE_BASE, "U2", "I", D(50)),
        (ProblemCode.INVALID_BASE, "U1", "B", D(0)),
        (ProblemCode.MISSING_BASE, "U2", "B", None),
        (ProblemCode.INVALID_GRADE, "U1", "G", "E"),
        (ProblemCode.INVALID_SURVEY_RATE, "U2", "S", D(120)),
        (ProblemCode.INVALID_EVALUATION, "U1", None, D(101)),
        (ProblemCode.INVALID_BONUS_POOL, None, None, -1),
    }


def test_a_unit_whose_category_has_no_scheme_is_a_setup_error():
    inputs = YearInputs(indicators={"town": [SCORE]}, units=[UnitSpec("E1", "E1", "economic", 5)])
    with pytest.raises(SetupError) as raised:
        compute(inputs)
    assert raised.value.problems == (
        Problem(ProblemCode.CATEGORY_WITHOUT_SCHEME, "economic", "E1"),
    )


def test_units_are_ranked_competition_style_within_their_category():
    assert competition_ranks({"a": D(90), "b": D(85), "c": D(85), "d": D(80)}) == {
        "a": 1,
        "b": 2,
        "c": 2,
        "d": 4,
    }
    result = compute(simple_year({"A": "70", "B": "95", "C": "70", "D": "60"}))
    assert {code: unit.rank for code, unit in result.units.items()} == {
        "A": 2,
        "B": 1,
        "C": 2,
        "D": 4,
    }


@pytest.mark.parametrize(
    ("total", "tier"),
    [
        ("90.00", Tier.EXCELLENT),
        ("89.99", Tier.GOOD),
        ("80.00", Tier.GOOD),
        ("79.99", Tier.AVERAGE),
        ("60.00", Tier.AVERAGE),
        ("59.99", Tier.POOR),
    ],
)
def test_tier_thresholds(total, tier):
    assert threshold_tier(D(total), Params()) == tier


def test_thresholds_can_be_overridden_for_a_year():
    assert threshold_tier(D(88), Params(excellent_threshold=D(85))) == Tier.EXCELLENT


@pytest.mark.parametrize(
    ("count", "share", "quota"),
    [
        (1, D("0.30"), 1),  # floor(0.3) = 0 → at least 1
        (3, D("0.30"), 1),  # floor(0.9) = 0 → 1
        (9, D("0.30"), 2),  # floor(2.7)
        (10, D("0.30"), 3),
        (52, D("0.20"), 10),  # floor(10.4)
        (100, D("0.29"), 29),  # exact: as floats 0.29 × 100 = 28.999… would floor to 28
    ],
)
def test_excellent_quota_is_a_floored_share_but_at_least_one(count, share, quota):
    assert excellent_quota(count, share) == quota


def tiers_of(scores: dict[str, str], vetoed: tuple[str, ...] = ()) -> dict[str, Tier]:
    # ten entries → quota 3 (the padding entries are far below the thresholds)
    padding = {f"pad{i}": D(50) for i in range(10 - len(scores))}
    entries = padding | {key: D(value) for key, value in scores.items()}
    tiers = assign_tiers(entries, vetoed=set(vetoed), quota_share=D("0.30"), params=Params())
    return {key: tiers[key] for key in scores}


def test_a_tied_group_that_fits_the_quota_is_admitted_whole():
    # quota 3: 95 (1) + the two 93s (3) fit; 91 would be a 4th
    assert tiers_of({"a": "95", "b": "93", "c": "93", "d": "91"}) == {
        "a": Tier.EXCELLENT,
        "b": Tier.EXCELLENT,
        "c": Tier.EXCELLENT,
        "d": Tier.GOOD,
    }


def test_a_tied_group_that_would_overflow_the_quota_is_demoted_whole():
    # quota 3: 95, 94 admitted (2); the two 92s would make 4 → both good, and 90 below too
    assert tiers_of({"a": "95", "b": "94", "c": "92", "d": "92", "e": "90"}) == {
        "a": Tier.EXCELLENT,
        "b": Tier.EXCELLENT,
        "c": Tier.GOOD,
        "d": Tier.GOOD,
        "e": Tier.GOOD,
    }


def test_candidates_below_a_demoted_group_are_demoted_even_if_they_would_fit():
    # quota 3: 95 admitted (1); three 93s would make 4 → good; 91 would fit (2) but may not
    # overtake the 93s
    assert tiers_of({"a": "95", "b": "93", "c": "93", "d": "93", "e": "91"}) == {
        "a": Tier.EXCELLENT,
        "b": Tier.GOOD,
        "c": Tier.GOOD,
        "d": Tier.GOOD,
        "e": Tier.GOOD,
    }


def test_quota_with_few_units_is_still_one():
    # 3 units: max(1, floor(0.9)) = 1; 96 and 92 both qualify, only the first is excellent
    result = compute(simple_year({"A": "96", "B": "92", "C": "70"}))
    assert [unit.tier for unit in result.units.values()] == [
        Tier.EXCELLENT,
        Tier.GOOD,
        Tier.AVERAGE,
    ]


def test_a_vetoed_unit_is_poor_and_takes_no_excellent_place():
    # 3 units → quota 1; A (99) is vetoed, so B (95) takes the one place
    result = compute(simple_year({"A": "99", "B": "95", "C": "91"}, vetoed=("A",)))
    units = result.units
    assert (units["A"].veto, units["A"].tier, units["A"].rank) == (True, Tier.POOR, 1)
    assert (units["B"].tier, units["C"].tier) == (Tier.EXCELLENT, Tier.GOOD)
