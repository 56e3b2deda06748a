"""The staff site in a real browser: log in, browse, switch language, log out."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_reporter_logs_in_sees_their_unit_and_logs_out(
    page, log_in, csp_violations, reporter_a, cadres, screenshot_dir
):
    log_in("reporter_a")

    page.get_by_role("link", name="单位", exact=True).click()
    expect(page.locator("tbody tr")).to_have_count(1)
    page.get_by_role("link", name="甲镇").first.click()
    expect(page.get_by_role("heading", name="甲镇")).to_be_visible()
    team = page.locator("table").first
    expect(team).to_contain_text("张三")
    expect(team).to_contain_text("李四")
    expect(team).not_to_contain_text("王五")
    page.screenshot(path=str(screenshot_dir / "unit-detail.png"), full_page=True)

    page.locator("#user-menu").click()
    page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    assert csp_violations == []


def test_a_wrong_password_is_explained_in_chinese(page, log_in, reporter_a):
    log_in("reporter_a", password="not-the-password")
    expect(page.locator(".alert-danger")).to_contain_text("请输入一个正确的用户名和密码")
    expect(page.locator("#user-menu")).to_have_count(0)


def test_the_office_switches_to_english_and_back(page, log_in, office_user, unit_a):
    log_in("office")
    page.get_by_label("语言").select_option("en")
    expect(page.get_by_role("link", name="Units", exact=True)).to_be_visible()
    page.get_by_label("Language").select_option("zh-hans")
    expect(page.get_by_role("link", name="单位", exact=True)).to_be_visible()
