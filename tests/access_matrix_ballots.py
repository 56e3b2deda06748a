"""The access matrix of the evaluation rounds, merged into ``tests.access_matrix.MATRIX``.

The world's 2026 is in the publicity; its round is made from the world on demand, directly
(the services refuse to prepare rounds in the publicity): a draft round evaluating 甲镇's team
with one batch of codes. Rounds are about persons: the office and district leaders read them,
only the office changes them; the voting pages answer anyone.
"""

from __future__ import annotations

import datetime
from typing import Any

from assessment.models import CodeBatch, EvaluationRound, Question, RaterGroup, RoundSubject
from tests.access_matrix import Row, World, everyone, roles

READERS = {"reporter_a": 403, "reporter_b": 403, "lead": 403, "supervision": 403}
OFFICE = {**READERS, "leader": 403}


def world_round(w: World) -> EvaluationRound:
    record, created = EvaluationRound.objects.get_or_create(
        year=w.year, name="民主测评", defaults={"closes_on": datetime.date(2026, 12, 31)}
    )
    if created:
        group = RaterGroup.objects.create(round=record, name="区领导", weight=1, min_ballots=1)
        Question.objects.create(round=record, text="综合评价")
        RoundSubject.objects.create(round=record, unit=w.unit_a)
        CodeBatch.objects.create(round=record, group=group, size=1)
    return record


def _round(w: World) -> dict[str, Any]:
    return {"pk": world_round(w).pk}


def _subject(w: World) -> dict[str, Any]:
    record = world_round(w)
    return {"pk": record.pk, "subject": record.subjects.get().pk}


def _batch(w: World) -> dict[str, Any]:
    return {"pk": world_round(w).batches.get().pk}


MATRIX_BALLOTS: dict[str, Row] = {
    "assessment:round_list": (lambda w: {"year": 2026}, roles(**READERS)),
    "assessment:round_detail": (_round, roles(**READERS)),
    "assessment:round_edit": (_round, roles(**OFFICE)),
    "assessment:round_groups": (_round, roles(**OFFICE)),
    "assessment:round_questions": (_round, roles(**OFFICE)),
    "assessment:round_subjects_add": (_round, everyone(405)),
    "assessment:round_subject_remove": (_subject, everyone(405)),
    "assessment:round_open": (_round, everyone(405)),
    "assessment:round_close": (_round, everyone(405)),
    "assessment:batch_create": (_round, everyone(405)),
    "assessment:batch_void": (_batch, everyone(405)),
    # --- voting: no login
    "vote:start": (lambda w: {}, everyone(200)),
    "vote:cast": (lambda w: {}, everyone(405)),
}
