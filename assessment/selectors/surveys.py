"""Reads of a survey for the office: its answers over time."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q

from assessment.models import InvalidReason, Survey, SurveyResponse


@dataclass(frozen=True)
class AnswerDay:
    day: datetime.date
    counted: int
    held: int  # beyond the plausible rate: for the office to look at
    not_counted: int  # for the other reasons (repeat, too fast, replayed stamp, …)


def answers_by_day(survey: Survey) -> list[AnswerDay]:
    """Each day with answers, oldest first, in one query (only the day is kept, no time)."""
    rows = (
        SurveyResponse.objects.filter(survey=survey)
        .values("submitted_on")
        .annotate(
            counted=Count("pk", filter=Q(is_valid=True)),
            held=Count("pk", filter=Q(invalid_reason=InvalidReason.HELD)),
            other=Count("pk", filter=Q(is_valid=False) & ~Q(invalid_reason=InvalidReason.HELD)),
        )
        .order_by("submitted_on")
    )
    return [AnswerDay(r["submitted_on"], r["counted"], r["held"], r["other"]) for r in rows]
