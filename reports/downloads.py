"""Public downloads of a published year: Excel workbook, PDF and JSON.

Each is built from the same snapshot as the public pages (``reports.public``), so a download
holds the numbers the page shows, and nothing about persons. The PDF's footer carries the
document's SHA-256, so a printed copy can be checked against the published record.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.http import http_date
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from openpyxl import Workbook
from openpyxl.styles import PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from assessment.documents.pdf import Document
from assessment.models import Publication
from reports import public
from reports.models import PublishedFile
from units.downloads import attachment
from units.xlsx import add_sheet, new_workbook, to_bytes

SCORE_FORMAT = "0.00"
SHEET_TITLE_FORBIDDEN = str.maketrans({char: "_" for char in "[]:*?/\\"})
TIER_COLUMN = 4  # in a category sheet: rank, code, name, tier, total, veto, groups…


def _title(publication: Publication) -> str:
    return (
        _("%(year)s assessment") % {"year": publication.year.year}
        + " · "
        + pgettext("assessment", "Results")
    )


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
        _("vetoed") if row.veto else (_("disqualified from excellent") if row.disqualified else ""),
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


def published_file(publication: Publication, fmt: str) -> PublishedFile:
    """The stored bytes of a download, made and kept the first time they are asked for.

    The first visitors after a publication arrive together. On PostgreSQL one request makes the
    file while the others wait for it on the publication's row, instead of each making it again
    (a PDF takes a second of a core). SQLite writes one transaction at a time already, and the
    file is made before the write, so that its write lock is not held that long."""
    found = PublishedFile.objects.filter(publication=publication, fmt=fmt).first()
    if found is not None:
        return found
    build = FORMATS[fmt][0]
    if connection.vendor == "postgresql":
        with transaction.atomic():
            locked = Publication.objects.select_for_update(no_key=True).filter(pk=publication.pk)
            list(locked.values_list("pk", flat=True))
            found = PublishedFile.objects.filter(publication=publication, fmt=fmt).first()
            # made by the request this one waited for, or made now
            return found or _stored(publication, fmt, build(publication))
    content = build(publication)
    try:
        with transaction.atomic():
            return _stored(publication, fmt, content)
    except IntegrityError:  # made meanwhile by another request: that one is the file
        return PublishedFile.objects.get(publication=publication, fmt=fmt)


def _stored(publication: Publication, fmt: str, content: bytes) -> PublishedFile:
    return PublishedFile.objects.create(
        publication=publication,
        fmt=fmt,
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
    )


def published_files(publication: Publication) -> dict[str, PublishedFile]:
    """Every download of a publication, by format (made on the first visit)."""
    stored = {
        f.fmt: f for f in PublishedFile.objects.filter(publication=publication).defer("content")
    }
    for fmt in FORMATS:
        if fmt not in stored:
            stored[fmt] = published_file(publication, fmt)
    return stored


def download_links(publication: Publication) -> list[tuple[str, str, str]]:
    """(format, label, SHA-256 of the bytes served) for the page's download buttons."""
    files = published_files(publication)
    return [(fmt, str(label), files[fmt].sha256) for fmt, label in LINKS]


def download(request: HttpRequest, publication: Publication, fmt: str) -> HttpResponse:
    """The publication's stored file in the format asked for, as an attachment named after year
    and version; it never changes, so a browser that has it is answered 304."""
    stored = published_file(publication, fmt)
    etag = f'"{stored.sha256}"'
    if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(bytes(stored.content), content_type=FORMATS[fmt][1])
        year, version = publication.year.year, publication.version
        attachment(
            response, f"{results_name(year, version)}.{fmt}", f"results-{year}-v{version}.{fmt}"
        )
    response["ETag"] = etag
    response["Last-Modified"] = http_date(stored.created_at.timestamp())
    response["Cache-Control"] = "public, max-age=86400"
    return response


def results_name(year: int, version: int) -> str:
    """The file name (without extension) of a year's published results, in the user's language."""
    return pgettext("file name", "%(year)s results, version %(version)s") % {
        "year": year,
        "version": version,
    }
