"""Workbooks handed to the clerk: an empty template of a kind, and an upload marked with its errors.

``template_workbook(kind)`` is what a staff import page offers for download: the kind's Chinese
headers in its column order and no data row (the importer reads the first sheet only, and would
import an example like any record), dropdown lists where a column's values come from a closed
set (in the user's language only: Chinese names for a Chinese user, the codes in English), a
sheet "示例" holding one example row marked as an example, and a sheet "填写说明" describing every
column. The example is made of values the importer accepts.

``marked_workbook(data, preview)`` returns the uploaded file with every cell an error names
filled light red and commented with the message, and a last sheet "错误清单" listing every
error, those of the whole file included. The cells keep their values; the importer reads the
first sheet only, so the marked file, once corrected, imports like the original.
"""

from __future__ import annotations

import datetime
import io
import math
import re
import unicodedata
import warnings
from collections.abc import Callable, Iterable, Mapping
from typing import cast

import openpyxl
from django.utils import timezone
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from assessment.imports import values as v
from assessment.imports.engine import header_match_key
from assessment.imports.files import WorkbookRefused, check_workbook
from assessment.imports.kinds import KINDS
from assessment.imports.preview import Preview, RowError
from assessment.imports.rows import Column, Kind
from assessment.models import GradeChoices
from units.models import UnitCategory
from units.xlsx import HEADER_FILL, HEADER_FONT, add_sheet, new_workbook, put, to_bytes

INSTRUCTIONS_TITLE = "填写说明"
EXAMPLES_TITLE = "示例"
LISTS_TITLE = "下拉选项"  # hidden: the dropdown lists, longer than a validation formula may be
ERRORS_TITLE = "错误清单"
INSTRUCTION_HEADERS = ("列名", "英文别名", "是否必填", "填写要求", "可选值")
ERROR_HEADERS = ("行号", "列", "填写内容", "问题")

FIRST_ROW = 2  # the first data row, under the headers
TEMPLATE_ROWS = 1000  # the rows of the template that get the dropdown lists
SAMPLE_FONT = Font(italic=True, color="808080")
ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")
WRAP = Alignment(wrap_text=True, vertical="top")
MAX_COMMENTS = 5_000  # beyond that, cells are filled only: the list sheet has every message
MIN_WIDTH, MAX_WIDTH = 10, 40  # column widths, in Excel's character units
COMMENT_WIDTH = 320  # pixels; about 40 half-width characters a line
CODE_FORMAT = "@"  # text: a code typed as 001 keeps its zeros
DATE_FORMAT = "yyyy-mm-dd"

_LETTERS = re.compile(r"^[A-Z]{1,3}$")
_DEFAULT_CATEGORY = "镇街"

# --- the template ------------------------------------------------------------------------------


def template_file_names(kind: Kind) -> tuple[str, str]:
    """The file name of a kind's template in the user's language, and its ASCII fallback."""
    template = pgettext("file name", "template")
    return f"{kind.label}-{template}.xlsx", f"{kind.name}-template.xlsx"


def template_workbook(kind: str) -> bytes:
    """An empty workbook of ``kind`` to fill in: headers, dropdowns, an example, instructions."""
    declared = KINDS[kind]
    columns = declared.columns
    categories = _category_choices()
    sample = _samples(categories)[kind]
    lists = _choice_lists(columns, categories)
    workbook = new_workbook()
    headers = [column.header for column in columns]
    widths = _widths(columns, sample, lists)
    sheet = add_sheet(workbook, _sheet_title(declared), headers, [], widths=widths)
    _format_columns(sheet, columns)
    same = {key: sample[key] for key in declared.identity if key in sample}  # the same record's
    samples = [sample, *({**same, **row} for row in _FURTHER_SAMPLES.get(kind, []))]
    examples = add_sheet(
        workbook,
        EXAMPLES_TITLE,
        headers,
        [[row.get(c.key) for c in columns] for row in samples],
        widths=widths,
    )
    _mark_example(examples, columns, rows=len(samples))
    _instructions(workbook, declared, lists)
    if lists:
        _add_dropdowns(workbook, sheet, columns, lists)
    return to_bytes(workbook)


def _sheet_title(kind: Kind) -> str:
    """The kind's name as a sheet title (at most 31 characters, none of ``[]:*?/\\``)."""
    return re.sub(r"[\[\]:*?/\\]", " ", str(kind.label))[:31] or kind.name


