"""The scoring engine's outcomes against spec/scoring.md: the three-in-one scores of teams and
cadres, the bonus, and the checks of a scheme and its parameters; every number worked by hand.

No database: the engine is plain Python.
"""

from __future__ import annotations

from decimal import Decimal as D

from assessment.scoring import (
    BonusClaim,
    CadreSpec,
    IndicatorSpec,
    Params,
    Problem,
    ProblemCode,
    Tier,
    UnitSpec,
    YearInputs,
    cadre_score,
    compute,
    distribute_bonus,
    team_score,
    validate_params,
    validate_scheme,
)
from tests.assessment.scoring_helpers import simple_year

# --- compute: three in one -----------------------------------------------------------------


def test_team_and_cadre_scores_with_the_contribution_cap_and_missing_evaluations():
    inputs = simple_year(
        {"A": "90", "B": "70"},
        cadres=[CadreSpec("A", "甲"), CadreSpec("A", "乙"), CadreSpec("B", "丙")],
        team_evaluations={"A": D(80)},
        cadre_evaluations={("A", "甲"): D("85.5"), ("A", "乙"): D(80)},
        contributions={("A", "甲"): D(7), ("A", "乙"): D("1.25")},
    )
    result = compute(inputs)
    # team A: 0.7 × 90 + 0.3 × 80 = 63 + 24 = 87.00
    assert result.teams["A"].score == D("87.00")
    assert result.teams["A"].tier == Tier.GOOD
    assert result.missing_team_evaluations == ("B",)
    # 甲: 0.6 × 90 + 0.4 × 85.5 + min(7, 5) = 54 + 34.2 + 5 = 93.20
    # 乙: 0.6 × 90 + 0.4 × 80 + 1.25 = 54 + 32 + 1.25 = 87.25
    jia, yi = result.cadres[("A", "甲")], result.cadres[("A", "乙")]
    assert (jia.score, jia.contribution, jia.tier) == (D("93.20"), D("5.00"), Tier.EXCELLENT)
    assert (yi.score, yi.tier) == (D("87.25"), Tier.GOOD)
    assert result.missing_cadre_evaluations == (("B", "丙"),)
    assert ("B", "丙") not in result.cadres


def test_three_in_one_formulas_round_once_and_cap_the_contribution():
    # team: 0.7 × 80.35 + 0.3 × 91.5 = 56.245 + 27.45 = 83.695 → 83.70
    assert team_score(unit_total=D("80.35"), evaluation=D("91.5")) == D("83.70")
    # cadre: 0.6 × 77.97 + 0.4 × 85.6 = 46.782 + 34.24 = 81.022 → 81.02
    assert cadre_score(unit_total=D("77.97"), evaluation=D("85.6")) == D("81.02")
    # with 6 contribution points, capped at 5: 81.022 + 5 → 86.02
    assert cadre_score(unit_total=D("77.97"), evaluation=D("85.6"), contribution=6) == D("86.02")
    # weights are parameters of the year: 0.5 × 80 + 0.5 × 90 = 85.00
    params = Params(team_unit_weight=D("0.5"), team_evaluation_weight=D("0.5"))
    assert team_score(unit_total=80, evaluation=90, params=params) == D("85.00")


def test_team_score_rounds_once():
    # 0.7 × 77.97 + 0.3 × 72.2 = 54.579 + 21.66 = 76.239 → 76.24
    inputs = simple_year({"A": "77.97"}, team_evaluations={"A": D("72.2")})
    assert compute(inputs).teams["A"].score == D("76.24")


def test_cadre_quota_runs_over_all_cadres_of_the_year():
    # 5 cadres → max(1, floor(5 × 0.2)) = 1, although they sit in two units
    # scores 0.6 × 100 + 0.4 × e: e = 100 → 100.00, 95 → 98.00, 90 → 96.00 …
    inputs = simple_year(
        {"A": "100", "B": "100"},
        cadres=[CadreSpec(name[0].upper(), name) for name in ("a1", "a2", "b1", "b2", "b3")],
        cadre_evaluations={
            ("A", "a1"): D(95),
            ("A", "a2"): D(90),
            ("B", "b1"): D(100),
            ("B", "b2"): D(85),
            ("B", "b3"): D(80),
        },
    )
    tiers = {key: cadre.tier for key, cadre in compute(inputs).cadres.items()}
    assert [key for key, tier in tiers.items() if tier == Tier.EXCELLENT] == [("B", "b1")]
    assert set(tiers.values()) == {Tier.EXCELLENT, Tier.GOOD}


def test_team_and_cadres_of_a_vetoed_unit_are_poor():
    inputs = simple_year(
        {"A": "100"},
        vetoed=("A",),
        cadres=[CadreSpec("A", "a1")],
        team_evaluations={"A": D(100)},
        cadre_evaluations={("A", "a1"): D(100)},
    )
    result = compute(inputs)
    assert (result.teams["A"].score, result.teams["A"].tier) == (D("100.00"), Tier.POOR)
    assert result.cadres[("A", "a1")].tier == Tier.POOR


# --- bonus ---------------------------------------------------------------------------------


