"""The public survey page: no login, answered once, rate-limited, honest about what counts.

Requests go through the test client as an anonymous visitor; the page is in Chinese (the
site's language), so the messages are checked in English with the ``english`` client.
"""

from __future__ import annotations

import datetime
import re
import threading
import time

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessment.models import (
    InvalidReason,
    SurveyAccess,
    SurveyCode,
    SurveyResponse,
    SurveyStatus,
    YearStatus,
)
from assessment.services import survey_answers as answering
from assessment.services import surveys as service
from tests.access_matrix_surveys import build_survey, survey_indicator
from tests.assessment.factories import YearFactory
from tests.factories import UserFactory
from tests.races import race
from tests.test_csp_pages import _assert_keeps_to_the_policy
from units.roles import Role

SAT, FAIR, DIS = "satisfied", "fair", "dissatisfied"


@pytest.fixture
def survey(year, town, unit_a):
    return build_survey(year=year, unit=unit_a, indicator=survey_indicator(year, town))


@pytest.fixture
def code_survey(year, town, unit_a):
    return build_survey(
        year=year,
        unit=unit_a,
        indicator=survey_indicator(year, town),
        access=SurveyAccess.CODES,
        title="窗口服务评价",
        questions=["服务态度"],
    )


def url(survey) -> str:
    return reverse("survey:respond", kwargs={"token": survey.token})


def thanks_url(survey) -> str:
    return f"/survey/{survey.token}/thanks/"


def answers(survey, choice: str = SAT, **extra) -> dict[str, str]:
    """A filled form, as if served a minute ago."""
    data = {"stamp": answering.form_stamp(survey, at=time.time() - 60), "extra_note": ""}
    for question in survey.questions.all():
        data[f"q{question.pk}"] = choice
    data.update(extra)
    return data


def message(response) -> str:
    return response.content.decode()


# --- answering by link ------------------------------------------------------------------------


def test_an_anonymous_visitor_sees_the_questions_and_the_three_choices(english, survey):
    response = english.get(url(survey))

    _assert_keeps_to_the_policy(response, url(survey))
    page = message(response)
    assert "政务服务满意度调查" in page and "服务态度" in page and "办事效率" in page
    for label in ("satisfied", "fairly satisfied", "dissatisfied"):
        assert f">{label}</label>" in page
    assert 'name="extra_note"' in page  # the hidden field
    assert "no-store" in response["Cache-Control"]


def test_the_page_is_served_in_the_sites_language_by_default(client, survey):
    assert '<html lang="zh-hans">' in client.get(url(survey)).content.decode()


def test_a_response_is_stored_and_thanked_and_a_second_one_refused(english, survey):
    response = english.post(url(survey), answers(survey, FAIR))

    assert response.status_code == 302
    assert response["Location"] == thanks_url(survey)
    stored = SurveyResponse.objects.get()
    assert stored.is_valid and stored.survey == survey
    assert sorted(stored.answers.values_list("choice", flat=True)) == [FAIR, FAIR]
    thanks = english.get(response["Location"])
    assert "Thank you!" in message(thanks)

    again = english.post(url(survey), answers(survey, DIS))

    assert again.status_code == 409
    assert "You have already answered this survey" in message(again)
    assert SurveyResponse.objects.count() == 1
    assert "You have already answered this survey" in message(english.get(url(survey)))


def test_the_stored_response_keeps_no_address_and_no_time(english, survey):
    english.post(url(survey), answers(survey), REMOTE_ADDR="203.0.113.7")
    stored = SurveyResponse.objects.get()
    row = SurveyResponse.objects.filter(pk=stored.pk).values().get()
    assert "203.0.113.7" not in str(row)
    assert set(row) == {
        "id",
        "survey_id",
        "submitted_on",
        "is_valid",
        "invalid_reason",
        "fingerprint",
        "stamp_digest",  # a keyed digest: no time can be read from it
    }


def test_a_forged_answered_cookie_is_ignored(english, survey):
    english.cookies[answering.answered_cookie_name(survey)] = "1"  # not signed
    response = english.post(url(survey), answers(survey))
    assert response["Location"] == thanks_url(survey)
    assert list(SurveyResponse.objects.values_list("is_valid", "invalid_reason")) == [(True, "")]


def test_a_missing_answer_is_asked_for_again(english, survey):
    data = answers(survey)
    first = survey.questions.order_by("position").first()
    del data[f"q{first.pk}"]
    response = english.post(url(survey), data)
    assert response.status_code == 200
    assert "Choose one answer." in message(response)
    assert not SurveyResponse.objects.exists()


def test_an_answer_sent_back_at_once_is_stored_but_not_counted(english, survey):
    served = english.get(url(survey)).context["form"]["stamp"].value()
    response = english.post(url(survey), answers(survey, stamp=served))
    assert response["Location"] == thanks_url(survey)  # the sender is not told
    stored = SurveyResponse.objects.get()
    assert (stored.is_valid, stored.invalid_reason) == (False, InvalidReason.TOO_FAST)