def _format_columns(sheet: Worksheet, columns: Iterable[Column]) -> None:
    """Code and name columns are formatted as text, so that a code typed as 001 keeps its
    zeros; date columns as dates."""
    for index, column in enumerate(columns, start=1):
        dimension = sheet.column_dimensions[get_column_letter(index)]
        if column.parse in (v.text, v.free_text):
            dimension.number_format = CODE_FORMAT
        elif column.parse is v.date:
            dimension.number_format = DATE_FORMAT


def _mark_example(sheet: Worksheet, columns: Iterable[Column], *, rows: int = 1) -> None:
    """The example rows in grey italics, with a comment on the first cell saying what they are."""
    _format_columns(sheet, columns)
    for number in range(FIRST_ROW, FIRST_ROW + rows):
        for index, column in enumerate(columns, start=1):
            cell = sheet.cell(row=number, column=index)
            cell.font = SAMPLE_FONT
            if column.parse in (v.text, v.free_text):
                cell.number_format = CODE_FORMAT
    note = _("An example only: fill in the first sheet; this sheet is never imported.")
    sheet.cell(row=FIRST_ROW, column=1).comment = _comment([note])


def _samples(categories: list[str]) -> dict[str, dict[str, object]]:
    """One plausible row per kind, with the codes of a typical district's files.

    The year is this year's; the category is the district's first one. Optional columns that
    would name another record (a parent unit, a rank step) are left blank.
    """
    year = timezone.localdate().year
    category = categories[0] if categories else _DEFAULT_CATEGORY
    unit = {"year": year, "unit": "TO01"}
    return {
        "units": {"code": "TO01", "name": "城关街道", "category": category, "headcount": 35},
        "cadres": {"unit": "TO01", "name": "张三", "position": "党工委书记", "rank_kind": "正职"},
        "indicators": {
            "year": year,
            "category": category,
            "code": "GDP",
            "name": "地区生产总值增长",
            "group": "经济发展",
            "points": 20,
            "method": "完成率",
            "aggregation": "取最新值",
            "cap": 1.2,
            "lead_unit": "JJ01",
        },
        "targets": {**unit, "indicator": "GDP", "target": 12000, "base": 10000, "leader": "张三"},
        "items": {
            "year": year,
            "category": category,
            "indicator": "AWARD",
            "code": "P1",
            "name": "省级表彰",
            "points": 1,
            "level": "省级",
            "cap": 2,
        },
        "evidence": {
            "unit": "TO01",
            "indicator": "GDP",
            "date": datetime.date(year, 3, 31),
            "value": 3200.5,
            "description": "一季度地区生产总值",
            "status": "待核实",
        },
        "city_ranks": {**unit, "indicator": "RANK", "rank": 3, "total": 12},
        "grades": {**unit, "indicator": "PARTY", "grade": "A"},
        "surveys": {**unit, "indicator": "SAT", "rate": 0.92},
        "evaluations": {**unit, "cadre": "张三", "score": 92.5},
    }


# Rows the example sheet shows after the kind's sample: a period's cumulative targets (blank
# period: the year's), as a share of the year's target and as a figure.
_FURTHER_SAMPLES: dict[str, list[dict[str, object]]] = {
    "targets": [
        {"period": "Q2", "target": "45%"},
        {"period": "Q3", "target": 8400},
    ],
}


# --- dropdown lists ----------------------------------------------------------------------------


def _in_language(names: Mapping[str, str]) -> list[str]:
    """The values a dropdown offers, in the user's language only: the Chinese names for a
    Chinese user, the codes (English) otherwise. The parser accepts either."""
    if (get_language() or "").startswith("zh"):
        return list(names)
    return list(dict.fromkeys(str(code) for code in names.values()))


def _parser_choices() -> dict[Callable[[object], object], list[str]]:
    """The closed sets, by the parser that reads the column."""
    return {
        v.method: _in_language(v.METHOD_NAMES),
        v.aggregation: _in_language(v.AGGREGATION_NAMES),
        v.status: _in_language(v.STATUS_NAMES),
        v.rank_kind: _in_language(v.RANK_KIND_NAMES),
        v.level: _in_language(v.LEVEL_NAMES),
        v.grade: [str(grade) for grade in GradeChoices.values],
    }


def _category_choices() -> list[str]:
    """The district's categories (data, not a fixed list), in the user's language."""
    categories = UnitCategory.objects.order_by("sort_order", "code")
    return _in_language({c.name: c.code for c in categories})


