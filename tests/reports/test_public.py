"""The public results pages and downloads: open to anyone, only what was published, no persons."""

from __future__ import annotations

import hashlib
import io
import json
import re
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from reports import public
from tests.reports.test_public_documents import (
    CADRE_NAME,
    PUBLISHER_NAME,
    SCORES,
    build_document,
    json_island,
    publish,
    publish_district,
    table_rows,
)

pytestmark = pytest.mark.django_db

TIER_LABELS = {"excellent": "优秀", "good": "良好", "average": "一般", "poor": "较差"}
# The tier cell's fill in the workbook: Bootstrap's light green, blue, yellow and red.
TIER_FILLS = {"优秀": "D1E7DD", "良好": "CFE2FF", "一般": "FFF3CD", "较差": "F8D7DA"}
FORMATS = ("xlsx", "pdf", "json")


@pytest.fixture
def district():
    return publish_district()


def _page(client, name: str, **kwargs) -> str:
    response = client.get(reverse(f"public:{name}", kwargs=kwargs))
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _download(client, fmt: str, **kwargs) -> bytes:
    name = "download_version" if "version" in kwargs else "download"
    response = client.get(reverse(f"public:{name}", kwargs={"fmt": fmt, **kwargs}))
    assert response.status_code == 200
    return response.content


def _ranking(document: dict, category: str) -> list[dict]:
    units = [u for u in document["units"] if u["category"] == category]
    return sorted(units, key=lambda u: u["rank"])


def _no_space(text: str) -> str:
    return re.sub(r"[\s\x00]+", "", text)  # pypdf spaces (and NULs) between CJK glyphs


def _pdf_text(content: bytes) -> str:
    return _no_space("".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages))


def _xlsx_text(content: bytes) -> str:
    book = load_workbook(io.BytesIO(content))
    return " ".join(str(c.value) for s in book.worksheets for r in s.iter_rows() for c in r)


# --- access -----------------------------------------------------------------------------------


def test_an_anonymous_visitor_sees_the_published_years_newest_first(client, district):
    page = _page(client, "year_list")
    rows = table_rows(page, "published-years")
    assert [row[:2] for row in rows[1:]] == [
        ["2025 年度考核", "第 2 版"],
        ["2024 年度考核", "第 1 版"],
    ]
    assert 'href="/results/2025/"' in page and "/results/2026/" not in page


def test_without_any_publication_the_list_says_so(client, db):
    rows = table_rows(_page(client, "year_list"), "published-years")
    assert len(rows) == 2 and len(rows[1]) == 1  # the header, and one line saying so


@pytest.mark.parametrize(
    "url",
    [
        "/results/2026/",  # exists, not published
        "/results/2031/",  # does not exist
        "/results/2025/v3/",
        "/results/2026/units/ZJ01/",
        "/results/2025/units/NOPE/",
        "/results/2025/v9/units/ZJ01/",
        "/results/2026/results.json",
        "/results/2025/v9/results.pdf",
        "/results/2025/results.csv",
    ],
)
def test_anything_unpublished_or_unknown_is_not_found(client, district, url):
    assert client.get(url).status_code == 404


def test_the_pages_are_read_only(client, district):
    assert client.post(reverse("public:year", kwargs={"year": 2025})).status_code == 405


# --- the year page ----------------------------------------------------------------------------


def test_the_year_page_ranks_each_category_from_the_latest_version(client, district):
    latest = district["2025v2"]
    page = _page(client, "year", year=2025)
    for category in ("town", "economic"):
        rows = table_rows(page, f"ranking-{category}")
        groups = next(c["groups"] for c in latest.document["categories"] if c["code"] == category)
        assert rows[0] == ["排名", "单位", "等次", "总分", *groups]
        expected = [
            [str(u["rank"]), u["name"], TIER_LABELS[u["tier"]], u["total"]]
            + [u["group_totals"][g] for g in groups]
            for u in _ranking(latest.document, category)
        ]
        assert rows[1:] == expected
    assert "82.00" in page  # 东湖镇 as corrected in version 2
    # The public sees the fingerprints of the files it can download, not of the internal
    # document (which holds persons and is never served to it).
    assert latest.sha256 not in page and 'id="publication-sha256"' not in page
    assert 'href="/results/2025/units/ZJ01/"' in page


