"""Catalogued bonus and deduction items and the disqualify method, against spec/scoring.md.

Every expected number is worked by hand in the comment above it. No database.
"""

from __future__ import annotations

import datetime
from decimal import Decimal as D

import pytest

from assessment.scoring import (
    CadreSpec,
    CatalogueItem,
    EvidenceTotal,
    IndicatorSpec,
    ItemRecord,
    ProblemCode,
    SetupError,
    Tier,
    UnitSpec,
    YearInputs,
    catalogue_outcome,
    compute,
    validate_scheme,
)

P1 = CatalogueItem("P1", "省级表彰", D("1.0"), level="provincial", cap=D(2))
C1 = CatalogueItem("C1", "市级表彰", D("0.5"), level="city", cap=D("1.5"))
AWARD = IndicatorSpec("AWARD", "表彰奖励", "bonus", D(3), "bonus", items=(P1, C1))
SCORE = IndicatorSpec("X", "score", "main", D(100), "completion")
BAN = IndicatorSpec("BAN", "违纪通报", "flags", D(0), "disqualify")
SAFE = IndicatorSpec("SAFE", "安全生产", "flags", D(0), "veto")


def day(month: int, dom: int) -> datetime.date:
    return datetime.date(2026, month, dom)


def record(item: str, count: int, document: str = "", *, on: int = 1, seq: int = 0) -> ItemRecord:
    return ItemRecord(item=item, count=count, date=day(3, on), sequence=seq, document=document)


def test_worked_example_of_the_spec_scores_two_and_a_half():
    records = [
        record("P1", 1, "省政发〔2026〕12号", on=1, seq=1),
        record("C1", 1, "省政发〔2026〕12号", on=2, seq=2),  # same document: counts once, as P1
        record("C1", 2, "市委办〔2026〕3号", on=3, seq=3),  # 1.0
        record("C1", 2, on=4, seq=4),  # no document: 1.0
    ]
    outcome = catalogue_outcome(items=AWARD.items, records=records, points=3, deduction=False)
    # C1: 1.0 + 1.0 = 2.0, capped at 1.5; P1: 1.0; + min(2.5, 3) = 2.50
    assert outcome.score == D("2.50")
    by_item = {total.item.code: total for total in outcome.items}
    assert (by_item["C1"].raw, by_item["C1"].counted, by_item["C1"].capped) == (2, D("1.5"), True)
    assert (by_item["P1"].counted, by_item["P1"].capped) == (1, False)
    assert not outcome.indicator_capped
    skipped = [c for c in outcome.records if not c.counts]
    assert [(c.record.item, c.counted_instead.item) for c in skipped] == [("C1", "P1")]


def test_a_document_cited_at_two_levels_counts_once_at_the_higher():
    # the city record comes first, but the provincial one has more points (1.0 > 0.5)
    records = [record("C1", 1, "甲文〔2026〕1号", on=1), record("P1", 1, " 甲文〔2026〕1号 ", on=9)]
    outcome = catalogue_outcome(items=AWARD.items, records=records, points=3, deduction=False)
    assert outcome.score == D("1.00")
    assert [c.record.item for c in outcome.records if c.counts] == ["P1"]


def test_equal_points_for_one_document_count_the_earliest_then_the_first_recorded():
    same_day = [record("C1", 2, "乙文1号", on=5, seq=8), record("P1", 1, "乙文1号", on=5, seq=3)]
    outcome = catalogue_outcome(items=AWARD.items, records=same_day, points=3, deduction=False)
    # both are worth 1.0 on the same date: the one recorded first (P1, sequence 3) counts
    assert [c.record.item for c in outcome.records if c.counts] == ["P1"]
    earlier = [record("P1", 1, "丙文1号", on=9), record("C1", 2, "丙文1号", on=2)]
    outcome = catalogue_outcome(items=AWARD.items, records=earlier, points=3, deduction=False)
    assert [c.record.item for c in outcome.records if c.counts] == ["C1"]