def _choice_lists(columns: Iterable[Column], categories: list[str]) -> dict[str, list[str]]:
    """Column key → the values its dropdown offers, for the columns with a closed set."""
    lists = {}
    closed = _parser_choices()
    for column in columns:
        choices = categories if column.key == "category" else closed.get(column.parse)
        if choices:
            lists[column.key] = choices
    return lists


def _add_dropdowns(
    workbook: Workbook, sheet: Worksheet, columns: Iterable[Column], lists: dict[str, list[str]]
) -> None:
    """A list validation on rows 2‥TEMPLATE_ROWS of each closed-set column.

    The lists live in a hidden sheet, referenced by range: an inline list is limited to 255
    characters and cannot hold a name with a comma.
    """
    hidden = workbook.create_sheet(title=LISTS_TITLE)
    hidden.sheet_state = "hidden"
    for list_column, (key, choices) in enumerate(lists.items(), start=1):
        for row, choice in enumerate(choices, start=1):
            put(hidden, row, list_column, choice)
        letter = get_column_letter(list_column)
        source = f"'{LISTS_TITLE}'!${letter}$1:${letter}${len(choices)}"
        index = next(i for i, c in enumerate(columns, start=1) if c.key == key)
        sheet.add_data_validation(_validation(source, index))


def _validation(source: str, column: int) -> DataValidation:
    letter = get_column_letter(column)
    validation = DataValidation(
        type="list",
        formula1=source,
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=_("Not in the list"),
        error=_("Choose a value from the list (see the sheet 填写说明)."),
    )
    validation.add(f"{letter}{FIRST_ROW}:{letter}{TEMPLATE_ROWS}")
    return validation


# --- the instructions sheet --------------------------------------------------------------------


def _instructions(workbook: Workbook, kind: Kind, lists: dict[str, list[str]]) -> None:
    """The sheet "填写说明": how to fill the first sheet, then one row per column."""
    notes = [
        _("How to fill in the first sheet (%(kind)s):") % {"kind": kind.label},
        _(
            "1. Fill in the first sheet from row 2. The sheet 示例 shows an example row; it is "
            "never imported."
        ),
        _(
            "2. One record a row from row 2. Keep the headers of row 1: the Chinese headers or "
            "the English aliases, in any order."
        ),
        _(
            "3. Required columns must be present; optional ones may be left out of the file. "
            "What a blank cell means is said below."
        ),
        _(
            "4. Numbers as Excel numbers or text such as 1,234.5; dates as Excel dates or "
            "YYYY-MM-DD. Columns with a dropdown take a value of its list."
        ),
        _(
            "5. Nothing is written unless every row is correct: the preview lists each error "
            "with its row and column."
        ),
    ]
    rows: list[list[object]] = [[note] for note in notes]
    rows += [[], list(INSTRUCTION_HEADERS)]
    rows += [_column_row(column, lists.get(column.key, [])) for column in kind.columns]
    sheet = workbook.create_sheet(title=INSTRUCTIONS_TITLE)
    for row_number, row in enumerate(rows, start=1):
        for column_number, value in enumerate(row, start=1):
            put(sheet, row_number, column_number, value)
    table_header = len(notes) + 2
    for cell in sheet[table_header]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for row in sheet.iter_rows(min_row=table_header + 1):
        for cell in row:
            cell.alignment = WRAP
    for letter, width in zip("ABCDE", (14, 14, 10, 60, 40), strict=True):
        sheet.column_dimensions[letter].width = width


def _column_row(column: Column, choices: list[str]) -> list[object]:
    required = _("optional column") if column.optional else _("required column")
    return [column.header, column.key, required, str(column.help), "、".join(choices)]


# --- widths ------------------------------------------------------------------------------------


