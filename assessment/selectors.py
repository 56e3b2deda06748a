"""Reads of the assessment app that join models or apply permissions.

Each ``<thing>_get_for_user`` is the access helper for one type: 404 when it does not exist,
403 when the user may not see it. Lists are filtered here, from the same facts as the rules in
``assessment.access``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from assessment.access import category_ranking_is_open, user_category_id, year_is_published
from assessment.models import (
    AssessmentYear,
    ComputationRun,
    Evidence,
    Indicator,
    Target,
    UnitResult,
)
from assessment.problem_messages import problem_from_data, problem_message
from assessment.scoring.inputs import BASE_METHODS, TARGET_METHODS
from assessment.services.scheme import SchemeSummary, needs_base, needs_target, scheme_summary
from units.access import AnyUser, is_staff_member, sees_all_units, user_unit_id
from units.models import Cadre, Unit, UnitCategory

TARGETED_METHODS = TARGET_METHODS | BASE_METHODS


# --- years ------------------------------------------------------------------------------------


def years_for_user(user: AnyUser) -> QuerySet[AssessmentYear]:
    if not is_staff_member(user):
        return AssessmentYear.objects.none()
    return AssessmentYear.objects.annotate(indicator_count=Count("indicators")).order_by("-year")


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
        .select_related("lead_unit")
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


def scheme_for_category(year: AssessmentYear, category: UnitCategory) -> Scheme:
    """The scheme table with its points sum and the engine's findings in plain words."""
    indicators = scheme_indicators(year, category)
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
        units = units.filter(pk=user_unit_id(user))
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


# --- results ----------------------------------------------------------------------------------


def current_run(year: AssessmentYear) -> ComputationRun | None:
    return year.runs.filter(is_current=True).select_related("computed_by").first()


@dataclass
class ScoreCell:
    """One indicator score of a row with its explanation (``UnitResult.details``)."""

    indicator: Indicator
    score: str | None
    text: str
    records: bool  # whether a page of verified records stands behind it, for this user


@dataclass
class ResultRow:
    result: UnitResult
    group_scores: list[str | None]
    indicator_scores: list[str | None]
    warnings: list[str]
    cells: list[ScoreCell] = field(default_factory=list)


@dataclass
class ScoreChange:
    unit: str  # the unit's name
    indicator: str  # the indicator's name, or "" for the total
    before: str | None
    after: str | None


@dataclass
class ResultsTable:
    run: ComputationRun | None
    category: UnitCategory
    indicators: list[Indicator]
    groups: list[str]
    rows: list[ResultRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    only_own_unit: bool = False
    only_own_category: bool = False
    previous: ComputationRun | None = None
    changes: list[ScoreChange] = field(default_factory=list)

    @property
    def column_count(self) -> int:
        return 7 + len(self.groups) + len(self.indicators)


def _stored_messages(
    stored: Sequence[Any], *, units: dict[str, str], indicators: dict[tuple[str, str], str]
) -> list[str]:
    """Stored warnings (problems as JSON objects, or plain text) in the reader's language."""
    messages = []
    for item in stored:
        problem = problem_from_data(item) if isinstance(item, dict) else None
        if problem is None:
            messages.append(str(item))
        else:
            messages.append(problem_message(problem, units=units, indicators=indicators))
    return messages


def _run_warnings_for(run: ComputationRun, category: UnitCategory) -> list[dict[str, Any]]:
    """The run's warnings about this category that no row shows: a unit's own warnings are on
    its row (and a reporter must not read another unit's)."""
    return [
        item
        for item in run.warnings or []
        if isinstance(item, dict)
        and item.get("category") in (None, category.code)
        and not item.get("unit")
    ]


def results_for_category(
    *, user: AnyUser, year: AssessmentYear, category: UnitCategory
) -> ResultsTable:
    """The current run's results of one category, as far as the user may see them.

    A few queries whatever the number of units: the run, the category's indicators, the result
    rows with their units, and the previous run's scores of the same units (what changed). A
    reporter sees their own unit's row; during the publicity (公示) the rows of their own
    category; every row once the year is published (``assessment.access``).
    """
    from assessment.services.publication import previous_run, run_changes

    indicators = scheme_indicators(year, category)
    groups = list(dict.fromkeys(i.group for i in indicators))
    # The current run and the one before it, in one query (the current run is the latest).
    latest = list(year.runs.select_related("computed_by").order_by("-pk")[:2])
    run = latest[0] if latest and latest[0].is_current else current_run(year)
    sees_all = sees_all_units(user)
    published = year_is_published(year)
    own_category = not sees_all and not published and category_ranking_is_open(year)
    only_own = not sees_all and not published and not own_category
    table = ResultsTable(
        run=run,
        category=category,
        indicators=indicators,
        groups=groups,
        only_own_unit=only_own,
        only_own_category=own_category,
    )
    if run is None or not is_staff_member(user):
        return table
    results = UnitResult.objects.filter(run=run, category=category).select_related("unit")
    if only_own or (own_category and user_category_id(user) != category.pk):
        results = results.filter(unit_id=user_unit_id(user))
    results = results.order_by("rank", "unit__code")
    rows = list(results)
    unit_names = {r.unit.code: r.unit.name for r in rows}
    indicator_names = {(category.code, i.code): i.name for i in indicators}
    for result in rows:
        result.run = run
        details = result.details or {}
        table.rows.append(
            ResultRow(
                result=result,
                group_scores=[_score(result.group_totals, g) for g in groups],
                indicator_scores=[_score(result.scores, i.code) for i in indicators],
                warnings=_stored_messages(
                    result.warnings or [], units=unit_names, indicators=indicator_names
                ),
                cells=[
                    ScoreCell(
                        indicator=i,
                        score=_score(result.scores, i.code),
                        text=(details.get(i.code) or {}).get("text") or "",
                        records=i.method in RECORDED_METHODS
                        and may_see_records(user, result.unit, i),
                    )
                    for i in indicators
                ],
            )
        )
    table.warnings = _stored_messages(
        _run_warnings_for(run, category),
        units=unit_names,
        indicators=indicator_names,
    )
    if run == latest[0]:
        table.previous = latest[1] if len(latest) == 2 else None
    else:  # an older run is current: not made by ``results_compute``, which keeps the latest
        table.previous = previous_run(run)
    if table.previous is not None and rows:
        names = {i.code: i.name for i in indicators}
        changes = run_changes(run, table.previous, unit_id__in=[r.unit_id for r in rows])
        table.changes = [
            ScoreChange(
                unit=unit_names.get(change["unit"], change["unit"]),
                indicator=""
                if change["indicator"] == "total"
                else names.get(change["indicator"], change["indicator"]),
                before=change["before"],
                after=change["after"],
            )
            for change in changes
        ]
    return table


# The methods whose score stands on verified evidence records (the others on imported values).
RECORDED_METHODS = frozenset(
    {"completion", "ceiling", "increment", "base_ratio", "bonus", "deduction", "veto"}
)


def may_see_records(user: AnyUser, unit: Unit, indicator: Indicator) -> bool:
    """Whether ``user`` may read the evidence of ``unit`` on ``indicator`` (``view_evidence``,
    judged on an unsaved record: no query)."""
    return user.has_perm("assessment.view_evidence", Evidence(unit=unit, indicator=indicator))


def _score(scores: dict[str, Any] | None, key: str) -> str | None:
    if not scores or key not in scores or scores[key] is None:
        return None
    return f"{Decimal(str(scores[key])):.2f}"