def test_a_filled_hidden_field_is_stored_but_not_counted(english, survey):
    response = english.post(url(survey), answers(survey, extra_note="buy now"))
    assert response["Location"] == thanks_url(survey)  # the sender is not told
    stored = SurveyResponse.objects.get()
    assert (stored.is_valid, stored.invalid_reason) == (False, InvalidReason.HONEYPOT)


def test_a_second_browser_on_the_same_device_and_network_is_not_counted(survey):
    first = Client(HTTP_USER_AGENT="Phone/1.0")
    second = Client(HTTP_USER_AGENT="Phone/1.0")  # cookies cleared, same phone and network
    other = Client(HTTP_USER_AGENT="Phone/2.0")
    for browser in (first, second, other):
        assert browser.post(url(survey), answers(survey))["Location"] == thanks_url(survey)
    # Responses have random keys and no time: compared as a multiset.
    assert sorted(SurveyResponse.objects.values_list("is_valid", "invalid_reason")) == [
        (False, InvalidReason.REPEAT),
        (True, ""),
        (True, ""),
    ]


@pytest.mark.parametrize("limit", [3])
def test_too_many_answers_from_one_address_are_refused_with_429(survey, settings, limit):
    settings.SURVEY_RATE_LIMIT = limit

    for n in range(limit):
        browser = Client(REMOTE_ADDR="198.51.100.20", HTTP_USER_AGENT=f"Phone/{n}")
        assert browser.post(url(survey), answers(survey))["Location"] == thanks_url(survey)
    blocked = Client(REMOTE_ADDR="198.51.100.20")
    blocked.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = blocked.post(url(survey), answers(survey))

    assert response.status_code == 429
    assert "Too many answers from your network" in message(response)
    assert SurveyResponse.objects.count() == limit
    # Another address, or another survey, is not held back.
    other = Client(REMOTE_ADDR="198.51.100.21").post(url(survey), answers(survey))
    assert other["Location"] == thanks_url(survey)
    assert SurveyResponse.objects.filter(is_valid=True).count() == limit + 1


def test_a_limit_of_zero_turns_the_limit_off(client, survey, settings):
    settings.SURVEY_RATE_LIMIT = 0  # 0: no limit at all
    for _n in range(3):
        client.cookies.clear()
        assert client.post(url(survey), answers(survey))["Location"] == thanks_url(survey)
    # All three are stored; the same browser's second and third do not count (not the limit).
    assert sorted(SurveyResponse.objects.values_list("is_valid", "invalid_reason")) == [
        (False, InvalidReason.REPEAT),
        (False, InvalidReason.REPEAT),
        (True, ""),
    ]


# --- not open, closed, unknown ----------------------------------------------------------------


def test_an_unknown_link_or_a_draft_is_not_found(client, year, town, unit_a):
    assert client.get(reverse("survey:respond", kwargs={"token": "nope"})).status_code == 404
    draft = build_survey(
        year=year, unit=unit_a, indicator=survey_indicator(year, town), status=SurveyStatus.DRAFT
    )
    assert client.get(url(draft)).status_code == 404
    assert client.post(url(draft), answers(draft)).status_code == 404


def test_a_closed_survey_says_so_and_takes_nothing(english, survey):
    survey.status = SurveyStatus.CLOSED
    survey.save()
    response = english.post(url(survey), answers(survey))
    assert response.status_code == 200
    assert "This survey is closed" in message(response)
    assert not SurveyResponse.objects.exists()


def test_the_dates_decide_when_the_link_takes_answers(english, survey):
    today = timezone.localdate()
    survey.opens_on = today + datetime.timedelta(days=1)
    survey.save()
    assert "This survey is not open yet" in message(english.get(url(survey)))
    survey.opens_on, survey.closes_on = today - datetime.timedelta(days=9), today
    survey.save()
    last_day = english.post(url(survey), answers(survey))
    assert last_day["Location"] == thanks_url(survey)  # the last day counts
    assert SurveyResponse.objects.get().is_valid
    survey.closes_on = today - datetime.timedelta(days=1)
    survey.save()
    del english.cookies[answering.answered_cookie_name(survey)]  # the language stays chosen
    assert "This survey is closed" in message(english.post(url(survey), answers(survey)))
    assert SurveyResponse.objects.count() == 1


# --- answering with a code --------------------------------------------------------------------


