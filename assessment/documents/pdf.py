"""PDF documents: A4, Chinese text in an embedded font, tables that repeat their header.

The font is Noto Sans SC, shipped as a pip package (``pylopdf-fonts-zh-cn``) and embedded as a
subset by fpdf2, so a PDF shows the same on every reader, printer and offline machine; nothing
is fetched from the network. Every report builds a ``Document`` of headings, paragraphs and
tables and calls ``render``.

    doc = Document(title="2026年度考核结果", subtitle="镇街")
    doc.heading("镇街")
    doc.table(["名次", "单位", "总分"], [[1, "城关街道", "91.35"]], widths=[1, 4, 2])
    pdf_bytes = doc.render()
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from fontTools import ttLib
from fpdf import FPDF
from fpdf.fonts import FontFace, SubsetMap, TTFFont
from pylopdf_fonts_zh_cn import sans_path

FONT = "noto-sans-sc"
# Text runs are set flush left, never justified: Chinese has no spaces between words, so
# justifying a line stretches its few spaces (those around numbers, as in "合计 100 分") into
# wide gaps. Multi-line cells are given ``align="L"`` for that reason (fpdf2 justifies by default).
MARGIN = 15  # mm
BODY_SIZE = 10
HEADER_FILL = (221, 235, 247)


def add_chinese_font(pdf: FPDF) -> None:
    """Give ``pdf`` the embedded Chinese font under the name ``FONT``.

    What fpdf2's ``add_font`` reads from the file for every document (the widths and glyph
    numbers of 31,000 characters: 0.15 s, half of a short document's rendering) is read once per
    process (``_parsed_font``); each document gets its own copy of what it changes.

    The subset is saved without recomputing the font's bounding box: for this font that means
    drawing every outline kept, a third of a short document's rendering, and the box of the
    whole font, which the subset keeps, still encloses every glyph in it.
    """
    if FONT in pdf.fonts:
        return
    pdf.fonts[FONT] = _ChineseFont(pdf)
    pdf._set_min_pdf_version("1.6")  # as add_font does for a CID-keyed OpenType font


@functools.cache
def _parsed_font() -> TTFFont:
    """The font as fpdf2 reads it, once per process; documents copy it (``_ChineseFont``)."""
    font = TTFFont(FPDF(), sans_path(), FONT, "")
    assert font.is_cff and font.is_cid_keyed  # hence PDF 1.6 in add_chinese_font
    font.close()  # what was read is kept; each document opens the file again to subset it
    return font


class _ChineseFont(TTFFont):
    """One document's copy of ``_parsed_font``.

    What a document reads is shared (the characters' glyphs and widths); what it writes is its
    own: the characters it uses (``subset``), the font file it subsets at output (``ttfont``,
    opened lazily: nothing is parsed until then), the descriptor the output fills in, and the
    width table, which notes missing characters as it is read.
    """

    __slots__ = ()

    def __init__(self, pdf: FPDF) -> None:  # TTFFont.__init__ would read the font file again
        parsed = _parsed_font()
        for name in TTFFont.__slots__:
            if hasattr(parsed, name):
                setattr(self, name, getattr(parsed, name))
        self.i = len(pdf.fonts) + 1
        self.ttfont = ttLib.TTFont(parsed.ttffile, recalcTimestamp=False, lazy=True)
        self.ttfont.recalcBBoxes = False
        self.desc = copy.copy(parsed.desc)
        self.cw = copy.copy(parsed.cw)
        self.missing_glyphs = []
        self.biggest_size_pt = 0
        self._hbfont = None
        self.subset = SubsetMap(self)


def _text(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


@dataclass
class _Block:
    kind: str  # "heading", "paragraph", "table", "signature"
    text: str = ""
    headers: Sequence[str] = ()
    rows: Sequence[Sequence[object]] = ()
    widths: Sequence[float] | None = None
    fills: Sequence[tuple[int, int, int] | None] = ()


@dataclass
class Document:
    """A report in the order it is built; ``render`` lays it out on A4 pages."""

    title: str
    subtitle: str = ""
    footer: str = ""
    landscape: bool = False
    blocks: list[_Block] = field(default_factory=list)

    def heading(self, text: str) -> None:
        self.blocks.append(_Block("heading", text))

    def paragraph(self, text: str) -> None:
        self.blocks.append(_Block("paragraph", text))

    def table(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[object]],
        *,
        widths: Sequence[float] | None = None,
        fills: Sequence[tuple[int, int, int] | None] = (),
    ) -> None:
        """A table; ``widths`` are relative column widths, ``fills`` an RGB colour per row."""
        self.blocks.append(_Block("table", headers=headers, rows=rows, widths=widths, fills=fills))

    def signatures(self, labels: Sequence[str]) -> None:
        """Lines to sign on, one per label (e.g. 责任单位（盖章）, 主要负责人（签字）)."""
        self.blocks.append(_Block("signature", headers=labels))

    def render(self) -> bytes:
        pdf = _Pdf(self)
        for block in self.blocks:
            getattr(pdf, f"put_{block.kind}")(block)
        return bytes(pdf.output())


class _Pdf(FPDF):
    def __init__(self, document: Document) -> None:
        super().__init__(orientation="L" if document.landscape else "P", unit="mm", format="A4")
        self.document = document
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(auto=True, margin=MARGIN + 5)
        add_chinese_font(self)
        self.set_title(document.title)
        self.set_creator("区年度目标责任考核系统")
        self.add_page()
        self.set_font(FONT, size=16)
        self.multi_cell(0, 9, document.title, align="C", new_x="LMARGIN", new_y="NEXT")
        if document.subtitle:
            self.set_font(FONT, size=BODY_SIZE)
            self.multi_cell(0, 6, document.subtitle, align="C", new_x="LMARGIN", new_y="NEXT")
        self.ln(4)

    def footer(self) -> None:
        self.set_y(-MARGIN)
        self.set_font(FONT, size=8)
        text = f"{self.document.footer}    {self.page_no()} / {{nb}}".strip()
        self.cell(0, 5, text, align="C")

    def put_heading(self, block: _Block) -> None:
        self.ln(2)
        self.set_font(FONT, size=12)
        self.multi_cell(0, 7, block.text, align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def put_paragraph(self, block: _Block) -> None:
        self.set_font(FONT, size=BODY_SIZE)
        self.multi_cell(0, 5.5, block.text, align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def put_table(self, block: _Block) -> None:
        self.set_font(FONT, size=9)
        widths = tuple(block.widths) if block.widths else None
        with self.table(
            col_widths=widths,
            headings_style=FontFace(fill_color=HEADER_FILL),
            line_height=6,
            text_align="LEFT",
            repeat_headings=1,
        ) as table:
            table.row([str(header) for header in block.headers])
            for index, values in enumerate(block.rows):
                fill = block.fills[index] if index < len(block.fills) else None
                style = FontFace(fill_color=fill) if fill else None
                table.row([_text(value) for value in values], style=style)
        self.ln(3)

    def put_signature(self, block: _Block) -> None:
        self.ln(8)
        self.set_font(FONT, size=BODY_SIZE)
        for label in block.headers:
            self.cell(
                0,
                10,
                f"{label}：________________________    日期：__________",
                new_x="LMARGIN",
                new_y="NEXT",
            )
