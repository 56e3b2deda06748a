"""Verification with the evidence at hand: the record's attachments open in place (a PDF in a
frame, an image as an image, anything else downloaded), beside the unit's target, progress
and earlier records on the indicator; the files are served inline only to those who may see
the record, with a type the browser may not second-guess."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessment.models import Evidence, EvidenceStatus
from assessment.services.evidence import evidence_record
from tests.assessment.factories import IndicatorFactory, TargetFactory
from tests.assessment.test_attachments import PDF_BYTES, image, office

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

D = Decimal


@pytest.fixture
def gdp(year, town, unit_a, lead_unit):
    indicator = IndicatorFactory(
        year=year, category=town, code="GDP", name="地区生产总值", measure="万元",
        lead_unit=lead_unit,
    )  # fmt: skip
    TargetFactory(indicator=indicator, unit=unit_a, target=D(500))
    return indicator


def _earlier(unit, indicator, value, month, status):  # type: ignore[no-untyped-def]
    return Evidence.objects.create(
        unit=unit, indicator=indicator, date=datetime.date(2026, month, 28), value=D(value),
        description=f"{month}月", status=status,
    )  # fmt: skip


@pytest.fixture
def record(unit_a, gdp, reporter_a):
    """甲镇's November record of 150, with a PDF, a photo and a Word file; before it 120 and
    180 verified (March, June) and 999 rejected (August)."""
    _earlier(unit_a, gdp, 120, 3, EvidenceStatus.VERIFIED)
    _earlier(unit_a, gdp, 180, 6, EvidenceStatus.VERIFIED)
    _earlier(unit_a, gdp, 999, 8, EvidenceStatus.REJECTED)
    files = [
        SimpleUploadedFile("验收报告.pdf", PDF_BYTES),
        SimpleUploadedFile("现场照片.png", image("PNG")),
        SimpleUploadedFile("台账.docx", office("docx")),
    ]
    return evidence_record(
        unit=unit_a, indicator=gdp, date=datetime.date(2026, 11, 20), value=D(150),
        description="十一月完成", by=reporter_a, attachments=files,
    )  # fmt: skip


def _page(client, user, record):  # type: ignore[no-untyped-def]
    client.force_login(user)
    url = reverse("assessment:verify_record", args=[2026, record.pk])
    return " ".join(client.get(url).content.decode().split())


def _preview(pk):  # type: ignore[no-untyped-def]
    return reverse("assessment:evidence_attachment_preview", args=[pk])


def test_the_lead_department_sees_the_files_in_place_and_the_unit_s_figures(
    client, english, lead_user, record
):
    pdf, photo, word = record.attachments.order_by("pk")
    html = _page(english, lead_user, record)
    frame = f'<iframe class="attachment-preview" src="{_preview(pdf.pk)}" title="验收报告.pdf"'
    assert frame in html
    assert f'<img class="attachment-image" src="{_preview(photo.pk)}" alt="现场照片.png">' in html
    assert f'data-file="{word.pk}" data-preview="download"' in html
    download = reverse("assessment:evidence_attachment", args=[word.pk])
    link = f'<a href="{download}" download data-attachment="{word.pk}">台账.docx</a>'
    assert link in html and "download to open it" in html
    # Target 500; verified 120 + 180 = 300 (the rejected 999 does not count): 60 %; the record
    # itself is the 150 pending.
    assert 'data-field="target">500 万元' in html and 'data-field="verified">300 万元' in html
    assert 'data-field="pending">150 万元' in html and 'data-field="percent">60 %' in html
    assert "3 other records of the unit on this indicator" in html
    table = html[html.index('id="earlier-records"') :]
    dates = [table.index(day) for day in ("2026-08-28", "2026-06-28", "2026-03-28")]
    assert dates == sorted(dates)  # the newest first
    assert 'data-status="rejected"' in table


def _headers(client, url):  # type: ignore[no-untyped-def]
    """The response's headers and body. The streamed file is read to its end, which closes it
    as the test client does (closing it again would also close the database connection)."""
    response = client.get(url)
    body = b"".join(response.streaming_content)
    return response, body


def test_a_pdf_and_an_image_are_served_inline_for_this_site_s_frames_only(
    client, lead_user, record
):
    pdf, photo, word = record.attachments.order_by("pk")
    client.force_login(lead_user)
    shown, body = _headers(client, _preview(pdf.pk))
    assert shown["Content-Type"] == "application/pdf" and body == PDF_BYTES
    assert shown["Content-Disposition"].startswith("inline;")
    assert shown["X-Content-Type-Options"] == "nosniff"
    assert shown["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in shown["Content-Security-Policy"]
    assert _headers(client, _preview(photo.pk))[0]["Content-Type"] == "image/png"
    # Anything else is a download, even asked for as a preview.
    assert _headers(client, _preview(word.pk))[0]["Content-Disposition"].startswith("attachment;")
    # The download itself stays a download that no page may frame.
    download, _body = _headers(client, reverse("assessment:evidence_attachment", args=[pdf.pk]))
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Frame-Options"] == "DENY"


def test_the_preview_keeps_the_download_s_access_rules(client, reporter_b, record):
    pdf = record.attachments.order_by("pk").first()
    client.force_login(reporter_b)  # another town's reporter
    assert client.get(_preview(pdf.pk)).status_code == 403
    assert client.get(_preview(99999)).status_code == 404
    client.logout()
    assert client.get(_preview(pdf.pk)).status_code == 302  # to the login page


def test_the_page_itself_frames_only_this_site_and_embeds_no_plugin(client, lead_user, record):
    client.force_login(lead_user)
    page = client.get(reverse("assessment:verify_record", args=[2026, record.pk]))
    policy = page["Content-Security-Policy"]
    assert "frame-src 'self'" in policy and "object-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy
