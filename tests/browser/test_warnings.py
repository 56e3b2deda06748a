"""The warnings loop in a real browser: the office closes Q2, the red unit finds its warning
notice on its workbench and files its rectification report with an attachment, the office
accepts it; a leader's instruction reaches the unit and its answer reaches the leader."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from assessment.models import (
    Evidence,
    EvidenceStatus,
    Instruction,
    PeriodTarget,
    WarningNotice,
    YearStatus,
)
from assessment.services import warnings as service
from tests.assessment.factories import IndicatorFactory, TargetFactory, YearFactory
from tests.browser.conftest import PHONE

pytestmark = [pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}


def phone_walk(page, screenshot_dir, moment: str, paths) -> None:
    """The pages at a phone's width: none scrolls sideways; a screenshot of each."""
    page.set_viewport_size(PHONE)
    for number, path in enumerate(paths, start=1):
        page.goto(page.base_url + path)
        expect(page.locator("html")).to_have_js_property("scrollWidth", PHONE["width"])
        shot = screenshot_dir / f"warnings-phone-{moment}-{number}.png"
        page.screenshot(path=str(shot), full_page=True)


PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< >>\n%%EOF\n"


def test_the_office_closes_q2_and_the_red_unit_answers_its_notice_and_the_leader(
    page, log_in, csp_violations, page_errors, reporter_a, office_user, leader_user, unit_a,
    town, screenshot_dir, media_root,
):  # fmt: skip
    year = YearFactory(year=2026, status=YearStatus.COLLECTING)
    gdp = IndicatorFactory(year=year, category=town, code="E01", name="地区生产总值", points=100)
    TargetFactory(indicator=gdp, unit=unit_a, target=Decimal(1000))
    q1, q2, *_rest = service.periods_create(year=year, by=office_user)
    for period, share in ((q1, "0.20"), (q2, "0.45")):
        PeriodTarget.objects.create(period=period, unit=unit_a, indicator=gdp, share=share)
    # Q1: 200 of 200 → green. By 30 June 200 + 137.5 = 337.5: 75 % of the Q2 target of 450,
    # below the 80 % line → red.
    for day, value in ((datetime.date(2026, 3, 10), "200"), (datetime.date(2026, 6, 20), "137.5")):
        Evidence.objects.create(
            unit=unit_a, indicator=gdp, date=day, value=Decimal(value), description="月报",
            status=EvidenceStatus.VERIFIED,
        )  # fmt: skip
    service.period_close(period=q1, by=office_user, today=datetime.date(2026, 4, 1))

    # 1. the office closes Q2
    log_in("office")
    page.goto(page.base_url + "/years/2026/warnings/")
    page.locator("#close-period").click()
    expect(page.locator(".alert-success")).to_contain_text("下发预警通知单1份")
    expect(page.locator("#heat-map tr[data-unit='A01'] [data-colour='red']").first).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "warnings-q2-closed.png"), full_page=True)

    # 2. the red unit finds its notice on its workbench and files its report with a file; on
    # a phone first, where its workbench, reminders and notice do not scroll sideways
    log_in("reporter_a")
    notice = WarningNotice.objects.get(unit=unit_a, period=q2)
    phone_walk(
        page, screenshot_dir, "notice", ("/", "/reminders/2026/", f"/warnings/notices/{notice.pk}/")
    )
    expect(page.locator("#id_measures")).to_be_visible()
    page.set_viewport_size(DESKTOP)
    page.goto(page.base_url + "/")
    task = page.locator("[data-task='notices']")
    expect(task).to_contain_text("待提交整改报告的预警通知单")
    task.locator("a[data-action='notices']").click()
    expect(page.locator("#notice-reds")).to_contain_text("112.5")
    page.locator("#id_measures").fill("成立专班，七月起按周调度重点项目")
    page.locator("#id_done_by").fill("2026-08-31")
    page.locator("#id_attachments").set_input_files(
        files=[{"name": "整改方案.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.locator("#report-submit").click()
    expect(page.locator(".alert-success")).to_contain_text("整改报告已提交")
    expect(page.locator("[data-role='attachments']")).to_contain_text("整改方案.pdf")
    page.screenshot(path=str(screenshot_dir / "warnings-report-filed.png"), full_page=True)

    # 3. the office accepts it; the colour stays red until the figures catch up
    log_in("office")
    page.goto(page.base_url + "/")
    page.locator("a[data-action='reports_review']").click()
    page.locator("#id_decision").select_option("accept")
    page.locator("#review-submit").click()
    expect(page.locator("[data-report='accepted']")).to_be_visible()

    # 4. a leader writes an instruction; the unit answers; the leader reads the answer
    log_in("leader")
    page.goto(page.base_url + "/years/2026/instructions/")
    page.locator("#id_unit").select_option(value=str(unit_a.pk))
    page.locator("#id_text").fill("请抓紧补足二季度缺口")
    page.locator("#instruction-submit").click()
    expect(page.locator("#instruction-text")).to_contain_text("请抓紧补足二季度缺口")
    log_in("reporter_a")
    page.goto(page.base_url + "/")
    page.locator("a[data-action='instructions']").click()
    page.locator("#id_answer").fill("已成立专班，八月底前补足")
    page.locator("#answer-submit").click()
    expect(page.locator(".alert-success")).to_contain_text("落实情况已反馈")
    log_in("leader")
    page.goto(page.base_url + "/")
    answers = page.locator("[data-task='answers']")  # the answer waits on the leader's workbench
    expect(answers).to_contain_text("批示落实情况")
    answers.locator("a[data-action='answers']").click()
    expect(page.locator("body")).to_contain_text("已成立专班，八月底前补足")
    page.goto(page.base_url + "/years/2026/instructions/")
    expect(page.locator("#instructions")).to_contain_text("已成立专班，八月底前补足")
    page.screenshot(path=str(screenshot_dir / "warnings-instruction-answered.png"), full_page=True)

    # 5. the answered instruction on the unit's phone
    log_in("reporter_a")
    instruction = Instruction.objects.get(unit=unit_a)
    phone_walk(page, screenshot_dir, "answered", ("/", f"/instructions/{instruction.pk}/"))
    assert csp_violations == [] and page_errors == []
