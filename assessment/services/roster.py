"""Keeping a year's roster (``YearUnit``): the units it is scored with, fixed from the
publicity on (see ``assessment.selectors.roster``)."""

from __future__ import annotations

from simple_history.utils import bulk_create_with_history

from assessment.models import AssessmentYear, YearUnit
from assessment.selectors.roster import year_units
from units.access import AnyUser
from units.audit import lock_chain, seal_pending


def roster_keep(year: AssessmentYear, *, by: AnyUser | None) -> int:
    """Keep the year's roster if it has none yet: the units it is scored with now. Returns
    how many rows were written (0 when the roster was already kept). Call it in the
    transaction that moves or recomputes the year."""
    if YearUnit.objects.filter(year=year).exists():
        return 0
    rows = [
        YearUnit(
            year=year,
            unit_id=unit["id"],
            category_id=unit["category_id"],
            headcount=unit["headcount"],
        )
        for unit in year_units(year)
    ]
    user = by if getattr(by, "pk", None) else None
    lock_chain()  # sealed below as the table's newest rows: held from before they are written
    bulk_create_with_history(rows, YearUnit, default_user=user)
    seal_pending([YearUnit.history.model])
    return len(rows)
