"""What-if drafts, what decided a tier, and the balance of a scheme: plain engine, no database.

Every expected number is worked by hand in the comments.
"""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal as D

import pytest

from assessment.scoring import (
    EvidenceTotal,
    IndicatorSpec,
    Params,
    SetupError,
    Tier,
    UnitSpec,
    YearInputs,
    compute,
)
from assessment.scoring.balance import balance, bands
from assessment.scoring.deciders import decide
from assessment.scoring.items import CatalogueItem, ItemRecord
from assessment.scoring.whatif import Draft, what_if, with_catalogues, without_inputs

# --- a year of two completion indicators ----------------------------------------------------

A = IndicatorSpec("A", "经济发展", "main", D(50), "completion")
B = IndicatorSpec("B", "安全生产", "main", D(50), "completion")


def two_indicators(pool: int | None = None) -> YearInputs:
    # U1: A 80/100 of 50 = 40.00, B 100/100 of 50 = 50.00 → 90.00
    # U2: A 100/100 = 50.00, B 60/100 = 30.00 → 80.00
    # U3: A 50/100 = 25.00, B 50/100 = 25.00 → 50.00
    actuals = {"U1": (80, 100), "U2": (100, 60), "U3": (50, 50)}
    return YearInputs(
        indicators={"town": [A, B]},
        units=[UnitSpec(code, code, "town", 10) for code in actuals],
        targets={(code, ind): D(100) for code in actuals for ind in "AB"},
        evidence={
            (code, ind): EvidenceTotal(D(value), 1)
            for code, pair in actuals.items()
            for ind, value in zip("AB", pair, strict=True)
        },
        bonus_pool=pool,
    )


def test_a_draft_that_changes_nothing_reproduces_the_year_exactly():
    inputs = two_indicators(pool=3000)
    result = what_if(inputs, Draft(indicators={"town": [A, B]}, params=Params()))
    assert result.new == compute(inputs)
    assert result.new == result.old
    assert all(row.moved_by == 0 and not row.tier_changed for row in result.comparison.rows)
    assert result.comparison.tier_changes == ()


def test_moving_five_points_from_one_indicator_to_another_changes_totals_by_hand():
    inputs = two_indicators()
    draft = Draft(
        indicators={
            "town": [dataclasses.replace(A, points=D(45)), dataclasses.replace(B, points=D(55))]
        }
    )
    rows = {row.unit: row for row in what_if(inputs, draft).comparison.rows}
    # U1: A 45 × 0.8 = 36.00, B 55 × 1 = 55.00 → 91.00 (+1.00)
    assert (rows["U1"].old.total, rows["U1"].new.total) == (D("90.00"), D("91.00"))
    # U2: A 45 × 1 = 45.00, B 55 × 0.6 = 33.00 → 78.00 (−2.00): good falls to average
    assert rows["U2"].moved_by == D("-2.00")
    assert (rows["U2"].old.tier, rows["U2"].new.tier) == (Tier.GOOD, Tier.AVERAGE)
    assert rows["U2"].tier_changed and not rows["U2"].tier_up
    # U3: 45 × 0.5 + 55 × 0.5 = 22.50 + 27.50 = 50.00, unmoved
    assert rows["U3"].moved_by == 0
    comparison = what_if(inputs, draft).comparison
    assert [row.unit for row in comparison.rows] == ["U2", "U1", "U3"]  # by how far they moved
    assert [row.unit for row in comparison.tier_changes] == ["U2"]
    (town,) = comparison.categories
    # means: (90 + 80 + 50) / 3 = 73.33; (91 + 78 + 50) / 3 = 73.00; spreads 40.00 and 41.00
    assert (town.old.mean, town.new.mean) == (D("73.33"), D("73.00"))
    assert (town.old.spread, town.new.spread) == (D("40.00"), D("41.00"))
    assert (town.old.excellent, town.new.excellent, town.tier_changes) == (1, 1, 1)


