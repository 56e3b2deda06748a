"""The staff site in a real browser: log in, browse, switch language, log out."""

import pytest
from playwright.sync_api import expect

from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def _log_in(page, username: str) -> None:
    page.goto(page.base_url + "/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_a_reporter_logs_in_sees_their_unit_and_logs_out(page, reporter_a, cadres, screenshot_dir):
    messages = []
    page.on("console", lambda message: messages.append(message.text))
    _log_in(page, "reporter_a")

    page.get_by_role("link", name="单位", exact=True).click()
    assert page.locator("tbody tr").count() == 1
    page.get_by_role("link", name="甲镇").first.click()
    assert page.get_by_role("heading", name="甲镇").is_visible()
    team = page.locator("table").first.inner_text()
    assert "张三" in team and "李四" in team and "王五" not in team
    page.screenshot(path=str(screenshot_dir / "unit-detail.png"), full_page=True)

    page.locator("#user-menu").click()
    page.get_by_role("button", name="退出登录").click()
    assert page.get_by_role("heading", name="登录").is_visible()
    assert not [m for m in messages if "Content Security Policy" in m]


def test_a_wrong_password_is_explained_in_chinese(page, reporter_a):
    page.goto(page.base_url + "/accounts/login/")
    page.get_by_label("用户名").fill("reporter_a")
    page.get_by_label("密码").fill("not-the-password")
    page.get_by_role("button", name="登录").click()
    assert "请输入一个正确的用户名和密码" in page.locator(".alert-danger").inner_text()


def test_the_office_switches_to_english_and_back(page, office_user, unit_a):
    _log_in(page, "office")
    page.get_by_label("语言").select_option("en")
    expect(page.get_by_role("link", name="Units", exact=True)).to_be_visible()
    page.get_by_label("Language").select_option("zh-hans")
    expect(page.get_by_role("link", name="单位", exact=True)).to_be_visible()
