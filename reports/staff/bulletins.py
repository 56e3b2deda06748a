"""Quarterly progress bulletins (季度讲评通报): made by the office, kept as they were made.

``bulletin_create`` projects the year now (``projection.project``), counts every unit's overdue
indicators, and stores the result as one immutable document (format in ``reports.models``).
``bulletin_series`` lines up a unit's or a category's standings across the year's bulletins.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.lib.problem_messages import stored_messages
from assessment.models import AssessmentYear, Indicator, TierChoices
from reports.models import BULLETIN_FORMAT, ProgressBulletin
from reports.staff.projection import (
    Projection,
    average,
    overdue_by_unit,
    problem_json,
    project,
)
from units.access import AnyUser, account
from units.models import UnitCategory


def default_title(year: int, quarter: int | None, as_of: datetime.date) -> str:
    if quarter is not None:
        return _("%(year)s, quarter %(quarter)s: progress bulletin") % {
            "year": year,
            "quarter": quarter,
        }
    return _("%(year)s progress bulletin of %(date)s") % {
        "year": year,
        "date": f"{as_of:%Y-%m-%d}",
    }


def bulletin_document(
    year: AssessmentYear, projection: Projection, *, quarter: int | None, as_of: datetime.date
) -> dict[str, Any]:
    """The bulletin's document from a projection (one query for the overdue counts … two)."""
    data = projection.data
    overdue = overdue_by_unit(year, data, as_of)
    code_of_id = {pk: code for code, pk in data.unit_ids.items()}
    overdue_count = {code_of_id[pk]: len(rows) for pk, rows in overdue.items()}
    categories = list(
        UnitCategory.objects.filter(pk__in=set(data.unit_categories.values())).order_by(
            "sort_order", "code"
        )
    )
    projected = projection.by_category()
    codes_by_category: dict[int, list[str]] = {}
    for code, category_id in data.unit_categories.items():
        codes_by_category.setdefault(category_id, []).append(code)
    document_categories = []
    for category in categories:
        units = projected.get(category.code, [])
        document_categories.append(
            {
                "code": category.code,
                "name": category.name,
                "average": _text(average([u.total for u in units])),
                "projected": len(units),
                "units": [
                    {
                        "unit": u.code,
                        "name": u.name,
                        "total": format(u.total, "f"),
                        "rank": u.rank,
                        "tier": u.tier,
                        "veto": u.veto,
                        "disqualified": u.disqualified,
                        "overdue": overdue_count.get(u.code, 0),
                    }
                    for u in units
                ],
                "unprojected": [
                    {
                        "unit": code,
                        "name": data.unit_names[code],
                        "overdue": overdue_count.get(code, 0),
                        "problems": [problem_json(p) for p in projection.unprojected[code]],
                    }
                    for code in codes_by_category.get(category.pk, [])
                    if code in projection.unprojected
                ],
            }
        )
    return {
        "format": BULLETIN_FORMAT,
        "year": year.year,
        "quarter": quarter,
        "as_of": as_of.isoformat(),
        "input_sha256": projection.digest,
        "categories": document_categories,
        "problems": [problem_json(p) for p in projection.problems],
        "warnings": [problem_json(p) for p in projection.warnings],
    }


def _text(value: object) -> str | None:
    return None if value is None else format(value, "f")


@transaction.atomic
def bulletin_create(
    *,
    year: AssessmentYear,
    quarter: int | None = None,
    as_of: datetime.date | None = None,
    title: str = "",
    by: AnyUser | None = None,
) -> ProgressBulletin:
    """Project the year now and store the bulletin; a quarter has one bulletin at most."""
    year = AssessmentYear.objects.select_for_update().get(pk=year.pk)
    if quarter is not None and not 1 <= quarter <= 4:
        raise ValidationError(_("The quarter must be 1, 2, 3 or 4."))
    if quarter is not None and year.bulletins.filter(quarter=quarter).exists():
        raise ValidationError(
            _("The %(year)s bulletin of quarter %(quarter)s has been made already.")
            % {"year": year.year, "quarter": quarter}
        )
    as_of = as_of or timezone.localdate()
    document = bulletin_document(year, project(year), quarter=quarter, as_of=as_of)
    bulletin = ProgressBulletin(
        year=year,
        quarter=quarter,
        as_of=as_of,
        title=title.strip() or default_title(year.year, quarter, as_of),
        created_by=account(by),
        document=document,
    )
    bulletin.full_clean(exclude=["sha256"])
    try:
        with transaction.atomic():
            bulletin.save()
    except IntegrityError as error:  # a concurrent request made the same quarter
        raise ValidationError(_("A bulletin for this quarter already exists.")) from error
    return bulletin


# --- reading a bulletin -------------------------------------------------------------------------


def worded(
    document: dict[str, Any],
    stored: list[Any],
    indicators: dict[tuple[str, str], str] | None = None,
) -> list[str]:
    """Stored problems in the reader's language, units named from the document."""
    units = {
        entry["unit"]: entry["name"]
        for category in document.get("categories", [])
        for entry in [*category.get("units", []), *category.get("unprojected", [])]
    }
    categories = {c["code"]: c["name"] for c in document.get("categories", [])}
    return stored_messages(stored, units=units, indicators=indicators or {}, categories=categories)


