"""Democratic evaluation rounds (民主测评): preparing, codes, voting, closing.

The office prepares a round in the draft state (rules, rater groups, questions, subjects),
prints code slips for each group, opens it, and closes it. A rater's code shows the ballot of
its group (for a unit's own staff, that unit's team and cadres only); casting checks the whole
ballot against the round's rules, then uses the code and stores the ballot in one transaction —
the code is used by a conditional UPDATE, so two simultaneous casts with one code cannot both
pass. Closing tallies the round (``assessment.scoring.ballots``), stores each subject's result
with its calculation and writes the scored teams' and cadres' evaluations for the year, marked
as coming from the round (imports and hand edits leave them alone).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.forms.models import BaseModelFormSet
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.lib.codes import code_digest, make_code
from assessment.lib.history import set_change_reason, set_history_user
from assessment.models import (
    AssessmentYear,
    Ballot,
    BallotCode,
    BallotMark,
    CadreEvaluation,
    CodeBatch,
    EvaluationRound,
    Question,
    RaterGroup,
    RoundResult,
    RoundStatus,
    RoundSubject,
    TeamEvaluation,
)
from assessment.policy import Action, year_check
from assessment.scoring import ballots as engine
from units.access import AnyUser, account
from units.models import Cadre, Unit

CODE_PURPOSE = "ballot"
MAX_BATCH = 500
MEAN_PLACES = Decimal("0.0001")

# The rater groups a new round starts with (the office changes them freely while preparing).
DEFAULT_GROUPS = (
    # name, weight, minimum valid ballots, a unit's own raters
    ("区领导", Decimal("0.3"), 3, False),
    ("同级单位主要负责人", Decimal("0.3"), 5, False),
    ("本单位干部职工", Decimal("0.3"), 5, True),
    ("服务对象代表", Decimal("0.1"), 5, False),
)
DEFAULT_QUESTION = "综合评价（德、能、勤、绩、廉）"


# --- preparing -----------------------------------------------------------------------------------


def _signed_in(by: AnyUser | None) -> User | None:
    """The account acting, or None for an anonymous visitor or nobody (neither has a pk)."""
    return account(by) if getattr(by, "pk", None) else None


def _check_year(year: AssessmentYear, by: AnyUser | None) -> None:
    year_check(year, Action.RUN_EVALUATIONS, by=by)


def round_create(
    *, year: AssessmentYear, by: AnyUser | None, name: str, closes_on: datetime.date
) -> EvaluationRound:
    """A new round in the draft state, with the usual rater groups and one question."""
    _check_year(year, by)
    if EvaluationRound.objects.filter(year=year, name=name.strip()).exists():
        raise ValidationError(
            _("The %(year)s assessment already has an evaluation round named “%(name)s”.")
            % {"year": year.year, "name": name.strip()}
        )
    with transaction.atomic():
        evaluation_round = EvaluationRound(year=year, name=name.strip(), closes_on=closes_on)
        evaluation_round.created_by = _signed_in(by)
        set_history_user(evaluation_round, evaluation_round.created_by)
        evaluation_round.save()
        for position, (group_name, weight, minimum, own_unit) in enumerate(DEFAULT_GROUPS):
            group = RaterGroup(
                round=evaluation_round,
                name=group_name,
                weight=weight,
                min_ballots=minimum,
                own_unit=own_unit,
                position=position,
            )
            set_history_user(group, evaluation_round.created_by)
            group.save()
        question = Question(round=evaluation_round, text=DEFAULT_QUESTION, position=0)
        set_history_user(question, evaluation_round.created_by)
        question.save()
    return evaluation_round


def preparation_refusal(evaluation_round: EvaluationRound) -> str | None:
    """Why the round's groups, questions, subjects and rules can no longer change, or None."""
    if evaluation_round.status != RoundStatus.DRAFT:
        return _(
            "The round “%(name)s” is %(status)s: its rater groups, questions, people and rules "
            "no longer change (votes rely on them). To evaluate with other rules, create a new "
            "round."
        ) % {"name": evaluation_round.name, "status": evaluation_round.get_status_display()}
    return None


