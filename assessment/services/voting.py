"""Voting with a one-time code: what a code opens, checking a ballot, casting it.

Casting checks the whole ballot against the round's rules first (nothing is used or stored
when it breaks one), then uses the code and stores the ballot in one transaction. The code is
used by a conditional UPDATE (``used_on IS NULL``): of two simultaneous casts with one code the
database lets one update the row and the other update nothing, so only one ballot is stored.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.lib.codes import code_digest, looks_like_code
from assessment.models import (
    Ballot,
    BallotCode,
    BallotMark,
    CodeBatch,
    EvaluationRound,
    Mark,
    Question,
    RaterGroup,
    RoundStatus,
    RoundSubject,
)
from assessment.scoring import ballots as engine
from assessment.services.ballots import CODE_PURPOSE, subject_label
from units.models import Unit

# --- voting --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BallotPaper:
    """What a code opens: the round, the rater group and the subjects to mark."""

    code: str
    code_id: int
    batch_id: int
    round: EvaluationRound
    group: RaterGroup
    unit: Unit | None
    subjects: list[RoundSubject]
    questions: list[Question]


class CodeRefused(ValidationError):
    """A code that cannot vote, with ``reason``: unknown, used, void, not_open, closed."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message, code=reason)
        self.reason = reason


def _code_refusal(code: str, today: datetime.date) -> tuple[BallotCode | None, CodeRefused | None]:
    if not looks_like_code(code):
        return None, CodeRefused(
            _("This is not a valid code. Check the 12 letters and digits on your slip."),
            "unknown",
        )
    found = (
        BallotCode.objects.filter(digest=code_digest(code, purpose=CODE_PURPOSE))
        .select_related("batch__round__year", "batch__group", "batch__unit")
        .first()
    )
    if found is None:
        return None, CodeRefused(
            _("This code is unknown. Check the 12 letters and digits on your slip."), "unknown"
        )
    evaluation_round = found.batch.round
    if found.used_on is not None:
        return found, CodeRefused(
            _("This code has already been used to vote; a code votes only once."), "used"
        )
    if found.batch.voided_at is not None:
        return found, CodeRefused(
            _("This code was withdrawn by the assessment office and no longer works."), "void"
        )
    if evaluation_round.status == RoundStatus.DRAFT:
        return found, CodeRefused(
            _("Voting in “%(name)s” has not started yet.") % {"name": evaluation_round.name},
            "not_open",
        )
    if evaluation_round.status == RoundStatus.CLOSED or today > evaluation_round.closes_on:
        return found, CodeRefused(
            _("Voting in “%(name)s” has ended.") % {"name": evaluation_round.name}, "closed"
        )
    return found, None


def ballot_paper(code: str, *, today: datetime.date | None = None) -> BallotPaper:
    """The ballot a code opens, or ``CodeRefused`` saying why it cannot vote."""
    today = today or timezone.localdate()
    found, refusal = _code_refusal(code, today)
    if refusal is not None:
        raise refusal
    assert found is not None
    batch = found.batch
    subjects = RoundSubject.objects.filter(round=batch.round).select_related("unit", "cadre")
    if batch.group.own_unit:
        subjects = subjects.filter(unit=batch.unit)
    return BallotPaper(
        code=code,
        code_id=found.pk,
        batch_id=batch.pk,
        round=batch.round,
        group=batch.group,
        unit=batch.unit,
        subjects=list(subjects),
        questions=list(batch.round.questions.all()),
    )


# Messages by (subject id, question id), or None for the whole ballot.
Problems = dict[tuple[int, int] | None, list[str]]


