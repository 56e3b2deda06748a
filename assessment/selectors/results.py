"""Reads of computed results: the current run, a category's results table as far as the user may
see it, and what changed since the previous run."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from assessment.access import (
    category_ranking_is_open,
    sees_every_record,
    user_category_id,
    year_is_published,
)
from assessment.lib.explanations import explanation_text, load_words, stored_explanations
from assessment.lib.problem_messages import stored_messages
from assessment.models import (
    AssessmentYear,
    ComputationRun,
    Evidence,
    Indicator,
    UnitResult,
)
from assessment.selectors.years import scheme_indicators
from units.access import AnyUser, is_staff_member, sees_all_units, user_unit_id
from units.models import Unit, UnitCategory

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
    # What the bonus amount is made of, shown beside it: the tier's coefficient (the unit's
    # headcount is ``result.unit.headcount``).
    coefficient: Decimal | None = None


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
    from assessment.selectors.changes import previous_run, run_changes

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
        own = user_unit_id(user)
        results = results.filter(unit_id=own) if own is not None else results.none()
    results = results.order_by("rank", "unit__code")
    rows = list(results)
    unit_names = {r.unit.code: r.unit.name for r in rows}
    indicator_names = {(category.code, i.code): i.name for i in indicators}
    coefficients = year.scoring_params().tier_coefficients
    words = load_words()
    # the office, leaders and supervision read every record: no rule to judge for each cell
    reads_every_record = bool(is_staff_member(user) and sees_every_record(user))
    for result in rows:
        result.run = run
        details = stored_explanations(result.details, run.explained, category.pk)
        scores = result.scores or {}
        table.rows.append(
            ResultRow(
                result=result,
                group_scores=[_score(result.group_totals, g) for g in groups],
                indicator_scores=[_score(result.scores, i.code) for i in indicators],
                warnings=stored_messages(
                    result.warnings or [], units=unit_names, indicators=indicator_names
                ),
                cells=[
                    ScoreCell(
                        indicator=i,
                        score=_score(result.scores, i.code),
                        text=explanation_text(details.get(i.code), scores.get(i.code), words),
                        records=i.method in RECORDED_METHODS
                        and (reads_every_record or may_see_records(user, result.unit, i)),
                    )
                    for i in indicators
                ],
                coefficient=coefficients.get(result.tier),
            )
        )
    table.warnings = stored_messages(
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
    {"completion", "ceiling", "increment", "base_ratio", "bonus", "deduction", "veto", "disqualify"}
)


def may_see_records(user: AnyUser, unit: Unit, indicator: Indicator) -> bool:
    """Whether ``user`` may read the evidence of ``unit`` on ``indicator`` (``view_evidence``,
    judged on an unsaved record: no query)."""
    return user.has_perm("assessment.view_evidence", Evidence(unit=unit, indicator=indicator))


def _score(scores: dict[str, Any] | None, key: str) -> str | None:
    if not scores or key not in scores or scores[key] is None:
        return None
    return f"{Decimal(str(scores[key])):.2f}"