def test_the_year_page_lists_the_versions_with_what_changed(client, district):
    page = _page(client, "year", year=2025)
    assert 'href="/results/2025/v1/"' in page
    changes = table_rows(page, "changes-v2")
    assert ["东湖镇", "地区生产总值", "50.00", "52.00"] in changes
    assert ["东湖镇", "总分", "80.00", "82.00"] in changes


def test_an_earlier_version_shows_its_own_numbers_and_the_changes(client, district):
    earlier = district["2025v1"]
    page = _page(client, "year_version", year=2025, version=1)
    town = table_rows(page, "ranking-town")
    assert ["2", "东湖镇", TIER_LABELS["good"], "80.00", "50.00", "30.00"] in town
    assert earlier.sha256 not in page and district["2025v2"].sha256 not in page
    assert 'href="/results/2025/v1/units/ZJ02/"' in page
    assert ["东湖镇", "地区生产总值", "50.00", "52.00"] in table_rows(page, "changes-v2")
    assert 'href="/results/2025/v1/results.xlsx"' in page
    # Its year's average in the trend is its own (80.00), not the latest version's (82.00).
    trend = json_island(page, "public-charts")["trend"]
    town_average = (Decimal("91.35") + Decimal("80.00") + Decimal("65.50")) / 3
    assert trend["series"][0]["values"][-1] == float(round(town_average, 2))


def test_the_charts_hold_the_numbers_of_the_tables(client, district):
    page = _page(client, "year", year=2025)
    charts = json_island(page, "public-charts")
    for category in ("town", "economic"):
        table = table_rows(page, f"ranking-{category}")[1:]
        by_total = sorted(table, key=lambda row: -Decimal(row[3]))
        ranking = charts[f"ranking-{category}"]
        assert ranking["labels"] == [row[1] for row in by_total]
        assert [Decimal(str(v)) for v in ranking["values"]] == [Decimal(r[3]) for r in by_total]
        counts = table_rows(page, f"tiers-{category}")[1]
        assert [str(item["value"]) for item in charts[f"tiers-{category}"]["items"]] == counts
    trend = table_rows(page, "category-trend")
    assert charts["trend"]["labels"] == trend[0][1:] == ["2024", "2025"]
    for series, row in zip(charts["trend"]["series"], trend[1:], strict=True):
        assert [series["name"], *(f"{v:.2f}" for v in series["values"])] == row


def test_the_year_page_takes_as_many_queries_for_many_units(client, db):
    few = {code: SCORES[2025][code] for code in ("ZJ01", "JJ01")}
    publish(2024, build_document(2024, few))
    many = build_document(2025, SCORES[2025])
    many["units"] += [
        {**many["units"][0], "unit": f"X{n:02d}", "name": f"新增{n}镇", "rank": 10 + n}
        for n in range(40)
    ]
    publish(2025, many)
    for year in (2024, 2025):
        _page(client, "year", year=year)  # the downloads are made on the first visit
    counts = []
    for year in (2024, 2025):
        public._DOCUMENTS.clear()  # as a freshly started process reads them
        with CaptureQueriesContext(connection) as queries:
            _page(client, "year", year=year)
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 6


def test_the_unit_page_takes_as_many_queries_whatever_the_years_published(client, db):
    """Its results by year come from every published year: the list in one query, and the
    documents not read before in one more (published documents never change)."""
    publish(2025, build_document(2025, SCORES[2025]))
    _page(client, "unit", year=2025, code="ZJ01")  # the downloads are made on the first visit
    counts = []
    for year in (2026, 2027, 2028):
        public._DOCUMENTS.clear()  # as a freshly started process reads them
        cache.clear()  # and computes the page (``reports.public_cache`` keeps it)
        with CaptureQueriesContext(connection) as queries:
            _page(client, "unit", year=2025, code="ZJ01")
        counts.append(len(queries))
        publish(year, build_document(year, SCORES[2025]))
    assert counts[0] == counts[1] == counts[2] <= 6


# --- a unit page ------------------------------------------------------------------------------


