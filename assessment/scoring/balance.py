"""Balance of a scheme: how much each indicator tells units apart, and how tiers fall.

Per category and indicator: the range and spread of the scores (an indicator on which every
unit scores alike decides nothing), how many units it alone decides (had the unit scored as
the category's best on it, its tier would have been better), and the correlation between
indicators; per category, the distribution of totals and of tiers.
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from .deciders import best_scores, category_units, flagged, tier_gap
from .inputs import IndicatorSpec, YearInputs
from .numbers import exact, round2
from .results import YearResult
from .whatif import Summary, summarise

# Share of a category's units an indicator may decide alone before it counts as too heavy.
HEAVY_SHARE = Fraction(1, 2)
# |r| from which two indicators are said to measure much the same thing.
CORRELATED = 0.9
# Lower edges of the total bands; the first band is everything below the second edge.
BAND_EDGES: tuple[int, ...] = (0, 60, 65, 70, 75, 80, 85, 90, 95, 100)


@dataclass(frozen=True)
class IndicatorBalance:
    """One indicator across a category's units.

    `spread` is the population standard deviation of the scores (2 places); `full` counts
    the units with full points; `decides` the units whose tier it alone would have changed.
    """

    code: str
    name: str
    method: str
    points: Decimal
    lowest: Decimal
    highest: Decimal
    mean: Decimal
    spread: Decimal
    full: int
    decides: int
    units: int

    @property
    def no_spread(self) -> bool:
        return self.lowest == self.highest

    @property
    def all_full(self) -> bool:
        return self.full == self.units > 0

    @property
    def too_heavy(self) -> bool:
        return self.units > 0 and Fraction(self.decides, self.units) > HEAVY_SHARE


@dataclass(frozen=True)
class Correlation:
    """Two indicators (codes, then names) and Pearson's r of their scores."""

    first: str
    second: str
    r: Decimal
    first_name: str = ""
    second_name: str = ""


@dataclass(frozen=True)
class Band:
    label: str
    count: int


@dataclass(frozen=True)
class CategoryBalance:
    category: str
    indicators: tuple[IndicatorBalance, ...]
    correlations: tuple[Correlation, ...]  # every pair with a defined r, in scheme order
    bands: tuple[Band, ...]
    summary: Summary

    @property
    def flat(self) -> tuple[IndicatorBalance, ...]:
        return tuple(i for i in self.indicators if i.no_spread)

    @property
    def heavy(self) -> tuple[IndicatorBalance, ...]:
        return tuple(i for i in self.indicators if i.too_heavy)

    @property
    def correlated(self) -> tuple[Correlation, ...]:
        return tuple(c for c in self.correlations if abs(c.r) >= Decimal(str(CORRELATED)))


def balance(inputs: YearInputs, result: YearResult) -> tuple[CategoryBalance, ...]:
    """The balance of every category of `result`, in the order the scheme lists them."""
    present = {unit.category for unit in result.units.values()}
    return tuple(
        category_balance(inputs, result, category)
        for category in inputs.indicators
        if category in present
    )


def category_balance(inputs: YearInputs, result: YearResult, category: str) -> CategoryBalance:
    units = category_units(result, category)
    scheme = [
        spec
        for spec in inputs.indicators[category]
        if all(spec.code in unit.scores for unit in units.values())
    ]
    vetoed, disqualified = flagged(units)
    totals = {code: unit.total for code, unit in units.items()}
    best = best_scores(units)
    decides = dict.fromkeys((spec.code for spec in scheme), 0)
    for code, unit in units.items():
        _, gap, _ = tier_gap(
            code, totals, vetoed=vetoed, params=inputs.params, disqualified=disqualified
        )
        if gap is None:
            continue
        for spec in scheme:
            if best[spec.code] - unit.scores[spec.code] >= gap:
                decides[spec.code] += 1
    columns = {spec.code: [unit.scores[spec.code] for unit in units.values()] for spec in scheme}
    indicators = tuple(_indicator(spec, columns[spec.code], decides[spec.code]) for spec in scheme)
    return CategoryBalance(
        category=category,
        indicators=indicators,
        correlations=_correlations(scheme, columns),
        bands=bands(list(totals.values())),
        summary=summarise(list(units.values())),
    )


def _indicator(spec: IndicatorSpec, scores: Sequence[Decimal], decides: int) -> IndicatorBalance:
    values = [exact(score) for score in scores]
    count = len(values)
    mean = sum(values, Fraction(0)) / count if count else Fraction(0)
    variance = sum(((v - mean) ** 2 for v in values), Fraction(0)) / count if count else 0
    points = Decimal(spec.points)
    return IndicatorBalance(
        code=spec.code,
        name=spec.name,
        method=str(spec.method),
        points=points,
        lowest=min(scores, default=Decimal("0.00")),
        highest=max(scores, default=Decimal("0.00")),
        mean=round2(mean),
        spread=round2(Fraction(math.sqrt(variance))),
        full=sum(score >= points for score in scores),
        decides=decides,
        units=count,
    )


def _correlations(
    scheme: Sequence[IndicatorSpec], columns: dict[str, list[Decimal]]
) -> tuple[Correlation, ...]:
    """Pearson's r of each pair of indicators over the category's units (2 places).

    A pair where either indicator has no spread has no r and is left out.
    """
    floats = {code: [float(v) for v in values] for code, values in columns.items()}
    pairs = []
    for i, first in enumerate(scheme):
        for second in scheme[i + 1 :]:
            x, y = floats[first.code], floats[second.code]
            if len(x) < 2 or len(set(x)) < 2 or len(set(y)) < 2:
                continue
            r = statistics.correlation(x, y)
            r2 = round2(Fraction(r))
            pairs.append(Correlation(first.code, second.code, r2, first.name, second.name))
    return tuple(pairs)


def bands(totals: Sequence[Decimal]) -> tuple[Band, ...]:
    """How many totals fall in each band: below 60, 60–65, …, 95–100, 100 and above."""
    counts = [0] * len(BAND_EDGES)
    for total in totals:
        index = max(i for i, edge in enumerate(BAND_EDGES) if total >= edge or i == 0)
        counts[index] += 1
    labels = [f"<{BAND_EDGES[1]}"]
    labels += [f"{low}–{high}" for low, high in itertools.pairwise(BAND_EDGES[1:])]
    labels.append(f"≥{BAND_EDGES[-1]}")
    return tuple(Band(label, count) for label, count in zip(labels, counts, strict=True))