def test_an_item_cap_binds():
    # P1 × 3 = 3.0, capped at 2; min(2, 3) = 2.00
    outcome = catalogue_outcome(
        items=AWARD.items, records=[record("P1", 3)], points=3, deduction=False
    )
    assert outcome.score == D("2.00")
    assert outcome.items[0].capped and not outcome.indicator_capped


def test_the_indicator_cap_binds_after_the_item_caps():
    # P1 × 5 = 5.0 → 2 (item cap); C1 × 4 = 2.0 → 1.5; Σ = 3.5 → min(3.5, 3) = 3.00
    records = [record("P1", 5, seq=1), record("C1", 4, seq=2)]
    outcome = catalogue_outcome(items=AWARD.items, records=records, points=3, deduction=False)
    assert (outcome.total, outcome.score, outcome.indicator_capped) == (D("3.5"), D("3.00"), True)


def test_a_deduction_per_person_held_accountable_is_negative_and_exact():
    # 问责 0.3 per person × 3 persons = 0.9; 通报批评 0.25 × 3 = 0.75 (under its cap of 1);
    # − min(1.65, 5) = −1.65
    items = (
        CatalogueItem("W1", "问责", D("0.3")),
        CatalogueItem("T1", "通报批评", D("0.25"), cap=D(1)),
    )
    records = [record("W1", 3, "纪发1号"), record("T1", 3)]
    outcome = catalogue_outcome(items=items, records=records, points=5, deduction=True)
    assert outcome.score == D("-1.65")


def test_compute_scores_a_catalogued_bonus_and_keeps_the_plain_rule_elsewhere():
    plain_bonus = IndicatorSpec("HL", "亮点", "bonus", D(2), "bonus")
    inputs = YearInputs(
        indicators={"town": [SCORE, AWARD, plain_bonus]},
        units=[UnitSpec("A", "A", "town", 10)],
        targets={("A", "X"): D(100)},
        evidence={("A", "X"): EvidenceTotal(D(80), 1), ("A", "HL"): EvidenceTotal(D("0.7"), 2)},
        item_records={("A", "AWARD"): [record("P1", 1, "省政发〔2026〕12号"), record("C1", 1)]},
    )
    unit = compute(inputs).units["A"]
    # 80 + (1.0 + 0.5) + 0.7 = 82.20
    assert unit.scores == {"X": D("80.00"), "AWARD": D("1.50"), "HL": D("0.70")}
    assert unit.total == D("82.20")


def test_catalogue_setup_errors_are_listed():
    bad = IndicatorSpec(
        "AWARD",
        "表彰",
        "bonus",
        D(3),
        "bonus",
        items=(P1, CatalogueItem("P1", "again", D(0)), CatalogueItem("Z", "z", D(1), cap=D(0))),
    )
    on_veto = IndicatorSpec("SAFE", "安全", "flags", D(0), "veto", items=(P1,))
    errors, _ = validate_scheme([bad, on_veto], category="town")
    assert {(p.code, p.value) for p in errors} == {
        (ProblemCode.DUPLICATE_ITEM, "P1"),
        (ProblemCode.INVALID_ITEM_POINTS, "P1"),
        (ProblemCode.INVALID_ITEM_CAP, "Z"),
        (ProblemCode.CATALOGUE_NOT_ALLOWED, None),
    }
    inputs = YearInputs(
        indicators={"town": [SCORE, AWARD]},
        units=[UnitSpec("A", "A", "town", 10)],
        targets={("A", "X"): D(100)},
        item_records={("A", "AWARD"): [record("NOPE", 1), record("P1", 0)]},
    )
    with pytest.raises(SetupError) as refused:
        compute(inputs)
    assert {(p.code, p.unit, p.value) for p in refused.value.problems} == {
        (ProblemCode.UNKNOWN_ITEM, "A", "NOPE"),
        (ProblemCode.INVALID_ITEM_COUNT, "A", 0),
    }


# --- disqualification (取消评优资格) -------------------------------------------------------


