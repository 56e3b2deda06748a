"""The demo year's democratic evaluation: one closed round, one still open.

- “2026年度镇街领导班子和领导干部民主测评” evaluates the towns' teams and cadres with the four
  usual rater groups, codes printed for each group (and per town for its own staff), ballots
  cast through the voting service (so every rule holds) with marks that follow each town's
  quality, and closed: its scores are the towns' team and cadre evaluations for the year, in
  place of the imported ones.
- “2026年度区直部门民主测评” evaluates the departments' teams, open until a fortnight from today,
  with part of its ballots cast; ``OPEN_ROUND_CODES`` unused codes of its district leaders are
  printed by ``seed_demo`` so that anyone trying the demo can vote with them at /vote/.

Called by ``assessment.demo.seed`` while the year collects, before the results are computed.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence

from django.contrib.auth.models import User as AuthUser
from django.utils import timezone

from assessment.lib.history import set_history_user
from assessment.models import AssessmentYear, EvaluationRound, Mark, RaterGroup, RoundSubject
from assessment.services import ballots as ballot_service
from assessment.services import voting
from units.models import Unit, UnitCategory

TOWN_ROUND = "2026年度镇街领导班子和领导干部民主测评"
DEPARTMENT_ROUND = "2026年度区直部门民主测评"
OPEN_ROUND_CODES = 3
# Ballots per rater group (groups in the order ``ballots.DEFAULT_GROUPS`` makes them); a unit's
# own staff cast the third number per unit.
TOWN_BALLOTS = (5, 8, 6, 6)
DEPARTMENT_BALLOTS = (3, 5, 4, 0)


def _marks(quality: float, rng: random.Random) -> str:
    """A mark that follows the unit's quality (about 0.82–1.22), with some spread."""
    value = quality + rng.uniform(-0.25, 0.25)
    if value >= 1.08:
        return Mark.EXCELLENT
    if value >= 0.9:
        return Mark.GOOD
    if value >= 0.8:
        return Mark.AVERAGE
    return Mark.POOR


def _cast(
    evaluation_round: EvaluationRound,
    code: str,
    quality: dict[int, float],
    rng: random.Random,
) -> None:
    paper = voting.ballot_paper(code)
    (question,) = paper.questions
    marks = {subject.pk: _marks(quality[subject.unit_id], rng) for subject in paper.subjects}
    limit = evaluation_round.excellent_limit
    excellent = [pk for pk, mark in marks.items() if mark == Mark.EXCELLENT]
    if limit is not None and len(excellent) > limit:
        for pk in rng.sample(excellent, len(excellent) - limit):
            marks[pk] = Mark.GOOD
    answers = {
        (pk, question.pk): (mark, "工作推进不力，群众反映较多" if mark == Mark.POOR else "")
        for pk, mark in marks.items()
    }
    voting.ballot_cast(code=code, answers=answers)


def _round(
    year: AssessmentYear,
    office: AuthUser,
    name: str,
    units: Sequence[Unit],
    *,
    cadres: bool,
) -> EvaluationRound:
    evaluation_round = ballot_service.round_create(
        year=year,
        by=office,
        name=name,
        closes_on=timezone.localdate() + datetime.timedelta(days=14),
    )
    ballot_service.subjects_add(
        evaluation_round=evaluation_round, by=office, units=list(units), teams=True, cadres=cadres
    )
    # at most 30% of the people on a ballot may be marked “excellent” (优秀票不超过30%)
    evaluation_round.excellent_limit = max(1, int(evaluation_round.subjects.count() * 3 / 10))
    set_history_user(evaluation_round, office)
    evaluation_round.save()
    ballot_service.round_open(evaluation_round=evaluation_round, by=office)
    return evaluation_round


def _vote(
    evaluation_round: EvaluationRound,
    office: AuthUser,
    counts: Sequence[int],
    quality: dict[int, float],
    rng: random.Random,
    *,
    keep: int = 0,
) -> list[str]:
    """Print codes for every group, cast ``counts`` ballots per group; return ``keep`` unused
    codes of the first group."""
    kept: list[str] = []
    units: list[Unit | None] = list(
        Unit.objects.filter(
            pk__in=RoundSubject.objects.filter(round=evaluation_round).values("unit")
        )
    )
    for group, count in zip(RaterGroup.objects.filter(round=evaluation_round), counts, strict=True):
        if not count:
            continue
        for unit in units if group.own_unit else [None]:
            extra = keep if not kept and unit is None and keep else 0
            _batch, issued = ballot_service.batch_create(
                evaluation_round=evaluation_round,
                by=office,
                group=group,
                unit=unit,
                size=count + extra,
            )
            for item in issued[:count]:
                _cast(evaluation_round, item.code, quality, rng)
            if extra:
                kept = [item.code for item in issued[count:]]
    return kept


def seed_ballots(
    year: AssessmentYear,
    office: AuthUser,
    units: Sequence[Unit],
    quality: dict[int, float],
    rng: random.Random,
) -> list[str]:
    """The two rounds; returns the unused codes of the open one."""
    town = UnitCategory.objects.filter(code="town").first()
    towns = [unit for unit in units if town and unit.category_id == town.pk]
    departments = [unit for unit in units if not town or unit.category_id != town.pk]
    kept: list[str] = []
    if towns:
        closed = _round(year, office, TOWN_ROUND, towns, cadres=True)
        _vote(closed, office, TOWN_BALLOTS, quality, rng)
        ballot_service.round_close(evaluation_round=closed, by=office, confirm_short=True)
    if departments:
        still_open = _round(year, office, DEPARTMENT_ROUND, departments, cadres=False)
        kept = _vote(still_open, office, DEPARTMENT_BALLOTS, quality, rng, keep=OPEN_ROUND_CODES)
    return kept
