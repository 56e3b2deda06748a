"""Provenance where the issue names it: the verification page and the unit page (who typed a
record and from which address, for the office, leaders and the unit itself only), the score
sheet (where each score's figures came from and how its records entered), the office's export
of records (来源), and the public pages (the source of each score's figures, nothing more)."""

from __future__ import annotations

import csv
import hashlib
import io

import pytest
from django.urls import reverse

from assessment.imports import workbook_import
from assessment.models import AssessmentYear, Evidence
from assessment.selectors.provenance import EntrySummary, figure_source_label, summarise
from reports.public import CategoryResults, indicator_lines
from tests.imports_helpers import make_scheme, xlsx_bytes

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.9"


@pytest.fixture
def scheme(town, economic, unit_a, unit_b, lead_unit) -> AssessmentYear:
    return make_scheme(status="collecting", town=town, economic=economic, lead_unit=lead_unit)


@pytest.fixture
def typed(scheme, reporter_a, client) -> Evidence:
    """A record reporter A typed from ``ADDRESS``, and its correction from another address."""
    client.force_login(reporter_a)
    gdp = scheme.indicators.get(code="GDP")
    url = reverse("assessment:evidence_record", kwargs={"year": 2026, "unit": "A01"})
    data = {"indicator": str(gdp.pk), "date": "2026-06-15", "value": "12", "description": "快报"}
    assert client.post(url, data, REMOTE_ADDR=ADDRESS).status_code == 302
    client.logout()
    return Evidence.objects.get()


def _page(client, user, url: str) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_office_and_the_unit_see_who_typed_a_record_and_from_where(
    typed, office_user, reporter_a, client
):
    assert reporter_a.get_full_name()  # (the name the pages show)
    verify = reverse("assessment:verify_record", kwargs={"year": 2026, "pk": typed.pk})
    page = _page(client, office_user, verify)
    assert f"在表单中填报，来自 {ADDRESS}" in page
    assert reporter_a.get_full_name() in page
    home = reverse("assessment:evidence_unit_home", kwargs={"year": 2026, "unit": "A01"})
    assert f"在表单中填报，来自 {ADDRESS}" in _page(client, reporter_a, home)


def test_another_units_lead_department_sees_how_a_record_entered_but_not_who_nor_where(
    typed, lead_user, reporter_a, client
):
    name = reporter_a.get_full_name()
    verify = reverse("assessment:verify_record", kwargs={"year": 2026, "pk": typed.pk})
    page = _page(client, lead_user, verify)
    assert "在表单中填报" in page
    assert ADDRESS not in page
    assert name not in page
    home = reverse("assessment:evidence_unit_home", kwargs={"year": 2026, "unit": "A01"})
    page = _page(client, lead_user, home)
    assert "在表单中填报" in page and ADDRESS not in page and name not in page


def test_the_offices_export_names_each_records_way_in(
    typed, scheme, office_user, reporter_a, client
):
    data = xlsx_bytes(
        [
            ["单位代码", "指标代码", "日期", "数值", "说明", "状态"],
            ["B01", "GDP", "2026-03-01", 5, "一季度快报", "待核实"],
        ]
    )
    preview = workbook_import(
        kind="evidence", data=data, file_name="一季度.xlsx", user=office_user, reason=""
    )
    assert preview.committed
    client.force_login(reporter_a)
    correct = reverse("assessment:evidence_correct", kwargs={"pk": typed.pk})
    fixed = {"date": "2026-06-15", "value": "13", "description": "快报（更正）", "reason": "录错"}
    assert client.post(correct, fixed, REMOTE_ADDR="203.0.113.10").status_code == 302
    newest = Evidence.objects.get(supersedes=typed)

    client.force_login(office_user)
    response = client.get(reverse("assessment:records_export", args=[2026, "csv"]))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][-1] == "来源"
    provenance = {int(row[0]): row[-1] for row in rows[1:]}
    imported = Evidence.objects.get(unit__code="B01")
    reporter, office = reporter_a.get_full_name(), office_user.get_full_name()
    assert provenance == {
        typed.pk: f"在表单中填报，来自 {ADDRESS} · 填报人 {reporter}",
        newest.pk: f"在表单中填报，来自 203.0.113.10 · 填报人 {reporter} · "
        f"更正 2026-06-15 的记录（编号 {typed.pk}）",
        imported.pk: "导入自 一季度.xlsx 第 2 行 · SHA-256 "
        f"{hashlib.sha256(data).hexdigest()} · 填报人 {office}",
    }
    # a workbook too, and for nobody but the office
    assert client.get(reverse("assessment:records_export", args=[2026, "xlsx"])).status_code == 200
    client.force_login(reporter_a)
    assert client.get(reverse("assessment:records_export", args=[2026, "csv"])).status_code == 403


def test_a_score_sheet_line_says_how_its_records_entered():
    rows = [
        ("GDP", "", 2, 0),  # two typed
        ("GDP", "一季度.xlsx", 3, 1),  # three imported from one file, one a correction
        ("GDP", "二季度.xlsx", 1, 0),
        ("TAX", "", 1, 1),
    ]
    summaries = summarise(rows)
    assert summaries["GDP"] == EntrySummary(
        typed=2, imported=4, corrections=1, files=["一季度.xlsx", "二季度.xlsx"]
    )
    assert (
        str(summaries["GDP"])
        == "表单填报 2 条，导入 4 条（一季度.xlsx、二季度.xlsx），其中更正 1 条"
    )
    assert str(summaries["TAX"]) == "表单填报 1 条，其中更正 1 条"


def test_the_public_page_says_where_each_scores_figures_came_from():
    category = CategoryResults(
        code="town",
        name="镇街",
        groups=("经济发展",),
        indicators=(
            {
                "code": "E01",
                "name": "地区生产总值",
                "group": "经济发展",
                "points": "20",
                "method": "completion",
            },
            {
                "code": "P01",
                "name": "党建",
                "group": "党的建设",
                "points": "10",
                "method": "graded",
            },
            {
                "code": "R01",
                "name": "营商环境",
                "group": "全市排名",
                "points": "5",
                "method": "city_rank",
            },
            {
                "code": "S01",
                "name": "固定资产投资",
                "group": "经济发展",
                "points": "10",
                "method": "completion",
                "data_source": "区统计局",
            },
        ),
        rows=(),
    )
    unit = {"indicators": {"E01": "18.00", "P01": "8.50", "R01": "4.00", "S01": "9.00"}}
    sources = {line.code: line.source for line in indicator_lines(unit, category)}
    assert sources == {
        "E01": "平时记录",
        "P01": "定性评价、全市排名或满意度测评",
        "R01": "定性评价、全市排名或满意度测评",
        "S01": "数据来源单位：区统计局",
    }
    assert figure_source_label("survey") == "定性评价、全市排名或满意度测评"
    assert figure_source_label("deduction") == "平时记录"


def test_the_score_sheet_shows_each_scores_source_and_its_records_way_in(
    town, unit_a, unit_b, office_user, client
):
    from tests.assessment.workflow import build_district

    build_district(town, unit_a, unit_b, office_user)
    page = _page(client, office_user, reverse("assessment:score_sheet", args=[2026, "A01"]))
    # E01 stands on three records typed in a form; the grade is an assessor's
    assert "数据来自：平时记录（表单填报 3 条）" in page
    assert "数据来自：定性评价、全市排名或满意度测评" in page
