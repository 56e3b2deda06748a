"""Three-colour warnings (红黄绿预警): how far a unit is behind its period targets.

Not a score: the colours only say, during the year, whether the verified evidence keeps pace
with the cumulative target of a period (a quarter or a month). The readings chosen where the
issue leaves a choice are written down in docs/spec-readings.md ("Three-colour warnings").
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import IntEnum
from typing import TypeVar

from .inputs import Method
from .numbers import Number, to_decimal

K = TypeVar("K")  # the key of a unit × indicator pair, whatever the caller names it by
DEFAULT_YELLOW_SHARE = Decimal("0.80")
# Methods whose verified records are failures: any one (not waived) turns the indicator red.
FAILURE_METHODS = frozenset({Method.DEDUCTION, Method.VETO, Method.DISQUALIFY})
# Methods compared against a cumulative period target.
TARGETED_METHODS = frozenset({Method.COMPLETION, Method.INCREMENT, Method.CEILING})


class Colour(IntEnum):
    """Ordered so that the worst colour is the largest: a unit takes `max` of its indicators."""

    GREEN = 1
    YELLOW = 2
    RED = 3

    @property
    def key(self) -> str:
        """The stored and URL spelling: "green", "yellow" or "red"."""
        return self.name.lower()

    @classmethod
    def from_key(cls, key: str) -> Colour:
        return cls[key.upper()]


@dataclass(frozen=True)
class Standing:
    """Where a unit × indicator stands at a period: the inputs of its colour.

    `actual` is the verified cumulative value up to the period's end (per the indicator's
    aggregation); `target` the cumulative period target (None: the indicator has none);
    `failures` counts the verified records of a deduction, veto or disqualify indicator that
    were not waived (容错免责).
    """

    method: str
    actual: Number = 0
    target: Number | None = None
    failures: int = 0


def indicator_colour(
    standing: Standing, *, yellow_share: Number = DEFAULT_YELLOW_SHARE
) -> Colour | None:
    """The colour of one unit × indicator at a period; None when it has no colour.

    Completion and increment: green at or above the period target, yellow at or above
    yellow_share × target, red below. Ceiling (the target is an allowed maximum): red above
    it, yellow above yellow_share × ceiling up to the ceiling itself (the allowance nearly
    used), green at or below yellow_share × ceiling. Deduction, veto and disqualify: red on
    any failure not waived, green otherwise. Bonus indicators, and every indicator without a
    period target, have no colour.
    """
    if standing.method in FAILURE_METHODS:
        return Colour.RED if standing.failures > 0 else Colour.GREEN
    if standing.method not in TARGETED_METHODS or standing.target is None:
        return None
    actual, target = to_decimal(standing.actual), to_decimal(standing.target)
    line = to_decimal(yellow_share) * target
    if standing.method == Method.CEILING:
        if actual > target:
            return Colour.RED
        return Colour.YELLOW if actual > line else Colour.GREEN
    if actual >= target:
        return Colour.GREEN
    return Colour.YELLOW if actual >= line else Colour.RED


def shortfall(standing: Standing) -> Decimal | None:
    """What must be made up for the period target: target − actual, or for a ceiling the
    excess actual − ceiling. None when nothing is missing or the indicator has no target."""
    if standing.method not in TARGETED_METHODS or standing.target is None:
        return None
    actual, target = to_decimal(standing.actual), to_decimal(standing.target)
    gap = actual - target if standing.method == Method.CEILING else target - actual
    return gap if gap > 0 else None


def unit_colour(colours: Iterable[Colour | None]) -> Colour | None:
    """A unit's colour is its worst indicator's; None when no indicator has a colour."""
    present = [colour for colour in colours if colour is not None]
    return max(present) if present else None


def colour_grid(
    standings: Mapping[K, Standing], *, yellow_share: Number = DEFAULT_YELLOW_SHARE
) -> dict[K, Colour]:
    """The colours of many (unit, indicator) pairs at once; pairs without a colour are left out."""
    share = to_decimal(yellow_share)
    grid: dict[K, Colour] = {}
    for key, standing in standings.items():
        colour = indicator_colour(standing, yellow_share=share)
        if colour is not None:
            grid[key] = colour
    return grid


def period_target(
    annual: Number, *, share: Number | None = None, absolute: Number | None = None
) -> Decimal:
    """The cumulative target of a period: an absolute figure if given, else share × annual.

    Exactly one of `share` (a fraction of the year's target, 0 < share ≤ 1) and `absolute`
    must be given.
    """
    if (share is None) == (absolute is None):
        raise ValueError("give exactly one of share and absolute")
    if absolute is not None:
        return to_decimal(absolute)
    assert share is not None  # one of the two is given, checked above
    fraction = to_decimal(share)
    if not Decimal(0) < fraction <= Decimal(1):
        raise ValueError(f"a period share must be in (0, 1], not {fraction}")
    return to_decimal(annual) * fraction


def pro_rata_share(year: int, period_end: datetime.date) -> Decimal:
    """The default cumulative share of a period: the days of the year elapsed by its end.

    Rounded to 4 places (halves up) so that it reads as a percentage with two decimals.
    """
    first = datetime.date(year, 1, 1)
    days = (datetime.date(year, 12, 31) - first).days + 1
    elapsed = min(max((period_end - first).days + 1, 0), days)
    return (Decimal(elapsed) / Decimal(days)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
