"""Reads of years, schemes and targets, filtered by what the user may see.

Each ``<thing>_get_for_user`` is the access helper for one type: 404 when it does not exist,
403 when the user may not see it. Lists are filtered here, from the same facts as the rules in
``assessment.access``."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet, prefetch_related_objects
from django.shortcuts import get_object_or_404

from assessment.lib.problem_messages import problem_message
from assessment.models import (
    POINT_METHODS,
    AssessmentYear,
    Indicator,
    Target,
)
from assessment.scoring.inputs import BASE_METHODS, TARGET_METHODS
from assessment.selectors.scheme import SchemeSummary, needs_base, needs_target, scheme_summary
from units.access import AnyUser, is_staff_member, sees_all_units, user_unit_id
from units.models import Cadre, Unit, UnitCategory

TARGETED_METHODS = TARGET_METHODS | BASE_METHODS


# --- years ------------------------------------------------------------------------------------


def years_for_user(user: AnyUser) -> QuerySet[AssessmentYear]:
    if not is_staff_member(user):
        return AssessmentYear.objects.none()
    return AssessmentYear.objects.annotate(indicator_count=Count("indicators")).order_by("-year")


def latest_year_not_in(statuses: Collection[str]) -> AssessmentYear | None:
    """The latest year whose status is not among ``statuses`` (the latest year when all are)."""
    years = AssessmentYear.objects.order_by("-year")
    return years.exclude(status__in=statuses).first() or years.first()


def year_get_for_user(user: AnyUser, year: int) -> AssessmentYear:
    record = get_object_or_404(AssessmentYear, year=year)
    if not user.has_perm("assessment.view_assessmentyear", record):
        raise PermissionDenied
    return record


def categories() -> list[UnitCategory]:
    """The categories in their order: the tabs of the scheme and results pages."""
    return list(UnitCategory.objects.order_by("sort_order", "code"))


def category_get(code: str) -> UnitCategory:
    return get_object_or_404(UnitCategory, code=code)


# --- schemes ----------------------------------------------------------------------------------


def scheme_indicators(year: AssessmentYear, category: UnitCategory) -> list[Indicator]:
    """A category's indicators in scheme order, with their lead department."""
    return list(
        Indicator.objects.filter(year=year, category=category)
        .select_related("lead_unit", "source_unit")
        .order_by("sort_order", "code")
    )


def indicator_get_for_user(user: AnyUser, year: AssessmentYear, pk: int) -> Indicator:
    indicator = get_object_or_404(
        Indicator.objects.select_related("category", "lead_unit"), year=year, pk=pk
    )
    indicator.year = year  # the caller has read it already
    if not user.has_perm("assessment.view_indicator", indicator):
        raise PermissionDenied
    return indicator


@dataclass(frozen=True)
class Scheme:
    category: UnitCategory
    indicators: list[Indicator]
    summary: SchemeSummary
    errors: list[str]
    warnings: list[str]

    @property
    def point_indicators(self) -> list[Indicator]:
        """The bonus and deduction indicators: those that may have a catalogue of items."""
        return [i for i in self.indicators if i.method in POINT_METHODS]

    @property
    def catalogued(self) -> list[Indicator]:
        """The bonus and deduction indicators that have a catalogue of items (加减分清单)."""
        return [i for i in self.point_indicators if i.items.all()]


def scheme_for_category(year: AssessmentYear, category: UnitCategory) -> Scheme:
    """The scheme table with its points sum and the engine's findings in plain words."""
    indicators = scheme_indicators(year, category)
    prefetch_related_objects(indicators, "items")  # the catalogues the scheme page lists
    summary = scheme_summary(year, category, indicators=indicators)
    names = {(category.code, i.code): i.name for i in indicators}
    categories = {category.code: category.name}

    def words(problems: Sequence[Any]) -> list[str]:
        return [
            problem_message(p, units={}, indicators=names, categories=categories) for p in problems
        ]

    return Scheme(
        category=category,
        indicators=indicators,
        summary=summary,
        errors=words(summary.errors),
        warnings=words(summary.warnings),
    )


# --- targets ----------------------------------------------------------------------------------


def own_unit(user: AnyUser) -> Unit | None:
    unit_id = user_unit_id(user)
    return None if unit_id is None else Unit.objects.filter(pk=unit_id).first()


def target_unit_get_for_user(user: AnyUser, code: str) -> Unit:
    """The unit whose targets are asked for: 404 if unknown, 403 if the user may not see them."""
    unit = get_object_or_404(Unit.objects.select_related("category"), code=code)
    if not user.has_perm("assessment.view_target", unit):
        raise PermissionDenied
    return unit


def target_units_for_user(
    user: AnyUser, year: AssessmentYear, *, category: str = "", query: str = ""
) -> QuerySet[Unit]:
    """Active units whose targets the user may see, with how many targets they have filled."""
    units = Unit.objects.active().select_related("category")
    if not is_staff_member(user):
        return units.none()
    if not sees_all_units(user):
        own = user_unit_id(user)
        units = units.filter(pk=own) if own is not None else units.none()
    if category:
        units = units.filter(category__code=category)
    if query:
        units = units.filter(Q(code__icontains=query) | Q(name__icontains=query))
    filled = Q(targets__indicator__year=year) & (
        Q(targets__target__isnull=False) | Q(targets__base__isnull=False)
    )
    return units.annotate(filled=Count("targets", filter=filled)).order_by(
        "category__sort_order", "code"
    )


def targets_needed_per_category(year: AssessmentYear) -> dict[int, int]:
    """How many indicators of each category's scheme need a target or a base."""
    rows = (
        Indicator.objects.filter(year=year, method__in=TARGETED_METHODS)
        .values("category_id")
        .annotate(n=Count("id"))
    )
    return {row["category_id"]: row["n"] for row in rows}


@dataclass
class TargetLine:
    """One indicator of a unit's targets form, with the unit's current values for it."""

    indicator: Indicator
    target: Target | None
    needs_target: bool
    needs_base: bool

    @property
    def leader_id(self) -> int | None:
        return self.target.leader_id if self.target else None


@dataclass
class TargetsGrid:
    lines: list[TargetLine]
    cadres: list[Cadre]


def targets_grid(year: AssessmentYear, unit: Unit) -> TargetsGrid:
    """Every indicator of the unit's scheme that needs a target or base, with its values.

    Three queries whatever the number of indicators: indicators, targets, cadres. The cadres
    offered are the unit's active ones, and any inactive one still named on a target.
    """
    indicators = list(
        Indicator.objects.filter(
            year=year, category_id=unit.category_id, method__in=TARGETED_METHODS
        ).order_by("sort_order", "code")
    )
    targets = {
        t.indicator_id: t for t in Target.objects.filter(unit=unit, indicator__in=indicators)
    }
    for indicator in indicators:
        indicator.year = year
        if (target := targets.get(indicator.pk)) is not None:
            target.indicator = indicator
            target.unit = unit
    named = {t.leader_id for t in targets.values() if t.leader_id}
    cadres = list(
        Cadre.objects.filter(Q(is_active=True) | Q(pk__in=named), unit=unit).order_by(
            "-rank_kind", "name"
        )
    )
    lines = [
        TargetLine(
            indicator=indicator,
            target=targets.get(indicator.pk),
            needs_target=needs_target(indicator),
            needs_base=needs_base(indicator),
        )
        for indicator in indicators
    ]
    return TargetsGrid(lines=lines, cadres=cadres)