def test_a_pool_of_100_over_three_equal_shares_gives_the_left_over_yuan_to_the_best_rank():
    # 100 / 3 = 33.333… each: floors 33 × 3 = 99, 1 yuan left for the best rank (C)
    claims = [BonusClaim("A", D(1), 10, 2), BonusClaim("B", D(1), 10, 3)]
    claims.append(BonusClaim("C", D(1), 10, 1))
    result = distribute_bonus(100, claims)
    assert result.amounts == {"A": 33, "B": 33, "C": 34}
    assert result.paid


def test_equal_remainders_and_equal_ranks_go_by_unit_code():
    # 100 / 3 each, all rank 1 → the left-over yuan goes to the lowest code
    claims = [BonusClaim(code, D(1), 10, 1) for code in ("Z", "M", "B")]
    assert distribute_bonus(100, claims).amounts == {"Z": 33, "M": 33, "B": 34}


def test_bonus_follows_tier_coefficient_and_headcount_by_largest_remainder():
    # c × h: A 1.2 × 10 = 12, B 1.0 × 10 = 10, C 0.8 × 5 = 4, D 0 × 20 = 0; Σ = 26
    # shares of 1000: A 461.538…, B 384.615…, C 153.846…, D 0
    # floors 461 + 384 + 153 = 998; 2 yuan left → C (.846) and B (.615)
    claims = [
        BonusClaim("A", D("1.2"), 10, 1),
        BonusClaim("B", D("1.0"), 10, 2),
        BonusClaim("C", D("0.8"), 5, 3),
        BonusClaim("D", D(0), 20, 4),
    ]
    assert distribute_bonus(1000, claims).amounts == {"A": 461, "B": 385, "C": 154, "D": 0}


def test_compute_pays_the_bonus_by_tier():
    # quota for 3 units is 1: A excellent (1.2), B good (1.0), C poor (0), headcounts 10
    # Σ c × h = 12 + 10 = 22; 1000 × 12/22 = 545.45…, 1000 × 10/22 = 454.54…
    # floors 545 + 454 = 999; 1 yuan left → B (.545 > .454)
    inputs = simple_year({"A": "95", "B": "85", "C": "50"}, bonus_pool=1000)
    result = compute(inputs)
    assert {code: unit.bonus for code, unit in result.units.items()} == {
        "A": 545,
        "B": 455,
        "C": 0,
    }


def test_nothing_is_paid_when_no_unit_has_a_positive_coefficient_and_headcount():
    result = compute(simple_year({"A": "50", "B": "40"}, bonus_pool=1000))
    assert result.bonus is not None
    assert not result.bonus.paid
    assert [unit.bonus for unit in result.units.values()] == [0, 0]
    assert not distribute_bonus(500, [BonusClaim("A", D("1.2"), 0, 1)]).paid


def test_without_a_pool_there_is_no_bonus_outcome():
    result = compute(simple_year({"A": "95"}))
    assert result.bonus is None
    assert result.units["A"].bonus is None


# --- scheme and parameters -----------------------------------------------------------------


def test_validate_scheme_reports_each_invalid_setting():
    scheme = [
        IndicatorSpec("A", "a", "g", D(-1), "lottery", aggregation="average"),
        IndicatorSpec("B", "b", "g", D(10), "completion", cap=D("0.9"), total_share=D("1.5")),
        IndicatorSpec("C", "c", "g", D(10), "city_rank", step=D(0)),
        IndicatorSpec("C", "c again", "g", D(5), "graded"),
    ]
    errors, warnings = validate_scheme(scheme, category="town")
    assert {(p.code, p.indicator, p.value) for p in errors} == {
        (ProblemCode.UNKNOWN_METHOD, "A", "lottery"),
        (ProblemCode.UNKNOWN_AGGREGATION, "A", "average"),
        (ProblemCode.INVALID_POINTS, "A", D(-1)),
        (ProblemCode.INVALID_CAP, "B", D("0.9")),
        (ProblemCode.INVALID_TOTAL_SHARE, "B", D("1.5")),
        (ProblemCode.INVALID_STEP, "C", D(0)),
        (ProblemCode.DUPLICATE_INDICATOR, "C", None),
    }
    # regular: 10 + 10 + 5 = 25 ("lottery" is no regular method)
    assert warnings == [Problem(ProblemCode.POINTS_NOT_100, "town", value=D(25))]


def test_bonus_deduction_and_veto_stand_outside_the_100():
    scheme = [
        IndicatorSpec("A", "a", "g", D(60), "completion"),
        IndicatorSpec("B", "b", "g", D(40), "graded"),
        IndicatorSpec("C", "c", "g", D(3), "bonus"),
        IndicatorSpec("D", "d", "g", D(5), "deduction"),
        IndicatorSpec("E", "e", "g", D(0), "veto"),
    ]
    assert validate_scheme(scheme) == ([], [])


def test_a_scheme_off_100_still_computes_with_a_warning():
    off = IndicatorSpec("X", "score", "main", D(90), "completion")
    inputs = YearInputs(
        indicators={"town": [off]},
        units=[UnitSpec("A", "A", "town", 1)],
        targets={("A", "X"): D(100)},
    )
    assert compute(inputs).warnings == (Problem(ProblemCode.POINTS_NOT_100, "town", value=D(90)),)


def test_invalid_parameters_are_named():
    params = Params(good_threshold=D(95), cadre_excellent_quota=D("1.5"))
    assert {p.value for p in validate_params(params)} == {"thresholds", "cadre_excellent_quota"}
    assert validate_params(Params()) == []