def test_a_draft_with_other_thresholds_and_pool_changes_tiers_and_bonus():
    inputs = two_indicators(pool=3000)
    draft = Draft(params=Params(excellent_threshold=D(95), good_threshold=D(85)), bonus_pool=2000)
    rows = {row.unit: row for row in what_if(inputs, draft).comparison.rows}
    # Old: U1 excellent (1.2 × 10), U2 good (1.0 × 10), U3 poor (0): 3000 × 12/22 = 1636.36…,
    # 3000 × 10/22 = 1363.63…; floors 1636 + 1363 = 2999, the yuan left to U2 (.63 > .36).
    assert (rows["U1"].old.bonus, rows["U2"].old.bonus, rows["U3"].old.bonus) == (1636, 1364, 0)
    # New: U1 90 → good, U2 80 → average (≥ 60), U3 poor: 2000 × 10/18 = 1111.11…,
    # 2000 × 8/18 = 888.88…; 1111 + 888 = 1999, the yuan left to U2 (.88 > .11).
    assert (rows["U1"].new.tier, rows["U2"].new.tier) == (Tier.GOOD, Tier.AVERAGE)
    assert (rows["U1"].new.bonus, rows["U2"].new.bonus) == (1111, 889)


def test_a_draft_that_cannot_be_scored_says_why():
    inputs = two_indicators()
    new = IndicatorSpec("C", "新指标", "main", D(10), "completion")  # no targets recorded
    with pytest.raises(SetupError):
        what_if(inputs, Draft(indicators={"town": [A, B, new]}))


# --- what decided the tier --------------------------------------------------------------------

S1 = IndicatorSpec("S1", "群众满意度", "main", D(40), "survey")
S2 = IndicatorSpec("S2", "民主测评", "main", D(30), "survey")
S3 = IndicatorSpec("S3", "工作测评", "main", D(30), "survey")
PLUS = IndicatorSpec("PLUS", "加分", "extra", D(2), "bonus")
MINUS = IndicatorSpec("MINUS", "扣分", "extra", D(5), "deduction")


def close_call() -> YearInputs:
    # X: 40 × 0.995 = 39.80, 30 × 0.994 = 29.82, 30 × 0.6667 = 20.001 → 20.00,
    # bonus 1.80, deduction −1.80: total 89.62, 0.38 below 90.
    rates = {
        "X": ("0.995", "0.994", "0.6667"),
        "Y": ("0.5", "0.5", "0.5"),  # 20 + 15 + 15 = 50
        "Z": ("1", "1", "0.5"),  # 40 + 30 + 15 = 85
        "W": ("0.5", "1", "1"),  # 20 + 30 + 30 = 80
    }
    return YearInputs(
        indicators={"town": [S1, S2, S3, PLUS, MINUS]},
        units=[UnitSpec(code, code, "town", 10) for code in rates],
        survey_rates={
            (code, ind.code): D(rate)
            for code, row in rates.items()
            for ind, rate in zip([S1, S2, S3], row, strict=True)
        },
        evidence={
            ("X", "PLUS"): EvidenceTotal(D("1.8"), 1),
            ("X", "MINUS"): EvidenceTotal(D("1.8"), 1),
        },
    )


def test_a_unit_038_below_90_needs_038_on_an_indicator_with_room_and_none_elsewhere():
    inputs = close_call()
    result = compute(inputs)
    assert result.units["X"].total == D("89.62")
    decider = decide(inputs, result, "X")
    # 4 units: quota max(1, floor(1.2)) = 1, nobody else reaches 90, so 90.00 is enough.
    assert (decider.tier, decider.target, decider.gap, decider.by_quota) == (
        Tier.GOOD, Tier.EXCELLENT, D("0.38"), False,
    )  # fmt: skip
    moves = {move.code: move for move in decider.moves}
    # rooms: S1 40 − 39.80 = 0.20, S2 30 − 29.82 = 0.18, S3 30 − 20.00 = 10.00,
    # bonus 2 − 1.80 = 0.20, deduction 0 − (−1.80) = 1.80
    assert {code: move.room for code, move in moves.items()} == {
        "S1": D("0.20"), "S2": D("0.18"), "S3": D("10.00"), "PLUS": D("0.20"), "MINUS": D("1.80"),
    }  # fmt: skip
    assert {code: move.needed for code, move in moves.items()} == {
        "S1": None, "S2": None, "S3": D("0.38"), "PLUS": None, "MINUS": D("0.38"),
    }  # fmt: skip
    assert [move.code for move in decider.deciding] == ["S3", "MINUS"]
    # against the category's best: S3 30.00 (W) − 20.00 = 10.00; MINUS 0.00 − (−1.80) = 1.80;
    # S1 40.00 (Z) − 39.80 = 0.20; S2 30.00 − 29.82 = 0.18; PLUS: X is the best
    assert [(loss.code, loss.lost) for loss in decider.losses] == [
        ("S3", D("10.00")), ("MINUS", D("1.80")), ("S1", D("0.20")), ("S2", D("0.18")),
    ]  # fmt: skip