def ballot_problems(
    paper: BallotPaper, answers: Mapping[tuple[int, int], tuple[str, str]]
) -> Problems:
    """The ballot's problems as messages: {(subject id, question id) or None: [message]}."""
    evaluation_round = paper.round
    problems = engine.check_ballot(
        answers,
        subjects=[subject.pk for subject in paper.subjects],
        questions=[question.pk for question in paper.questions],
        excellent_limit=evaluation_round.excellent_limit,
        needs_reason={mark: evaluation_round.needs_reason(mark) for mark in Mark.values},
    )
    subjects = {subject.pk: subject for subject in paper.subjects}
    questions = {question.pk: question for question in paper.questions}
    several = len(paper.questions) > 1
    messages: Problems = defaultdict(list)
    for problem in problems:
        if problem.code == "unknown":
            messages[None].append(_("The ballot marks someone who is not on it."))
            continue
        if problem.code == "over_limit":
            text = _("You marked %(count)s people “excellent”; at most %(limit)s may be.") % {
                "count": problem.count,
                "limit": problem.limit,
            }
            if several:
                assert problem.question is not None  # the engine names the question
                text = f"{questions[problem.question].text}: {text}"
            messages[None].append(text)
            continue
        # Every other problem is of one subject on one question.
        assert problem.subject is not None and problem.question is not None
        label = subject_label(subjects[problem.subject])
        if several:
            label = f"{label} · {questions[problem.question].text}"
        if problem.code == "missing":
            text = _("%(who)s: choose a mark.") % {"who": label}
        elif problem.code == "invalid_mark":
            text = _("%(who)s: the mark is not one of the four.") % {"who": label}
        else:
            mark = Mark(answers[(problem.subject, problem.question)][0]).label
            text = _("%(who)s: a mark “%(mark)s” needs a written reason.") % {
                "who": label,
                "mark": mark,
            }
        messages[(problem.subject, problem.question)].append(text)
    return dict(messages)


class BallotRefused(ValidationError):
    """The ballot breaks the round's rules; ``problems`` as ``ballot_problems`` gives them."""

    def __init__(self, problems: Problems) -> None:
        super().__init__([message for messages in problems.values() for message in messages])
        self.problems = problems


def ballot_cast(
    *,
    code: str,
    answers: Mapping[tuple[int, int], tuple[str, str]],
    today: datetime.date | None = None,
) -> Ballot:
    """Check the ballot, use the code and store the ballot, all or nothing.

    Raises ``CodeRefused`` (the code cannot vote) or ``BallotRefused`` (the ballot breaks a
    rule; nothing is used or stored, and the rater corrects it).
    """
    today = today or timezone.localdate()
    paper = ballot_paper(code, today=today)
    problems = ballot_problems(paper, answers)
    if problems:
        raise BallotRefused(problems)
    with transaction.atomic():
        # Lock the round, then the batch: closing the round or voiding the batch cannot slip in
        # between the checks above and the use of the code (they wait for this cast, or this
        # cast waits for them and sees them).
        evaluation_round = EvaluationRound.objects.select_for_update().get(pk=paper.round.pk)
        batch = CodeBatch.objects.select_for_update().get(pk=paper.batch_id)
        still_valid = (
            evaluation_round.status == RoundStatus.OPEN
            and today <= evaluation_round.closes_on
            and batch.voided_at is None
        )
        # Use the code only if it is still unused. The condition is on the code's own row
        # (a join would make Django write ``id IN (subquery)``, which PostgreSQL does not
        # re-check after waiting for a concurrent cast): of two simultaneous casts, the second
        # waits for the first's row lock, re-reads the row, and updates nothing.
        used = (
            BallotCode.objects.filter(pk=paper.code_id, used_on__isnull=True).update(used_on=today)
            if still_valid
            else 0
        )
        if used != 1:
            _found, refusal = _code_refusal(code, today)
            raise refusal or CodeRefused(
                _("This code has already been used to vote; a code votes only once."), "used"
            )
        ballot = Ballot.objects.create(
            round=paper.round, group=paper.group, unit=paper.unit, cast_on=today
        )
        BallotMark.objects.bulk_create(
            BallotMark(
                ballot=ballot,
                subject_id=subject_id,
                question_id=question_id,
                mark=mark,
                reason=reason.strip()[:500] if paper.round.needs_reason(mark) else "",
            )
            for (subject_id, question_id), (mark, reason) in answers.items()
        )
    return ballot
