"""In a real browser: a lead department verifies a record with its PDF and photo open in place
beside the unit's figures; a reporter meets a closed year's form read-only, with the reason,
before typing anything."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from playwright.sync_api import expect

from assessment.documents.pdf import Document
from assessment.models import YearStatus
from assessment.services.evidence import evidence_record
from tests.assessment.factories import IndicatorFactory, TargetFactory, YearFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("media_root")]


def _photo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (480, 320), (40, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def _report() -> bytes:
    document = Document(title="高标准农田验收报告")
    document.paragraph("十一月完成验收 150 万元。")
    return document.render()


def _frame_loaded(page, url: str) -> bool:  # type: ignore[no-untyped-def]
    """Whether a frame of the page shows ``url`` (within 5 s) and none an error page."""
    for _tick in range(50):
        urls = [frame.url for frame in page.frames]
        if url in urls:
            return not any(u.startswith("chrome-error:") for u in urls)
        page.wait_for_timeout(100)
    return False


def test_the_lead_department_verifies_with_the_pdf_and_the_photo_in_place(
    page, log_in, csp_violations, page_errors, lead_user, lead_unit, reporter_a, unit_a, town,
    screenshot_dir,
):  # fmt: skip
    year = YearFactory(year=2026, status=YearStatus.COLLECTING)
    gdp = IndicatorFactory(
        year=year, category=town, code="E01", name="地区生产总值", measure="万元",
        lead_unit=lead_unit,
    )  # fmt: skip
    TargetFactory(indicator=gdp, unit=unit_a, target=Decimal(500))
    record = evidence_record(
        unit=unit_a, indicator=gdp, date=datetime.date(2026, 11, 20), value=Decimal(150),
        description="十一月完成", by=reporter_a,
        attachments=[SimpleUploadedFile("验收报告.pdf", _report()),
                     SimpleUploadedFile("现场照片.png", _photo())],
    )  # fmt: skip
    log_in("lead")

    page.goto(page.base_url + "/years/2026/verify/")
    with page.expect_response(lambda r: "/preview/" in r.url and r.status == 200):
        page.locator(f'a[href*="/verify/{record.pk}/"]').first.click()
    photo = page.locator("img.attachment-image")
    expect(photo).to_be_visible()
    expect(photo).to_have_js_property("naturalWidth", 480)  # the image itself, not a broken one
    frame = page.locator("iframe.attachment-preview")
    expect(frame).to_be_visible()
    # The PDF opens in its frame: a refused frame would show the browser's error page instead.
    pdf = record.attachments.get(original_name="验收报告.pdf")
    assert _frame_loaded(page, f"{page.base_url}/attachments/{pdf.pk}/preview/")
    expect(page.locator('[data-field="target"]')).to_have_text("500 万元")
    expect(page.locator('[data-field="pending"]')).to_have_text("150 万元")
    page.screenshot(path=str(screenshot_dir / "verify-record-preview.png"), full_page=True)

    # Pressed from the keyboard: the PDF frame may still be settling the layout, and a click by
    # position could land beside the button.
    page.locator("#record-decision-form button[value=verify]").press("Enter")
    expect(page.locator(".alert-success")).to_be_visible()
    record.refresh_from_db()
    assert record.status == "verified"
    assert csp_violations == [] and page_errors == []


def test_a_reporter_meets_a_closed_year_s_form_read_only_with_the_reason(
    page, log_in, csp_violations, reporter_a, unit_a, town, screenshot_dir
):
    year = YearFactory(year=2026, status=YearStatus.SCORING)
    IndicatorFactory(year=year, category=town, code="E01", name="地区生产总值")
    log_in("reporter_a")

    page.goto(page.base_url + "/years/2026/units/A01/record/")
    expect(page.locator("#year-closed")).to_contain_text("只有考核办")
    expect(page.locator("#id_description")).to_be_disabled()
    expect(page.locator("#id_value")).to_be_disabled()
    expect(page.locator("#record-submit")).to_have_count(0)
    page.screenshot(path=str(screenshot_dir / "record-form-read-only.png"), full_page=True)
    assert csp_violations == []
