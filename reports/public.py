"""Reads for the public results pages and downloads (公开发布的考核结果).

Everything here comes from a published snapshot (``Publication.document``), never from the live
result tables: the public sees exactly what was published, to the digit, and a result computed
after publication cannot leak before its own review publishes it. ``teams`` and ``cadres`` are
about persons: ``public_document`` drops them, and nothing else here ever reads them.

A year stands for its latest version; an earlier version stays readable by its number, with the
changes each later version made.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404
from django.utils.translation import gettext as _

from assessment.models import Publication, TierChoices
from assessment.selectors.provenance import figure_source_label

PERSONAL_KEYS = frozenset({"teams", "cadres"})
CENT = Decimal("0.01")
TIERS = [str(tier) for tier in TierChoices.values]
# The badges' Bootstrap colours (text-bg-success, -primary, -warning, -danger) for the charts,
# and their light "subtle" shades as fills in the workbook and the PDF, where black text must
# stay readable on them.
TIER_COLOURS = {"excellent": "#198754", "good": "#0d6efd", "average": "#ffc107", "poor": "#dc3545"}
TIER_FILLS = {"excellent": "D1E7DD", "good": "CFE2FF", "average": "FFF3CD", "poor": "F8D7DA"}


# --- finding publications ---------------------------------------------------------------------


def latest_publications() -> QuerySet[Publication]:
    """The latest version of every published year, newest year first, in one query.

    Only a year's latest version stands for the year; a year without a publication is simply
    not here, so nothing unpublished can be listed or linked."""
    latest = (
        Publication.objects.filter(year=OuterRef("year")).order_by("-version").values("version")
    )
    return (
        Publication.objects.filter(version=Subquery(latest[:1]))
        .select_related("year")
        .order_by("-year__year")
    )


def published_years() -> list[Publication]:
    """The list of published years, without the (large) documents it does not show."""
    return list(latest_publications().defer("document"))


def get_publication(year: int, version: int | None = None) -> Publication:
    """A year's latest publication, or the given version of it; 404 for anything unpublished."""
    # the (large) document read only where a page is computed, not when it is kept
    publications = (
        Publication.objects.select_related("year").filter(year__year=year).defer("document")
    )
    if version is not None:
        publications = publications.filter(version=version)
    found = publications.order_by("-version").first()
    if found is None:
        raise Http404(_("No results of this year have been published."))
    return found


def public_document(document: dict[str, Any]) -> dict[str, Any]:
    """The document as the public may see it: everything but the parts about persons."""
    return {key: value for key, value in document.items() if key not in PERSONAL_KEYS}


# --- values -----------------------------------------------------------------------------------


def _decimal(value: object) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def mean(values: Iterable[Decimal | None]) -> Decimal | None:
    """The average to 2 places as the spec rounds (half up); None when there is nothing."""
    present = [value for value in values if value is not None]
    if not present:
        return None
    return (sum(present, Decimal(0)) / len(present)).quantize(CENT, rounding=ROUND_HALF_UP)


def tier_label(tier: str) -> str:
    return str(dict(TierChoices.choices).get(tier, tier or "—"))


def chart_number(value: Decimal | None) -> float | None:
    """Charts need JSON numbers; 2-place decimals survive the trip through a float exactly."""
    return None if value is None else float(value)


# --- a year's tables --------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitRow:
    """One unit's line in its category's ranking."""

    code: str
    name: str
    rank: int | None
    total: Decimal
    tier: str
    tier_label: str
    veto: bool
    disqualified: bool
    groups: tuple[Decimal | None, ...]


@dataclass(frozen=True)
class CategoryResults:
    """A category's ranking as published, with the indicator groups as columns."""

    code: str
    name: str
    groups: tuple[str, ...]
    indicators: tuple[dict[str, Any], ...]
    rows: tuple[UnitRow, ...]

    @property
    def average(self) -> Decimal | None:
        return mean(row.total for row in self.rows)

    def group_averages(self) -> list[Decimal | None]:
        return [mean(row.groups[index] for row in self.rows) for index in range(len(self.groups))]

    def tier_counts(self) -> list[tuple[str, str, int]]:
        """(tier, label, number of units) for every tier, the empty ones included, so the
        chart and its table always show the four tiers in the same order."""
        counts: defaultdict[str, int] = defaultdict(int)
        for row in self.rows:
            counts[row.tier] += 1
        return [(tier, tier_label(tier), counts[tier]) for tier in TIERS]


