"""The demo year's satisfaction surveys (群众满意度): one closed, one open.

The first town's “政务服务大厅群众满意度调查” ran by link and QR code: 36 answers, two of them
not counted (one sent back within a second of the page, one a repeat of the same phone), and
closed: its rate is the town's rate on the scheme's `survey` indicator, in place of the imported
one. The second town's survey is open, with a few answers so far. Answers go through the same
service as the public page. Called by ``assessment.demo.seed`` before the results are computed.
"""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Sequence

from django.contrib.auth.models import User as AuthUser
from django.utils import timezone

from assessment.models import AssessmentYear, Indicator, Survey, SurveyAccess, SurveyChoice
from assessment.services import survey_answers as answering
from assessment.services import surveys as survey_service
from units.models import Unit

QUESTIONS = ["工作人员服务态度", "办事效率和一次办结情况", "大厅环境和便民设施"]
CLOSED_ANSWERS = 36
OPEN_ANSWERS = 7


def _survey(
    year: AssessmentYear, office: AuthUser, indicator: Indicator, unit: Unit, service: str
) -> Survey:
    today = timezone.localdate()
    survey = survey_service.survey_save(
        year=year,
        by=office,
        data={
            "indicator": indicator,
            "unit": unit,
            "title": f"{unit.name}{service}群众满意度调查",
            "service": service,
            "intro": "本调查不记录您的身份信息，约需1分钟。感谢您的支持！",
            "access": SurveyAccess.LINK,
            "opens_on": today - datetime.timedelta(days=20),
            "closes_on": today + datetime.timedelta(days=10),
            "min_responses": 30,
        },
        questions=QUESTIONS,
    )
    return survey_service.survey_open(survey=survey, by=office)


def _answer(survey: Survey, count: int, quality: float, rng: random.Random) -> None:
    questions = list(survey.questions.order_by("position"))
    for index in range(count):
        choices = {}
        for question in questions:
            value = quality + rng.uniform(-0.3, 0.25)
            choice = (
                SurveyChoice.SATISFIED
                if value >= 0.95
                else SurveyChoice.FAIR
                if value >= 0.75
                else SurveyChoice.DISSATISFIED
            )
            choices[question.pk] = choice
        phone = f"192.0.2.{index if index != count - 1 else 0}"  # the last: a repeat
        served = time.time() - (0.5 if index == 3 else rng.uniform(30, 300))  # one too fast
        answering.response_submit(
            survey=survey,
            choices=choices,
            fingerprint=answering.client_fingerprint(survey, phone, "demo phone"),
            stamp=answering.form_stamp(survey, at=served),
        )


def seed_surveys(
    year: AssessmentYear,
    office: AuthUser,
    units: Sequence[Unit],
    quality: dict[int, float],
    rng: random.Random,
) -> int:
    """The two surveys; returns how many answers were stored."""
    towns = [unit for unit in units if unit.category.code == "town"][:2]
    if not towns:
        return 0
    indicator = (
        Indicator.objects.filter(year=year, category=towns[0].category, method="survey")
        .order_by("code")
        .first()
    )
    if indicator is None:
        return 0
    closed = _survey(year, office, indicator, towns[0], "政务服务大厅")
    _answer(closed, CLOSED_ANSWERS, quality[towns[0].pk], rng)
    survey_service.survey_close(survey=closed, by=office)
    stored = CLOSED_ANSWERS
    if len(towns) > 1:
        still_open = _survey(year, office, indicator, towns[1], "便民服务中心")
        _answer(still_open, OPEN_ANSWERS, quality[towns[1].pk], rng)
        stored += OPEN_ANSWERS
    return stored
