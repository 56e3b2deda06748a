"""One source per figure (一数一源) in a real browser: 区财政局 records the revenue of two towns
on its sources page; 甲镇's reporter, on a phone, finds the indicator read-only naming the source,
states the town's own figure for comparison, and reads the source's figure with its date on the
town's page; the office verifies the source's figures and sees the difference."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from assessment.models import Evidence, EvidenceStatus, YearStatus
from tests.assessment.factories import IndicatorFactory, YearFactory
from tests.factories import UnitFactory, UserFactory
from units.roles import Role

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_source_records_for_two_towns_a_town_reads_it_and_the_office_verifies(
    page, phone, log_in, page_errors, phone_errors, csp_violations, office_user, reporter_a,
    unit_a, unit_b, town, economic, screenshot_dir,
):  # fmt: skip
    year = YearFactory(year=2026, status=YearStatus.COLLECTING)
    finance = UnitFactory(code="JJ04", name="区财政局", category=economic)
    UserFactory(username="caizheng", role=Role.REPORTER, unit=finance)
    revenue = IndicatorFactory(
        year=year, category=town, code="REV", name="一般公共预算收入", source_unit=finance,
        measure="万元",
    )  # fmt: skip

    # the source unit records a figure for each town
    log_in("caizheng")
    page.goto(page.base_url + "/years/2026/sources/")
    for unit, value in [(unit_a, "5200"), (unit_b, "4100")]:
        page.locator("#id_indicator").select_option(str(revenue.pk))
        page.locator("#id_unit").select_option(str(unit.pk))
        page.locator("#id_date").fill("2026-06-30")
        page.locator("#id_value").fill(value)
        page.locator("#id_description").fill("上半年一般公共预算收入（财政决算快报）")
        page.locator("#source-submit").click()
        expect(page.locator(".alert-success")).to_be_visible()
    section = page.locator('section[data-indicator="REV"]')
    expect(section.locator('tr[data-unit="A01"] [data-field="value"]')).to_have_text("5200 万元")
    expect(section.locator('tr[data-unit="B01"] [data-field="dated"]')).to_have_text("2026-06-30")
    page.screenshot(path=str(screenshot_dir / "sources-finance.png"), full_page=True)

    # 甲镇's reporter, on a phone: the indicator read-only, naming its source
    log_in("reporter_a", on=phone)
    record = reverse("assessment:evidence_record", kwargs={"year": 2026, "unit": "A01"})
    phone.goto(phone.base_url + record + f"?indicator={revenue.pk}")
    expect(phone.locator("#year-closed")).to_contain_text("区财政局")
    expect(phone.locator("#id_indicator")).to_be_disabled()
    expect(phone.locator("#record-submit")).to_have_count(0)
    phone.screenshot(path=str(screenshot_dir / "sources-reporter-form.png"), full_page=True)
    # its own figure, for comparison only
    phone.locator("#id_own-date").fill("2026-06-30")
    phone.locator("#id_own-value").fill("5600")
    phone.locator("#id_own-description").fill("本镇财政所统计")
    phone.locator("#self-report-submit").click()
    expect(phone.locator(".alert-success")).to_be_visible()
    # the town's page: the source's figure with its date, the own figure marked
    source = phone.locator('[data-field="source"]')
    expect(source).to_contain_text("区财政局")
    expect(source).to_contain_text("2026-06-30")
    expect(phone.locator('[data-mark="self-report"]')).to_contain_text(
        "不计分（以数据来源单位的数据为准）"
    )
    phone.screenshot(path=str(screenshot_dir / "sources-reporter-home.png"), full_page=True)

    # the office verifies the source's two figures (the own figure is not asked about)
    log_in("office")
    page.goto(page.base_url + "/years/2026/verify/")
    rows = page.locator("#queue-table tbody tr[data-record]")
    expect(rows).to_have_count(2)
    figures = list(Evidence.objects.filter(data_source=finance).order_by("unit__code"))
    for figure in figures:
        page.locator(f"#record-{figure.pk}").check()
    page.screenshot(path=str(screenshot_dir / "sources-office-queue.png"), full_page=True)
    page.locator("#verify-selected").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(rows).to_have_count(0)
    page.screenshot(path=str(screenshot_dir / "sources-office-verified.png"), full_page=True)
    assert [Evidence.objects.get(pk=f.pk).status for f in figures] == [EvidenceStatus.VERIFIED] * 2
    # 5,600 against 5,200: 7.69 % beyond the 5 % tolerance
    page.goto(page.base_url + "/years/2026/sources/")
    page.locator("#source-differences").click()
    difference = page.locator('section[data-unit="A01"][data-indicator="REV"]')
    expect(difference.locator('[data-field="difference"]')).to_have_text("7.69 %")
    expect(page.locator('section[data-unit="B01"]')).to_have_count(0)
    page.screenshot(path=str(screenshot_dir / "sources-office-differences.png"), full_page=True)
    assert page_errors == [] and phone_errors == [] and csp_violations == []
