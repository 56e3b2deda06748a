"""A member of the public answers a satisfaction survey on a phone-sized screen, from its link:
large choices, no login, a thank-you page, and a second attempt refused."""

import pytest
from playwright.sync_api import expect

from assessment.models import SurveyResponse, YearStatus
from tests.access_matrix_surveys import build_survey, survey_indicator
from tests.assessment.factories import YearFactory
from tests.browser.conftest import PHONE, px_at_least

pytestmark = [pytest.mark.django_db(transaction=True)]


def test_a_visitor_answers_on_a_phone_and_cannot_answer_twice(
    phone, phone_errors, town, unit_a, settings, screenshot_dir
):
    settings.SURVEY_MIN_SECONDS = 0  # a script answers faster than any person
    year = YearFactory(year=2026, status=YearStatus.COLLECTING)
    survey = build_survey(year=year, unit=unit_a, indicator=survey_indicator(year, town))
    link = f"{phone.base_url}/survey/{survey.token}/"

    phone.goto(link)
    expect(phone.get_by_role("heading", level=1)).to_have_text("政务服务满意度调查")
    questions = phone.locator("fieldset[data-question]")
    expect(questions).to_have_count(2)
    # The choices are large buttons, as wide as the screen allows.
    first_choice = questions.nth(0).locator("label").first
    expect(first_choice).to_have_css("width", px_at_least(301))
    expect(first_choice).to_have_css("height", px_at_least(44))
    expect(phone.locator("html")).to_have_js_property("scrollWidth", PHONE["width"])
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
    assert phone_errors == []
