"""The access matrix of the satisfaction surveys, to merge into ``tests.access_matrix.MATRIX``,
and the builders the survey tests share.

The world's 2026 is in the publicity (公示): surveys can no longer be prepared, opened or closed
then, so the office's form pages send it back to the survey's page (or the list). The survey
objects are made from the world on demand, idempotently (``world_survey``): an open survey of
甲镇 on S01 群众满意度 (a `survey` indicator of the town scheme that no department leads), and a
draft one. A unit's users read their own unit's surveys only; district leaders read them all;
supervision reads none. The public pages answer anyone.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from assessment.models import (
    AssessmentYear,
    Indicator,
    Survey,
    SurveyAccess,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    SurveyStatus,
)
from tests.access_matrix import REDIRECT, Row, World, everyone, roles
from units.models import Unit, UnitCategory

QUESTIONS = ("服务态度", "办事效率")


# --- builders ---------------------------------------------------------------------------------


def survey_indicator(
    year: AssessmentYear, category: UnitCategory, *, code: str = "S01", points: int = 10
) -> Indicator:
    """The `survey` indicator ``code`` of the category's scheme (made once)."""
    return Indicator.objects.get_or_create(
        year=year,
        category=category,
        code=code,
        defaults={
            "name": "群众满意度",
            "group": "群众评价",
            "points": Decimal(points),
            "method": "survey",
        },
    )[0]


def build_survey(
    *,
    year: AssessmentYear,
    unit: Unit,
    indicator: Indicator,
    status: str = SurveyStatus.OPEN,
    access: str = SurveyAccess.LINK,
    title: str = "政务服务满意度调查",
    service: str = "",
    questions: Sequence[str] = QUESTIONS,
    min_responses: int = 1,
    by: Any = None,
) -> Survey:
    """A survey straight in the database (the services are tested on their own)."""
    survey = Survey.objects.create(
        year=year,
        indicator=indicator,
        unit=unit,
        title=title,
        service=service,
        status=status,
        access=access,
        min_responses=min_responses,
        created_by=by,
    )
    for position, text in enumerate(questions, start=1):
        SurveyQuestion.objects.create(survey=survey, text=text, position=position)
    return survey


def add_response(
    survey: Survey,
    choices: Sequence[str],
    *,
    reason: str = "",
    fingerprint: str = "",
    day: Any = None,
) -> SurveyResponse:
    """A stored response giving ``choices`` to the survey's questions, in order."""
    response = SurveyResponse.objects.create(
        survey=survey,
        submitted_on=day or datetime.date(survey.year.year, 7, 1),
        is_valid=not reason,
        invalid_reason=reason,
        fingerprint=fingerprint or f"fp-{SurveyResponse.objects.count()}",
    )
    questions = list(survey.questions.order_by("position", "pk"))
    assert len(questions) == len(choices)
    for question, choice in zip(questions, choices, strict=True):
        SurveyAnswer.objects.create(response=response, question=question, choice=choice)
    return response


def world_survey(w: World, *, status: str = SurveyStatus.OPEN) -> Survey:
    """甲镇's survey of the world's 2026 in ``status`` (made on first use)."""
    indicator = survey_indicator(w.year, w.town)
    title = f"甲镇政务服务满意度（{status}）"
    found = Survey.objects.filter(unit=w.unit_a, indicator=indicator, title=title).first()
    if found is not None:
        return found
    return build_survey(year=w.year, unit=w.unit_a, indicator=indicator, status=status, title=title)


# --- the matrix -------------------------------------------------------------------------------


def _survey(status: str = SurveyStatus.OPEN):
    return lambda w: {"pk": world_survey(w, status=status).pk}


def _token(status: str = SurveyStatus.OPEN):
    return lambda w: {"token": world_survey(w, status=status).token}


def _year(w: World) -> dict[str, Any]:
    return {"year": 2026}


# Readers of 甲镇's survey: the office, administrators, district leaders and 甲镇's users.
SURVEY_READERS = {"reporter_b": 403, "lead": 403, "supervision": 403}
OFFICE_ONLY = {**SURVEY_READERS, "reporter_a": 403, "leader": 403}

MATRIX_SURVEYS: dict[str, Row] = {
    # --- the office's pages (staff site)
    # Supervision has no unit and reads no survey; everyone else reaches the newest year's list.
    "assessment:survey_index": (
        lambda w: {},
        roles(default=REDIRECT, supervision=403),
    ),
    "assessment:survey_list": (_year, roles(supervision=403)),
    # In the publicity surveys are no longer prepared: the office is sent back to the list.
    "assessment:survey_create": (
        _year,
        roles(default=403, office=REDIRECT, admin=REDIRECT),
    ),
    "assessment:survey_detail": (_survey(), roles(**SURVEY_READERS)),
    "assessment:survey_detail#draft": (_survey(SurveyStatus.DRAFT), roles(**SURVEY_READERS)),
    # A draft is changed by the office only, and not in the publicity (sent back to its page).
    "assessment:survey_edit": (
        _survey(SurveyStatus.DRAFT),
        roles(**OFFICE_ONLY, office=REDIRECT, admin=REDIRECT),
    ),
    "assessment:survey_edit#open": (
        _survey(),
        roles(**OFFICE_ONLY, office=REDIRECT, admin=REDIRECT),
    ),
    "assessment:survey_open": (_survey(SurveyStatus.DRAFT), everyone(405)),
    "assessment:survey_close": (_survey(), everyone(405)),
    "assessment:survey_codes": (_survey(), everyone(405)),
    # The poster of the public link: whoever reads the survey (a unit puts it up itself).
    "assessment:survey_poster": (_survey(), roles(**SURVEY_READERS)),
    # --- the public pages: no login
    "survey:respond": (_token(), everyone(200)),
    "survey:respond#draft": (_token(SurveyStatus.DRAFT), everyone(404)),
    "survey:respond#closed": (_token(SurveyStatus.CLOSED), everyone(200)),
    "survey:respond#unknown": (lambda w: {"token": "no-such-survey"}, everyone(404)),
    "survey:thanks": (_token(), everyone(200)),
}
