"""What-if: a draft scheme scored on a year's inputs, side by side with the real results.

A draft is the same engine run on the same recorded data with other indicators (weights,
methods, caps, shares, steps) and other parameters (thresholds, quotas, coefficients) or
another bonus pool. Nothing here reads or writes stored results: the caller gives the inputs
it read once and gets both results and their comparison.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from .engine import compute
from .inputs import CATALOGUE_METHODS, IndicatorSpec, Params, Tier, YearInputs
from .numbers import exact, round2
from .results import UnitResult, YearResult

TIER_ORDER: Mapping[Tier, int] = {tier: order for order, tier in enumerate(Tier)}
"""Best first: a smaller number is a better tier."""


@dataclass(frozen=True, kw_only=True)
class Draft:
    """What a draft changes; None keeps the year's own (a pool of None keeps the year's pool).

    `indicators` replaces the schemes of the categories it names; the others keep the year's.
    """

    indicators: Mapping[str, Sequence[IndicatorSpec]] | None = None
    params: Params | None = None
    bonus_pool: int | None = None


def with_catalogues(
    schemes: Mapping[str, Sequence[IndicatorSpec]], year: Mapping[str, Sequence[IndicatorSpec]]
) -> dict[str, list[IndicatorSpec]]:
    """The draft's schemes with each indicator's catalogue (加减分清单) taken from the year's
    indicator of the same category and code, where the draft's own has none: a draft changes
    weights and rules, and its catalogued records are still counted by their items.

    Only a bonus or deduction indicator takes a catalogue (spec, "Catalogued bonus and
    deduction items"): one the draft scores by another method is scored by that method alone.
    """
    catalogues = {
        (category, spec.code): spec.items
        for category, specs in year.items()
        for spec in specs
        if spec.items
    }
    return {
        category: [
            spec
            if spec.items or spec.method not in CATALOGUE_METHODS
            else dataclasses.replace(spec, items=catalogues.get((category, spec.code), ()))
            for spec in specs
        ]
        for category, specs in schemes.items()
    }


def draft_inputs(inputs: YearInputs, draft: Draft) -> YearInputs:
    """The year's recorded data under the draft's scheme and parameters."""
    indicators = dict(inputs.indicators)
    if draft.indicators is not None:
        indicators.update(draft.indicators)
    return dataclasses.replace(
        inputs,
        indicators=indicators,
        params=draft.params if draft.params is not None else inputs.params,
        bonus_pool=draft.bonus_pool if draft.bonus_pool is not None else inputs.bonus_pool,
    )


def without_inputs(inputs: YearInputs, category: str, code: str) -> bool:
    """True when nothing is recorded for the indicator ``code`` for any unit of ``category``
    (no target, base, evidence, city rank, grade, survey rate or catalogued record): an
    indicator new in a draft, scored as the spec scores missing evidence (actual 0; a missing
    city rank, grade or survey rate scores 0 with a warning)."""
    units = {unit.code for unit in inputs.units if unit.category == category}
    recorded = (
        inputs.targets, inputs.bases, inputs.evidence, inputs.city_ranks,
        inputs.grades, inputs.survey_rates, inputs.item_records,
    )  # fmt: skip
    return not any((unit, code) in values for values in recorded for unit in units)


@dataclass(frozen=True)
class ComparisonRow:
    """One unit, real (old) and draft (new); `moved_by` is new total − old total."""

    unit: str
    category: str
    old: UnitResult
    new: UnitResult

    @property
    def moved_by(self) -> Decimal:
        return self.new.total - self.old.total

    @property
    def rank_change(self) -> int:
        """Places gained (positive) or lost (negative)."""
        return self.old.rank - self.new.rank

    @property
    def tier_changed(self) -> bool:
        return self.old.tier is not self.new.tier

    @property
    def tier_up(self) -> bool:
        return TIER_ORDER[self.new.tier] < TIER_ORDER[self.old.tier]


@dataclass(frozen=True)
class Summary:
    """A category's results: how many units, how many excellent, mean and spread of totals.

    `spread` is the range, highest total − lowest; `mean` is rounded to 2 places.
    """

    count: int
    excellent: int
    mean: Decimal
    spread: Decimal
    tiers: Mapping[Tier, int]


@dataclass(frozen=True)
class CategoryComparison:
    category: str
    old: Summary
    new: Summary
    tier_changes: int


@dataclass(frozen=True)
class Comparison:
    """Rows sorted by how far the unit moved (largest |moved_by| first, then rank change)."""

    rows: tuple[ComparisonRow, ...]
    categories: tuple[CategoryComparison, ...]

    @property
    def tier_changes(self) -> tuple[ComparisonRow, ...]:
        return tuple(row for row in self.rows if row.tier_changed)


@dataclass(frozen=True)
class WhatIf:
    old: YearResult
    new: YearResult
    comparison: Comparison


def what_if(inputs: YearInputs, draft: Draft, *, old: YearResult | None = None) -> WhatIf:
    """Score the draft on the year's inputs and compare it with the year's own results.

    `old` may pass the year's result when it is already known, saving one engine run.
    Raises the engine's `SetupError` when the draft cannot be scored (e.g. a new completion
    indicator without targets).
    """
    old_result = compute(inputs) if old is None else old
    new_result = compute(draft_inputs(inputs, draft))
    return WhatIf(old=old_result, new=new_result, comparison=compare(old_result, new_result))


def compare(old: YearResult, new: YearResult) -> Comparison:
    """Both results unit by unit (units present in both), and per category."""
    rows = [
        ComparisonRow(code, unit.category, unit, new.units[code])
        for code, unit in old.units.items()
        if code in new.units
    ]
    rows.sort(key=lambda row: (-abs(row.moved_by), -abs(row.rank_change), row.category, row.unit))
    by_category: dict[str, list[ComparisonRow]] = defaultdict(list)
    for row in rows:
        by_category[row.category].append(row)
    categories = tuple(
        CategoryComparison(
            category=category,
            old=summarise([row.old for row in members]),
            new=summarise([row.new for row in members]),
            tier_changes=sum(row.tier_changed for row in members),
        )
        for category, members in by_category.items()
    )
    return Comparison(rows=tuple(rows), categories=categories)


def summarise(units: Sequence[UnitResult]) -> Summary:
    """Count, excellent count, mean and range of the totals, and units per tier."""
    totals = [unit.total for unit in units]
    tiers = {tier: 0 for tier in Tier}
    for unit in units:
        tiers[unit.tier] += 1
    if not totals:
        return Summary(0, 0, Decimal("0.00"), Decimal("0.00"), tiers)
    mean = round2(exact(sum(totals, Decimal(0))) / len(totals))
    return Summary(
        count=len(totals),
        excellent=tiers[Tier.EXCELLENT],
        mean=mean,
        spread=max(totals) - min(totals),
        tiers=tiers,
    )
