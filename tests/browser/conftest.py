"""Browser tests: real headless Chromium (Debian's package) driven by Playwright.

Every check of what a page shows goes through Playwright's ``expect``, which waits until the
page gets there (or times out), never a snapshot of the page taken at one instant.
"""

import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import TEST_PASSWORD

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
PHONE = {"width": 375, "height": 667}
# How long a page, a download or an expectation may take before the test fails: long enough for
# a 2-core machine running the other test worker beside the browser, which has made pages take
# over 10 s; an expectation that is never met still fails, only later.
TIMEOUT_MS = 30_000
expect.set_options(timeout=TIMEOUT_MS)
# A browser test that timed out runs once more (pytest-rerunfailures): on this 2-core machine a
# page has, rarely, not answered a click within the timeout while the other worker was busy, and
# never again when run alone. Only a timeout is retried, only once, and the summary counts it as
# "rerun"; any other failure, or a second timeout, fails the suite. BROWSER_RERUNS=0 turns it off.
BROWSER_RERUNS = int(os.environ.get("BROWSER_RERUNS", "1"))
RETRIED_FAILURES = [r"TimeoutError", r"with timeout \d+ms", r"Timeout \d+ms exceeded"]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.flaky(reruns=BROWSER_RERUNS, only_rerun=RETRIED_FAILURES))
            if not shutil.which(CHROMIUM):
                item.add_marker(pytest.mark.skip(reason=f"Chromium is missing at {CHROMIUM}"))


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


def _open(browser, live_server, **options) -> Page:
    page = browser.new_context(locale="zh-CN", **options).new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.base_url = live_server.url
    return page


@pytest.fixture
def page(browser, live_server):
    page = _open(browser, live_server, viewport={"width": 1280, "height": 900})
    yield page
    page.context.close()


@pytest.fixture
def phone(browser, live_server):
    """A second browser, phone-sized and touch-driven, as a rater or a visitor holds it."""
    phone = _open(browser, live_server, viewport=PHONE, is_mobile=True, has_touch=True)
    yield phone
    phone.context.close()


@pytest.fixture
def log_in(page) -> Callable[..., None]:
    """``log_in(username)``: whoever was logged in leaves, ``username`` logs in through the
    login form, and the call returns once a page of the logged-in site is there.

    ``log_in(username, password=...)`` sends another password and returns once the form is
    answered, whatever the answer; ``log_in(username, on=phone)`` logs in on another page.
    """
    default = page

    def log_in(username: str, *, password: str = TEST_PASSWORD, on: Page | None = None) -> None:
        page = on or default
        page.context.clear_cookies()
        page.goto(page.base_url + "/accounts/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()
        if password == TEST_PASSWORD:  # the user menu is there (folded away on a phone)
            expect(page.locator("#user-menu")).to_be_attached()
        else:
            expect(page.locator(".alert-danger")).to_be_visible()

    return log_in


@pytest.fixture
def csp_violations(page) -> list[str]:
    """The console messages of ``page`` that report content the Content Security Policy
    blocked (an inline script or style): a test ends by checking that there are none."""
    found: list[str] = []

    def on_console(message) -> None:
        if "Content Security Policy" in message.text:
            found.append(message.text)

    page.on("console", on_console)
    return found


def watch_errors(page: Page) -> list[str]:
    """Script errors and failed requests of ``page``, but the browser's own favicon look-up
    (the site has none; its console line does not say which URL failed, so the responses are
    checked instead)."""
    errors: list[str] = []

    def on_console(message) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(message.text)

    def on_response(response) -> None:
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            errors.append(f"{response.status} {response.url}")

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


@pytest.fixture
def page_errors(page) -> list[str]:
    """What went wrong in ``page`` (see ``watch_errors``)."""
    return watch_errors(page)


@pytest.fixture
def phone_errors(phone) -> list[str]:
    """What went wrong in ``phone`` (see ``watch_errors``)."""
    return watch_errors(phone)


def px_at_least(minimum: int) -> re.Pattern[str]:
    """A computed CSS length of ``minimum`` pixels or more, for ``expect(...).to_have_css``
    (which waits for the page, where a measured box would be read once)."""
    digits = str(minimum)
    options = [digits, rf"[1-9]\d{{{len(digits)},}}"]  # the minimum itself, or more digits
    for place, digit in enumerate(digits):
        if digit != "9":  # the same prefix, a greater digit here, any digits after it
            rest = len(digits) - place - 1
            options.append(rf"{digits[:place]}[{int(digit) + 1}-9]\d{{{rest}}}")
    return re.compile(rf"^({'|'.join(options)})(\.\d+)?px$")


@pytest.fixture
def screenshot_dir():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


def fill_record(
    page: Page, *, indicator: int, day: str, value: str, description: str, pdf: tuple[str, bytes]
):
    """Fill a unit's record form (one PDF attached) and send it."""
    page.locator("#id_indicator").select_option(str(indicator))
    page.locator("#id_date").fill(day)
    page.locator("#id_value").fill(value)
    page.locator("#id_description").fill(description)
    name, content = pdf
    page.locator("#id_attachments").set_input_files(
        {"name": name, "mimeType": "application/pdf", "buffer": content}
    )
    page.locator('#record-form button[type="submit"]').click()