def check_preparing(evaluation_round: EvaluationRound, by: AnyUser | None) -> None:
    refusal = preparation_refusal(evaluation_round)
    if refusal:
        raise ValidationError(refusal)
    _check_year(evaluation_round.year, by)


def subjects_add(
    *,
    evaluation_round: EvaluationRound,
    by: AnyUser | None,
    units: list[Unit],
    teams: bool,
    cadres: bool,
) -> int:
    """Add the teams and/or the active cadres of ``units``; returns how many were new."""
    check_preparing(evaluation_round, by)
    if not (teams or cadres):
        raise ValidationError(_("Choose the leadership teams, the cadres or both."))
    have_teams = set(
        RoundSubject.objects.filter(round=evaluation_round, cadre__isnull=True).values_list(
            "unit_id", flat=True
        )
    )
    have_cadres = set(
        RoundSubject.objects.filter(round=evaluation_round, cadre__isnull=False).values_list(
            "cadre_id", flat=True
        )
    )
    new: list[RoundSubject] = []
    for unit in units:
        if teams and unit.pk not in have_teams:
            new.append(RoundSubject(round=evaluation_round, unit=unit))
    if cadres:
        for cadre in Cadre.objects.filter(unit__in=units, is_active=True).select_related("unit"):
            if cadre.pk not in have_cadres:
                new.append(RoundSubject(round=evaluation_round, unit=cadre.unit, cadre=cadre))
    with transaction.atomic():
        for subject in new:
            set_history_user(subject, _signed_in(by))
            subject.save()
    return len(new)


def subject_remove(*, subject: RoundSubject, by: AnyUser | None) -> None:
    check_preparing(subject.round, by)
    set_history_user(subject, _signed_in(by))
    subject.delete()


def round_update_check(
    *,
    evaluation_round: EvaluationRound,
    by: AnyUser | None,
    form: forms.ModelForm[EvaluationRound],
) -> None:
    """Whether the round's edited rules may be saved (the form holds the new values)."""
    if evaluation_round.status == RoundStatus.CLOSED:
        raise ValidationError(
            _("The round is closed and no longer changes: to evaluate again, create a new round.")
        )
    _check_year(evaluation_round.year, by)
    changed = set(form.changed_data) - {"closes_on"}
    if evaluation_round.status != RoundStatus.DRAFT and changed:
        raise ValidationError(preparation_refusal(evaluation_round) or "")
    closes_on = form.cleaned_data.get("closes_on")
    if (
        evaluation_round.status == RoundStatus.OPEN
        and closes_on
        and closes_on < timezone.localdate()
    ):
        raise ValidationError(
            _("Voting is open: its last day cannot be moved into the past; close the round.")
        )


def formset_save(
    *, evaluation_round: EvaluationRound, by: AnyUser | None, formset: BaseModelFormSet[Any, Any]
) -> None:
    """Save the rater groups or questions edited in ``formset``, all or nothing."""
    check_preparing(evaluation_round, by)
    user = _signed_in(by)
    try:
        with transaction.atomic():
            instances = formset.save(commit=False)
            for instance in formset.deleted_objects:
                set_history_user(instance, user)
                instance.delete()
            for instance in instances:
                instance.round = evaluation_round
                set_history_user(instance, user)
                instance.save()
    except IntegrityError as error:
        raise ValidationError(_("Two rows have the same name; names must differ.")) from error


def round_problems(evaluation_round: EvaluationRound) -> list[str]:
    """What keeps a draft round from opening (empty when it may open)."""
    problems = []
    if not evaluation_round.groups.exists():
        problems.append(
            _("The round has no rater group yet: add at least one under “Rater groups”.")
        )
    if not evaluation_round.questions.exists():
        problems.append(_("The round has no question yet: add at least one under “Questions”."))
    if not evaluation_round.subjects.exists():
        problems.append(_("The round evaluates nobody yet: add leadership teams or cadres."))
    if evaluation_round.closes_on < timezone.localdate():
        problems.append(
            _(
                "Voting would close on %(date)s, which has passed: change the last day of "
                "voting under “Change the rules” to today or later, then open the voting."
            )
            % {"date": evaluation_round.closes_on}
        )
    return problems


