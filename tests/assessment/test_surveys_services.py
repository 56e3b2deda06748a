"""Satisfaction surveys, the services: prepare, open, close into a survey rate, codes, answers.

The numbers are worked by hand. Choice values are the defaults: 满意 1, 基本满意 0.6, 不满意 0.
"""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction

from assessment.lib.codes import code_digest
from assessment.models import (
    InvalidReason,
    SurveyAccess,
    SurveyCode,
    SurveyRate,
    SurveyResponse,
    SurveyStatus,
    YearStatus,
)
from assessment.services import survey_answers as answering
from assessment.services import surveys as service
from tests.access_matrix_surveys import add_response, build_survey, survey_indicator
from tests.assessment.factories import IndicatorFactory

pytestmark = pytest.mark.usefixtures("in_english")

D = Decimal
SAT, FAIR, DIS = "satisfied", "fair", "dissatisfied"


@pytest.fixture
def indicator(year, town):
    return survey_indicator(year, town)


def _settings(indicator, unit, **extra):
    return {"indicator": indicator, "unit": unit, "title": "政务服务满意度调查", **extra}


def _past_stamp(survey) -> str:
    return answering.form_stamp(survey, at=time.time() - 60)


# --- preparing and opening --------------------------------------------------------------------


def test_the_office_prepares_a_survey_with_its_questions_in_order(
    year, indicator, unit_a, office_user
):
    survey = service.survey_save(
        year=year,
        by=office_user,
        data=_settings(indicator, unit_a, service="便民服务大厅", min_responses=50),
        questions=["  服务态度 ", "", "办事效率", "窗口环境"],
    )

    assert survey.status == SurveyStatus.DRAFT
    assert (survey.service, survey.min_responses, survey.created_by) == (
        "便民服务大厅",
        50,
        office_user,
    )
    assert list(survey.questions.values_list("text", flat=True)) == [
        "服务态度",
        "办事效率",
        "窗口环境",
    ]
    assert len(survey.token) >= 20
    assert survey.history.get().history_user == office_user


def test_a_survey_needs_a_survey_indicator_of_the_units_own_scheme(
    year, indicator, town, economic, unit_a, lead_unit, office_user
):
    graded = IndicatorFactory(year=year, category=town, code="G01", method="graded")
    with pytest.raises(ValidationError) as refused:
        service.survey_save(
            year=year, by=office_user, data=_settings(graded, unit_a), questions=["服务态度"]
        )
    assert "survey indicator" in str(refused.value.message_dict["indicator"])

    with pytest.raises(ValidationError) as refused:  # S01 is the towns' indicator
        service.survey_save(
            year=year, by=office_user, data=_settings(indicator, lead_unit), questions=["服务态度"]
        )
    assert "not an indicator of the scheme of 区发展和改革局" in str(refused.value)


def test_a_survey_needs_questions_each_asked_once(year, indicator, unit_a, office_user):
    with pytest.raises(ValidationError) as refused:
        service.survey_save(
            year=year, by=office_user, data=_settings(indicator, unit_a), questions=["", " "]
        )
    assert refused.value.message_dict["questions"] == ["Give at least one question."]
    with pytest.raises(ValidationError) as refused:
        service.survey_save(
            year=year,
            by=office_user,
            data=_settings(indicator, unit_a),
            questions=["服务态度", "服务态度"],
        )
    assert "asked twice: 服务态度" in refused.value.message_dict["questions"][0]


def test_choice_values_must_go_down(year, indicator, unit_a, office_user):
    with pytest.raises(ValidationError) as refused:
        service.survey_save(
            year=year,
            by=office_user,
            data=_settings(indicator, unit_a, value_fair=D("1"), value_satisfied=D("0.8")),
            questions=["服务态度"],
        )
    assert "value_fair" in refused.value.message_dict


def test_only_the_office_prepares_surveys(year, indicator, unit_a, reporter_a, leader_user):
    for user in (reporter_a, leader_user):
        with pytest.raises(PermissionDenied):
            service.survey_save(
                year=year, by=user, data=_settings(indicator, unit_a), questions=["服务态度"]
            )


def test_no_survey_is_prepared_in_the_publicity(year, indicator, unit_a, office_user):
    year.status = YearStatus.PUBLICITY
    year.save()
    with pytest.raises(ValidationError) as refused:
        service.survey_save(
            year=year, by=office_user, data=_settings(indicator, unit_a), questions=["服务态度"]
        )
    assert refused.value.code == "year_locked"


