"""A small evaluation round over the results-workflow district (``workflow.build_district``).

Groups: 区领导 (weight 0.6, at least 2 ballots, every team and cadre) and 本单位干部职工
(weight 0.4, at least 2 ballots per unit, the unit's own team and cadres). One question, the
default points (100/80/60/0), at most 2 “excellent” marks per ballot, a reason for “poor”.
Subjects: the teams of 甲镇 and 乙镇 and the cadres 张三, 李四 (甲镇) and 王五 (乙镇).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from assessment.models import EvaluationRound, RaterGroup, RoundSubject
from assessment.services import ballots as ballot_service
from assessment.services import voting


def prepared_round(year, office_user, units, name: str = "年度民主测评") -> EvaluationRound:
    evaluation_round = ballot_service.round_create(
        year=year,
        by=office_user,
        name=name,
        closes_on=timezone.localdate() + datetime.timedelta(days=7),
    )
    evaluation_round.groups.all().delete()
    RaterGroup.objects.create(
        round=evaluation_round, name="区领导", weight=Decimal("0.6"), min_ballots=2
    )
    RaterGroup.objects.create(
        round=evaluation_round,
        name="本单位干部职工",
        weight=Decimal("0.4"),
        min_ballots=2,
        own_unit=True,
        position=1,
    )
    evaluation_round.excellent_limit = 2
    evaluation_round.save()
    ballot_service.subjects_add(
        evaluation_round=evaluation_round, by=office_user, units=units, teams=True, cadres=True
    )
    return evaluation_round


def opened_round(year, office_user, units, name: str = "年度民主测评") -> EvaluationRound:
    evaluation_round = prepared_round(year, office_user, units, name)
    ballot_service.round_open(evaluation_round=evaluation_round, by=office_user)
    return evaluation_round


def codes(evaluation_round, office_user, group_name, size, unit=None) -> list[str]:
    group = evaluation_round.groups.get(name=group_name)
    _batch, issued = ballot_service.batch_create(
        evaluation_round=evaluation_round, by=office_user, group=group, unit=unit, size=size
    )
    return [item.code for item in issued]


def subject(evaluation_round, name: str) -> RoundSubject:
    """A subject by cadre name, or a team by its unit's name."""
    found = evaluation_round.subjects.filter(cadre__name=name).first()
    return found or evaluation_round.subjects.get(cadre__isnull=True, unit__name=name)


def answers(evaluation_round, marks: dict[str, str], reasons: dict[str, str] | None = None) -> dict:
    """{subject name: mark} → the service's answers on the round's only question."""
    question = evaluation_round.questions.get()
    reasons = reasons or {}
    return {
        (subject(evaluation_round, name).pk, question.pk): (mark, reasons.get(name, ""))
        for name, mark in marks.items()
    }


def cast(evaluation_round, code: str, marks: dict[str, str], reasons=None):
    return voting.ballot_cast(code=code, answers=answers(evaluation_round, marks, reasons))
