"""Printable slips and posters with QR codes (测评票券, 调查二维码).

The QR code is made by ``segno`` (pure Python) and drawn as filled squares in the PDF, so it
prints sharp at any size and nothing is fetched. A sheet of slips is A4 with two columns of
four slips, cut along the dashed lines; each slip carries its number, the link as a QR code,
the code in large letters and the link as text for anyone typing it.

    slips_pdf("2026年度民主测评", [Slip(serial=1, code="K7QF-3MXA-9T", url="https://…/v/…",
                                  lines=["测评主体：区领导"])])
    poster_pdf("城关街道政务服务满意度调查", "https://…/s/…", ["扫码参加，约需1分钟"])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import segno
from fpdf import FPDF

from assessment.documents.pdf import FONT, add_chinese_font

PAGE_W, PAGE_H = 210, 297  # A4, mm
MARGIN = 10
COLUMNS, ROWS = 2, 4
SLIP_W = (PAGE_W - 2 * MARGIN) / COLUMNS
SLIP_H = (PAGE_H - 2 * MARGIN) / ROWS


@dataclass(frozen=True)
class Slip:
    serial: int
    code: str
    url: str
    lines: Sequence[str] = field(default_factory=tuple)


def draw_qr(pdf: FPDF, data: str, x: float, y: float, size: float) -> None:
    """Draw ``data`` as a QR code (error correction M, with its quiet zone) in a square."""
    qr = segno.make(data, error="m", micro=False)
    matrix = list(qr.matrix_iter(border=2))
    module = size / len(matrix)
    pdf.set_fill_color(0, 0, 0)
    for row_index, row in enumerate(matrix):
        start = None
        for col_index, dark in enumerate([*row, 0]):  # a sentinel ends the last run
            if dark and start is None:
                start = col_index
            elif not dark and start is not None:
                pdf.rect(
                    x + start * module,
                    y + row_index * module,
                    (col_index - start) * module,
                    module,
                    style="F",
                )
                start = None


def _pdf(title: str) -> FPDF:
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    add_chinese_font(pdf)
    pdf.set_title(title)
    pdf.set_creator("区年度目标责任考核系统")
    return pdf


BALLOT_WORDING = ("测评码", "本码仅能使用一次，投票后不可更改；票面不记录投票人。")
SURVEY_WORDING = ("问卷码", "本码仅能使用一次；问卷不记录填写人。")


def slips_pdf(
    title: str, slips: Sequence[Slip], wording: tuple[str, str] = BALLOT_WORDING
) -> bytes:
    """Sheets of slips, eight to an A4 page, in the order given; ``wording`` is the code's
    label and the notice under the link (a ballot's by default, ``SURVEY_WORDING`` for a
    survey). The slips are printed material of the district, in Chinese whatever the office's
    page language."""
    pdf = _pdf(title)
    per_page = COLUMNS * ROWS
    for index, slip in enumerate(slips):
        if index % per_page == 0:
            pdf.add_page()
            _cut_lines(pdf)
        position = index % per_page
        x = MARGIN + (position % COLUMNS) * SLIP_W
        y = MARGIN + (position // COLUMNS) * SLIP_H
        _slip(pdf, title, slip, x, y, wording)
    if not slips:
        pdf.add_page()
    return bytes(pdf.output())


def _cut_lines(pdf: FPDF) -> None:
    pdf.set_draw_color(160, 160, 160)
    pdf.set_line_width(0.2)
    pdf.set_dash_pattern(dash=2, gap=2)
    for column in range(1, COLUMNS):
        x = MARGIN + column * SLIP_W
        pdf.line(x, MARGIN, x, PAGE_H - MARGIN)
    for row in range(1, ROWS):
        y = MARGIN + row * SLIP_H
        pdf.line(MARGIN, y, PAGE_W - MARGIN, y)
    pdf.set_dash_pattern()


def _slip(pdf: FPDF, title: str, slip: Slip, x: float, y: float, wording: tuple[str, str]) -> None:
    pad = 4
    qr_size = 34
    pdf.set_xy(x + pad, y + pad)
    pdf.set_font(FONT, size=10)
    pdf.multi_cell(SLIP_W - 2 * pad, 5, title, align="L", new_x="LEFT", new_y="NEXT")
    pdf.set_font(FONT, size=8)
    pdf.set_x(x + pad)
    pdf.cell(SLIP_W - 2 * pad, 4, f"第 {slip.serial:05d} 号", new_x="LEFT", new_y="NEXT")
    top = pdf.get_y() + 1
    draw_qr(pdf, slip.url, x + pad, top, qr_size)
    text_x = x + pad + qr_size + 3
    text_w = SLIP_W - (text_x - x) - pad
    pdf.set_xy(text_x, top + 2)
    pdf.set_font(FONT, size=8)
    pdf.cell(text_w, 4, wording[0], new_x="LEFT", new_y="NEXT")
    pdf.set_font(FONT, size=14)
    pdf.cell(text_w, 7, slip.code, new_x="LEFT", new_y="NEXT")
    pdf.set_font(FONT, size=8)
    for line in slip.lines:
        pdf.set_x(text_x)
        pdf.multi_cell(text_w, 4, line, align="L", new_x="LEFT", new_y="NEXT")
    pdf.set_xy(x + pad, top + qr_size + 1)
    pdf.set_font(FONT, size=7)
    pdf.multi_cell(SLIP_W - 2 * pad, 3.5, slip.url, align="L", new_x="LEFT", new_y="NEXT")
    pdf.set_x(x + pad)
    pdf.multi_cell(
        SLIP_W - 2 * pad,
        3.5,
        wording[1],
        align="L",
        new_x="LEFT",
        new_y="NEXT",
    )


def poster_pdf(title: str, url: str, lines: Sequence[str] = ()) -> bytes:
    """One A4 page: the title, a large QR code of ``url``, the link and a few lines of text."""
    pdf = _pdf(title)
    pdf.add_page()
    pdf.set_font(FONT, size=20)
    pdf.set_y(30)
    pdf.multi_cell(0, 10, title, align="C", new_x="LMARGIN", new_y="NEXT")
    size = 110
    top = pdf.get_y() + 10
    draw_qr(pdf, url, (PAGE_W - size) / 2, top, size)
    pdf.set_y(top + size + 8)
    pdf.set_font(FONT, size=10)
    pdf.multi_cell(0, 6, url, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(FONT, size=12)
    for line in lines:
        pdf.multi_cell(0, 7, line, align="C", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