def test_an_open_survey_is_opened_once_and_no_longer_changed(year, indicator, unit_a, office_user):
    survey = service.survey_save(
        year=year, by=office_user, data=_settings(indicator, unit_a), questions=["服务态度"]
    )
    service.survey_open(survey=survey, by=office_user)
    assert survey.status == SurveyStatus.OPEN and survey.opened_at is not None

    with pytest.raises(ValidationError, match="already been opened"):
        service.survey_open(survey=survey, by=office_user)
    with pytest.raises(ValidationError, match="Only a survey being prepared can be changed"):
        service.survey_save(
            year=year,
            survey=survey,
            by=office_user,
            data={"title": "新标题"},
            questions=["服务态度"],
        )


# --- closing: the rate ------------------------------------------------------------------------


def test_closing_writes_the_exact_rate_over_the_valid_responses(
    year, indicator, unit_a, office_user
):
    survey = build_survey(year=year, unit=unit_a, indicator=indicator, min_responses=3)
    add_response(survey, [SAT, FAIR])  # (1 + 0.6) ÷ 2 = 0.8
    add_response(survey, [FAIR, DIS])  # (0.6 + 0) ÷ 2 = 0.3
    add_response(survey, [SAT, SAT])  # 1
    add_response(survey, [DIS, DIS], reason=InvalidReason.TOO_FAST)  # not counted

    closed = service.survey_close(survey=survey, by=office_user)

    # (0.8 + 0.3 + 1) ÷ 3 = 0.7
    assert closed.status == SurveyStatus.CLOSED and closed.closed_by == office_user
    assert closed.rate == D("0.700000")
    assert closed.details["responses"] == 3 and closed.details["total"] == "2.1"
    rate = SurveyRate.objects.get(indicator=indicator, unit=unit_a)
    assert (rate.rate, rate.survey) == (D("0.700000"), closed)
    assert rate.history.get().history_user == office_user


def test_a_repeating_rate_is_stored_with_six_places(year, indicator, unit_a, office_user):
    survey = build_survey(year=year, unit=unit_a, indicator=indicator, questions=["服务态度"])
    for choice in (SAT, SAT, DIS):
        add_response(survey, [choice])
    service.survey_close(survey=survey, by=office_user)
    # 2 ÷ 3 = 0.666666… → 0.666667
    assert SurveyRate.objects.get(unit=unit_a).rate == D("0.666667")


def test_too_few_valid_responses_refuse_the_close_with_the_counts(
    year, indicator, unit_a, office_user
):
    survey = build_survey(
        year=year, unit=unit_a, indicator=indicator, questions=["服务态度"], min_responses=30
    )
    add_response(survey, [SAT])
    add_response(survey, [SAT], reason=InvalidReason.REPEAT)

    with pytest.raises(ValidationError) as refused:
        service.survey_close(survey=survey, by=office_user)

    assert refused.value.code == "too_few"
    assert (
        "Only 1 valid responses for 甲镇 on 群众满意度, 30 are needed" in refused.value.messages[0]
    )
    assert "政务服务满意度调查: 1" in refused.value.messages[0]
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.OPEN
    assert not SurveyRate.objects.exists()


def test_the_office_may_close_without_a_rate_when_confirmed(year, indicator, unit_a, office_user):
    survey = build_survey(
        year=year, unit=unit_a, indicator=indicator, questions=["服务态度"], min_responses=30
    )
    add_response(survey, [SAT])

    closed = service.survey_close(survey=survey, by=office_user, without_rate=True)

    assert closed.status == SurveyStatus.CLOSED and closed.rate is None
    assert closed.details["responses"] == 1 and closed.details["rate"] is None
    assert not SurveyRate.objects.exists()


def test_surveys_of_one_unit_and_indicator_pool_their_valid_responses(
    year, indicator, unit_a, office_user
):
    hall = build_survey(
        year=year, unit=unit_a, indicator=indicator, title="大厅", questions=["服务态度"]
    )
    phone = build_survey(
        year=year,
        unit=unit_a,
        indicator=indicator,
        title="热线",
        questions=["接听及时", "答复清楚"],
        min_responses=3,
    )
    add_response(hall, [SAT])  # 1
    add_response(hall, [FAIR])  # 0.6
    add_response(phone, [FAIR, DIS])  # 0.3
    add_response(phone, [SAT, FAIR])  # 0.8

    service.survey_close(survey=hall, by=office_user)
    # The hall alone: (1 + 0.6) ÷ 2 = 0.8; the phone survey counts once it is closed.
    assert SurveyRate.objects.get(unit=unit_a).rate == D("0.800000")

    closed = service.survey_close(survey=phone, by=office_user)
    # Both: (1 + 0.6 + 0.3 + 0.8) ÷ 4 = 2.7 ÷ 4 = 0.675
    rate = SurveyRate.objects.get(unit=unit_a)
    assert (rate.rate, rate.survey) == (D("0.675000"), phone)
    assert [s["responses"] for s in closed.details["surveys"]] == [2, 2]
    assert rate.history.count() == 2


