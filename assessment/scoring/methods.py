"""One function per scoring method (spec/scoring.md, "Methods (计分方法)"), and the
team and cadre formulas of "Three in one (三位一体)".

Each evaluates its formula exactly and rounds once (spec, "Arithmetic"). The callers
(`compute`) have already refused invalid targets and bases; the guards here only protect
direct callers from a silent division by zero.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import TypeVar

from .inputs import DEFAULT_GRADE_FACTORS, Params
from .numbers import (
    ONE,
    R0,
    ZERO,
    Number,
    Ratio,
    exact,
    r_add,
    r_clamp,
    r_div,
    r_less,
    r_mul,
    r_sub,
    ratio,
    round2,
)

K = TypeVar("K")


def _positive_ratio(name: str, value: Ratio) -> Ratio:
    if value[0] <= 0:
        raise ValueError(f"{name} must be > 0, got {value[0]}/{value[1]}")
    return value


TWO: Ratio = (2, 1)


def completion_score(*, points: Number, actual: Number, target: Number, cap: Number = 1) -> Decimal:
    """Spec, method `completion`: points × clamp(actual / target, 0, cap); target > 0."""
    return completion_scores(points=points, cap=cap, values={0: (actual, target)})[0]


def ceiling_score(*, points: Number, actual: Number, target: Number, cap: Number = 1) -> Decimal:
    """Spec, method `ceiling`: points × clamp(2 − actual / target, 0, cap); target > 0.

    The target is the allowed maximum: reaching it exactly earns full points, twice it none.
    """
    return ceiling_scores(points=points, cap=cap, values={0: (actual, target)})[0]


def increment_score(
    *,
    points: Number,
    actual: Number,
    target: Number,
    base: Number,
    cap: Number = 1,
    total_share: Number = Decimal("0.5"),
) -> Decimal:
    """Spec, method `increment`: total and increment together (总量与增量并重).

    points × [s × clamp(actual / target, 0, cap)
              + (1 − s) × clamp((actual − base) / (target − base), 0, cap)],
    s = total_share; needs target > base and target > 0.
    """
    values = {0: (actual, target, base)}
    return increment_scores(points=points, cap=cap, total_share=total_share, values=values)[0]


# One indicator's scores for every unit of its category at once (what the engine calls): the
# indicator's own numbers are read once, not once a unit (a city has 36,000 such scores).


def completion_scores(
    *, points: Number, cap: Number = 1, values: Mapping[K, tuple[Number, Number]]
) -> dict[K, Decimal]:
    """``completion_score`` of each unit: ``values`` maps it to (actual, target)."""
    return _against_target_scores(points, cap, values, ceiling=False)


def ceiling_scores(
    *, points: Number, cap: Number = 1, values: Mapping[K, tuple[Number, Number]]
) -> dict[K, Decimal]:
    """``ceiling_score`` of each unit: ``values`` maps it to (actual, target)."""
    return _against_target_scores(points, cap, values, ceiling=True)


def _against_target_scores(
    points: Number, cap: Number, values: Mapping[K, tuple[Number, Number]], *, ceiling: bool
) -> dict[K, Decimal]:
    """points × clamp(r, 0, cap) with r = actual / target (completion) or 2 − actual / target
    (ceiling); target > 0."""
    (weight_n, weight_d), (cap_n, cap_d) = ratio(points), ratio(cap)
    scores: dict[K, Decimal] = {}
    # The Ratio arithmetic below (r_div, r_sub, r_clamp, r_mul) written out: a city scores
    # 32,000 units' indicators here. With actual = a_n / a_d and target = t_n / t_d (both
    # denominators > 0, t_n > 0), actual / target = (a_n t_d) / (a_d t_n).
    for key, (actual, target) in values.items():
        a_n, a_d = actual.as_integer_ratio() if type(actual) is Decimal else ratio(actual)
        t_n, t_d = target.as_integer_ratio() if type(target) is Decimal else ratio(target)
        if t_n <= 0:
            _positive_ratio("target", (t_n, t_d))
        n, d = a_n * t_d, a_d * t_n  # the rate, d > 0
        if ceiling:
            n = 2 * d - n  # 2 − actual / target
        if n < 0:  # clamped to 0
            n, d = 0, 1
        elif n * cap_d > cap_n * d:  # clamped to the cap
            n, d = cap_n, cap_d
        scores[key] = round2((weight_n * n, weight_d * d))
    return scores


def increment_scores(
    *,
    points: Number,
    cap: Number = 1,
    total_share: Number = Decimal("0.5"),
    values: Mapping[K, tuple[Number, Number, Number]],
) -> dict[K, Decimal]:
    """``increment_score`` of each unit: ``values`` maps it to (actual, target, base)."""
    weight, top, share = ratio(points), ratio(cap), ratio(total_share)
    rest = r_sub((1, 1), share)
    scores: dict[K, Decimal] = {}
    for key, (actual, target, base) in values.items():
        a, t, b = ratio(actual), ratio(target), ratio(base)
        _positive_ratio("target", t)
        growth_needed = _positive_ratio("target − base", r_sub(t, b))
        total_part = r_clamp(r_div(a, t), R0, top)
        increment_part = r_clamp(r_div(r_sub(a, b), growth_needed), R0, top)
        weighted = r_add(r_mul(share, total_part), r_mul(rest, increment_part))
        scores[key] = round2(r_mul(weight, weighted))
    return scores


def base_ratio_scores(
    *, points: Number, values: Mapping[K, tuple[Number, Number]]
) -> dict[K, Decimal]:
    """Spec, method `base_ratio`: share of the original base, compared within the category.

    `values` maps each unit of the category to (actual, base), base > 0. v = actual / base;
    score = points × max(v, 0) / max over the category of v; 0 for everyone where that
    maximum is ≤ 0.
    """
    ratios = {
        key: r_div(ratio(actual), _positive_ratio("base", ratio(base)))
        for key, (actual, base) in values.items()
    }
    best = R0
    for value in ratios.values():
        if r_less(best, value):
            best = value
    if not r_less(R0, best):  # every v ≤ 0 (or no unit)
        return {key: round2(R0) for key in ratios}
    weight = ratio(points)
    return {
        key: round2(r_div(r_mul(weight, value if r_less(R0, value) else R0), best))
        for key, value in ratios.items()
    }


def city_rank_score(
    *, points: Number, rank: int, total: int, step: Number | None = None
) -> Decimal:
    """Spec, method `city_rank`: max(0, points − step × (rank − 1)).

    step defaults to points / total, total being how many units the city ranked.
    """
    weight = ratio(points)
    if step is not None:
        per_place = ratio(step)
    else:
        per_place = r_div(weight, _positive_ratio("total", (total, 1)))
    left = r_sub(weight, r_mul(per_place, (rank - 1, 1)))
    return round2(left if r_less(R0, left) else R0)


def graded_score(
    *, points: Number, grade: str, factors: Mapping[str, Number] = DEFAULT_GRADE_FACTORS
) -> Decimal:
    """Spec, method `graded`: points × factor (A = 1.00, B = 0.85, C = 0.70, D = 0.50)."""
    return round2(exact(points) * exact(factors[normalize_grade(grade)]))


def normalize_grade(grade: str) -> str:
    """A grade as the factors table spells it: surrounding spaces dropped, upper case."""
    return grade.strip().upper()


def is_valid_survey_rate(value: Number) -> bool:
    """Spec, method `survey`: a rate in [0, 1] or a percentage above 1 and at most 100."""
    return ZERO <= exact(value) <= 100


def survey_rate(value: Number) -> Fraction:
    """Spec, method `survey`: an imported value above 1 and at most 100 is a percentage."""
    rate = exact(value)
    return rate / 100 if rate > ONE else rate


def survey_score(*, points: Number, rate: Number) -> Decimal:
    """Spec, method `survey`: points × rate, rate in [0, 1] (or a percentage, see above)."""
    return round2(exact(points) * survey_rate(rate))


def bonus_score(*, points: Number, value: Number) -> Decimal:
    """Spec, method `bonus` (加分项): + min(sum of verified values, points); values ≥ 0."""
    return round2(min(exact(value), exact(points)))


def deduction_score(*, points: Number, value: Number) -> Decimal:
    """Spec, method `deduction` (扣分项): − min(sum of verified values, points); values ≥ 0."""
    return round2(-min(exact(value), exact(points)))


def team_score(*, unit_total: Number, evaluation: Number, params: Params | None = None) -> Decimal:
    """Spec, "Three in one": team = 0.7 × unit total + 0.3 × team evaluation, rounded."""
    p = params or Params()
    return round2(
        r_add(
            r_mul(ratio(p.team_unit_weight), ratio(unit_total)),
            r_mul(ratio(p.team_evaluation_weight), ratio(evaluation)),
        )
    )


def cadre_score(
    *,
    unit_total: Number,
    evaluation: Number,
    contribution: Number = 0,
    params: Params | None = None,
) -> Decimal:
    """Spec, "Three in one": cadre = 0.6 × unit total + 0.4 × personal evaluation
    + key-project contribution points (capped at 5), rounded."""
    p = params or Params()
    counted, cap = ratio(contribution), ratio(p.contribution_cap)
    weighted = r_add(
        r_mul(ratio(p.cadre_unit_weight), ratio(unit_total)),
        r_mul(ratio(p.cadre_evaluation_weight), ratio(evaluation)),
    )
    return round2(r_add(weighted, cap if r_less(cap, counted) else counted))