def test_only_the_indicators_with_room_for_the_whole_gap_decide():
    inputs = close_call()
    result = compute(inputs)
    # Y at 50.00 needs 10.00 to reach average (60); its largest room is 40 − 20 = 20.00 on S1,
    # 15 on S2 and S3, 2 on the bonus, 0 on the deduction: S1, S2 and S3 can, the extras not.
    decider = decide(inputs, result, "Y")
    assert (decider.target, decider.gap) == (Tier.AVERAGE, D("10.00"))
    assert [move.code for move in decider.deciding] == ["S1", "S2", "S3"]
    # Z at 85 needs 5.00 for 90; its rooms: S3 15.00, the bonus 2.00 — only S3 can.
    decider = decide(inputs, result, "Z")
    assert (decider.target, decider.gap) == (Tier.EXCELLENT, D("5.00"))
    assert [move.code for move in decider.deciding] == ["S3"]
    # With S3 in full Z has 100.00 and is excellent: nothing better to reach.
    top = dataclasses.replace(inputs, survey_rates={**inputs.survey_rates, ("Z", "S3"): D(1)})
    top_result = compute(top)
    decider = decide(top, top_result, "Z")
    assert (decider.tier, decider.target, decider.gap, decider.deciding) == (
        Tier.EXCELLENT, None, None, (),
    )  # fmt: skip


def test_none_where_every_room_is_smaller_than_the_gap():
    # S1 40 × 0.99 = 39.60 (room 0.40), S2 30 × 0.99 = 29.70 (0.30), S3 29.70 (0.30):
    # total 99.00, with excellent from 99.50 a gap of 0.50 that no single indicator covers.
    inputs = YearInputs(
        params=Params(excellent_threshold=D("99.50")),
        indicators={"town": [S1, S2, S3]},
        units=[UnitSpec("V", "V", "town", 10)],
        survey_rates={("V", code): D("0.99") for code in ("S1", "S2", "S3")},
    )
    decider = decide(inputs, compute(inputs), "V")
    assert (decider.total, decider.gap) == (D("99.00"), D("0.50"))
    assert [move.needed for move in decider.moves] == [None, None, None]
    assert decider.deciding == ()


def units_with_totals(totals: dict[str, str]) -> YearInputs:
    """One 100-point survey indicator: a rate of t/100 makes the total t."""
    return YearInputs(
        indicators={"town": [IndicatorSpec("S", "测评", "main", D(100), "survey")]},
        units=[UnitSpec(code, code, "town", 10) for code in totals],
        survey_rates={(code, "S"): D(total) / 100 for code, total in totals.items()},
    )


# Ten units, quota max(1, floor(10 × 0.30)) = 3; U4 is the one that varies.
TEN = {"U1": "95", "U2": "93", "U3": "92", "U4": "91", "U5": "85", "U6": "80", "U7": "75",
       "U8": "70", "U9": "65", "U10": "60"}  # fmt: skip