def test_the_largest_minimum_of_the_pooled_surveys_applies(year, indicator, unit_a, office_user):
    strict = build_survey(
        year=year, unit=unit_a, indicator=indicator, title="严", questions=["态度"], min_responses=3
    )
    add_response(strict, [SAT])
    service.survey_close(survey=strict, by=office_user, without_rate=True)
    lax = build_survey(
        year=year, unit=unit_a, indicator=indicator, title="宽", questions=["态度"], min_responses=1
    )
    add_response(lax, [SAT])

    with pytest.raises(ValidationError, match=r"Only 2 valid responses .* 3 are needed"):
        service.survey_close(survey=lax, by=office_user)


def test_a_survey_rate_replaces_an_imported_one_and_the_history_keeps_it(
    year, indicator, unit_a, office_user
):
    SurveyRate.objects.create(indicator=indicator, unit=unit_a, rate=D("0.95"))
    survey = build_survey(year=year, unit=unit_a, indicator=indicator, questions=["态度"])
    add_response(survey, [FAIR])

    service.survey_close(survey=survey, by=office_user)

    rate = SurveyRate.objects.get(unit=unit_a)
    assert (rate.rate, rate.survey) == (D("0.600000"), survey)
    assert [h.rate for h in rate.history.order_by("history_date")] == [D("0.95"), D("0.6")]


def test_closing_is_the_offices_and_only_of_an_open_survey(
    year, indicator, unit_a, office_user, reporter_a
):
    survey = build_survey(year=year, unit=unit_a, indicator=indicator, questions=["态度"])
    add_response(survey, [SAT])
    with pytest.raises(PermissionDenied):
        service.survey_close(survey=survey, by=reporter_a)
    service.survey_close(survey=survey, by=office_user)
    with pytest.raises(ValidationError, match="Only an open survey can be closed"):
        service.survey_close(survey=survey, by=office_user)


def test_no_survey_closes_once_the_year_is_in_the_publicity(year, indicator, unit_a, office_user):
    survey = build_survey(year=year, unit=unit_a, indicator=indicator, questions=["态度"])
    add_response(survey, [SAT])
    year.status = YearStatus.PUBLICITY
    year.save()
    with pytest.raises(ValidationError) as refused:
        service.survey_close(survey=survey, by=office_user)
    assert refused.value.code == "year_locked"
    assert not SurveyRate.objects.exists()


# --- codes ------------------------------------------------------------------------------------


def test_codes_are_given_once_and_only_their_digests_are_kept(year, indicator, unit_a, office_user):
    survey = build_survey(
        year=year, unit=unit_a, indicator=indicator, access=SurveyAccess.CODES, questions=["态度"]
    )
    batch, codes = service.codes_make(survey=survey, size=3, by=office_user)

    assert [serial for serial, _code in codes] == [1, 2, 3]
    stored = set(SurveyCode.objects.filter(batch=batch).values_list("digest", flat=True))
    assert stored == {code_digest(code, purpose="survey") for _serial, code in codes}
    assert not any(code.replace("-", "") in digest for _s, code in codes for digest in stored)

    second, more = service.codes_make(survey=survey, size=2, by=office_user, void_earlier=True)
    assert [serial for serial, _code in more] == [4, 5]
    batch.refresh_from_db()
    assert batch.voided_at is not None and batch.voided_by == office_user
    assert second.voided_at is None


def test_codes_are_made_only_for_a_survey_answered_with_codes(year, indicator, unit_a, office_user):
    survey = build_survey(year=year, unit=unit_a, indicator=indicator, questions=["态度"])
    with pytest.raises(ValidationError, match="answered with its link"):
        service.codes_make(survey=survey, size=3, by=office_user)


# --- answering --------------------------------------------------------------------------------


@pytest.fixture
def open_survey(year, indicator, unit_a):
    return build_survey(year=year, unit=unit_a, indicator=indicator)


def _submit(survey, **extra):
    questions = list(survey.questions.order_by("position"))
    values = {
        "choices": {q.pk: SAT for q in questions},
        "fingerprint": "fp-1",
        "stamp": _past_stamp(survey),
        **extra,
    }
    return answering.response_submit(survey=survey, **values)


def test_a_response_in_time_counts(open_survey):
    response = _submit(open_survey)
    assert response.is_valid and response.invalid_reason == ""
    assert response.answers.count() == 2


@pytest.mark.parametrize(
    ("extra", "reason"),
    [
        ({"honeypot": "http://spam.example"}, InvalidReason.HONEYPOT),
        ({"stamp": ""}, InvalidReason.NO_STAMP),
        ({"stamp": "forged:stamp"}, InvalidReason.NO_STAMP),
    ],
)
def test_a_suspicious_response_is_stored_but_not_counted(open_survey, extra, reason):
    response = _submit(open_survey, **extra)
    assert (response.is_valid, response.invalid_reason) == (False, reason)