def test_a_code_from_the_slips_link_is_filled_in_and_answers_once(
    english, code_survey, office_user
):
    _batch, [(_serial, code)] = service.codes_make(survey=code_survey, size=1, by=office_user)

    page = english.get(url(code_survey), {"code": code})
    _assert_keeps_to_the_policy(page, url(code_survey))
    assert f'value="{code}"' in message(page)

    answered = english.post(url(code_survey), answers(code_survey, code=code))
    assert answered["Location"] == thanks_url(code_survey)
    assert SurveyCode.objects.get().used_on is not None
    assert SurveyResponse.objects.get().is_valid

    again = english.post(url(code_survey), answers(code_survey, code=code))
    assert again.status_code == 200
    assert "This code has already been used" in message(again)
    assert SurveyResponse.objects.count() == 1


@pytest.mark.parametrize(
    ("code", "said"),
    [
        ("K7QF-3MXA-9TPW", "This code is not valid for this survey. Check the code on your slip."),
        ("not a code", "This code is not valid for this survey. Check the code on your slip."),
        ("", "This field is required."),
    ],
)
def test_a_forged_code_is_refused_and_nothing_is_stored(
    english, code_survey, office_user, code, said
):
    service.codes_make(survey=code_survey, size=1, by=office_user)
    response = english.post(url(code_survey), answers(code_survey, code=code))
    assert response.status_code == 200
    assert said in message(response)
    assert not SurveyResponse.objects.exists()
    assert SurveyCode.objects.filter(used_on__isnull=False).count() == 0


def test_a_shared_tablet_answers_once_per_code(english, code_survey, office_user):
    _batch, codes = service.codes_make(survey=code_survey, size=2, by=office_user)
    for _serial, code in codes:  # one browser, no cookie check: each code counts
        response = english.post(url(code_survey), answers(code_survey, code=code))
        assert response["Location"] == thanks_url(code_survey)
    assert SurveyResponse.objects.filter(is_valid=True).count() == 2
    assert SurveyCode.objects.filter(used_on__isnull=False).count() == 2


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the race of two connections needs PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_one_code_sent_twice_at_once_answers_once(town, unit_a, office_user):
    """Two phones send the same code at the same moment: exactly one response is stored, the
    other is told the code has been used (the conditional UPDATE of the code row)."""
    year = YearFactory(year=2026, status=YearStatus.COLLECTING)
    survey = build_survey(
        year=year,
        unit=unit_a,
        indicator=survey_indicator(year, town),
        access=SurveyAccess.CODES,
        questions=["服务态度"],
    )
    _batch, [(_serial, code)] = service.codes_make(survey=survey, size=1, by=office_user)
    question = survey.questions.get()
    barrier = threading.Barrier(2, timeout=30)

    def phone(name: str) -> str:
        stamp = answering.form_stamp(survey, at=time.time() - 60)
        barrier.wait()
        try:
            answering.response_submit(
                survey=survey, choices={question.pk: SAT}, fingerprint=name, stamp=stamp, code=code
            )
        except service.ValidationError as error:
            return error.error_dict["code"][0].code
        return "stored"

    outcomes = race(phone, ["one", "two"])
    assert sorted(outcomes.values()) == ["code_used", "stored"], outcomes
    assert SurveyResponse.objects.filter(survey=survey).count() == 1
    assert SurveyCode.objects.get().used_on is not None


def test_one_page_loads_stamp_counts_one_answer_however_often_it_is_replayed(survey):
    """The stuffing found by the attack: one stamp, replayed with fresh cookies and browsers
    from several addresses. The first answer counts; the other four are kept, not counted."""
    stamped = answers(survey)
    for n in range(5):
        visitor = Client(HTTP_USER_AGENT=f"browser {n}")
        assert visitor.post(url(survey), stamped, REMOTE_ADDR=f"198.51.100.{n}").status_code == 302
    stored = sorted(SurveyResponse.objects.values_list("is_valid", "invalid_reason"))
    assert stored == [(False, "replayed")] * 4 + [(True, "")]


def test_answers_beyond_a_plausible_rate_are_held_for_the_office(survey, settings):
    """With at most 3 counted answers an hour, the 4th and 5th (each from its own page load,
    device and address) are held: stored, not counted, and shown to the office by day."""
    settings.SURVEY_PLAUSIBLE_PER_HOUR = 3
    for n in range(5):
        visitor = Client(HTTP_USER_AGENT=f"phone {n}")
        visitor.post(url(survey), answers(survey), REMOTE_ADDR=f"198.51.100.{n}")
    counted = SurveyResponse.objects.filter(is_valid=True).count()
    held = SurveyResponse.objects.filter(invalid_reason=InvalidReason.HELD).count()
    assert (counted, held) == (3, 2)
    office = Client()
    office.force_login(UserFactory(username="office", role=Role.OFFICE, unit=None))
    page = office.get(reverse("assessment:survey_detail", kwargs={"pk": survey.pk}))
    today = timezone.localdate().isoformat()
    row = re.search(rf"<td>{today}</td>(.*?)</tr>", page.content.decode(), re.S).group(1)
    assert re.findall(r">(\d+)</td>", row) == ["3", "2", "0"]
