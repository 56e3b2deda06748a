"""Exported cells are data: formula-like text stays inert text, numbers stay numbers."""

import io
from decimal import Decimal

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from units.xlsx import add_sheet, new_workbook, to_bytes

DANGEROUS = [
    "=1+2",
    "+86 139",
    "-5分",
    "@SUM(A1)",
    "\tx",
    "＝HYPERLINK()",
    "＋1",
    "－1",
    "＠x",
]


def _export(values):
    workbook = new_workbook()
    add_sheet(workbook, "数据", ["值"], ([v] for v in values))
    return to_bytes(workbook)


@pytest.mark.parametrize("text", DANGEROUS)
def test_formula_like_text_is_written_as_quoted_text(text):
    sheet = openpyxl.load_workbook(io.BytesIO(_export([text]))).active
    cell = sheet["A2"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)


def test_a_leading_carriage_return_is_inert_too():
    # XML reads a lone CR back as a line feed; what matters is that the cell is text.
    cell = openpyxl.load_workbook(io.BytesIO(_export(["\rx"]))).active["A2"]
    assert (cell.data_type, cell.quotePrefix) == ("s", True)


def test_a_round_trip_does_not_pile_up_escape_characters():
    first = _export(DANGEROUS)
    read_back = [row[0] for row in CalamineWorkbook.from_filelike(io.BytesIO(first))
                 .get_sheet_by_index(0).to_python()[1:]]  # fmt: skip
    second = _export(read_back)
    again = [row[0] for row in CalamineWorkbook.from_filelike(io.BytesIO(second))
             .get_sheet_by_index(0).to_python()[1:]]  # fmt: skip
    assert read_back == again == DANGEROUS


def test_numbers_stay_numbers_and_plain_text_is_untouched():
    sheet = openpyxl.load_workbook(io.BytesIO(_export([Decimal("96.77"), 42, "城关街道"]))).active
    assert [sheet["A2"].value, sheet["A3"].value, sheet["A4"].value] == [96.77, 42, "城关街道"]
    assert sheet["A2"].data_type == "n" and not sheet["A4"].quotePrefix
    assert sheet.freeze_panes == "A2"
