"""Each role's main job from its workbench (工作台), in a real browser: from login, at most two
clicks to the page where the job is done, and done there. Screenshots of every role's
workbench, desktop and phone, go to the test output."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from playwright.sync_api import Page, expect

from assessment.models import Evidence, EvidenceAttachment, EvidenceStatus
from tests.browser.conftest import fill_record
from tests.workbench_district import PDF_BYTES, TODAY, build, record

VERIFIED = EvidenceStatus.VERIFIED

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("media_root")]


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args: TODAY)


@pytest.fixture
def district(town, unit_a, unit_b, lead_unit, reporter_a, reporter_b, supervision_user):
    found = build(
        town=town, unit_a=unit_a, unit_b=unit_b, lead_unit=lead_unit, reporter_a=reporter_a,
        reporter_b=reporter_b, supervision_user=supervision_user,
    )  # fmt: skip
    EvidenceAttachment.objects.create(
        evidence=found.b_pending,
        file=ContentFile(PDF_BYTES, name="四月快报.pdf"),
        original_name="四月快报.pdf",
        content_type="application/pdf",
        size=len(PDF_BYTES),
        sha256=hashlib.sha256(PDF_BYTES).hexdigest(),
        uploaded_by=reporter_b,
    )
    return found


def task(page: Page, key: str):
    return page.locator(f'[data-task="{key}"]')


def shoot(page: Page, folder, role: str, size: str) -> None:
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()
    page.screenshot(path=str(folder / f"workbench-{role}-{size}.png"), full_page=True)


def open_workbench(log_in, page: Page, phone: Page, folder, username: str, role: str) -> None:
    """Log in on a phone and on the desktop, picturing the workbench on each."""
    log_in(username, on=phone)
    shoot(phone, folder, role, "phone")
    log_in(username)
    shoot(page, folder, role, "desktop")


def test_a_reporter_records_evidence_from_its_workbench_on_a_phone(
    page, phone, log_in, district, reporter_a, screenshot_dir, phone_errors
):
    record(reporter_a.membership.unit, district.accidents, (3, 9), 5, reporter_a, VERIFIED)
    log_in("reporter_a")  # the desktop's picture of the same workbench
    shoot(page, screenshot_dir, "reporter", "desktop")
    log_in("reporter_a", on=phone)
    expect(task(phone, "rejected").locator("[data-field='count']")).to_have_text("1")
    expect(task(phone, "overdue")).to_contain_text("地区生产总值")
    shoot(phone, screenshot_dir, "reporter", "phone")

    phone.locator('[data-action="record"]').click()  # one click: the record form
    fill_record(
        phone, indicator=district.gdp.pk, day="2026-04-18", value="150",
        description="一季度完成情况", pdf=("一季度快报.pdf", PDF_BYTES),
    )  # fmt: skip

    expect(phone.locator(".alert-success")).to_be_visible()
    # back on the unit's page: 5 accidents against a ceiling of 4 show as exceeded, in red
    exceeded = phone.locator(f"#indicator-{district.accidents.pk}")
    expect(exceeded.locator('[data-field="exceeded"]')).to_contain_text("超出上限：125 %")
    exceeded.screenshot(path=str(screenshot_dir / "ceiling-exceeded-phone.png"))
    made = Evidence.objects.get(unit__code="A01", date="2026-04-18")
    assert (made.value, made.status, made.recorded_by) == (150, EvidenceStatus.PENDING, reporter_a)
    assert [a.original_name for a in made.attachments.all()] == ["一季度快报.pdf"]
    assert phone_errors == []


def test_a_lead_department_verifies_a_record_opening_its_attachment(
    page, phone, log_in, district, lead_user, screenshot_dir, page_errors
):
    open_workbench(log_in, page, phone, screenshot_dir, "lead", "lead")
    expect(task(page, "verify").locator("[data-field='count']")).to_have_text("1")

    page.locator('[data-action="verify"]').click()  # one click: its queue
    page.locator(f'tr[data-record="{district.b_pending.pk}"] a').click()  # two: the record
    with page.expect_download() as download:
        page.get_by_role("link", name="四月快报.pdf").click()
    assert download.value.suggested_filename == "四月快报.pdf"
    page.get_by_role("button", name="核实", exact=True).click()

    expect(page.locator(".alert-success")).to_be_visible()
    district.b_pending.refresh_from_db()
    assert (district.b_pending.status, district.b_pending.verified_by) == (
        EvidenceStatus.VERIFIED,
        lead_user,
    )
    assert page_errors == []


def test_supervision_records_a_failure_from_its_workbench(
    page, phone, log_in, district, supervision_user, screenshot_dir, page_errors
):
    open_workbench(log_in, page, phone, screenshot_dir, "supervision", "supervision")
    expect(task(page, "mine").locator("[data-field='count']")).to_have_text("2")

    page.locator('[data-action="failure"]').click()  # one click: the failure form
    page.locator("#failure-unit-form select").select_option(value="B01")  # submits itself
    page.locator("#id_indicator").select_option(value=str(district.safety.pk))
    page.locator("#id_date").fill("2026-04-19")
    page.locator("#id_value").fill("1")
    page.locator("#id_description").fill("检查发现安全隐患未整改")
    page.locator("#failure-submit").click()

    expect(page.locator(".alert-success")).to_be_visible()
    failure = Evidence.objects.get(indicator=district.safety, unit__code="B01")
    assert (failure.value, failure.recorded_by) == (1, supervision_user)
    assert page_errors == []


def test_the_office_confirms_a_veto_event_as_its_second_confirmer(
    page, phone, log_in, district, office_user, screenshot_dir, page_errors
):
    open_workbench(log_in, page, phone, screenshot_dir, "office", "office")
    expect(task(page, "vetoes").locator("[data-field='count']")).to_have_text("1")
    expect(page.locator("#workbench-next-step")).to_contain_text("还有 3 条记录待核实")

    page.locator('[data-action="vetoes"]').click()  # one click: the veto event itself
    expect(page.get_by_role("heading", name="乙镇 · 一票否决")).to_be_visible()
    page.get_by_role("button", name="核实", exact=True).click()

    expect(page.locator(".alert-success")).to_be_visible()
    district.b_veto.refresh_from_db()
    assert district.b_veto.status == EvidenceStatus.VERIFIED
    assert district.b_veto.verified_by == office_user  # proposed by supervision: a second person
    assert page_errors == []


def test_a_district_leader_opens_the_dashboard_from_the_workbench(
    page, phone, log_in, district, leader_user, screenshot_dir, page_errors
):
    open_workbench(log_in, page, phone, screenshot_dir, "leader", "leader")
    expect(page.locator('[data-figure="overdue"] [data-field="value"]')).to_have_text("1")
    expect(page.locator('[data-figure="pending"] [data-field="value"]')).to_have_text("3")

    page.locator("#dashboard-link").click()  # one click

    expect(page.get_by_role("heading", name="领导看板")).to_be_visible()
    expect(page.locator("#overdue-count")).to_have_text("1")
    expect(page.locator("#pending-count")).to_have_text("3")
    assert page_errors == []