def test_the_quota_line_can_decide_and_a_tie_must_be_passed():
    # 10 units: quota max(1, floor(3.0)) = 3. U1 95, U2 93, U3 92 take the places; U4 at 91
    # is good by the quota. Reaching 92 ties U3: the tied pair would overflow (2 + 2 > 3) and
    # both be good, so U4 needs 92.01: 1.01, set by the quota line.
    inputs = units_with_totals(TEN)
    result = compute(inputs)
    assert result.units["U4"].tier is Tier.GOOD
    decider = decide(inputs, result, "U4")
    assert (decider.target, decider.gap, decider.by_quota) == (Tier.EXCELLENT, D("1.01"), True)
    # U5 at 85 is good already: excellent needs 92.01 too (90 is not enough under the quota).
    decider = decide(inputs, result, "U5")
    assert (decider.target, decider.gap, decider.by_quota) == (Tier.EXCELLENT, D("7.01"), True)
    # U7 at 75 needs 80 for good: no quota there.
    decider = decide(inputs, result, "U7")
    assert (decider.target, decider.gap, decider.by_quota) == (Tier.GOOD, D("5.00"), False)


def test_a_tied_pair_that_overflows_the_quota_is_broken_by_one_cent():
    # quota 3: U1 95, U2 93, U3 and U4 both 92 → the pair overflows, both good.
    inputs = units_with_totals({**TEN, "U4": "92"})
    result = compute(inputs)
    assert (result.units["U3"].tier, result.units["U4"].tier) == (Tier.GOOD, Tier.GOOD)
    decider = decide(inputs, result, "U4")
    assert (decider.target, decider.gap, decider.by_quota) == (Tier.EXCELLENT, D("0.01"), True)


def test_a_vetoed_unit_has_no_better_tier_to_reach():
    inputs = units_with_totals({"U1": "95", "U2": "70"})
    safe = IndicatorSpec("SAFE", "安全", "main", D(0), "veto")
    inputs = dataclasses.replace(
        inputs,
        indicators={"town": [*inputs.indicators["town"], safe]},
        evidence={("U1", "SAFE"): EvidenceTotal(D(1), 1)},
    )
    decider = decide(inputs, compute(inputs), "U1")
    assert (decider.tier, decider.target, decider.gap) == (Tier.POOR, None, None)


# --- balance ---------------------------------------------------------------------------------


def test_balance_finds_an_indicator_everyone_scores_in_full_and_one_that_decides_most():
    # FULL: everyone 20/20. HEAVY: 80 points, rates 1, 0.5, 0.5, 0.5 → 80, 40, 40, 40.
    full = IndicatorSpec("FULL", "党建", "main", D(20), "survey")
    heavy = IndicatorSpec("HEAVY", "经济", "main", D(80), "survey")
    rates = {"U1": "1", "U2": "0.5", "U3": "0.5", "U4": "0.5"}
    inputs = YearInputs(
        indicators={"town": [full, heavy]},
        units=[UnitSpec(code, code, "town", 10) for code in rates],
        survey_rates={
            **{(code, "FULL"): D(1) for code in rates},
            **{(code, "HEAVY"): D(rate) for code, rate in rates.items()},
        },
    )
    (town,) = balance(inputs, compute(inputs))
    by_code = {ind.code: ind for ind in town.indicators}
    assert by_code["FULL"].no_spread and by_code["FULL"].all_full
    assert (by_code["FULL"].lowest, by_code["FULL"].highest, by_code["FULL"].spread) == (
        D("20.00"), D("20.00"), D("0.00"),
    )  # fmt: skip
    # totals 100, 60, 60, 60: U2..U4 are average (60); good needs 80, a gap of 20.00, and
    # HEAVY's best is 80 against their 40: a loss of 40 ≥ 20 — it decides all three, 3 of 4.
    assert by_code["HEAVY"].decides == 3 and by_code["HEAVY"].too_heavy
    assert by_code["FULL"].decides == 0 and not by_code["FULL"].too_heavy
    # mean (80 + 40 × 3) / 4 = 50.00; population sd √((30² + 3 × 10²) / 4) = √300 = 17.32
    assert (by_code["HEAVY"].mean, by_code["HEAVY"].spread) == (D("50.00"), D("17.32"))
    assert [ind.code for ind in town.flat] == ["FULL"]
    assert [ind.code for ind in town.heavy] == ["HEAVY"]
    assert town.correlations == ()  # FULL has no spread, so the only pair has no r
    assert town.summary.tiers[Tier.AVERAGE] == 3