def _row(unit: dict[str, Any], groups: Sequence[str]) -> UnitRow:
    subtotals = unit.get("group_totals") or {}
    return UnitRow(
        code=unit["unit"],
        name=unit["name"],
        rank=unit.get("rank"),
        total=Decimal(unit["total"]),
        tier=unit.get("tier") or "",
        tier_label=tier_label(unit.get("tier") or ""),
        veto=bool(unit.get("veto")),
        disqualified=bool(unit.get("disqualified")),
        groups=tuple(_decimal(subtotals.get(group)) for group in groups),
    )


def _rank_key(row: UnitRow) -> tuple[bool, int, str]:
    return (row.rank is None, row.rank or 0, row.code)


def category_results(document: dict[str, Any]) -> list[CategoryResults]:
    """The document's units by category, in the document's order of categories, by rank."""
    units = defaultdict(list)
    for unit in document.get("units", []):
        units[unit["category"]].append(unit)
    results = []
    for category in document.get("categories", []):
        groups = tuple(category.get("groups") or ())
        rows = sorted((_row(unit, groups) for unit in units[category["code"]]), key=_rank_key)
        results.append(
            CategoryResults(
                code=category["code"],
                name=category["name"],
                groups=groups,
                indicators=tuple(category.get("indicators") or ()),
                rows=tuple(rows),
            )
        )
    return results


# --- versions and their changes ---------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    unit: str
    item: str
    before: str
    after: str


@dataclass(frozen=True)
class Version:
    publication: Publication
    changes: list[Change]

    @property
    def number(self) -> int:
        return self.publication.version


