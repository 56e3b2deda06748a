"""A unit reporter's main path in a real browser: open the unit's home, record, see it pending."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from assessment.models import Evidence, EvidenceStatus, YearStatus
from tests.assessment.factories import IndicatorFactory, TargetFactory, YearFactory
from tests.browser.conftest import fill_record

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("media_root")]

PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< >>\n%%EOF\n"


def test_a_reporter_records_evidence_with_a_pdf_and_sees_it_pending(
    page, log_in, csp_violations, reporter_a, unit_a, town, screenshot_dir
):
    year = YearFactory(year=2026, status=YearStatus.COLLECTING)
    gdp = IndicatorFactory(
        year=year,
        category=town,
        code="E01",
        name="地区生产总值",
        measure="万元",
        points=Decimal(20),
    )
    TargetFactory(indicator=gdp, unit=unit_a, target=Decimal(500))
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    log_in("reporter_a")

    page.goto(page.base_url + "/years/2026/units/A01/")
    expect(page.locator(f"#indicator-{gdp.pk}")).to_contain_text("地区生产总值")
    page.locator("#record-link").click()

    fill_record(
        page, indicator=gdp.pk, day="2026-11-20", value="150", description="前三季度完成情况",
        pdf=("完成情况.pdf", PDF_BYTES),
    )  # fmt: skip

    expect(page.locator(".alert-success")).to_be_visible()
    record = Evidence.objects.get()
    item = page.locator(f"#record-{record.pk}")
    expect(item).to_contain_text("前三季度完成情况")
    expect(item.locator("[data-status='pending']")).to_be_visible()
    expect(item.get_by_role("link", name="完成情况.pdf")).to_be_visible()
    expect(page.locator(f"#indicator-{gdp.pk} [data-field='pending']")).to_contain_text("150")
    page.screenshot(path=str(screenshot_dir / "reporter-unit-home.png"), full_page=True)

    assert record.status == EvidenceStatus.PENDING and record.attachments.count() == 1
    assert csp_violations == []