def test_a_unit_page_explains_its_scores_and_shows_its_years(client, district):
    page = _page(client, "unit", year=2025, code="ZJ01")
    unit = district["2025v2"].document["units"][0]
    indicators = table_rows(page, "unit-indicators")
    assert indicators[1] == [
        "GDP",
        "地区生产总值",
        "经济发展",
        "60.00",
        "55.20",
        unit["explanations"]["GDP"]["text"],
        "平时记录",  # where the figures came from: the unit's own records
    ]
    assert indicators[2][:5] == ["SAFE", "安全生产", "社会治理", "40.00", "36.15"]
    groups = table_rows(page, "unit-groups")
    assert groups[1] == ["经济发展", "55.20", "49.23"]  # (55.20 + 52.00 + 40.50) / 3
    assert groups[-1] == ["总分", "91.35", "79.62"]  # (91.35 + 82.00 + 65.50) / 3
    assert re.search(r'id="unit-rank">1 / 3 <', page)
    assert "建成智慧社区平台" in page and "获评省级文明街道" in page
    trend = table_rows(page, "unit-trend")
    assert [row[:3] for row in trend[1:]] == [
        ["2024", "85.00", "2 / 3"],
        ["2025", "91.35", "1 / 3"],
    ]
    assert 'data-tier="excellent"' in page


def test_a_unit_pages_charts_hold_the_numbers_of_its_tables(client, district):
    page = _page(client, "unit", year=2025, code="ZJ02")
    charts = json_island(page, "public-charts")
    groups = table_rows(page, "unit-groups")[1:-1]
    assert charts["profile"]["labels"] == [row[0] for row in groups]
    unit_values, averages = (s["values"] for s in charts["profile"]["series"])
    assert [f"{v:.2f}" for v in unit_values] == [row[1] for row in groups]
    assert [f"{v:.2f}" for v in averages] == [row[2] for row in groups]
    trend = table_rows(page, "unit-trend")[1:]
    assert charts["trend"]["labels"] == [row[0] for row in trend]
    assert [f"{v:.2f}" for v in charts["trend"]["series"][0]["values"]] == [r[1] for r in trend]


def test_an_earlier_versions_unit_page_shows_that_version(client, district):
    page = _page(client, "unit_version", year=2025, version=1, code="ZJ02")
    assert table_rows(page, "unit-indicators")[1][4] == "50.00"
    assert 'href="/results/2025/units/ZJ02/"' in page  # to the latest


# --- no persons, anywhere ---------------------------------------------------------------------


def test_no_person_is_named_on_any_public_page_or_download(client, district):
    texts = [
        _page(client, "year_list"),
        _page(client, "year", year=2025),
        _page(client, "year_version", year=2025, version=1),
        _page(client, "year", year=2024),
    ]
    texts += [_page(client, "unit", year=2025, code=code) for code in ("ZJ01", "ZJ02", "JJ01")]
    texts += [_page(client, "unit_version", year=2025, version=1, code="ZJ01")]
    for kwargs in ({"year": 2025}, {"year": 2025, "version": 1}):
        texts.append(_xlsx_text(_download(client, "xlsx", **kwargs)))
        texts.append(_pdf_text(_download(client, "pdf", **kwargs)))
        texts.append(_download(client, "json", **kwargs).decode())
    for text in texts:
        assert CADRE_NAME not in text
        assert PUBLISHER_NAME not in text and "publisher" not in text
        assert '"cadres"' not in text and '"teams"' not in text


# --- downloads --------------------------------------------------------------------------------


def test_the_json_download_is_the_document_without_persons(client, district):
    for kwargs, publication in (
        ({"year": 2025}, district["2025v2"]),
        ({"year": 2025, "version": 1}, district["2025v1"]),
    ):
        downloaded = json.loads(_download(client, "json", **kwargs))
        expected = {k: v for k, v in publication.document.items() if k not in ("teams", "cadres")}
        assert downloaded == expected


def test_downloads_are_attachments_named_in_chinese(client, district):
    for fmt in FORMATS:
        response = client.get(reverse("public:download", kwargs={"year": 2025, "fmt": fmt}))
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment;")
        assert f"filename*=UTF-8''{quote(f'2025年度考核结果-第2版.{fmt}')}" in disposition
        assert 'filename="results-2025-v2.' in disposition


