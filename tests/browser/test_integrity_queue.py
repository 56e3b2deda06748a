"""The integrity review queue in a real browser: the office reads a shared-attachment signal
with both records side by side and confirms it; supervision records the deduction it opened."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from assessment.models import Evidence, EvidenceStatus, IntegritySignal, YearStatus
from assessment.services.integrity import integrity_compute
from tests.assessment.factories import IndicatorFactory, YearFactory, evidence_with

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("media_root")]

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< >>\n%%EOF\n"


def test_the_office_confirms_a_shared_attachment_and_supervision_records_the_deduction(
    page, log_in, csp_violations, office_user, supervision_user, unit_a, unit_b, town,
    screenshot_dir,
):  # fmt: skip
    year = YearFactory(year=2026, status=YearStatus.COLLECTING)
    gdp = IndicatorFactory(year=year, category=town, code="E01", name="地区生产总值")
    fail = IndicatorFactory(
        year=year, category=town, code="F01", name="数据造假扣分", method="deduction"
    )
    first = evidence_with(
        unit_a, gdp, office_user, SimpleUploadedFile("甲镇报表.pdf", PDF, "application/pdf")
    )
    second = evidence_with(
        unit_b, gdp, office_user, SimpleUploadedFile("乙镇报表.pdf", PDF, "application/pdf")
    )
    entered = datetime.datetime(2026, 3, 1, 9, tzinfo=datetime.UTC)
    Evidence.objects.filter(pk__in=[first.pk, second.pk]).update(recorded_at=entered)
    integrity_compute(year=year, by=office_user)
    signal = IntegritySignal.objects.get()

    log_in("office")
    page.goto(page.base_url + "/years/2026/integrity/")
    expect(page.locator("#open-signals")).to_have_text("1")
    page.locator(f'[data-signal="{signal.pk}"] a').click()
    cards = page.locator("#signal-records [data-record]")
    expect(cards).to_have_count(2)
    expect(cards.nth(0)).to_contain_text("甲镇报表.pdf")
    expect(cards.nth(1)).to_contain_text("乙镇报表.pdf")
    expect(page.locator("#signal-what")).to_contain_text("A01、B01")
    page.screenshot(path=str(screenshot_dir / "integrity-signal.png"), full_page=True)
    page.locator("#id_confirm-indicator").select_option(value=str(fail.pk))
    page.locator("#id_confirm-reason").fill("两镇佐证材料系同一文件")
    page.locator("#confirm-form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("#signal-status")).to_have_text("已认定")

    log_in("supervision")
    page.goto(page.base_url + f"/years/2026/integrity/{signal.pk}/")
    page.locator("#record-failure").click()
    page.locator("#id_date").fill("2026-06-03")
    page.locator("#id_value").fill("2")
    page.locator("#id_description").fill("佐证材料系复制，扣 2 分")
    page.locator("#failure-form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()

    record = Evidence.objects.get(indicator=fail)
    assert (record.unit, record.status, record.recorded_by) == (
        unit_a, EvidenceStatus.PENDING, supervision_user,
    )  # fmt: skip
    signal.refresh_from_db()
    assert signal.record == record
    assert csp_violations == []
