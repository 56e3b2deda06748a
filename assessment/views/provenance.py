"""The office's export of a year's records with how each entered (来源): typed in a form by
whom and from which address, imported from which file (its SHA-256 and sheet row), or a
correction of which record. As a workbook or CSV."""

from __future__ import annotations

import csv
import io

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from assessment.access import manages_assessment
from assessment.selectors import provenance
from assessment.selectors import years as selectors
from units.downloads import attachment
from units.xlsx import add_sheet, is_formula_like, new_workbook, to_bytes

TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def _csv_cell(value: object) -> object:
    """A cell as a spreadsheet opening the CSV reads it as data: formula-like text quoted."""
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


@require_GET
@login_required
def records_export(request: HttpRequest, year: int, fmt: str) -> HttpResponse:
    """Every record of the year with its provenance: the office only (addresses and names)."""
    if fmt not in TYPES:
        raise Http404
    if not manages_assessment(request.user):
        raise PermissionDenied
    record_year = selectors.year_get_for_user(request.user, year)
    headers = provenance.records_export_headers()
    rows = provenance.records_export_rows(record_year)
    if fmt == "xlsx":
        workbook = new_workbook()
        add_sheet(workbook, _("Records"), headers, rows)
        body: bytes = to_bytes(workbook)
    else:
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(headers)
        writer.writerows([_csv_cell(cell) for cell in row] for row in rows)
        body = ("\ufeff" + text.getvalue()).encode()  # the BOM: Excel reads it as UTF-8
    response = HttpResponse(body, content_type=TYPES[fmt])
    name = _("records-with-provenance")
    return attachment(response, f"{name}-{year}.{fmt}", f"records-{year}.{fmt}")
