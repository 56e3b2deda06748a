"""Writing workbooks that Excel opens as data, never as code.

openpyxl stores any string that starts with ``=`` as a formula, and Excel (or a spreadsheet
that re-parses a cell on edit) treats text starting with ``+ - @``, a tab or a carriage
return, and the full-width ``＝ ＋ － ＠`` typed by Chinese input methods, as a formula too.
Such text is written as a string cell with Excel's quote prefix: it shows exactly as given,
reads back unchanged (no escape character piles up over an export → import round trip), and
is never evaluated. Numbers stay numbers, and dates stay dates (shown as ``YYYY-MM-DD``).
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from import_export.formats.base_formats import XLSX
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

if TYPE_CHECKING:
    from tablib import Dataset

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


def put(sheet: Worksheet, row: int, column: int, value: object, number_format: str = "") -> None:
    """Write one cell: numbers as numbers, dates as dates, formula-like text as inert text.

    A date written as text would still import, but Excel could neither sort nor filter it as
    a date; Excel knows no time zones, so an aware datetime is written in local time.
    """
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, bool):
        cell.value = value
    elif isinstance(value, int | float | Decimal):
        cell.value = value
        if number_format:
            cell.number_format = number_format
    elif isinstance(value, datetime.date):
        cell.value = _naive(value)
        default = DATETIME_FORMAT if isinstance(value, datetime.datetime) else DATE_FORMAT
        cell.number_format = number_format or default
    elif value is None:
        cell.value = None
    else:
        text = str(value)
        cell.value = text
        if is_formula_like(text):
            cell.data_type = "s"  # a string, whatever openpyxl guessed
            cell.quotePrefix = True  # and Excel keeps it a string when the cell is edited


def _naive(value: datetime.date) -> datetime.date:
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def add_sheet(
    workbook: Workbook,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    number_formats: dict[int, str] | None = None,
    widths: dict[int, int] | None = None,
) -> Worksheet:
    """A sheet with a bold frozen header row, then the rows."""
    sheet = workbook.create_sheet(title=title[:31])
    for column, header in enumerate(headers, start=1):
        put(sheet, 1, column, header)
        sheet.cell(row=1, column=column).font = HEADER_FONT
        sheet.cell(row=1, column=column).fill = HEADER_FILL
        width = (widths or {}).get(column, max(10, len(str(header)) * 2 + 2))
        sheet.column_dimensions[get_column_letter(column)].width = width
    formats = number_formats or {}
    for row_number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            put(sheet, row_number, column, value, formats.get(column, ""))
    sheet.freeze_panes = "A2"
    return sheet


def new_workbook() -> Workbook:
    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])  # the empty sheet a new workbook starts with
    return workbook


def to_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class SafeXLSX(XLSX):
    """django-import-export's xlsx format, written by ``add_sheet`` so that exported text can
    never run as a formula and numbers stay numbers (the library's own escaping turns every
    cell into text)."""

    def export_data(self, dataset: Dataset, **kwargs: Any) -> bytes:
        workbook = new_workbook()
        add_sheet(workbook, dataset.title or "Sheet1", list(dataset.headers or []), dataset)
        return to_bytes(workbook)
