"""Reading the first sheet: python-calamine for the values, a targeted scan for what it hides.

calamine gives each cell's value as Excel last computed it, but reports an error cell
(``#DIV/0!``) and a formula Excel never computed (a file written by a program, not saved by
Excel) both as an empty cell. When the zip check saw formulas or error cells in the sheet,
``cell_problems`` reads the sheet's XML once more, streaming, and names those cells.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from io import BytesIO
from typing import TYPE_CHECKING, Any

from defusedxml import ElementTree
from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook

from assessment.imports.files import WorkbookFacts, WorkbookRefused, check_workbook, damaged_message
from units.cells import clean_text

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

MAX_DATA_ROWS = 200_000  # rows with data in one file; beyond that, split the file
MAX_CELL_PROBLEMS = 10_000  # error cells and uncomputed formulas named before giving up

_REFERENCE = re.compile(r"^([A-Z]+)(\d+)$")


@dataclass
class Sheet:
    """The first sheet: its header row and an iterator over its non-blank data rows."""

    headers: list[str]  # row 1, cleaned, one per column from the first used column
    first_column: int  # 0-based index of the column of headers[0] (0 is column A)
    rows: Iterator[tuple[int, list[object]]]  # (Excel row number, cells), blank rows skipped
    height: int = 0  # rows of the sheet's used range below the header (blank ones included)
    cell_problems: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, index)

    def column_letter(self, index: int) -> str:
        return column_letter(self.first_column + index)


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def read_sheet(data: bytes) -> Sheet:
    """Check the file, then read its first sheet; raise ``WorkbookRefused`` with the reason."""
    facts = check_workbook(data)
    try:
        workbook = CalamineWorkbook.from_filelike(BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
        start = sheet.start
        rows = sheet.iter_rows()
        height = max(sheet.height - 1, 0)
    except CalamineError:
        raise WorkbookRefused(damaged_message()) from None
    if start is None:
        raise WorkbookRefused(_("The first sheet is empty."))
    if start[0] != 0:
        raise WorkbookRefused(
            _("Row 1 of the first sheet must hold the column headers; it is empty.")
        )
    # iter_rows yields rows from row 1 and columns from the first used column (start[1]).
    headers = [clean_text(value) for value in next(rows)]
    try:
        problems = (
            cell_problems(data, facts, first_column=start[1])
            if facts.has_formulas_or_errors
            else {}
        )
    except ElementTree.ParseError:
        raise WorkbookRefused(damaged_message()) from None
    return Sheet(
        headers=headers,
        first_column=start[1],
        rows=_data_rows(rows, problems),
        cell_problems=problems,
        height=height,
    )


def _data_rows(
    rows: Iterator[list[Any]], problems: dict[tuple[int, int], str]
) -> Iterator[tuple[int, list[object]]]:
    problem_rows = {row for row, _index in problems if row > 1}
    count = 0
    number = 1
    for number, cells in enumerate(rows, start=2):
        if is_blank(cells) and number not in problem_rows:
            continue
        count += 1
        if count > MAX_DATA_ROWS:
            raise WorkbookRefused(
                _("The sheet has more than %(limit)s rows of data; split it into several files.")
                % {"limit": f"{MAX_DATA_ROWS:,}"}
            )
        yield number, cells
    # Rows holding nothing but error cells or uncomputed formulas may lie beyond calamine's
    # range, which ends at the last value it saw: they are still rows with errors.
    for extra in sorted(row for row in problem_rows if row > number):
        yield extra, []


def is_blank(cells: list[object]) -> bool:
    """Whether a row holds nothing (empty cells or only spaces), checked cheaply."""
    for value in cells:
        if value == "" or value is None:
            continue
        if isinstance(value, str) and not value.strip():
            continue
        return False
    return True


def cell_problems(
    data: bytes, facts: WorkbookFacts, *, first_column: int
) -> dict[tuple[int, int], str]:
    """Error cells and formulas without a computed value: (row, column index) → message.

    The column index is relative to ``first_column``, as in ``Sheet.headers``.
    """
    problems: dict[tuple[int, int], str] = {}
    with zipfile.ZipFile(BytesIO(data)) as archive, archive.open(facts.sheet_part) as part:
        row_number = 0
        column = -1
        for event, element in ElementTree.iterparse(part, events=("start", "end")):
            tag = element.tag.rsplit("}", 1)[-1]
            if event == "start":
                if tag == "row":
                    row_number = int(element.get("r") or row_number + 1)
                    column = -1
                continue
            if tag != "c":
                if tag == "row":
                    element.clear()
                continue
            column = _cell_column(element.get("r"), column)
            problem = _cell_problem(element)
            if problem is not None and len(problems) < MAX_CELL_PROBLEMS:
                reference = f"{column_letter(column)}{row_number}"
                problems[(row_number, column - first_column)] = _describe(reference, problem)
            element.clear()
    return problems


def _cell_column(reference: str | None, previous: int) -> int:
    match = _REFERENCE.match(reference or "")
    return _column_index(match.group(1)) if match else previous + 1


def _describe(reference: str, error: str) -> str:
    if error:
        return _("cell %(cell)s holds the Excel error %(error)s") % {
            "cell": reference,
            "error": error,
        }
    return _(
        "the formula in cell %(cell)s has no computed value: open the file in Excel, let it "
        "calculate and save it again"
    ) % {"cell": reference}


def _cell_problem(cell: Element) -> str | None:
    """The Excel error of an error cell, "" for a formula never computed, else None."""
    formula = value = None
    for child in cell:
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "f":
            formula = child
        elif tag == "v":
            value = child
    if cell.get("t") == "e":
        return value.text if value is not None and value.text else "#ERROR"
    if formula is None:
        return None
    # A computed empty text is written as t="str" with an empty <v>; a number never is empty.
    if value is None or (not value.text and cell.get("t") not in ("str", "inlineStr")):
        return ""
    return None
