"""What changed between two computations or two published versions: the scores that differ,
compared as numbers."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from assessment.models import (
    ComputationRun,
)


def score_table(units: list[dict[str, Any]]) -> dict[str, dict[str, str | None]]:
    """{unit code: {indicator code: score, …, "total": total}} of a document's units."""
    return {
        unit["unit"]: {**unit.get("indicators", {}), "total": unit.get("total")} for unit in units
    }


def score_changes(
    before: dict[str, dict[str, str | None]], after: dict[str, dict[str, str | None]]
) -> list[dict[str, Any]]:
    """Every score that differs: [{unit, indicator, before, after}], "total" for the total.

    A unit or indicator present on one side only shows None on the other. In the order of
    ``after`` (then what only ``before`` had), each unit's total last.
    """
    changes = []
    for unit in [*after, *(code for code in before if code not in after)]:
        old, new = before.get(unit, {}), after.get(unit, {})
        keys = [k for k in new if k != "total"] + [k for k in old if k not in new and k != "total"]
        for key in [*keys, "total"]:
            if _number(old.get(key)) != _number(new.get(key)):
                changes.append(
                    {"unit": unit, "indicator": key, "before": old.get(key), "after": new.get(key)}
                )
    return changes


def _number(value: Any) -> Any:
    """Scores compare as numbers: "74.5" and "74.50" are the same score."""
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return value


def publication_changes(
    previous: dict[str, Any] | None, document: dict[str, Any]
) -> list[dict[str, Any]]:
    """What changed since the previous version (nothing for the first one)."""
    if previous is None:
        return []
    return score_changes(score_table(previous["units"]), score_table(document["units"]))


def run_changes(run: ComputationRun, previous: ComputationRun | None, **filters: Any) -> list:
    """The scores that differ between a run and an earlier one (``filters`` narrow the units,
    e.g. ``category=…`` or ``unit_id=…``); two queries."""
    if previous is None:
        return []

    def table(of: ComputationRun) -> dict[str, dict[str, str | None]]:
        rows = of.units.filter(**filters).values_list("unit__code", "scores", "total")
        return {code: {**(scores or {}), "total": str(total)} for code, scores, total in rows}

    return score_changes(table(previous), table(run))


def previous_run(run: ComputationRun) -> ComputationRun | None:
    """The computation of the same year made just before ``run``."""
    return ComputationRun.objects.filter(year_id=run.year_id, pk__lt=run.pk).order_by("-pk").first()