def test_a_response_sent_back_at_once_is_not_counted(open_survey):
    response = _submit(open_survey, stamp=answering.form_stamp(open_survey))
    assert (response.is_valid, response.invalid_reason) == (False, InvalidReason.TOO_FAST)


def test_a_repeat_from_the_same_device_is_not_counted_but_another_is(open_survey):
    assert _submit(open_survey, fingerprint="same").is_valid
    again = _submit(open_survey, fingerprint="same")
    assert (again.is_valid, again.invalid_reason) == (False, InvalidReason.REPEAT)
    assert _submit(open_survey, fingerprint="other").is_valid


def test_every_question_must_be_answered(open_survey):
    first = open_survey.questions.order_by("position").first()
    with pytest.raises(ValidationError, match="Answer every question"):
        _submit(open_survey, choices={first.pk: SAT})
    assert not SurveyResponse.objects.exists()


def test_a_code_answers_once_and_a_forged_or_withdrawn_one_never(
    year, indicator, unit_a, office_user
):
    survey = build_survey(
        year=year, unit=unit_a, indicator=indicator, access=SurveyAccess.CODES, questions=["态度"]
    )
    _batch, [(_s1, first), (_s2, second)] = service.codes_make(
        survey=survey, size=2, by=office_user
    )

    assert _submit(survey, code=first.lower().replace("-", " "), fingerprint="hall").is_valid
    # The same tablet at the counter answers again with another code: it counts.
    assert _submit(survey, code=second, fingerprint="hall").is_valid
    with pytest.raises(ValidationError) as used:
        _submit(survey, code=first)
    assert used.value.error_dict["code"][0].code == "code_used"
    with pytest.raises(ValidationError) as forged:
        _submit(survey, code="K7QF-3MXA-9TPW")
    assert forged.value.error_dict["code"][0].code == "code_invalid"
    with pytest.raises(ValidationError):
        _submit(survey, code="")

    _batch, [(_s3, third)] = service.codes_make(survey=survey, size=1, by=office_user)
    service.codes_make(survey=survey, size=1, by=office_user, void_earlier=True)
    with pytest.raises(ValidationError) as withdrawn:
        _submit(survey, code=third)
    assert withdrawn.value.error_dict["code"][0].code == "code_voided"
    assert SurveyResponse.objects.filter(survey=survey).count() == 2


def test_another_surveys_code_does_not_work(year, indicator, unit_a, unit_b, office_user):
    one = build_survey(
        year=year, unit=unit_a, indicator=indicator, access=SurveyAccess.CODES, questions=["态度"]
    )
    other = build_survey(
        year=year, unit=unit_b, indicator=indicator, access=SurveyAccess.CODES, questions=["态度"]
    )
    _batch, [(_serial, code)] = service.codes_make(survey=other, size=1, by=office_user)
    with pytest.raises(ValidationError):
        _submit(one, code=code)
    assert SurveyCode.objects.get().used_on is None


def test_a_closed_survey_takes_no_answer(open_survey, office_user):
    add_response(open_survey, [SAT, SAT])
    service.survey_close(survey=open_survey, by=office_user)
    with pytest.raises(ValidationError, match="not taking answers"):
        _submit(open_survey)


# --- responses are never changed --------------------------------------------------------------


def test_a_stored_response_and_its_answers_are_never_changed(open_survey):
    response = add_response(open_survey, [SAT, DIS])
    answer = response.answers.first()
    for action in (
        lambda: response.save(),
        lambda: response.delete(),
        lambda: answer.save(),
        lambda: SurveyResponse.objects.filter(pk=response.pk).update(is_valid=False),
        lambda: SurveyResponse.objects.all().delete(),
        lambda: answer.__class__.objects.all().update(choice=SAT),
    ):
        with pytest.raises(ValidationError):
            action()


def test_the_database_refuses_to_change_a_response(open_survey):
    response = add_response(open_survey, [SAT, DIS])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE assessment_surveyresponse SET is_valid = %s WHERE id = %s",
            [False, response.pk.hex if connection.vendor == "sqlite" else response.pk],
        )
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE assessment_surveyanswer SET choice = 'fair'")


def test_the_database_refuses_to_make_a_used_code_usable_again(
    year, indicator, unit_a, office_user
):

    survey = build_survey(
        year=year, unit=unit_a, indicator=indicator, access=SurveyAccess.CODES, questions=["态度"]
    )
    _batch, [(_serial, code)] = service.codes_make(survey=survey, size=1, by=office_user)
    _submit(survey, code=code)
    with pytest.raises(DatabaseError), transaction.atomic():
        SurveyCode.objects.update(used_on=None)
