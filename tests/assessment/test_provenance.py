"""Every record shows how it entered: typed in a form (by whom, from which address) or
imported (the file's name, its SHA-256 and the sheet row); a correction names its record."""

from __future__ import annotations

import hashlib

import pytest
from django.urls import reverse

from assessment.imports import workbook_import
from assessment.models import AssessmentYear, Evidence
from tests.imports_helpers import make_scheme, xlsx_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

EVIDENCE = ["单位代码", "指标代码", "日期", "数值", "说明", "状态"]


@pytest.fixture
def scheme(town, economic, unit_a, unit_b, lead_unit) -> AssessmentYear:
    return make_scheme(status="collecting", town=town, economic=economic, lead_unit=lead_unit)


def unit_page(client) -> str:
    url = reverse("assessment:evidence_unit_home", kwargs={"year": 2026, "unit": "A01"})
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_an_imported_record_keeps_the_files_name_hash_and_row(scheme, office_user, client):
    data = xlsx_bytes(
        [
            EVIDENCE,
            ["B01", "GDP", "2026-03-01", 5, "一季度快报", "待核实"],
            ["A01", "GDP", "2026-03-01", 7, "一季度快报", "待核实"],
        ]
    )
    preview = workbook_import(
        kind="evidence", data=data, file_name="一季度.xlsx", user=office_user, reason=""
    )
    assert preview.committed
    record = Evidence.objects.get(unit__code="A01")
    # the header is row 1, the second data row is row 3
    assert (record.source_file, record.source_row, record.entered_from) == ("一季度.xlsx", 3, None)
    assert record.source_sha256 == hashlib.sha256(data).hexdigest()
    client.force_login(office_user)
    page = unit_page(client)
    assert "导入自 一季度.xlsx 第 3 行" in page
    assert hashlib.sha256(data).hexdigest()[:12] in page


def test_a_record_typed_in_the_form_keeps_the_address_it_came_from(scheme, reporter_a, client):
    client.force_login(reporter_a)
    gdp = scheme.indicators.get(code="GDP")
    url = reverse("assessment:evidence_record", kwargs={"year": 2026, "unit": "A01"})
    data = {"indicator": str(gdp.pk), "date": "2026-06-15", "value": "12", "description": "快报"}
    assert client.post(url, data, REMOTE_ADDR="203.0.113.9").status_code == 302
    record = Evidence.objects.get()
    assert (record.entered_from, record.source_file, record.source_row) == ("203.0.113.9", "", None)
    page = unit_page(client)
    assert "在表单中填报，来自 203.0.113.9" in page

    correct = reverse("assessment:evidence_correct", kwargs={"pk": record.pk})
    fixed = {"date": "2026-06-15", "value": "13", "description": "快报（更正）", "reason": "录错"}
    assert client.post(correct, fixed, REMOTE_ADDR="203.0.113.10").status_code == 302
    newest = Evidence.objects.get(is_current=True)
    assert (newest.supersedes, newest.entered_from) == (record, "203.0.113.10")
    assert "更正 2026-06-15 的记录" in unit_page(client)