def round_open(*, evaluation_round: EvaluationRound, by: AnyUser | None) -> None:
    check_preparing(evaluation_round, by)
    problems = round_problems(evaluation_round)
    if problems:
        raise ValidationError(problems)
    evaluation_round.status = RoundStatus.OPEN
    evaluation_round.opened_at = timezone.now()
    set_history_user(evaluation_round, _signed_in(by))
    evaluation_round.save()


# --- codes ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedCode:
    serial: int
    code: str


def batch_create(
    *,
    evaluation_round: EvaluationRound,
    by: AnyUser | None,
    group: RaterGroup,
    unit: Unit | None,
    size: int,
) -> tuple[CodeBatch, list[IssuedCode]]:
    """Make ``size`` new codes for ``group`` (and ``unit``, for a unit's own raters).

    The codes are returned once, to be printed; only their digests are kept.
    """
    if evaluation_round.status == RoundStatus.CLOSED:
        raise ValidationError(_("The round is closed: no more codes are made for it."))
    _check_year(evaluation_round.year, by)
    if group.round_id != evaluation_round.pk:
        raise ValidationError(_("The rater group is not one of this round's."))
    if not 1 <= size <= MAX_BATCH:
        raise ValidationError(
            _("Make between 1 and %(most)s codes at a time.") % {"most": MAX_BATCH}
        )
    if group.own_unit:
        if unit is None:
            raise ValidationError(
                _("The codes of “%(group)s” belong to one unit: choose the unit.")
                % {"group": group.name}
            )
        if not evaluation_round.subjects.filter(unit=unit).exists():
            raise ValidationError(
                _("The round evaluates nobody of %(unit)s: its staff would have nobody to mark.")
                % {"unit": unit.name}
            )
    elif unit is not None:
        raise ValidationError(
            _("The codes of “%(group)s” cover every evaluated team and cadre: choose no unit.")
            % {"group": group.name}
        )
    user = _signed_in(by)
    for _attempt in range(3):  # a digest collision (about 2⁻⁵⁹ a pair) just starts over
        try:
            with transaction.atomic():
                # The round's row lock makes batches of one round take their slip numbers one
                # after the other: two offices printing at once never share a number.
                EvaluationRound.objects.select_for_update().only("pk").get(pk=evaluation_round.pk)
                batch = CodeBatch(
                    round=evaluation_round, group=group, unit=unit, size=size, created_by=user
                )
                set_history_user(batch, user)
                batch.save()
                first = (
                    BallotCode.objects.filter(batch__round=evaluation_round).aggregate(
                        last=Max("serial")
                    )["last"]
                    or 0
                ) + 1
                issued = [IssuedCode(first + i, make_code()) for i in range(size)]
                BallotCode.objects.bulk_create(
                    BallotCode(
                        batch=batch,
                        serial=item.serial,
                        digest=code_digest(item.code, purpose=CODE_PURPOSE),
                    )
                    for item in issued
                )
                return batch, issued
        except IntegrityError:
            continue
    raise ValidationError(_("The codes could not be made; please try again."))  # pragma: no cover


def batch_void(*, batch: CodeBatch, by: AnyUser | None, reason: str) -> int:
    """Void a batch: its unused codes stop working. Returns how many were unused."""
    if batch.voided_at is not None:
        raise ValidationError(_("This batch of codes is already void."))
    if batch.round.status == RoundStatus.CLOSED:
        raise ValidationError(_("The round is closed: its codes no longer work anyway."))
    if not reason.strip():
        raise ValidationError(_("Say why the codes are voided (e.g. a slip sheet was lost)."))
    _check_year(batch.round.year, by)
    batch.voided_at = timezone.now()
    batch.voided_by = _signed_in(by)
    batch.void_reason = reason.strip()
    set_history_user(batch, batch.voided_by)
    batch.save()
    return batch.codes.filter(used_on__isnull=True).count()


def subject_label(subject: RoundSubject) -> str:
    if subject.cadre is None:  # no query: a null key is None without one
        return _("leadership team of %(unit)s") % {"unit": subject.unit.name}
    return _("%(name)s (%(position)s, %(unit)s)") % {
        "name": subject.cadre.name,
        "position": subject.cadre.position,
        "unit": subject.unit.name,
    }


# --- turnout and results -------------------------------------------------------------------------


