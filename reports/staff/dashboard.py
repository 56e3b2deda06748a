"""The district leaders' dashboard: where each category stands now and what needs attention.

- Standings: the projection of today's verified evidence (``projection.project``), per category
  its average, best and last units.
- At risk: indicators whose verified value is below 80% of the pro-rata target
  (``projection.at_risk`` states the rule).
- Overdue reporting: per unit, the indicators overdue by ``indicators_overdue``'s rule.
- Open objections to the published results, and the records waiting for verification.

About twenty queries, whatever the number of units.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.utils.translation import gettext as _

from assessment.models import AssessmentYear, Contribution, Evidence, ProgressUpdate
from assessment.services.compute import YearData, year_data
from reports.staff.projection import (
    Overdue,
    ProjectedUnit,
    Projection,
    Risk,
    at_risk,
    average,
    overdue_by_unit,
    project,
)
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
class UnitOverdue:
    code: str
    name: str
    indicators: list[Overdue]

    @property
    def count(self) -> int:
        return len(self.indicators)

    @property
    def longest(self) -> int:
        return max(row.days for row in self.indicators)


@dataclass(frozen=True)
class Pending:
    evidence: int
    progress: int
    contributions: int

    @property
    def total(self) -> int:
        return self.evidence + self.progress + self.contributions


@dataclass
class Dashboard:
    year: AssessmentYear
    today: datetime.date
    projection: Projection
    standings: list[CategoryStanding]
    risks: list[Risk]
    overdue: list[UnitOverdue]
    pending: Pending
    open_objections: int | None  # None: objections are not recorded by this system yet

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


def overdue_units(year: AssessmentYear, data: YearData, today: datetime.date) -> list[UnitOverdue]:
    """Units with overdue indicators, the most first."""
    code_of_id = {pk: code for code, pk in data.unit_ids.items()}
    units = [
        UnitOverdue(code_of_id[pk], data.unit_names[code_of_id[pk]], rows)
        for pk, rows in overdue_by_unit(year, data, today).items()
    ]
    return sorted(units, key=lambda u: (-u.count, -u.longest, u.code))


def pending_counts(year: AssessmentYear) -> Pending:
    """Records waiting for a verifier: evidence, key-project progress and contributions."""
    return Pending(
        evidence=Evidence.objects.awaiting_verification()
        .filter(indicator__year=year, unit__is_active=True)
        .count(),
        progress=ProgressUpdate.objects.awaiting_verification()
        .filter(task__milestone__project__year=year)
        .count(),
        contributions=Contribution.objects.awaiting_verification()
        .filter(project__year=year)
        .count(),
    )


def open_objections(year: AssessmentYear) -> int | None:
    """The year's open objections (异议) to its results, or None where they are not recorded.

    ``assessment.models.Objection`` belongs to the results workflow; looked up by name so the
    dashboard keeps working (and says objections are not recorded) without it.
    """
    try:
        model = apps.get_model("assessment", "Objection")
    except LookupError:
        return None
    return model._default_manager.filter(year=year, status="open").count()


def dashboard(year: AssessmentYear, today: datetime.date) -> Dashboard:
    projection = project(year)
    return Dashboard(
        year=year,
        today=today,
        projection=projection,
        standings=standings(projection),
        risks=at_risk(projection.data, year.year, today),
        overdue=overdue_units(year, projection.data, today),
        pending=pending_counts(year),
        open_objections=open_objections(year),
    )


def risks(year: AssessmentYear, today: datetime.date) -> list[Risk]:
    """Every indicator at risk (the dashboard's full list), without projecting."""
    return at_risk(year_data(year), year.year, today)


def overdue(year: AssessmentYear, today: datetime.date) -> list[UnitOverdue]:
    """Every unit with overdue indicators (the dashboard's full list), without projecting."""
    return overdue_units(year, year_data(year), today)