def test_correlation_of_two_indicators_that_rank_units_alike_is_one():
    p = IndicatorSpec("P", "甲", "main", D(50), "survey")
    q = IndicatorSpec("Q", "乙", "main", D(50), "survey")
    rates = {"U1": ("1", "0.8"), "U2": ("0.5", "0.3"), "U3": ("0.9", "0.7")}
    inputs = YearInputs(
        indicators={"town": [p, q]},
        units=[UnitSpec(code, code, "town", 10) for code in rates],
        survey_rates={
            (code, ind): D(rate)
            for code, pair in rates.items()
            for ind, rate in zip("PQ", pair, strict=True)
        },
    )
    (town,) = balance(inputs, compute(inputs))
    # Q = P − 10 on every unit: a perfect linear relation, r = 1.00
    assert [(c.first, c.second, c.r) for c in town.correlations] == [("P", "Q", D("1.00"))]
    assert town.correlated == town.correlations


def test_totals_fall_into_bands_of_five_from_60():
    counts = {band.label: band.count for band in bands([D("59.99"), D("60"), D("89.99"),
                                                         D("90"), D("100.5")])}  # fmt: skip
    assert counts == {
        "<60": 1, "60–65": 1, "65–70": 0, "70–75": 0, "75–80": 0, "80–85": 0, "85–90": 1,
        "90–95": 1, "95–100": 0, "≥100": 1,
    }  # fmt: skip


def test_a_disqualified_unit_takes_no_place_and_has_no_excellent_to_reach():
    no_prize = IndicatorSpec("DQ", "取消评优", "main", D(0), "disqualify")
    inputs = units_with_totals(TEN)
    inputs = dataclasses.replace(
        inputs,
        indicators={"town": [*inputs.indicators["town"], no_prize]},
        evidence={("U1", "DQ"): EvidenceTotal(D(1), 1)},
    )
    result = compute(inputs)
    # U1 (95) is at most good and takes no place: U2 93, U3 92 and U4 91 are the three
    # excellent units.
    assert result.units["U1"].tier is Tier.GOOD and result.units["U4"].tier is Tier.EXCELLENT
    decider = decide(inputs, result, "U1")
    assert (decider.target, decider.gap) == (None, None)
    # U5 at 85 must pass U4's 91, not U1's 95: 91.01, 6.01 more, by the quota line
    decider = decide(inputs, result, "U5")
    assert (decider.target, decider.gap, decider.by_quota) == (Tier.EXCELLENT, D("6.01"), True)


def test_a_draft_counts_catalogued_records_by_the_years_catalogue():
    # Bonus of 3 points with item P1 (1.0 a time, cap 2): X has P1 × 3 → min(3.0, cap 2) = 2.00
    item = CatalogueItem(code="P1", name="省级表彰", points=D(1), cap=D(2))
    plus = IndicatorSpec("PLUS", "加分", "extra", D(3), "bonus", items=(item,))
    base = close_call()
    inputs = dataclasses.replace(
        base,
        indicators={"town": [S1, S2, S3, plus]},
        evidence={("X", "PLUS"): EvidenceTotal(D(3), 1)},
        item_records={("X", "PLUS"): [ItemRecord("P1", 3, datetime.date(2026, 5, 1), 1)]},
    )
    stored = [S1, S2, S3, dataclasses.replace(plus, items=())]  # as a draft keeps it
    schemes = with_catalogues({"town": stored}, inputs.indicators)
    result = what_if(inputs, Draft(indicators=schemes))
    assert result.old.units["X"].scores["PLUS"] == D("2.00")
    assert result.new == result.old


# --- a draft that removes or adds indicators --------------------------------------------------


