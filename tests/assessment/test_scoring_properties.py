"""Properties the scoring spec promises for any input, checked with hypothesis."""

from __future__ import annotations

import math
from decimal import Decimal as D
from fractions import Fraction as F

from hypothesis import given, settings
from hypothesis import strategies as st

from assessment.scoring import (
    DEFAULT_TIER_COEFFICIENTS,
    BonusClaim,
    EvidenceTotal,
    IndicatorSpec,
    Tier,
    UnitSpec,
    YearInputs,
    ceiling_score,
    completion_score,
    compute,
    distribute_bonus,
    excellent_quota,
    increment_score,
)

FAST = settings(max_examples=60, deadline=None)

# two-place decimals in a range, as scores and recorded values are
hundredths = st.integers(min_value=-10_000, max_value=100_000).map(lambda n: D(n).scaleb(-2))
positive = st.integers(min_value=1, max_value=100_000).map(lambda n: D(n).scaleb(-2))
points = st.integers(min_value=0, max_value=30).map(D)
caps = st.sampled_from([D(1), D("1.1"), D("1.2"), D(2)])

claims = st.lists(
    st.tuples(
        st.sampled_from(sorted(DEFAULT_TIER_COEFFICIENTS.values())),
        st.integers(min_value=0, max_value=300),
        st.integers(min_value=1, max_value=10),
    ),
    min_size=1,
    max_size=30,
)


@FAST
@given(pool=st.integers(min_value=0, max_value=10_000_000), entries=claims)
def test_bonus_amounts_always_add_up_to_the_pool(pool, entries):
    bonus_claims = [
        BonusClaim(f"U{i:02d}", coefficient, headcount, rank)
        for i, (coefficient, headcount, rank) in enumerate(entries)
    ]
    result = distribute_bonus(pool, bonus_claims)
    weight_sum = sum(claim.coefficient * claim.headcount for claim in bonus_claims)
    if weight_sum == 0:
        assert not result.paid and set(result.amounts.values()) == {0}
        return
    assert sum(result.amounts.values()) == pool
    for claim in bonus_claims:
        share = pool * claim.coefficient * claim.headcount / weight_sum
        amount = result.amounts[claim.unit]
        assert math.floor(share) <= amount <= math.floor(share) + 1
        if claim.coefficient == 0:
            assert amount == 0


units_of_a_category = st.lists(
    st.tuples(st.integers(min_value=5_000, max_value=10_000), st.booleans()),
    min_size=1,
    max_size=15,
)


@FAST
@given(entries=units_of_a_category)
def test_no_category_has_more_excellent_units_than_its_quota_and_vetoed_units_are_poor(entries):
    # one completion indicator worth 100 with target 100: each total is its actual value
    rows = {f"U{i:02d}": entry for i, entry in enumerate(entries)}
    codes = list(rows)
    inputs = YearInputs(
        indicators={
            "town": [
                IndicatorSpec("X", "x", "g", D(100), "completion"),
                IndicatorSpec("V", "veto", "g", D(0), "veto"),
            ]
        },
        units=[UnitSpec(code, code, "town", 10) for code in codes],
        targets={(code, "X"): D(100) for code in codes},
        evidence={
            **{(c, "X"): EvidenceTotal(D(t).scaleb(-2), 1) for c, (t, _) in rows.items()},
            **{(c, "V"): EvidenceTotal(D(1), 1) for c, (_, vetoed) in rows.items() if vetoed},
        },
        bonus_pool=1_000,
    )
    units = compute(inputs).units
    excellent = [unit for unit in units.values() if unit.tier == Tier.EXCELLENT]
    assert len(excellent) <= excellent_quota(len(codes), D("0.30"))
    for unit in units.values():
        if unit.veto:
            assert unit.tier == Tier.POOR and unit.bonus == 0
    # nobody overtakes: every non-vetoed unit above an excellent one is excellent too
    for unit in units.values():
        if not unit.veto and any(unit.total > best.total for best in excellent):
            assert unit.tier == Tier.EXCELLENT


@FAST
@given(
    points=points,
    target=positive,
    cap=caps,
    actuals=st.lists(hundredths, min_size=2, max_size=2).map(sorted),
)
def test_a_higher_actual_never_lowers_completion_and_never_raises_ceiling(
    points, target, cap, actuals
):
    low, high = actuals
    assert completion_score(points=points, actual=high, target=target, cap=cap) >= (
        completion_score(points=points, actual=low, target=target, cap=cap)
    )
    assert ceiling_score(points=points, actual=high, target=target, cap=cap) <= (
        ceiling_score(points=points, actual=low, target=target, cap=cap)
    )


@FAST
@given(
    points=points,
    base=hundredths,
    gap=positive,
    cap=caps,
    share=st.integers(min_value=0, max_value=10).map(lambda n: D(n) / 10),
    actuals=st.lists(hundredths, min_size=2, max_size=2).map(sorted),
)
def test_a_higher_actual_never_lowers_increment(points, base, gap, cap, share, actuals):
    target = max(base + gap, gap)  # target > base and target > 0
    low, high = actuals

    def score(actual: D) -> D:
        return increment_score(
            points=points, actual=actual, target=target, base=base, cap=cap, total_share=share
        )

    assert score(high) >= score(low)


# --- the integer-ratio arithmetic gives exactly the Fraction result ---------------------------
# The per-unit methods skip Fraction for speed; these compare them with the spec's formulas
# written directly in Fraction and rounded the way the spec says (half away from zero).

six_places = st.integers(min_value=-(10**9), max_value=10**9).map(lambda n: D(n).scaleb(-6))
shares = st.integers(min_value=0, max_value=100).map(lambda n: D(n).scaleb(-2))


def _spec_round(value: F) -> D:
    """Half away from zero to 2 places, computed on the exact Fraction."""
    hundredths = math.floor(abs(value) * 100 + F(1, 2))
    return D(-hundredths if value < 0 else hundredths).scaleb(-2)


def _clamp(x, lo, hi):
    return max(lo, min(x, hi))


@FAST
@given(points=points, actual=six_places, target=positive, cap=caps)
def test_completion_equals_the_fraction_formula(points, actual, target, cap):
    expected = F(points) * _clamp(F(actual) / F(target), F(0), F(cap))
    assert completion_score(points=points, actual=actual, target=target, cap=cap) == _spec_round(
        expected
    )


@FAST
@given(points=points, actual=six_places, target=positive, cap=caps)
def test_ceiling_equals_the_fraction_formula(points, actual, target, cap):
    expected = F(points) * _clamp(2 - F(actual) / F(target), F(0), F(cap))
    assert ceiling_score(points=points, actual=actual, target=target, cap=cap) == _spec_round(
        expected
    )


@FAST
@given(points=points, actual=six_places, base=six_places, growth=positive, cap=caps, s=shares)
def test_increment_equals_the_fraction_formula(points, actual, base, growth, cap, s):
    target = base + growth
    if target <= 0:
        return
    a, t, b = F(actual), F(target), F(base)
    expected = F(points) * (
        F(s) * _clamp(a / t, F(0), F(cap)) + (1 - F(s)) * _clamp((a - b) / (t - b), F(0), F(cap))
    )
    got = increment_score(
        points=points, actual=actual, target=target, base=base, cap=cap, total_share=s
    )
    assert got == _spec_round(expected)