def test_the_workbook_holds_the_numbers_of_the_page_as_numbers(client, district):
    page = _page(client, "year", year=2025)
    book = load_workbook(io.BytesIO(_download(client, "xlsx", year=2025)))
    assert book.sheetnames == ["镇街", "经济部门", "指标得分"]
    for sheet, category in ((book["镇街"], "town"), (book["经济部门"], "economic")):
        assert sheet.freeze_panes == "A2"
        headers = [c.value for c in sheet[1]]
        assert headers[:6] == ["排名", "单位代码", "单位名称", "等次", "总分", "一票否决"]
        assert sheet.column_dimensions["C"].width >= 20
        table = table_rows(page, f"ranking-{category}")[1:]
        for cells, row in zip(sheet.iter_rows(min_row=2), table, strict=True):
            rank, _code, name, tier, total, _veto, *groups = (c.value for c in cells)
            assert isinstance(total, float | int | Decimal) and isinstance(rank, int)
            assert [str(rank), name, tier, f"{total:.2f}"] == row[:4]
            assert [f"{g:.2f}" for g in groups] == row[4:]
            assert cells[3].fill.fgColor.rgb.endswith(TIER_FILLS[tier])
    scores = book["指标得分"]
    assert scores.freeze_panes == "A2"
    lines = {(r[0], r[3]): r[7] for r in scores.iter_rows(min_row=2, values_only=True)}
    assert lines[("ZJ02", "GDP")] == 52 and lines[("ZJ01", "SAFE")] == 36.15
    assert len(lines) == 10


def test_the_pdf_is_a4_with_the_ranks_totals_and_the_sha256(client, district):
    latest = district["2025v2"]
    reader = PdfReader(io.BytesIO(_download(client, "pdf", year=2025)))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    text = _pdf_text(_download(client, "pdf", year=2025))
    for unit in latest.document["units"]:
        tier = TIER_LABELS[unit["tier"]]
        assert f"{unit['rank']}{unit['unit']}{unit['name']}{tier}{unit['total']}" in text
    assert f"SHA-256{latest.sha256}" in text
    assert district["2025v1"].sha256 in _pdf_text(_download(client, "pdf", year=2025, version=1))


def test_a_process_reads_a_published_document_once(client, db):
    """Published documents never change: a second unit page reads none of them again."""
    publish(2024, build_document(2024, SCORES[2024]))
    publish(2025, build_document(2025, SCORES[2025]))
    _page(client, "unit", year=2025, code="ZJ01")  # the downloads are made on the first visit
    public._DOCUMENTS.clear()
    counts = []
    for _visit in range(2):
        cache.clear()  # the page computed each time, its documents kept by the process
        with CaptureQueriesContext(connection) as queries:
            _page(client, "unit", year=2025, code="ZJ01")
        counts.append(len(queries))
    assert counts[1] == counts[0] - 1


# --- checking a download --------------------------------------------------------------------


def test_a_visitor_checks_each_download_against_the_fingerprint_on_the_page(client, district):
    """What the page on checking says to do, done: download each file, hash its bytes as
    ``sha256sum`` would, and find that fingerprint beside the file's link on the page."""
    page = _page(client, "year", year=2025)
    shown = dict(re.findall(r'data-format="(\w+)">.*?file-sha256">([0-9a-f]{64})<', page, re.S))
    assert set(shown) == {"xlsx", "pdf", "json"}
    for fmt, fingerprint in shown.items():
        assert hashlib.sha256(_download(client, fmt, year=2025)).hexdigest() == fingerprint
    # The same bytes on every download, and a browser that has them is answered 304.
    again = client.get(reverse("public:download", kwargs={"year": 2025, "fmt": "pdf"}))
    assert hashlib.sha256(again.content).hexdigest() == shown["pdf"]
    cached = client.get(
        reverse("public:download", kwargs={"year": 2025, "fmt": "pdf"}),
        HTTP_IF_NONE_MATCH=again["ETag"],
    )
    assert cached.status_code == 304 and cached.content == b""
    checking = _page(client, "checking")
    assert "sha256sum" in checking and "certutil -hashfile" in checking


def test_staff_see_the_internal_documents_fingerprint_beside_the_files(client, district):
    from tests.factories import UserFactory
    from units.roles import Role

    client.force_login(UserFactory(username="kaoheban", role=Role.OFFICE, unit=None))
    page = _page(client, "year", year=2025)
    assert re.search(rf'id="publication-sha256">{district["2025v2"].sha256}<', page)
