"""Bonus and deduction by the list in a real browser: a unit claims a provincial award with its
document; the lead department verifies it; the office records a deduction per person, a
second member verifies it, then the office proposes a fault-tolerance waiver and the second
member confirms it; the unit's score sheet explains all three."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from assessment.models import Evidence, EvidenceStatus, Item, Waiver, YearStatus
from assessment.services.compute import results_compute
from tests.assessment.factories import IndicatorFactory, TargetFactory, YearFactory
from tests.factories import UserFactory
from units.roles import Role

pytestmark = [pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< >>\n%%EOF\n"


def test_a_claim_a_deduction_and_its_waiver_are_explained_on_the_units_score_sheet(
    page, log_in, csp_violations, page_errors, reporter_a, lead_user, office_user, unit_a,
    lead_unit, town, economic, screenshot_dir, media_root,
):  # fmt: skip
    UserFactory(username="office2", role=Role.OFFICE, unit=None)
    year = YearFactory(year=2026, status=YearStatus.COLLECTING)
    # the lead department's own scheme (graded: nothing to record for it here)
    IndicatorFactory(year=year, category=economic, code="DJ", points=100, method="graded")
    gdp = IndicatorFactory(year=year, category=town, code="GDP", name="地区生产总值", points=100)
    TargetFactory(indicator=gdp, unit=unit_a, target=Decimal(100))
    Evidence.objects.create(
        unit=unit_a, indicator=gdp, date=datetime.date(2026, 6, 30), value=Decimal(90),
        description="上半年", status=EvidenceStatus.VERIFIED,
    )  # fmt: skip
    award = IndicatorFactory(
        year=year, category=town, code="AWARD", name="表彰奖励", points=3, method="bonus",
        lead_unit=lead_unit,
    )  # fmt: skip
    fail = IndicatorFactory(
        year=year, category=town, code="FAIL", name="问责通报", points=2, method="deduction"
    )
    p1 = Item.objects.create(
        indicator=award, code="P1", name="省级表彰", level="provincial", points=1, cap=2
    )
    w1 = Item.objects.create(indicator=fail, code="W1", name="问责（每人次）", points="0.5")

    # 1. the unit claims a provincial award with its document and the document's scan
    log_in("reporter_a")
    page.goto(page.base_url + "/years/2026/units/A01/record/")
    page.locator("#id_item").select_option(value=str(p1.pk))
    page.locator("#id_indicator").select_option(value=str(award.pk))
    page.locator("#id_date").fill("2026-04-08")
    page.locator("#id_value").fill("1")
    page.locator("#id_document").fill("省政发〔2026〕12号")
    page.locator("#id_description").fill("获评全省乡村振兴先进集体")
    page.locator("#id_attachments").set_input_files(
        files=[{"name": "表彰文件.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.screenshot(path=str(screenshot_dir / "items-claim-form.png"), full_page=True)
    page.get_by_role("button", name="保存记录").click()
    expect(page.locator(".alert-success")).to_be_visible()
    claim = Evidence.objects.get(item=p1)

    # 2. the award's lead department verifies it
    log_in("lead")
    page.goto(page.base_url + "/years/2026/verify/")
    row = page.locator(f"tr[data-record='{claim.pk}']")
    expect(row).to_contain_text("P1 省级表彰")
    expect(row).to_contain_text("省政发〔2026〕12号")
    row.locator("button[name=verify_one]").click()
    expect(page.locator(".alert-success")).to_be_visible()

    # 3. the office records a deduction per person held accountable; a second member verifies
    log_in("office")
    page.goto(page.base_url + "/years/2026/failures/record/")
    page.locator("#failure-unit-form select").select_option(value="A01")  # submits itself
    page.locator("#id_indicator").select_option(value=str(fail.pk))
    page.locator("#id_item").select_option(value=str(w1.pk))
    page.locator("#id_date").fill("2026-07-02")
    page.locator("#id_value").fill("2")
    page.locator("#id_document").fill("区纪委〔2026〕31号")
    page.locator("#id_description").fill("2名干部因试点工作推进不力被问责")
    page.locator("#failure-submit").click()
    expect(page.locator(".alert-success")).to_be_visible()
    deduction = Evidence.objects.get(item=w1)
    log_in("office2")
    page.goto(page.base_url + "/years/2026/verify/")
    page.locator(f"tr[data-record='{deduction.pk}'] button[name=verify_one]").click()
    expect(page.locator(".alert-success")).to_be_visible()

    # 4. the office proposes a waiver from the unit's records; the second member confirms
    log_in("office")
    page.goto(page.base_url + "/years/2026/units/A01/")
    page.locator(f"#record-{deduction.pk}").get_by_role("link", name="申请容错免责").click()
    page.get_by_label("免责理由").fill("改革试点中因政策界限不明出现的探索性偏差")
    page.get_by_label("容错条款").fill("容错纠错办法第五条")
    page.get_by_role("button", name="提出容错免责").click()
    expect(page.locator(".alert-success")).to_be_visible()
    log_in("office2")
    page.goto(page.base_url + "/years/2026/waivers/")
    page.get_by_role("button", name="确认免责").click()
    expect(page.locator(".alert-success")).to_contain_text("容错免责已确认")
    page.screenshot(path=str(screenshot_dir / "items-waivers.png"), full_page=True)
    waiver = Waiver.objects.get()
    assert (waiver.proposed_by.username, waiver.confirmed_by.username) == ("office", "office2")

    # 5. computed, the unit's score sheet explains the claim, the deduction and the waiver
    results_compute(year=year, by=office_user)
    log_in("reporter_a")
    page.goto(page.base_url + "/years/2026/scores/A01/")
    award_line = page.locator("[data-indicator='AWARD']").first
    expect(award_line).to_contain_text("P1 省级表彰 × 1（文号 省政发〔2026〕12号） = 1")
    fail_line = page.locator("[data-indicator='FAIL']").first
    expect(fail_line).to_contain_text("W1 问责（每人次） × 2")
    expect(fail_line).to_contain_text(
        "改革试点中因政策界限不明出现的探索性偏差（容错纠错办法第五条）"
    )
    # 90 + 1 (the award) − 0 (the waived deduction) = 91.00
    expect(page.locator("body")).to_contain_text("91.00")
    page.screenshot(path=str(screenshot_dir / "items-score-sheet.png"), full_page=True)
    assert csp_violations == []
    assert page_errors == []
