"""Where figures come from: each record's way in, and each score's source, in words.

A record entered in one of three ways (``Evidence``'s provenance fields): typed in a form (by
whom, from which client address), imported from a workbook (its file name, SHA-256 and the
sheet row), or as a correction of an earlier record. A score's figures come from a data source
unit (一数一源), from the records of the year, or from an assessor (a grade, a city ranking, a
survey). Who typed a record and from which address is for the office, district leaders and the
record's own unit only (``sees_entry_details``): never for another unit, never public.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import cast

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from assessment.access import manages_assessment
from assessment.models import AssessmentYear, Evidence, Indicator
from units.access import AnyUser, is_leader, user_unit_id
from units.models import Unit


class FigureSource(StrEnum):
    DATA_SOURCE = "data_source"
    RECORDS = "records"
    ASSESSOR = "assessor"


# Figures given by someone other than the unit: a lead department's grade, the city's ranking,
# a survey's rate.
ASSESSED_METHODS = frozenset({"graded", "city_rank", "survey"})


def figure_source(method: str, data_source: str = "") -> FigureSource:
    """Where a score's figures come from, by its indicator's method.

    ``data_source`` is the name of the indicator's data source unit where it has one (一数一源):
    the hook for indicators fed by a source, whose figures are then the source's whatever the
    method.
    """
    if data_source:
        return FigureSource.DATA_SOURCE
    return FigureSource.ASSESSOR if method in ASSESSED_METHODS else FigureSource.RECORDS


def figure_source_label(method: str, data_source: str = "") -> str:
    """The source in words, as the public pages and the score sheet say it."""
    source = figure_source(method, data_source)
    if source == FigureSource.DATA_SOURCE:
        return _("data source: %(unit)s") % {"unit": data_source}
    if source == FigureSource.ASSESSOR:
        return _("an assessor's grade, ranking or survey")
    return _("the records of the year")


def indicator_data_source(indicator: Indicator) -> str:
    """The name of the indicator's data source unit (一数一源), or "" where it has none."""
    return indicator.source_unit.name if indicator.source_unit else ""


def sees_entry_details(user: AnyUser, unit_id: int | None) -> bool:
    """Who typed a record of ``unit_id`` and from which address: the office, district
    leaders and the unit's own users only."""
    return bool(manages_assessment(user) or is_leader(user)) or (
        unit_id is not None and user_unit_id(user) == unit_id
    )


def record_provenance(record: Evidence, *, details: bool) -> str:
    """How ``record`` entered, in one line of plain text (the exports' 来源 column): with who
    typed it and the address only when ``details``; the file's full SHA-256."""
    if record.source_file:
        way = _("imported from %(file)s, row %(row)s") % {
            "file": record.source_file,
            "row": record.source_row,
        }
        way += f" · SHA-256 {record.source_sha256}"
    elif details and record.entered_from:
        way = _("typed in a form from %(address)s") % {"address": record.entered_from}
    else:
        way = _("typed in a form")
    parts = [way]
    if details and record.recorded_by_id is not None and record.recorded_by is not None:
        who = record.recorded_by.get_full_name() or record.recorded_by.get_username()
        parts.append(_("by %(who)s") % {"who": who})
    corrected = cast("Evidence | None", record.supersedes)
    if corrected is not None:
        parts.append(
            _("corrects record %(id)s of %(date)s")
            % {"id": corrected.pk, "date": f"{corrected.date:%Y-%m-%d}"}
        )
    return " · ".join(parts)


@dataclass
class EntrySummary:
    """How the counting records of one indicator entered."""

    typed: int = 0
    imported: int = 0
    corrections: int = 0
    files: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        parts = []
        if self.typed:
            parts.append(_("%(count)s typed in a form") % {"count": self.typed})
        if self.imported:
            parts.append(
                _("%(count)s imported (%(files)s)")
                % {"count": self.imported, "files": "、".join(self.files)}
            )
        if self.corrections:
            parts.append(_("%(count)s of them corrections") % {"count": self.corrections})
        return "，".join(parts)


def entry_summaries(year: AssessmentYear, unit: Unit) -> dict[str, EntrySummary]:
    """Per indicator code: how the unit's counting records of the year entered (one query)."""
    rows = (
        Evidence.objects.counting()
        .filter(unit=unit, indicator__year=year)
        .values_list("indicator__code", "source_file")
        .annotate(count=Count("pk"), corrections=Count("pk", filter=Q(supersedes__isnull=False)))
        .order_by("indicator__code", "source_file")
    )
    return summarise(rows)


def summarise(rows: Iterable[tuple[str, str, int, int]]) -> dict[str, EntrySummary]:
    summaries: dict[str, EntrySummary] = defaultdict(EntrySummary)
    for code, source_file, count, corrections in rows:
        summary = summaries[code]
        if source_file:
            summary.imported += count
            summary.files.append(source_file)
        else:
            summary.typed += count
        summary.corrections += corrections
    return dict(summaries)


def records_export_rows(year: AssessmentYear) -> Iterable[list[object]]:
    """Every record of the year (current or superseded, any status) with how it entered:
    the office's export. Streamed: a year may hold a million records."""
    records = (
        Evidence.objects.filter(indicator__year=year)
        .select_related("unit", "indicator", "recorded_by", "supersedes")
        .order_by("unit__code", "indicator__code", "date", "pk")
    )
    for record in records.iterator(chunk_size=2000):
        yield [
            record.pk,
            record.unit.code,
            record.unit.name,
            record.indicator.code,
            record.date,
            record.value,
            record.description,
            record.get_status_display(),
            _("yes") if record.is_current else _("no"),
            record.recorded_at,
            record_provenance(record, details=True),
        ]


def records_export_headers() -> list[str]:
    return [
        _("Record"), _("Unit code"), _("Unit name"), _("Indicator code"), _("Date"), _("Value"),
        _("Description"), _("Status"), _("Current"), _("Recorded at"), _("Provenance"),
    ]  # fmt: skip