def _change_labels(document: dict[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    """Unit names and item names (indicators, and the total, rank and tier) to word changes."""
    units = {unit["unit"]: unit["name"] for unit in document.get("units", [])}
    items = {"total": _("Total"), "rank": _("Rank"), "tier": _("Tier")}
    for category in document.get("categories", []):
        for indicator in category.get("indicators") or ():
            items[indicator["code"]] = indicator["name"]
    return units, items


def _worded(value: object, item: str | None) -> str:
    if value in (None, ""):
        return "—"
    return tier_label(str(value)) if item == "tier" else str(value)


def _change(change: dict[str, Any], units: dict[str, str], items: dict[str, str]) -> Change:
    """One stored change ({unit, indicator, before, after}) in words; codes stay as they are
    when the shown document no longer knows them (a unit or indicator since removed)."""
    # From the stored JSON: codes, or None.
    unit: Any = change.get("unit")
    item: Any = change.get("indicator")
    return Change(
        unit=units.get(unit, unit or "—"),
        item=items.get(item, item or "—"),
        before=_worded(change.get("before"), item),
        after=_worded(change.get("after"), item),
    )


def versions(publication: Publication) -> list[Version]:
    """Every version of the publication's year, newest first, each with its changes worded
    with the names in the shown document (a unit's name does not change between versions)."""
    units, items = _change_labels(publication.document)
    stored = (
        Publication.objects.filter(year_id=publication.year_id)
        .order_by("-version")
        .defer("document")
    )
    return [
        Version(version, [_change(change, units, items) for change in version.changes or []])
        for version in stored
    ]


# --- trends across years ----------------------------------------------------------------------


# Published documents never change (``Publication`` refuses it, so does the database): each
# process keeps the ones it has read, keyed by id and SHA-256, for the trend of every unit page.
_DOCUMENTS: dict[tuple[int, str], dict[str, Any]] = {}
_DOCUMENTS_KEPT = 64


def _documents(publications: Sequence[Publication]) -> dict[int, dict[str, Any]]:
    """Each publication's document by id: from the process's cache, the rest in one query."""
    missing = [p.pk for p in publications if (p.pk, p.sha256) not in _DOCUMENTS]
    if missing:
        for pk, sha256, document in Publication.objects.filter(pk__in=missing).values_list(
            "pk", "sha256", "document"
        ):
            if len(_DOCUMENTS) >= _DOCUMENTS_KEPT:
                _DOCUMENTS.pop(next(iter(_DOCUMENTS)))
            _DOCUMENTS[(pk, sha256)] = document
    return {p.pk: _DOCUMENTS[(p.pk, p.sha256)] for p in publications}


def trend_documents(shown: Publication) -> list[tuple[int, dict[str, Any]]]:
    """(year, document) of every published year, oldest first, in at most two queries.

    Each year is its latest version, except the shown publication's own year, which is the
    shown version: on an earlier version's page, that year's point must match its tables."""
    latest = list(latest_publications().defer("document"))
    by_id = _documents(latest)
    documents = {publication.year.year: by_id[publication.pk] for publication in latest}
    documents[shown.year.year] = shown.document
    return sorted(documents.items())


@dataclass(frozen=True)
class Series:
    name: str
    values: list[Decimal | None]


def category_trend(documents: Sequence[tuple[int, dict[str, Any]]]) -> list[Series]:
    """Each category's average total in every year (None where it had no units that year),
    named as in the newest year that has it."""
    averages: dict[str, dict[int, Decimal | None]] = defaultdict(dict)
    names: dict[str, str] = {}
    for year, document in documents:
        for category in category_results(document):
            averages[category.code][year] = category.average
            names[category.code] = category.name
    years = [year for year, _document in documents]
    return [
        Series(names[code], [by_year.get(year) for year in years])
        for code, by_year in averages.items()
    ]


# --- one unit ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorLine:
    code: str
    name: str
    group: str
    points: Decimal | None
    score: Decimal | None
    explanation: str
    # where the figures came from: a data source, the records of the year or an assessor
    # (never who entered them: that is not public)
    source: str = ""


@dataclass(frozen=True)
class GroupLine:
    name: str
    score: Decimal | None
    average: Decimal | None


@dataclass(frozen=True)
class TrendPoint:
    year: int
    total: Decimal
    rank: int | None
    ranked: int
    tier: str
    tier_label: str


@dataclass(frozen=True)
class UnitReport:
    """What the public may know of one unit in one publication."""

    row: UnitRow
    category: CategoryResults
    groups: list[GroupLine]
    indicators: list[IndicatorLine]
    highlights: list[str]
    trend: list[TrendPoint]


def _find_unit(document: dict[str, Any], code: str) -> dict[str, Any] | None:
    return next((unit for unit in document.get("units", []) if unit["unit"] == code), None)


def _source(indicator: dict[str, Any] | None) -> str:
    """Where a published indicator's figures came from: by its method, or its data source
    where the snapshot names one."""
    if not indicator or "method" not in indicator:
        return ""
    return figure_source_label(indicator["method"], indicator.get("data_source") or "")


def indicator_lines(unit: dict[str, Any], category: CategoryResults) -> list[IndicatorLine]:
    """The unit's scored indicators in the scheme's order, each with its rule in words."""
    scores = unit.get("indicators") or {}
    explanations = unit.get("explanations") or {}
    known = {indicator["code"]: indicator for indicator in category.indicators}
    codes = [code for code in known if code in scores or code in explanations]
    codes += [code for code in scores if code not in known]
    return [
        IndicatorLine(
            code=code,
            name=known.get(code, {}).get("name", code),
            group=known.get(code, {}).get("group") or "",
            points=_decimal(known.get(code, {}).get("points")),
            score=_decimal(scores.get(code)),
            explanation=(explanations.get(code) or {}).get("text", ""),
            source=_source(known.get(code)),
        )
        for code in codes
    ]


def unit_trend(documents: Sequence[tuple[int, dict[str, Any]]], code: str) -> list[TrendPoint]:
    """The unit's total, rank and tier in every published year it took part in."""
    points = []
    for year, document in documents:
        for category in category_results(document):
            for row in category.rows:
                if row.code == code:
                    ranked = len(category.rows)
                    points.append(
                        TrendPoint(year, row.total, row.rank, ranked, row.tier, row.tier_label)
                    )
    return points


def unit_report(
    publication: Publication, code: str, documents: Sequence[tuple[int, dict[str, Any]]]
) -> UnitReport:
    """One unit's published results; 404 when the publication does not have the unit."""
    unit = _find_unit(publication.document, code)
    categories = category_results(publication.document)
    category = next((c for c in categories if unit and c.code == unit["category"]), None)
    if unit is None or category is None:
        raise Http404(_("This unit has no published results this year."))
    row = next(row for row in category.rows if row.code == code)
    return UnitReport(
        row=row,
        category=category,
        groups=[
            GroupLine(name, score, average)
            for name, score, average in zip(
                category.groups, row.groups, category.group_averages(), strict=True
            )
        ],
        indicators=indicator_lines(unit, category),
        highlights=[str(title) for title in unit.get("highlights") or []],
        trend=unit_trend(documents, code),
    )


# --- chart data (json_script islands; drawn by static/js/charts.js) ---------------------------


def ranking_chart(category: CategoryResults) -> dict[str, Any]:
    """Units' totals, highest first, each bar in its tier's colour."""
    rows = sorted(category.rows, key=lambda row: (-row.total, row.code))
    return {
        "kind": "ranking",
        "labels": [row.name for row in rows],
        "values": [chart_number(row.total) for row in rows],
        "colours": [TIER_COLOURS.get(row.tier, "#6c757d") for row in rows],
    }


def tier_chart(category: CategoryResults) -> dict[str, Any]:
    return {
        "kind": "pie",
        "items": [
            {"name": label, "value": count, "colour": TIER_COLOURS[tier]}
            for tier, label, count in category.tier_counts()
        ],
    }


def series_chart(kind: str, labels: Sequence[object], series: Iterable[Series]) -> dict[str, Any]:
    """A line or grouped-bar chart: one value per label in each series."""
    return {
        "kind": kind,
        "labels": [str(label) for label in labels],
        "series": [{"name": s.name, "values": [chart_number(v) for v in s.values]} for s in series],
    }


def year_charts(
    categories: Sequence[CategoryResults], years: Sequence[int], trend: Sequence[Series]
) -> dict[str, Any]:
    """Every chart of a year page, keyed by the data-chart attribute of its container."""
    charts: dict[str, Any] = {"trend": series_chart("line", years, trend)}
    for category in categories:
        charts[f"ranking-{category.code}"] = ranking_chart(category)
        charts[f"tiers-{category.code}"] = tier_chart(category)
    return charts


def unit_charts(report: UnitReport) -> dict[str, Any]:
    """A unit page's charts: its group profile against the category average, and its trend."""
    profile = [
        Series(report.row.name, [line.score for line in report.groups]),
        Series(_("Category average"), [line.average for line in report.groups]),
    ]
    trend = [Series(report.row.name, [point.total for point in report.trend])]
    return {
        "profile": series_chart("bars", [line.name or "—" for line in report.groups], profile),
        "trend": series_chart("line", [point.year for point in report.trend], trend),
    }


# --- a year page ------------------------------------------------------------------------------


@dataclass(frozen=True)
class YearPage:
    """Everything a year page shows of one publication, read in a fixed number of queries."""

    categories: list[CategoryResults]
    versions: list[Version]
    trend_years: list[int]
    trend: list[Series]
    charts: dict[str, Any]

    @property
    def latest_version(self) -> int:
        return self.versions[0].number


def year_page(publication: Publication) -> YearPage:
    categories = category_results(publication.document)
    documents = trend_documents(publication)
    years = [year for year, _document in documents]
    trend = category_trend(documents)
    return YearPage(
        categories=categories,
        versions=versions(publication),
        trend_years=years,
        trend=trend,
        charts=year_charts(categories, years, trend),
    )