@dataclass
class BulletinView:
    """A bulletin ready for its page: every problem worded."""

    bulletin: ProgressBulletin
    categories: list[dict[str, Any]]
    problems: list[str]
    warnings: list[str]
    unprojected_count: int


def _indicator_names(bulletin: ProgressBulletin) -> dict[tuple[str, str], str]:
    """The year's indicator names, to word the problems (one query)."""
    return {
        (category, code): name
        for category, code, name in Indicator.objects.filter(year_id=bulletin.year_id).values_list(
            "category__code", "code", "name"
        )
    }


def bulletin_view(bulletin: ProgressBulletin) -> BulletinView:
    document = bulletin.document
    names = _indicator_names(bulletin)
    categories = []
    unprojected = 0
    tiers = dict(TierChoices.choices)
    for category in document.get("categories", []):
        entries = []
        for entry in category.get("unprojected", []):
            messages = worded(document, entry.get("problems", []), names)
            entries.append({**entry, "messages": messages})
        unprojected += len(entries)
        units = [
            {**entry, "tier_label": str(tiers.get(entry["tier"], entry["tier"]))}
            for entry in category.get("units", [])
        ]
        categories.append({**category, "units": units, "unprojected": entries})
    return BulletinView(
        bulletin=bulletin,
        categories=categories,
        problems=worded(document, document.get("problems", []), names),
        warnings=worded(document, document.get("warnings", []), names),
        unprojected_count=unprojected,
    )


# --- across the year's bulletins ----------------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    total: str | None
    rank: int | None
    of: int  # units projected in the category
    tier: str | None
    overdue: int | None
    projected: bool

    @property
    def tier_label(self) -> str:
        if self.tier is None:
            return ""
        return str(dict(TierChoices.choices).get(self.tier, self.tier))


@dataclass
class SeriesRow:
    unit: str
    name: str
    cells: list[Standing | None]  # one per bulletin; None: not in that bulletin


@dataclass
class Series:
    bulletins: list[ProgressBulletin]
    rows: list[SeriesRow] = field(default_factory=list)
    averages: list[str | None] = field(default_factory=list)  # of the category, per bulletin
    category_name: str = ""


def _category_entry(document: dict[str, Any], code: str) -> dict[str, Any] | None:
    for category in document.get("categories", []):
        if category["code"] == code:
            return category
    return None


def _unit_standing(category: dict[str, Any], unit: str) -> Standing | None:
    for entry in category.get("units", []):
        if entry["unit"] == unit:
            return Standing(
                entry["total"],
                entry["rank"],
                category["projected"],
                entry["tier"],
                entry.get("overdue"),
                True,
            )
    for entry in category.get("unprojected", []):
        if entry["unit"] == unit:
            return Standing(None, None, category["projected"], None, entry.get("overdue"), False)
    return None


def _find_unit(document: dict[str, Any], unit: str) -> dict[str, Any] | None:
    for category in document.get("categories", []):
        if _unit_standing(category, unit) is not None:
            return category
    return None


def bulletin_series(
    bulletins: list[ProgressBulletin], *, unit: str = "", category: str = ""
) -> Series:
    """A unit's (one row) or a category's (a row per unit) standings across bulletins."""
    series = Series(bulletins=bulletins)
    names: dict[str, str] = {}
    if unit:
        cells: list[Standing | None] = []
        for bulletin in bulletins:
            entry = _find_unit(bulletin.document, unit)
            cells.append(None if entry is None else _unit_standing(entry, unit))
            if entry is not None:
                names[unit] = _unit_name(entry, unit)
                series.averages.append(entry.get("average"))
                series.category_name = entry["name"]
            else:
                series.averages.append(None)
        if names:
            series.rows.append(SeriesRow(unit, names[unit], cells))
        return series
    entries = [_category_entry(b.document, category) for b in bulletins]
    for entry in entries:
        series.averages.append(entry.get("average") if entry else None)
        if entry:
            series.category_name = entry["name"]
            for item in [*entry.get("units", []), *entry.get("unprojected", [])]:
                names.setdefault(item["unit"], item["name"])
    for code in sorted(names, key=lambda c: _last_rank(entries, c)):
        series.rows.append(
            SeriesRow(
                code,
                names[code],
                [None if entry is None else _unit_standing(entry, code) for entry in entries],
            )
        )
    return series


def _unit_name(category: dict[str, Any], unit: str) -> str:
    for item in [*category.get("units", []), *category.get("unprojected", [])]:
        if item["unit"] == unit:
            return str(item["name"])
    return unit


def _last_rank(entries: list[dict[str, Any] | None], code: str) -> tuple[int, int, str]:
    """Order a category's rows by the latest bulletin's rank; unranked units last."""
    for entry in reversed(entries):
        if entry is None:
            continue
        standing = _unit_standing(entry, code)
        if standing is not None and standing.rank is not None:
            return (0, standing.rank, code)
    return (1, 0, code)


def chart_data(series: Series) -> dict[str, Any]:
    """The series as the dashboard script draws it: labels, one line per row (totals)."""
    return {
        "kind": "line",
        "labels": [b.title for b in series.bulletins],
        "series": [
            {
                "name": row.name,
                "values": [
                    float(cell.total) if cell is not None and cell.total is not None else None
                    for cell in row.cells
                ],
            }
            for row in series.rows[:10]
        ],
    }
