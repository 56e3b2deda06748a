"""Public downloads of a published year: Excel workbook, PDF and JSON.

Each is built from the same snapshot as the public pages (``reports.public``), so a download
holds the numbers the page shows, and nothing about persons. The PDF's footer carries the
document's SHA-256, so a printed copy can be checked against the published record.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from assessment.documents.pdf import Document
from assessment.models import Publication
from reports import public
from units.xlsx import add_sheet, new_workbook, to_bytes

SCORE_FORMAT = "0.00"
SHEET_TITLE_FORBIDDEN = str.maketrans({char: "_" for char in "[]:*?/\\"})
TIER_COLUMN = 4  # in a category sheet: rank, code, name, tier, total, veto, groups…


def _title(publication: Publication) -> str:
    return _("%(year)s assessment") % {"year": publication.year.year} + " · " + _("Results")


def _subtitle(publication: Publication) -> str:
    published = timezone.localtime(publication.published_at).strftime("%Y-%m-%d")
    return _("Version %(version)s, published %(date)s") % {
        "version": publication.version,
        "date": published,
    }


def _ranking_headers(category: public.CategoryResults) -> list[str]:
    fixed = [_("Rank"), _("Unit code"), _("Unit name"), _("Tier"), _("Total"), _("Veto")]
    return [*fixed, *(group or "—" for group in category.groups)]


def _ranking_values(row: public.UnitRow) -> list[object]:
    return [
        row.rank,
        row.code,
        row.name,
        row.tier_label,
        row.total,
        _("vetoed") if row.veto else "",
        *row.groups,
    ]


# --- Excel ------------------------------------------------------------------------------------


def _fill_tiers(sheet: Worksheet, rows: tuple[public.UnitRow, ...]) -> None:
    """Colour each tier cell as the page colours its badge."""
    for number, row in enumerate(rows, start=2):
        colour = public.TIER_FILLS.get(row.tier)
        if colour:
            sheet.cell(row=number, column=TIER_COLUMN).fill = PatternFill("solid", fgColor=colour)


def _category_sheet(workbook: Workbook, category: public.CategoryResults) -> None:
    headers = _ranking_headers(category)
    scores = {column: SCORE_FORMAT for column in range(5, len(headers) + 1)}
    sheet = add_sheet(
        workbook,
        category.name.translate(SHEET_TITLE_FORBIDDEN),
        headers,
        (_ranking_values(row) for row in category.rows),
        number_formats=scores,
        widths={1: 8, 2: 12, 3: 28, 4: 10, 5: 10, 6: 14},
    )
    _fill_tiers(sheet, category.rows)


def _indicator_rows(
    document: dict[str, Any], categories: list[public.CategoryResults]
) -> Iterator[list[object]]:
    """Every unit's score of every indicator, unit by unit in ranking order."""
    units = {unit["unit"]: unit for unit in document.get("units", [])}
    for category in categories:
        for row in category.rows:
            unit = units[row.code]
            for line in public.indicator_lines(unit, category):
                yield [row.code, row.name, category.name, line.code, line.name, line.group,
                       line.points, line.score]  # fmt: skip


def workbook(publication: Publication) -> bytes:
    """One sheet per category (the ranking, tiers as fills) and one of the indicator scores."""
    categories = public.category_results(publication.document)
    book = new_workbook()
    for category in categories:
        _category_sheet(book, category)
    add_sheet(
        book,
        _("Indicator scores"),
        [_("Unit code"), _("Unit name"), _("Unit category"), _("Indicator code"),
         capfirst(_("indicator name")), capfirst(_("indicator group")), _("Points"), _("Score")],
        _indicator_rows(publication.document, categories),
        number_formats={7: SCORE_FORMAT, 8: SCORE_FORMAT},
        widths={2: 28, 3: 12, 4: 12, 5: 28, 6: 16},
    )  # fmt: skip
    book.properties.title = _title(publication)
    book.properties.description = f"{_subtitle(publication)} · SHA-256 {publication.sha256}"
    return to_bytes(book)


# --- PDF --------------------------------------------------------------------------------------


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    red, green, blue = bytes.fromhex(hex_colour)
    return (red, green, blue)


def pdf(publication: Publication) -> bytes:
    """A4, per category its ranking with the rows in their tier's colour; SHA-256 in the foot."""
    document = Document(
        title=_title(publication),
        subtitle=_subtitle(publication),
        footer=f"SHA-256 {publication.sha256}",
    )
    for category in public.category_results(publication.document):
        document.heading(category.name)
        document.table(
            _ranking_headers(category),
            [_ranking_values(row) for row in category.rows],
            widths=[1, 1.6, 3.6, 1.2, 1.3, 1.3] + [1.4] * len(category.groups),
            fills=[_rgb(public.TIER_FILLS[row.tier]) if row.tier in public.TIER_FILLS else None
                   for row in category.rows],
        )  # fmt: skip
    return document.render()


# --- JSON -------------------------------------------------------------------------------------


def json_bytes(publication: Publication) -> bytes:
    """The published document minus persons, readable (indented, Chinese unescaped)."""
    content = json.dumps(public.public_document(publication.document), ensure_ascii=False, indent=2)
    return content.encode("utf-8")


# --- responses --------------------------------------------------------------------------------

FORMATS: dict[str, tuple[Callable[[Publication], bytes], str]] = {
    "xlsx": (workbook, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pdf": (pdf, "application/pdf"),
    "json": (json_bytes, "application/json; charset=utf-8"),
}
# What the pages offer, in this order: (format, label).
LINKS = [("xlsx", gettext_lazy("Excel workbook (.xlsx)")), ("pdf", "PDF"), ("json", "JSON")]


def content_disposition(filename: str, fallback: str) -> str:
    """An attachment named in Chinese (RFC 5987), with an ASCII name for old clients."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def download(publication: Publication, fmt: str) -> HttpResponse:
    """The publication in the format asked for, as an attachment named after year and version."""
    build, content_type = FORMATS[fmt]
    year, version = publication.year.year, publication.version
    response = HttpResponse(build(publication), content_type=content_type)
    response["Content-Disposition"] = content_disposition(
        f"{year}-{_('Results')}-v{version}.{fmt}", f"results-{year}-v{version}.{fmt}"
    )
    return response