def flagged_year(
    totals: dict[str, str], *, banned: tuple[str, ...] = (), vetoed: tuple[str, ...] = (), **extra
) -> YearInputs:
    return YearInputs(
        indicators={"town": [SCORE, BAN, SAFE]},
        units=[UnitSpec(code, code, "town", 10) for code in totals],
        targets={(code, "X"): D(100) for code in totals},
        evidence={
            **{(code, "X"): EvidenceTotal(D(total), 1) for code, total in totals.items()},
            **{(code, "BAN"): EvidenceTotal(D(1), 1) for code in banned},
            **{(code, "SAFE"): EvidenceTotal(D(1), 1) for code in vetoed},
        },
        **extra,
    )


def test_a_disqualified_unit_with_the_best_total_is_good_and_its_place_passes_on():
    # 4 units → quota max(1, floor(4 × 0.3)) = 1; A (98) is disqualified: good, rank 1 kept;
    # B (95) takes the one excellent place; C (92) stays good by the quota
    result = compute(flagged_year({"A": "98", "B": "95", "C": "92", "D": "70"}, banned=("A",)))
    units = result.units
    assert (units["A"].disqualified, units["A"].tier, units["A"].rank) == (True, Tier.GOOD, 1)
    assert units["A"].scores == {"X": D("98.00")}  # no points for the disqualify item
    assert (units["B"].tier, units["C"].tier, units["D"].tier) == (
        Tier.EXCELLENT,
        Tier.GOOD,
        Tier.AVERAGE,
    )
    assert not units["B"].disqualified


def test_the_place_of_a_disqualified_unit_follows_the_tie_rule():
    # 7 units → quota floor(7 × 0.3) = 2; A (99) disqualified. Candidates: B (96), then C and
    # D tied at 94: admitting both would make 3 > 2, so the tied group is good, and E below it
    result = compute(
        flagged_year(
            {"A": "99", "B": "96", "C": "94", "D": "94", "E": "91", "F": "50", "G": "40"},
            banned=("A",),
        )
    )
    tiers = {code: unit.tier for code, unit in result.units.items()}
    assert [code for code, tier in tiers.items() if tier == Tier.EXCELLENT] == ["B"]
    assert tiers["A"] == tiers["C"] == tiers["D"] == tiers["E"] == Tier.GOOD


def test_a_disqualified_unit_below_good_keeps_its_tier_and_a_veto_wins():
    result = compute(
        flagged_year({"A": "75", "B": "95", "C": "99"}, banned=("A", "C"), vetoed=("C",))
    )
    units = result.units
    assert (units["A"].tier, units["A"].disqualified) == (Tier.AVERAGE, True)
    assert (units["C"].tier, units["C"].veto, units["C"].disqualified) == (Tier.POOR, True, True)
    assert units["B"].tier == Tier.EXCELLENT


def test_the_team_and_cadres_of_a_disqualified_unit_are_at_most_good():
    inputs = flagged_year(
        {"A": "100", "B": "90"},
        banned=("A",),
        cadres=[CadreSpec("A", "a1"), CadreSpec("B", "b1")],
        team_evaluations={"A": D(100), "B": D(100)},
        cadre_evaluations={("A", "a1"): D(100), ("B", "b1"): D(100)},
    )
    result = compute(inputs)
    # team A: 0.7 × 100 + 0.3 × 100 = 100.00 but good; team B: 63 + 30 = 93.00 takes the place
    assert (result.teams["A"].score, result.teams["A"].tier) == (D("100.00"), Tier.GOOD)
    assert result.teams["B"].tier == Tier.EXCELLENT
    # cadre a1: 0.6 × 100 + 0.4 × 100 = 100.00 but good; b1: 54 + 40 = 94.00 excellent
    assert result.cadres[("A", "a1")].tier == Tier.GOOD
    assert result.cadres[("B", "b1")].tier == Tier.EXCELLENT


def test_disqualify_items_stand_outside_the_hundred():
    _, warnings = validate_scheme([SCORE, BAN], category="town")
    assert warnings == []
