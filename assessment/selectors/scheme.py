"""Reads of a year's scheme: what an indicator needs (target, base), its form for the engine,
and a category's scheme at a glance (points and the engine's findings)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from assessment.models import AssessmentYear, Indicator, Item
from assessment.scoring import CatalogueItem, IndicatorSpec, Problem, validate_scheme
from assessment.scoring.inputs import BASE_METHODS, REGULAR_METHODS, TARGET_METHODS, Method
from units.models import UnitCategory


def needs_target(indicator: Indicator) -> bool:
    """Spec, "Where values come from": completion, ceiling and increment need a target."""
    return indicator.method in TARGET_METHODS


def needs_base(indicator: Indicator) -> bool:
    """Spec: increment and base_ratio need a base."""
    return indicator.method in BASE_METHODS


def indicator_spec(indicator: Indicator) -> IndicatorSpec:
    return IndicatorSpec(
        code=indicator.code,
        name=indicator.name,
        group=indicator.group,
        points=indicator.points,
        method=indicator.method,
        aggregation=indicator.aggregation,
        cap=indicator.cap,
        total_share=indicator.total_share,
        step=indicator.step,
        # an indicator not saved yet (a form's) has no catalogue yet
        items=tuple(catalogue_item(item) for item in indicator.items.all())
        if indicator.pk is not None
        else (),
    )


def catalogue_item(item: Item) -> CatalogueItem:
    """A catalogued item as the engine reads it."""
    return CatalogueItem(
        code=item.code, name=item.name, points=item.points, level=item.level, cap=item.cap
    )


@dataclass(frozen=True)
class SchemeSummary:
    """A category's scheme at a glance: the regular points and what the engine says of it."""

    regular_points: Decimal
    errors: list[Problem]
    warnings: list[Problem]

    @property
    def points_ok(self) -> bool:
        return self.regular_points == Decimal(100)


def scheme_summary(
    year: AssessmentYear,
    category: UnitCategory,
    *,
    indicators: Sequence[Indicator] | None = None,
) -> SchemeSummary:
    """The sum of the regular indicators' points, and the scheme's errors and warnings.

    Pass ``indicators`` when the caller has already read them, to spare the query.
    """
    if indicators is None:
        indicators = list(Indicator.objects.filter(year=year, category=category))
    specs = [indicator_spec(indicator) for indicator in indicators]
    errors, warnings = validate_scheme(specs, category=category.code)
    regular = sum(
        (Decimal(i.points) for i in indicators if i.method not in _OUTSIDE_100), Decimal(0)
    )
    return SchemeSummary(regular_points=regular, errors=errors, warnings=warnings)


_OUTSIDE_100 = frozenset(Method) - REGULAR_METHODS