def display_width(text: str) -> int:
    """Width in Excel's character units: a Chinese (wide) character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _widths(
    columns: Iterable[Column], sample: dict[str, object], lists: dict[str, list[str]]
) -> dict[int, int]:
    """Column number → width: room for the header, the sample and the longest choice."""
    widths = {}
    for index, column in enumerate(columns, start=1):
        texts = [column.header, str(sample.get(column.key) or ""), *lists.get(column.key, [])]
        width = max(display_width(text) for text in texts) + 4
        widths[index] = min(max(width, MIN_WIDTH), MAX_WIDTH)
    return widths


# --- the marked upload -------------------------------------------------------------------------


def marked_workbook(data: bytes, preview: Preview) -> bytes:
    """The uploaded workbook with its errors marked, and a last sheet listing every error.

    A file the checks refuse (not a workbook, too large, a zip bomb …) is never opened: the
    result then holds the list sheet alone.
    """
    workbook = _open(data)
    if workbook is None:
        workbook = new_workbook()
    else:
        _mark_sheet(workbook.worksheets[0], preview.errors)
    _add_error_list(workbook, preview.errors)
    return to_bytes(workbook)


def _open(data: bytes) -> Workbook | None:
    """The workbook, if the import checks accept it and openpyxl can read it."""
    try:
        check_workbook(data)
    except WorkbookRefused:
        return None
    try:
        with warnings.catch_warnings():
            # openpyxl warns of parts it drops (extensions, unknown validations): nothing a
            # clerk could act on, and the cells are kept.
            warnings.simplefilter("ignore", UserWarning)
            return openpyxl.load_workbook(io.BytesIO(data), rich_text=True)
    except Exception:  # openpyxl fails in many ways on files calamine reads: no marks then
        return None


class _Places:
    """Where an error points in the sheet, found the way the import matched the headers."""

    def __init__(self, sheet: Worksheet) -> None:
        self.first_column = sheet.min_column
        self.by_header: dict[str, int] = {}
        self.unnamed: set[int] = set()
        for cell in next(sheet.iter_rows(min_row=1, max_row=1), ()):
            key = header_match_key(cell.value)
            column = cast(int, cell.column)  # a cell of a worksheet always has its column
            if key:
                self.by_header.setdefault(key, column)
            else:
                self.unnamed.add(column)

    def cells(self, error: RowError) -> list[tuple[int, int]]:
        """(row, column) of the cells to mark: none for an error of the whole file or of a
        column the file does not have; the row's first cell for an error of the whole row."""
        if error.row is None:
            return []
        if not error.column:
            return [(error.row, self.first_column)]
        return [(error.row, column) for column in self._columns(error.column)]

    def _columns(self, name: str) -> list[int]:
        found = self.by_header.get(header_match_key(name))
        if found is not None:
            return [found]
        if _LETTERS.match(name) and column_index_from_string(name) in self.unnamed:
            return [column_index_from_string(name)]  # a value under no header, by its letter
        # A duplicate names the identity's columns, e.g. "年度 + 单位代码 + 指标代码".
        parts = [self.by_header.get(header_match_key(part)) for part in name.split(" + ")]
        return [part for part in parts if part is not None] if len(parts) > 1 else []


def _mark_sheet(sheet: Worksheet, errors: list[RowError]) -> None:
    """Fill every cell an error names and comment it with the messages (values untouched)."""
    places = _Places(sheet)
    notes: dict[tuple[int, int], list[str]] = {}
    for error in errors:
        for place in places.cells(error):
            messages = notes.setdefault(place, [])
            if error.message not in messages:
                messages.append(error.message)
    for count, ((row, column), messages) in enumerate(notes.items()):
        cell = sheet.cell(row=row, column=column)
        if isinstance(cell, MergedCell):
            continue  # part of a merged range: the list sheet names the error
        cell.fill = ERROR_FILL
        if count < MAX_COMMENTS:
            cell.comment = _comment(messages)


def _comment(messages: list[str]) -> Comment:
    """A comment sized to its text, so that Excel shows it whole."""
    lines = sum(max(1, math.ceil(display_width(message) / 40)) for message in messages)
    text = "\n".join(messages)
    author = _("District target-responsibility assessment")
    return Comment(text, author, height=min(24 + 18 * lines, 400), width=COMMENT_WIDTH)


def _add_error_list(workbook: Workbook, errors: list[RowError]) -> None:
    """The sheet "错误清单", last (the import reads the first sheet): one row per error.

    A list left by an earlier marking of the same file is replaced.
    """
    for earlier in workbook.worksheets[1:]:
        if earlier.title == ERRORS_TITLE:
            workbook.remove(earlier)
    rows = (
        [error.row if error.row is not None else "", error.column, error.value, error.message]
        for error in errors
    )
    sheet = add_sheet(
        workbook, ERRORS_TITLE, ERROR_HEADERS, rows, widths={1: 8, 2: 24, 3: 24, 4: 80}
    )
    for (cell,) in sheet.iter_rows(min_row=2, min_col=4, max_col=4):
        cell.alignment = WRAP
