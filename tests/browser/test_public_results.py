"""An anonymous visitor reads the published results in a real browser: charts drawn from the
page's data under the CSP, tables always there, clean print and no-script fallbacks."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import px_at_least
from tests.reports.test_public_documents import publish_district

pytestmark = pytest.mark.django_db(transaction=True)


def _expect_chart(page, key: str) -> None:
    chart = page.locator(f'[data-chart="{key}"]')
    expect(chart.locator("canvas, svg").first).to_be_visible()
    expect(chart).to_have_attribute("data-drawn", "true")


def test_an_anonymous_visitor_reads_the_ranking_and_a_unit(page, page_errors, screenshot_dir):
    publish_district()

    page.goto(page.base_url + "/results/")
    expect(page).to_have_url(page.base_url + "/results/")  # no detour to the login page
    page.locator('#published-years a[href="/results/2025/"]').click()

    expect(page.locator("#ranking-town")).to_be_visible()
    expect(page.locator("#ranking-economic")).to_be_hidden()
    _expect_chart(page, "ranking-town")
    _expect_chart(page, "tiers-town")
    _expect_chart(page, "trend")
    expect(page.locator("#publication-version")).to_contain_text("第 2 版")
    expect(page.locator("#changes-v2")).to_contain_text("东湖镇")
    page.screenshot(path=str(screenshot_dir / "public-ranking.png"), full_page=True)

    page.locator("#tab-economic").click()
    expect(page.locator("#ranking-economic")).to_be_visible()
    expect(page.locator("#ranking-town")).to_be_hidden()
    _expect_chart(page, "ranking-economic")  # drawn once its tab is shown, at full width
    expect(page.locator('[data-chart="ranking-economic"]')).to_have_css("width", px_at_least(401))
    expect(page).to_have_url(re.compile(r"#category-economic$"))

    page.locator("#ranking-economic a", has_text="区发展和改革局").click()
    expect(page.locator("h1")).to_contain_text("区发展和改革局")
    expect(page.locator("#unit-indicators")).to_contain_text("重点业务")
    expect(page.locator("#unit-trend tbody tr")).to_have_count(2)
    _expect_chart(page, "profile")
    _expect_chart(page, "trend")
    page.screenshot(path=str(screenshot_dir / "public-unit.png"), full_page=True)

    page.go_back()
    expect(page.locator("#ranking-economic")).to_be_visible()  # the address kept the tab
    assert page_errors == []


def test_printing_keeps_every_table_and_drops_charts_and_navigation(page):
    publish_district()
    page.goto(page.base_url + "/results/2025/")
    _expect_chart(page, "ranking-town")
    page.emulate_media(media="print")
    for table in ("#ranking-town", "#ranking-economic", "#category-trend", "#changes-v2"):
        expect(page.locator(table)).to_be_visible()
    for hidden in ('[data-chart="ranking-town"]', "#category-tabs", "nav.navbar", "footer"):
        expect(page.locator(hidden)).to_be_hidden()
    expect(page.locator(".public-results .btn").first).to_be_hidden()


def test_without_javascript_every_category_is_a_table(browser, live_server):
    publish_district()
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(live_server.url + "/results/2025/")
        expect(page.locator("#ranking-town")).to_be_visible()
        expect(page.locator("#ranking-economic")).to_be_visible()
        expect(page.locator("#category-tabs")).to_be_hidden()
        expect(page.locator("[data-chart]").first).to_be_hidden()
    finally:
        context.close()