@dataclass(frozen=True)
class TurnoutRow:
    group: RaterGroup
    unit: Unit | None
    issued: int
    used: int
    ballots: int

    @property
    def short(self) -> bool:
        return self.ballots < self.group.min_ballots

    @property
    def rate(self) -> Decimal | None:
        if not self.issued:
            return None
        return (Decimal(100) * self.used / self.issued).quantize(Decimal("0.1"))


def round_turnout(evaluation_round: EvaluationRound) -> list[TurnoutRow]:
    """Per rater group — and per unit for a unit's own raters — codes issued, used, ballots.

    Issued counts the codes of batches still valid plus those used before a batch was voided.
    Three queries whatever the size of the round.
    """
    codes = (
        BallotCode.objects.filter(batch__round=evaluation_round)
        .filter(Q(batch__voided_at__isnull=True) | Q(used_on__isnull=False))
        .values("batch__group_id", "batch__unit_id")
        .annotate(issued=Count("pk"), used=Count("pk", filter=Q(used_on__isnull=False)))
    )
    ballots = (
        Ballot.objects.filter(round=evaluation_round)
        .values("group_id", "unit_id")
        .annotate(count=Count("pk"))
    )
    issued = {(row["batch__group_id"], row["batch__unit_id"]): row for row in codes}
    cast = {(row["group_id"], row["unit_id"]): row["count"] for row in ballots}
    groups = list(evaluation_round.groups.all())
    subject_units: list[Unit | None] = list(
        Unit.objects.filter(pk__in=evaluation_round.subjects.values("unit_id")).order_by("code")
    )
    rows = []
    for group in groups:
        for unit in subject_units if group.own_unit else [None]:
            key = (group.pk, unit.pk if unit else None)
            counts = issued.get(key, {"issued": 0, "used": 0})
            rows.append(TurnoutRow(group, unit, counts["issued"], counts["used"], cast.get(key, 0)))
    return rows


def round_tally(evaluation_round: EvaluationRound) -> dict[int, engine.SubjectTally[int]]:
    """The engine's tally of the round's ballots so far, keyed by subject id."""
    subjects = list(evaluation_round.subjects.all())
    groups = list(evaluation_round.groups.all())
    questions = list(evaluation_round.questions.all())
    marks: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    for ballot_id, subject_id, question_id, mark in BallotMark.objects.filter(
        ballot__round=evaluation_round
    ).values_list("ballot_id", "subject_id", "question_id", "mark"):
        marks[ballot_id].append((subject_id, question_id, mark))
    cast = [
        engine.CastBallot(group_id, unit_id, marks.get(ballot_id, []))
        for ballot_id, group_id, unit_id in Ballot.objects.filter(
            round=evaluation_round
        ).values_list("pk", "group_id", "unit_id")
    ]
    return engine.tally(
        subjects=[engine.SubjectRef(subject.pk, subject.unit_id) for subject in subjects],
        groups=[
            engine.GroupRule(group.pk, group.weight, group.min_ballots, group.own_unit)
            for group in groups
        ],
        questions=[engine.QuestionRule(question.pk, question.weight) for question in questions],
        points=evaluation_round.mark_points(),
        ballots=cast,
    )


def _details(evaluation_round: EvaluationRound, result: engine.SubjectTally[int]) -> dict[str, Any]:
    """The calculation as stored with a result: numbers only, worded when shown."""
    groups = {group.pk: group for group in evaluation_round.groups.all()}
    questions = {question.pk: question for question in evaluation_round.questions.all()}
    return {
        "points": {mark: str(value) for mark, value in evaluation_round.mark_points().items()},
        "questions": [
            {"text": question.text, "weight": str(question.weight)}
            for question in questions.values()
        ],
        "groups": [
            {
                "name": groups[tally.group].name,
                "weight": str(tally.weight),
                "ballots": tally.ballots,
                "min_ballots": tally.min_ballots,
                "counts": {
                    questions[question].text: dict(counts)
                    for question, counts in tally.counts.items()
                },
                "mean": None if tally.mean is None else _places(tally.mean),
                "short": tally.short,
            }
            for tally in result.groups
        ],
        "exact": None if result.exact_score is None else _places(result.exact_score),
    }


