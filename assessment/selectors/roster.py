"""The units a year is scored with (参加考核单位), as they were for that year.

From the publicity on, a year keeps its roster (``YearUnit``): each unit with its category and
headcount then. Before, a year is scored with the units taking part now. A year past scoring
that has no roster yet (computed before rosters were kept) is read from its current
computation: the units and categories it scored, with today's headcounts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import F

from assessment.models import AssessmentYear, UnitResult, YearStatus, YearUnit
from units.models import Unit

# The states in which a year is still scored with the units as they are now.
LIVE_STATES = frozenset({YearStatus.SETUP, YearStatus.COLLECTING, YearStatus.SCORING})

FIELDS = ("id", "code", "name", "category_id", "category__code", "headcount")


def live_units() -> list[dict[str, Any]]:
    return list(Unit.objects.active().order_by("category__sort_order", "code").values(*FIELDS))


def _unit_row(headcount: str) -> dict[str, F]:
    """The unit fields of a roster or result row, named as ``live_units`` names them (with a
    trailing "_" where the name is a field of the row's own model; ``_plain`` drops it)."""
    return {
        "id_": F("unit_id"),
        "code": F("unit__code"),
        "name": F("unit__name"),
        "category_id_": F("category_id"),
        "category__code_": F("category__code"),
        "headcount_": F(headcount),
    }


def kept_units(year: AssessmentYear) -> list[Mapping[str, Any]]:
    """The year's roster as kept, or [] if none is."""
    return list(
        YearUnit.objects.filter(year=year)
        .order_by("category__sort_order", "unit__code")
        .values(**_unit_row("headcount"))
    )


def year_units(year: AssessmentYear) -> list[dict[str, Any]]:
    """[{id, code, name, category_id, category__code, headcount}] of the units ``year`` is
    scored with, in category and code order."""
    kept = kept_units(year)
    if kept:
        return [_plain(row) for row in kept]
    if year.status in LIVE_STATES:
        return live_units()
    scored = list(
        UnitResult.objects.filter(run__year=year, run__is_current=True)
        .order_by("category__sort_order", "unit__code")
        .values(**_unit_row("unit__headcount"))
    )
    return [_plain(row) for row in scored] if scored else live_units()


def _plain(row: Mapping[str, Any]) -> dict[str, Any]:
    return {key.rstrip("_"): value for key, value in row.items()}
