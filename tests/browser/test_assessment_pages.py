"""The office's main path through a year in a real browser: parameters, scheme, targets."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from assessment.models import AssessmentYear, Target, YearStatus
from tests.assessment.factories import IndicatorFactory, YearFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_office_sets_up_a_year_scheme_and_targets(
    page, log_in, csp_violations, office_user, unit_a, cadres, town, screenshot_dir
):
    year = YearFactory(year=2026)
    gdp = IndicatorFactory(
        year=year, category=town, code="E01", name="地区生产总值", points=Decimal(60)
    )
    IndicatorFactory(year=year, category=town, code="G01", name="党建工作", method="graded")
    log_in("office")

    page.locator('nav a[href="/years/"]').click()
    page.locator('a[href="/years/2026/"]').click()
    expect(page.locator("h1 [data-status='setup']")).to_be_visible()

    # A transition asks first; saying no changes nothing (the script runs under the CSP). The
    # page's script comes last in it: the heading shows before the question is wired up.
    page.wait_for_load_state("load")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.locator('#transition-form button[value="collecting"]').click()
    assert AssessmentYear.objects.get(year=2026).status == YearStatus.SETUP

    page.locator("#id_bonus_pool").fill("1200000")
    page.locator("#id_excellent_quota").fill("0.25")
    page.locator('#parameters-form button[type="submit"]').click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("#id_bonus_pool")).to_have_value("1200000")
    year.refresh_from_db()
    assert (year.bonus_pool, year.excellent_quota) == (1_200_000, Decimal("0.25"))

    page.locator('.nav-tabs a[href="/years/2026/schemes/"]').click()
    expect(page.locator("table")).to_contain_text("地区生产总值")
    expect(page.locator("#regular-points")).to_contain_text("80")  # 60 + 20, not 100

    page.locator('.nav-tabs a[href="/years/2026/targets/"]').click()
    page.locator('a[href="/years/2026/targets/A01/"]').first.click()
    rows = page.locator("#targets-table tbody tr")
    expect(rows).to_have_count(1)  # the graded indicator needs no target
    page.locator(f"#id_target-{gdp.pk}").fill("500")
    page.locator(f"#id_leader-{gdp.pk}").select_option(label="张三")
    page.locator('#targets-form button[type="submit"]').click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator(f"#id_target-{gdp.pk}")).to_have_value("500")
    page.screenshot(path=str(screenshot_dir / "unit-targets.png"), full_page=True)

    target = Target.objects.get()
    assert (target.unit, target.target, target.leader.name) == (unit_a, Decimal(500), "张三")
    assert csp_violations == []