def _places(value: Fraction) -> str:
    """An exact value shown with 4 decimal places (halves up), for the calculation's record."""
    scaled = value * 10_000
    ten_thousandths = (2 * abs(scaled.numerator) + scaled.denominator) // (2 * scaled.denominator)
    sign = -1 if value < 0 else 1
    return str((Decimal(sign * ten_thousandths) / 10_000).quantize(MEAN_PLACES))


def close_problems(evaluation_round: EvaluationRound) -> list[str]:
    """The subjects closing would leave unscored, with the groups that fell short."""
    names = {group.pk: group.name for group in evaluation_round.groups.all()}
    subjects = {
        subject.pk: subject for subject in evaluation_round.subjects.select_related("unit", "cadre")
    }
    problems = []
    for subject_id, result in round_tally(evaluation_round).items():
        if result.score is None:
            short = "、".join(
                _("%(group)s %(count)s of at least %(minimum)s")
                % {"group": names[g.group], "count": g.ballots, "minimum": g.min_ballots}
                for g in result.short_groups
            )
            problems.append(
                _("%(who)s: too few valid ballots (%(groups)s).")
                % {"who": subject_label(subjects[subject_id]), "groups": short}
            )
    return problems


def round_close(
    *, evaluation_round: EvaluationRound, by: AnyUser | None, confirm_short: bool = False
) -> list[RoundResult]:
    """Close the round, store every subject's result and write the evaluations it scored.

    A subject short of valid ballots keeps no score from the round (its evaluation stays as it
    was); closing with such subjects needs ``confirm_short``.
    """
    if evaluation_round.status != RoundStatus.OPEN:
        raise ValidationError(_("Only an open round can be closed."))
    _check_year(evaluation_round.year, by)
    year_check(evaluation_round.year, Action.ENTER_ASSESSMENTS, by=by)
    problems = close_problems(evaluation_round)
    if problems and not confirm_short:
        raise ValidationError(
            [
                _(
                    "These teams and cadres would get no score from this round; confirm to "
                    "close anyway, or extend the voting:"
                ),
                *problems,
            ],
            code="short",
        )
    user = _signed_in(by)
    with transaction.atomic():
        evaluation_round = EvaluationRound.objects.select_for_update().get(pk=evaluation_round.pk)
        if evaluation_round.status != RoundStatus.OPEN:
            raise ValidationError(_("Only an open round can be closed."))
        evaluation_round.status = RoundStatus.CLOSED
        evaluation_round.closed_at = timezone.now()
        evaluation_round.closed_by = user
        set_history_user(evaluation_round, user)
        evaluation_round.save()
        tallies = round_tally(evaluation_round)
        subjects = {
            subject.pk: subject for subject in evaluation_round.subjects.select_related("cadre")
        }
        results = []
        for subject_id, result in tallies.items():
            stored = RoundResult(
                round=evaluation_round,
                subject=subjects[subject_id],
                score=result.score,
                details=_details(evaluation_round, result),
            )
            set_history_user(stored, user)
            stored.save()
            results.append(stored)
            if result.score is not None:
                _write_evaluation(evaluation_round, subjects[subject_id], result.score, user)
    return results


def _write_evaluation(
    evaluation_round: EvaluationRound, subject: RoundSubject, score: Decimal, user: AnyUser | None
) -> None:
    evaluation: TeamEvaluation | CadreEvaluation
    if subject.cadre_id is None:
        stored_team = TeamEvaluation.objects.filter(
            year=evaluation_round.year, unit=subject.unit_id
        ).first()
        evaluation = stored_team or TeamEvaluation(
            year=evaluation_round.year, unit_id=subject.unit_id
        )
    else:
        stored_cadre = CadreEvaluation.objects.filter(
            year=evaluation_round.year, cadre=subject.cadre_id
        ).first()
        evaluation = stored_cadre or CadreEvaluation(
            year=evaluation_round.year, cadre_id=subject.cadre_id
        )
    evaluation.score = score
    evaluation.round = evaluation_round
    set_history_user(evaluation, user)
    set_change_reason(
        evaluation, str(_("evaluation round %(name)s") % {"name": evaluation_round.name})[:100]
    )
    evaluation.save()
