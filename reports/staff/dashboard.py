"""The district leaders' dashboard: where each category stands now and what needs attention.

- Standings: the projection of today's verified evidence (``projection.project``), per category
  its average, best and last units.
- At risk: indicators whose verified value is below 80% of the pro-rata target
  (``projection.at_risk`` states the rule).
- Overdue reporting, open objections and the records waiting for verification: read from
  ``reports.waiting``, as the workbench and the reminders read them.

About twenty queries, whatever the number of units.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from assessment.models import AssessmentYear
from assessment.services.compute import year_progress
from reports.staff.projection import (
    ProjectedUnit,
    Projection,
    Risk,
    at_risk,
    average,
    project,
)
from reports.waiting import Pending, UnitOverdue, Waiting
from units.models import UnitCategory

TOP = 3  # best and last units shown per category


@dataclass
class CategoryStanding:
    code: str
    name: str
    average: Decimal | None
    units: list[ProjectedUnit]
    unprojected: int

    @property
    def top(self) -> list[ProjectedUnit]:
        return self.units[:TOP]

    @property
    def bottom(self) -> list[ProjectedUnit]:
        """The last units, not repeating any of the best (a small category shows them once)."""
        rest = self.units[TOP:]
        return rest[-TOP:]


@dataclass
class Dashboard:
    year: AssessmentYear
    today: datetime.date
    projection: Projection
    standings: list[CategoryStanding]
    risks: list[Risk]
    overdue: list[UnitOverdue]
    pending: Pending
    open_objections: int | None  # None: not shown

    @property
    def overdue_count(self) -> int:
        return sum(unit.count for unit in self.overdue)

    @property
    def unprojected_count(self) -> int:
        return len(self.projection.unprojected)

    def chart(self) -> dict[str, Any]:
        """Category averages for the bar chart (``static/js/dashboard.js``)."""
        return {
            "kind": "bar",
            "labels": [s.name for s in self.standings],
            "series": [
                {
                    "name": _("Category average"),
                    "values": [float(s.average) if s.average is not None else None
                               for s in self.standings],
                }
            ],
        }  # fmt: skip


def standings(projection: Projection) -> list[CategoryStanding]:
    data = projection.data
    categories = UnitCategory.objects.filter(pk__in=set(data.unit_categories.values())).order_by(
        "sort_order", "code"
    )
    grouped = projection.by_category()
    unprojected: dict[str, int] = {}
    for unit in data.inputs.units:
        if unit.code in projection.unprojected:
            unprojected[unit.category] = unprojected.get(unit.category, 0) + 1
    result = []
    for category in categories:
        units = grouped.get(category.code, [])
        result.append(
            CategoryStanding(
                code=category.code,
                name=category.name,
                average=average([u.total for u in units]),
                units=units,
                unprojected=unprojected.get(category.code, 0),
            )
        )
    return result


def dashboard(year: AssessmentYear, today: datetime.date) -> Dashboard:
    projection = project(year)
    waiting = Waiting(year, today)
    return Dashboard(
        year=year,
        today=today,
        projection=projection,
        standings=standings(projection),
        risks=at_risk(projection.data, year.year, today),
        overdue=waiting.overdue,
        pending=waiting.pending,
        open_objections=waiting.open_objections,
    )


def risks(year: AssessmentYear, today: datetime.date) -> list[Risk]:
    """Every indicator at risk (the dashboard's full list), without projecting."""
    return at_risk(year_progress(year), year.year, today)


def overdue(year: AssessmentYear, today: datetime.date) -> list[UnitOverdue]:
    """Every unit with overdue indicators (the dashboard's full list), without projecting."""
    return Waiting(year, today).overdue
