"""A member of the public answers a satisfaction survey on a phone-sized screen, from its link:
large choices, no login, a thank-you page, and a second attempt refused."""

import pytest
from django.core.cache import caches
from playwright.sync_api import expect

from assessment.models import SurveyResponse, YearStatus
from tests.access_matrix_surveys import build_survey, survey_indicator
from tests.assessment.factories import YearFactory

pytestmark = [pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 667}


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.base_url = live_server.url  # type: ignore[attr-defined]
    yield page
    context.close()


def _watch_errors(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Script errors and failed requests, but the browser's own favicon look-up."""
    errors: list[str] = []

    def on_response(response) -> None:  # type: ignore[no-untyped-def]
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            errors.append(f"{response.status} {response.url}")

    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("response", on_response)
    return errors


def test_a_visitor_answers_on_a_phone_and_cannot_answer_twice(
    phone, town, unit_a, settings, screenshot_dir
):
    settings.SURVEY_MIN_SECONDS = 0  # a script answers faster than any person
    caches["default"].clear()
    year = YearFactory(year=2026, status=YearStatus.COLLECTING)
    survey = build_survey(year=year, unit=unit_a, indicator=survey_indicator(year, town))
    errors = _watch_errors(phone)
    link = f"{phone.base_url}/survey/{survey.token}/"

    phone.goto(link)
    expect(phone.get_by_role("heading", level=1)).to_have_text("政务服务满意度调查")
    questions = phone.locator("fieldset[data-question]")
    expect(questions).to_have_count(2)
    # The choices are large buttons, as wide as the screen allows.
    first_choice = questions.nth(0).locator("label").first
    box = first_choice.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] >= 44
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # The hidden field is not shown to people.
    expect(phone.locator('input[name="extra_note"]')).to_be_hidden()

    questions.nth(0).locator("label").nth(0).click()  # satisfied
    questions.nth(1).locator("label").nth(1).click()  # fairly satisfied
    phone.screenshot(path=str(screenshot_dir / "survey-phone.png"), full_page=True)
    phone.locator("#survey-submit").click()

    expect(phone.locator("#survey-thanks")).to_be_visible()
    stored = SurveyResponse.objects.get()
    assert stored.is_valid
    assert sorted(stored.answers.values_list("choice", flat=True)) == ["fair", "satisfied"]

    phone.goto(link)
    expect(phone.locator("#survey-message")).to_have_attribute("data-kind", "answered")
    expect(phone.locator("#survey-form")).to_have_count(0)
    assert SurveyResponse.objects.count() == 1
    assert not errors, errors