def test_a_draft_that_removes_an_indicator_scores_the_rest_by_hand():
    inputs = two_indicators()
    # without B, A is worth 100: U1 100 × 0.8 = 80.00 (90.00 before, excellent → good),
    # U2 100 × 1 = 100.00 (80.00 before, good → excellent: 1 place of 3), U3 50.00 (unmoved)
    draft = Draft(indicators={"town": [dataclasses.replace(A, points=D(100))]})
    result = what_if(inputs, draft)
    rows = {row.unit: row for row in result.comparison.rows}
    assert (rows["U1"].new.total, rows["U1"].new.tier) == (D("80.00"), Tier.GOOD)
    assert (rows["U2"].new.total, rows["U2"].new.tier) == (D("100.00"), Tier.EXCELLENT)
    assert (rows["U3"].moved_by, rows["U3"].new.tier) == (D("0.00"), Tier.POOR)
    assert "B" not in rows["U1"].new.scores and "B" in rows["U1"].old.scores
    assert [row.unit for row in result.comparison.rows] == ["U2", "U1", "U3"]


def test_a_new_indicator_with_nothing_recorded_scores_as_missing_evidence():
    inputs = two_indicators()
    # A 40 and B 50 kept; a new survey indicator of 10 points has no rate for anyone: 0.00 and
    # a warning per unit (spec: a missing survey rate scores 0). A new bonus of 3 points with no
    # evidence: actual 0, + min(0, 3) = 0.00.
    # U1: 40 × 0.8 = 32.00 + 50.00 = 82.00; U2: 40 + 30 = 70.00; U3: 20 + 25 = 45.00
    survey = IndicatorSpec("N", "群众满意度", "main", D(10), "survey")
    plus = IndicatorSpec("J", "加分", "extra", D(3), "bonus")
    draft = Draft(indicators={"town": [dataclasses.replace(A, points=D(40)), B, survey, plus]})
    result = what_if(inputs, draft)
    totals = {code: unit.total for code, unit in result.new.units.items()}
    assert totals == {"U1": D("82.00"), "U2": D("70.00"), "U3": D("45.00")}
    assert all(
        unit.scores["N"] == unit.scores["J"] == D("0.00") for unit in result.new.units.values()
    )
    assert sorted(p.unit for p in result.new.warnings if p.indicator == "N") == ["U1", "U2", "U3"]
    assert without_inputs(inputs, "town", "N") and not without_inputs(inputs, "town", "A")


def test_a_new_indicator_scores_on_what_is_recorded_under_its_code():
    # C was recorded all year (U1 7, U2 3, U3 nothing) though the year's scheme leaves it out;
    # the draft adds it as a 20-point completion against targets of 10: U1 20 × 0.7 = 14.00,
    # U2 20 × 0.3 = 6.00, U3 0.00; A and B keep 40 each: U1 32 + 40 + 14 = 86.00,
    # U2 40 + 24 + 6 = 70.00, U3 20 + 20 + 0 = 40.00
    base = two_indicators()
    units = ("U1", "U2", "U3")
    inputs = dataclasses.replace(
        base,
        targets={**base.targets, **{(code, "C"): D(10) for code in units}},
        evidence={
            **base.evidence,
            ("U1", "C"): EvidenceTotal(D(7), 1),
            ("U2", "C"): EvidenceTotal(D(3), 1),
        },
    )
    new = IndicatorSpec("C", "新指标", "main", D(20), "completion")
    forty = [dataclasses.replace(spec, points=D(40)) for spec in (A, B)]
    result = what_if(inputs, Draft(indicators={"town": [*forty, new]}))
    totals = {code: unit.total for code, unit in result.new.units.items()}
    assert totals == {"U1": D("86.00"), "U2": D("70.00"), "U3": D("40.00")}
    assert result.old == compute(inputs)  # the year's own scheme ignores C


def test_a_catalogued_bonus_scored_by_another_method_in_a_draft_takes_no_catalogue():
    item = CatalogueItem(code="P1", name="省级表彰", points=D(1), cap=D(2))
    year = {"town": [S1, IndicatorSpec("PLUS", "加分", "extra", D(3), "bonus", items=(item,))]}
    draft = {"town": [S1, IndicatorSpec("PLUS", "加分", "extra", D(3), "survey")]}
    (_, plus) = with_catalogues(draft, year)["town"]
    assert plus.items == ()
