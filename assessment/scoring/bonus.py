"""Bonus distribution (spec/scoring.md, "Bonus distribution (考核奖金, 奖优罚劣)")."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from .numbers import ZERO, Number, exact


@dataclass(frozen=True)
class BonusClaim:
    """A unit's claim on the pool: its tier coefficient c, headcount h and rank (for ties)."""

    unit: str
    coefficient: Number
    headcount: int
    rank: int


@dataclass(frozen=True)
class BonusResult:
    """The pool and what each unit is paid, in whole yuan.

    `paid` is False when no unit has a positive coefficient × headcount: then nothing is
    paid and every amount is 0.
    """

    pool: int
    paid: bool
    amounts: Mapping[str, int]


def distribute_bonus(pool: int, claims: Sequence[BonusClaim]) -> BonusResult:
    """Spec, "Bonus distribution": share = P × c × h / Σ(c × h), paid by largest remainder.

    Every unit gets the floor of its share; the yuan left over go one each to the largest
    fractional parts, ties to the better rank, then the lower unit code. The amounts add up
    to the pool exactly; a unit with coefficient 0 gets 0.
    """
    if pool < 0:
        raise ValueError(f"the bonus pool must be >= 0, got {pool}")
    weights = {claim.unit: exact(claim.coefficient) * claim.headcount for claim in claims}
    weight_sum = sum(weights.values(), ZERO)
    if weight_sum <= 0:
        return BonusResult(pool=pool, paid=False, amounts={claim.unit: 0 for claim in claims})
    shares: dict[str, Fraction] = {unit: pool * w / weight_sum for unit, w in weights.items()}
    amounts = {unit: math.floor(share) for unit, share in shares.items()}
    left_over = pool - sum(amounts.values())
    by_remainder = sorted(
        claims, key=lambda c: (-(shares[c.unit] - amounts[c.unit]), c.rank, c.unit)
    )
    for claim in by_remainder[:left_over]:
        amounts[claim.unit] += 1
    return BonusResult(pool=pool, paid=True, amounts=amounts)
