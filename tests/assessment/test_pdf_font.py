"""The Chinese font is read once per process, and a document made with it is the document fpdf2
makes when it reads the font itself."""

from __future__ import annotations

import datetime as dt
import io

import pypdf
from fpdf import FPDF
from fpdf.fonts import TTFFont
from pylopdf_fonts_zh_cn import sans_path

from assessment.documents import pdf as documents

WHEN = dt.datetime(2026, 12, 7, 9, 30, tzinfo=dt.UTC)


def page(pdf: FPDF, text: str) -> bytes:
    pdf.creation_date = WHEN
    pdf.add_page()
    pdf.set_font(documents.FONT, size=12)
    pdf.multi_cell(0, 7, text)
    return bytes(pdf.output())


def by_fpdf2(text: str) -> bytes:
    pdf = FPDF()
    pdf.add_font(documents.FONT, fname=str(sans_path()))
    font = pdf.fonts[documents.FONT]
    assert isinstance(font, TTFFont)
    font.ttfont.recalcBBoxes = False
    return page(pdf, text)


def by_us(text: str) -> bytes:
    pdf = FPDF()
    documents.add_chinese_font(pdf)
    return page(pdf, text)


def test_a_document_is_byte_for_byte_the_one_fpdf2_makes_reading_the_font_itself():
    text = "城关街道 2026年度考核总分 91.35 分，名次第 1。"
    assert by_us(text) == by_fpdf2(text)


def test_documents_made_one_after_another_keep_only_their_own_characters():
    first = by_us("一等")
    second = by_us("城关街道")
    # The second document embeds the glyphs of its own text, not those of the first as well:
    # it is the same file as a second document made on its own.
    assert second == by_fpdf2("城关街道")
    assert first == by_fpdf2("一等")
    pages = pypdf.PdfReader(io.BytesIO(second)).pages
    words = "".join(p.extract_text() for p in pages).replace("\x00", "")  # pypdf pads CIDs
    assert "城关街道" in words


def test_the_font_file_is_read_once_per_process():
    documents._parsed_font.cache_clear()
    by_us("甲")
    by_us("乙")
    assert documents._parsed_font.cache_info().misses == 1
    assert documents._parsed_font.cache_info().hits == 1
