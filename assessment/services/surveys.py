"""Satisfaction surveys (群众满意度): prepared, opened and closed by the office, answered in public.

Writes (each validated, in one transaction, with the user in the history):

- ``survey_save``: a new survey, or a draft's settings and questions.
- ``survey_open``: draft → open; the public link answers from ``opens_on`` to ``closes_on``.
- ``survey_close``: open → closed; the rate of the unit on the indicator over the valid
  responses of every closed survey of that unit and indicator is written as its ``SurveyRate``
  (``assessment.scoring.surveys``), unless there are too few and the office confirms closing
  without a rate.
- ``codes_make``: a batch of one-time codes for a survey answered with codes; the codes are
  returned once (for the slips) and only their digests are kept; earlier batches may be voided.
- ``response_submit``: a public response. Refused (nothing stored) when the code is unknown,
  voided or used; stored but not counted when it repeats a device, came back too fast or filled
  the hidden field.

The year's policy decides when: ``Action.RUN_EVALUATIONS`` to prepare, open and close, and
``Action.ENTER_ASSESSMENTS`` as well when closing writes a rate. Who: the assessment office.
Reads under permissions (``survey_get_for_user``, ``surveys_for_user``) are here too.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.access import manages_assessment
from assessment.lib.codes import code_digest, make_code
from assessment.lib.history import set_history_user
from assessment.lib.survey_words import decimal_text
from assessment.models import (
    AssessmentYear,
    Indicator,
    InvalidReason,
    MethodChoices,
    Survey,
    SurveyAnswer,
    SurveyChoice,
    SurveyCode,
    SurveyCodeBatch,
    SurveyQuestion,
    SurveyRate,
    SurveyResponse,
    SurveyStatus,
)
from assessment.policy import Action, year_check
from assessment.scoring.surveys import SurveyTally, rate_decimal, tally
from assessment.services import records as record_rules
from assessment.services.concurrency import ROW_ONLY
from assessment.services.records import User
from units.access import AnyUser, account, is_admin, is_leader, is_office, user_unit_id

CODE_PURPOSE = "survey"
MAX_BATCH = 500
MAX_QUESTIONS = 30
STAMP_SALT = "assessment.surveys.form"
COOKIE_SALT = "assessment.surveys.answered"

# Every field of a survey the office sets (questions apart).
SURVEY_FIELDS = (
    "indicator",
    "unit",
    "title",
    "service",
    "intro",
    "access",
    "opens_on",
    "closes_on",
    "min_responses",
    "value_satisfied",
    "value_fair",
    "value_dissatisfied",
)


def setting(name: str, default: int) -> int:
    """A survey setting (see docs/surveys.md), read when used so that tests may change it."""
    value = getattr(settings, name, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"settings.{name} must be a whole number ≥ 0, not {value!r}")
    return value


# --- who sees what ----------------------------------------------------------------------------

sees_every_survey = is_admin | is_office | is_leader


def survey_visible_to(user: AnyUser, survey: Survey) -> bool:
    """The office, administrators and district leaders read every survey; a unit's users read
    their own unit's, and a lead department those of the indicators it leads."""
    if not user.is_authenticated or not user.is_active:
        return False
    if sees_every_survey(user):
        return True
    own = user_unit_id(user)
    return own is not None and (survey.unit_id == own or survey.indicator.lead_unit_id == own)


def may_list_surveys(user: AnyUser) -> bool:
    return bool(user.is_authenticated and (sees_every_survey(user) or user_unit_id(user)))


def surveys_for_user(user: AnyUser, year: AssessmentYear) -> models.QuerySet[Survey]:
    """The year's surveys the user may read, with their counts of valid and invalid responses."""
    surveys = Survey.objects.filter(year=year)
    if not sees_every_survey(user):
        own = user_unit_id(user)
        surveys = surveys.filter(Q(unit_id=own) | Q(indicator__lead_unit_id=own))
    return (
        surveys.select_related("unit", "indicator")
        .annotate(
            valid_count=Count("responses", filter=Q(responses__is_valid=True)),
            invalid_count=Count("responses", filter=Q(responses__is_valid=False)),
        )
        .order_by("unit__code", "indicator__code", "title", "pk")
    )


def survey_get_for_user(user: AnyUser, pk: int) -> Survey:
    survey = (
        Survey.objects.select_related("year", "unit", "indicator", "created_by", "closed_by")
        .filter(pk=pk)
        .first()
    )
    if survey is None:
        raise Http404
    if not survey_visible_to(user, survey):
        raise PermissionDenied
    return survey


def survey_indicators(year: AssessmentYear) -> models.QuerySet[Indicator]:
    """The year's `survey` indicators, every category's."""
    return (
        Indicator.objects.filter(year=year, method=MethodChoices.SURVEY)
        .select_related("category")
        .order_by("category__sort_order", "sort_order", "code")
    )


def _office_only(by: User) -> None:
    if not manages_assessment(by):
        raise PermissionDenied(_("Only the assessment office manages satisfaction surveys."))


# --- preparing --------------------------------------------------------------------------------


def _clean_questions(questions: Sequence[str]) -> list[str]:
    texts = [text.strip() for text in questions if text.strip()]
    if not texts:
        raise ValidationError({"questions": _("Give at least one question.")})
    if len(texts) > MAX_QUESTIONS:
        raise ValidationError(
            {"questions": _("At most %(count)s questions.") % {"count": MAX_QUESTIONS}}
        )
    repeated = sorted({text for text in texts if texts.count(text) > 1})
    if repeated:
        raise ValidationError(
            {"questions": _("A question is asked twice: %(text)s") % {"text": "、".join(repeated)}}
        )
    too_long = [text for text in texts if len(text) > 200]
    if too_long:
        raise ValidationError({"questions": _("A question has at most 200 characters.")})
    return texts


def _scheme_errors(survey: Survey) -> dict[str, list[str]]:
    indicator, unit, year = survey.indicator, survey.unit, survey.year
    if indicator.year_id != year.pk or indicator.method != MethodChoices.SURVEY:
        return {
            "indicator": [
                _("Choose a survey indicator (method “survey rate”) of the %(year)s scheme.")
                % {"year": year.year}
            ]
        }
    if indicator.category_id != unit.category_id:
        return {
            "indicator": [
                _("%(indicator)s is not an indicator of the scheme of %(unit)s.")
                % {"indicator": indicator.name, "unit": unit.name}
            ]
        }
    return {}


@transaction.atomic
def survey_save(
    *,
    year: AssessmentYear,
    by: User,
    data: Mapping[str, Any],
    questions: Sequence[str],
    survey: Survey | None = None,
) -> Survey:
    """Create a survey (``survey`` None) or change a draft: its settings and its questions, in
    the order given. ``ValidationError`` by field when anything is wrong; nothing is written."""
    _office_only(by)
    year_check(year, Action.RUN_EVALUATIONS, by=by)
    if survey is None:
        instance = Survey(year=year, created_by=account(by))
    else:
        instance = Survey.objects.select_for_update().get(pk=survey.pk)
        if instance.status != SurveyStatus.DRAFT:
            raise ValidationError(
                _("Only a survey being prepared can be changed; this one is %(status)s.")
                % {"status": SurveyStatus(instance.status).label},
                code="not_draft",
            )
    for name in SURVEY_FIELDS:
        if name in data:
            value = data[name]
            setattr(instance, name, value.strip() if isinstance(value, str) else value)
    errors: dict[str, list[str]] = {}
    try:
        instance.full_clean(exclude=["year", "token", "created_by", "closed_by"])
    except ValidationError as error:
        record_rules.merge(errors, error)
    if not errors:
        errors.update(_scheme_errors(instance))
    try:
        texts = _clean_questions(questions)
    except ValidationError as error:
        record_rules.merge(errors, error)
    if errors:
        raise ValidationError(errors)

    record_rules.save(instance, by)
    current = list(instance.questions.order_by("position", "pk").values_list("text", flat=True))
    if current != texts:
        # A draft has no answers yet: its questions are simply written again, in order.
        for question in instance.questions.all():
            set_history_user(question, by)
            question.delete()
        for position, text in enumerate(texts, start=1):
            record_rules.save(SurveyQuestion(survey=instance, text=text, position=position), by)
    return instance


def _lock(survey: Survey) -> Survey:
    return (
        Survey.objects.select_for_update(of=ROW_ONLY)
        .select_related("year", "unit", "indicator")
        .get(pk=survey.pk)
    )


def _sync(target: Survey, source: Survey, names: Sequence[str]) -> None:
    for name in names:
        setattr(target, name, getattr(source, name))


@transaction.atomic
def survey_open(*, survey: Survey, by: User) -> Survey:
    """Open a draft for answers (its link works from ``opens_on`` on)."""
    _office_only(by)
    locked = _lock(survey)
    year_check(locked.year, Action.RUN_EVALUATIONS, by=by)
    if locked.status != SurveyStatus.DRAFT:
        raise ValidationError(_("This survey has already been opened."), code="not_draft")
    if not locked.questions.exists():
        raise ValidationError(_("Add at least one question first."), code="no_questions")
    today = timezone.localdate()
    if locked.closes_on is not None and locked.closes_on < today:
        raise ValidationError(
            _("Its answers close on %(date)s, which has passed: change the date first.")
            % {"date": locked.closes_on.isoformat()},
            code="closed_date",
        )
    locked.status = SurveyStatus.OPEN
    locked.opened_at = timezone.now()
    record_rules.save(locked, by, update_fields=["status", "opened_at"])
    _sync(survey, locked, ["status", "opened_at"])
    return locked


# --- tallies ----------------------------------------------------------------------------------


@dataclass
class Pool:
    """The surveys whose valid responses make a unit's rate on an indicator, and their tally."""

    surveys: list[Survey]
    counts: dict[int, int]  # survey pk → valid responses
    tally: SurveyTally

    @property
    def needed(self) -> int:
        return max((survey.min_responses for survey in self.surveys), default=1)

    @property
    def enough(self) -> bool:
        return self.tally.responses >= self.needed and self.tally.responses > 0


def response_values(surveys: Sequence[Survey]) -> dict[Any, list[Decimal]]:
    """The values of the answers of every valid response of ``surveys``, by response (one
    query)."""
    values_of = {survey.pk: survey.choice_values() for survey in surveys}
    by_response: dict[Any, list[Decimal]] = defaultdict(list)
    answers = SurveyAnswer.objects.filter(
        response__survey__in=[survey.pk for survey in surveys], response__is_valid=True
    ).values_list("response_id", "response__survey_id", "choice")
    for response_id, survey_id, choice in answers.order_by():
        by_response[(survey_id, response_id)].append(values_of[survey_id][choice])
    return by_response


def pool_for(survey: Survey) -> Pool:
    """The pool ``survey`` would close into: itself and the closed surveys of its unit and
    indicator (a survey still open counts once it is closed)."""
    siblings = list(
        Survey.objects.of_pair(indicator_id=survey.indicator_id, unit_id=survey.unit_id)
        .filter(Q(status=SurveyStatus.CLOSED) | Q(pk=survey.pk))
        .order_by("pk")
    )
    by_response = response_values(siblings)
    counts: Counter[int] = Counter(survey_id for survey_id, _response in by_response)
    return Pool(
        surveys=siblings,
        counts={sibling.pk: counts.get(sibling.pk, 0) for sibling in siblings},
        tally=tally(by_response.values()),
    )


@dataclass(frozen=True)
class BatchUse:
    """A batch of codes with how many of them have been used."""

    batch: SurveyCodeBatch
    used: int


@dataclass
class QuestionTally:
    question: SurveyQuestion
    counts: dict[str, int]
    answered: int
    mean: Fraction | None


@dataclass
class SurveyReport:
    """What the detail page shows: the live tally of one survey."""

    valid: int
    invalid: int
    invalid_by_reason: list[tuple[str, int]]
    questions: list[QuestionTally]
    tally: SurveyTally
    codes_made: int = 0
    codes_used: int = 0
    codes_voided: int = 0
    batches: list[BatchUse] = field(default_factory=list)


def survey_report(survey: Survey) -> SurveyReport:
    """The live tally: responses counted and not (by reason), each question's choices, the
    survey's own rate so far, its codes (a few queries)."""
    responses = dict(
        SurveyResponse.objects.filter(survey=survey)
        .values_list("is_valid")
        .annotate(n=Count("pk"))
        .order_by()
    )
    reasons = dict(
        SurveyResponse.objects.filter(survey=survey, is_valid=False)
        .values_list("invalid_reason")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    for question_id, choice, n in (
        SurveyAnswer.objects.filter(response__survey=survey, response__is_valid=True)
        .values_list("question_id", "choice")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[question_id][choice] = n
    values = survey.choice_values()
    questions = []
    for question in survey.questions.order_by("position", "pk"):
        row = counts.get(question.pk, Counter())
        answered = sum(row.values())
        total = sum((Fraction(values[choice]) * n for choice, n in row.items()), Fraction(0))
        questions.append(
            QuestionTally(
                question=question,
                counts={choice: row.get(choice, 0) for choice in SurveyChoice.values},
                answered=answered,
                mean=total / answered if answered else None,
            )
        )
    report = SurveyReport(
        valid=responses.get(True, 0),
        invalid=responses.get(False, 0),
        invalid_by_reason=[
            (str(InvalidReason(reason).label), n) for reason, n in sorted(reasons.items())
        ],
        questions=questions,
        tally=tally(response_values([survey]).values()),
    )
    if survey.uses_codes:
        batches = list(survey.batches.select_related("created_by").order_by("pk"))
        used = dict(
            SurveyCode.objects.filter(batch__survey=survey, used_on__isnull=False)
            .values_list("batch_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        report.batches = [BatchUse(batch, used.get(batch.pk, 0)) for batch in batches]
        report.codes_made = sum(batch.size for batch in batches)
        report.codes_used = sum(used.values())
        report.codes_voided = sum(
            batch.size - used.get(batch.pk, 0) for batch in batches if batch.voided_at
        )
    return report


def too_few_message(pool: Pool) -> str:
    listed = "；".join(
        _("%(survey)s: %(count)s") % {"survey": survey.name, "count": pool.counts[survey.pk]}
        for survey in pool.surveys
    )
    return _(
        "Only %(count)s valid responses for %(unit)s on %(indicator)s, %(needed)s are needed "
        "for a rate (%(listed)s). Wait for more answers, or confirm closing without a rate."
    ) % {
        "count": pool.tally.responses,
        "needed": pool.needed,
        "unit": pool.surveys[0].unit.name,
        "indicator": pool.surveys[0].indicator.name,
        "listed": listed,
    }


# --- closing ----------------------------------------------------------------------------------


@transaction.atomic
def survey_close(*, survey: Survey, by: User, without_rate: bool = False) -> Survey:
    """Close an open survey and write its unit's rate on its indicator (``SurveyRate``) over
    the valid responses of every closed survey of that unit and indicator.

    With fewer valid responses than the largest ``min_responses`` of those surveys, refused
    unless ``without_rate``: then the survey closes and the rate is left as it was.
    """
    _office_only(by)
    locked = _lock(survey)
    if locked.status != SurveyStatus.OPEN:
        raise ValidationError(_("Only an open survey can be closed."), code="not_open")
    year_check(locked.year, Action.RUN_EVALUATIONS, by=by)
    # The pair's rate row first: two surveys of one unit and indicator close one by one.
    list(
        Indicator.objects.select_for_update(no_key=True)
        .filter(pk=locked.indicator_id)
        .values_list("pk")
    )
    pool = pool_for(locked)
    if not pool.enough and not without_rate:
        raise ValidationError(too_few_message(pool), code="too_few")
    update_fields = ["status", "closed_at", "closed_by"]
    if pool.enough:
        year_check(locked.year, Action.ENTER_ASSESSMENTS, by=by)
        exact_rate = pool.tally.rate
        assert exact_rate is not None  # enough responses: at least one
        rate = rate_decimal(exact_rate)
        _write_rate(locked, rate, by)
        locked.rate = rate
        locked.details = {
            "responses": pool.tally.responses,
            "needed": pool.needed,
            "total": decimal_text(pool.tally.total),
            "rate": str(rate),
            "surveys": [
                {"id": s.pk, "name": s.name, "responses": pool.counts[s.pk]} for s in pool.surveys
            ],
        }
        update_fields += ["rate", "details"]
    else:
        locked.details = {
            "responses": pool.tally.responses,
            "needed": pool.needed,
            "rate": None,
            "surveys": [
                {"id": s.pk, "name": s.name, "responses": pool.counts[s.pk]} for s in pool.surveys
            ],
        }
        update_fields.append("details")
    locked.status = SurveyStatus.CLOSED
    locked.closed_at = timezone.now()
    locked.closed_by = account(by)
    reason = "" if pool.enough else _("closed without a rate: too few valid responses")
    record_rules.save(locked, by, reason, update_fields=update_fields)
    _sync(survey, locked, [*update_fields, "closed_by_id"])
    return locked


def _write_rate(survey: Survey, rate: Decimal, by: User) -> SurveyRate:
    reason = (_("from the survey “%(title)s”") % {"title": survey.title})[:100]
    row = (
        SurveyRate.objects.select_for_update()
        .filter(indicator_id=survey.indicator_id, unit_id=survey.unit_id)
        .first()
    )
    if row is None:
        row = SurveyRate(indicator=survey.indicator, unit=survey.unit, rate=rate, survey=survey)
        row.full_clean()
        record_rules.save(row, by, reason)
        return row
    row.rate, row.survey = rate, survey
    row.full_clean(validate_unique=False, validate_constraints=False)
    record_rules.save(row, by, reason, update_fields=["rate", "survey"])
    return row


# --- codes ------------------------------------------------------------------------------------


@transaction.atomic
def codes_make(
    *, survey: Survey, size: int, by: User, void_earlier: bool = False
) -> tuple[SurveyCodeBatch, list[tuple[int, str]]]:
    """A new batch of ``size`` one-time codes: returns it and the codes with their slip numbers
    (the only time the codes exist in clear). ``void_earlier``: the unused codes of the
    survey's earlier batches stop working."""
    _office_only(by)
    locked = _lock(survey)
    year_check(locked.year, Action.RUN_EVALUATIONS, by=by)
    if not locked.uses_codes:
        raise ValidationError(_("This survey is answered with its link, not with codes."))
    if locked.status == SurveyStatus.CLOSED:
        raise ValidationError(_("This survey is closed."), code="closed")
    if not 1 <= size <= MAX_BATCH:
        raise ValidationError(
            {"size": _("Make between 1 and %(max)s codes at a time.") % {"max": MAX_BATCH}}
        )
    now = timezone.now()
    if void_earlier:
        for batch in locked.batches.filter(voided_at__isnull=True):
            batch.voided_at, batch.voided_by = now, account(by)
            record_rules.save(
                batch, by, _("voided: a new batch was made"), ["voided_at", "voided_by"]
            )
    batch = SurveyCodeBatch(survey=locked, size=size, created_by=account(by))
    record_rules.save(batch, by)
    start = (
        SurveyCode.objects.filter(batch__survey=locked).aggregate(top=models.Max("serial"))["top"]
        or 0
    )
    codes = [(start + n, make_code()) for n in range(1, size + 1)]
    SurveyCode.objects.bulk_create(
        SurveyCode(batch=batch, serial=serial, digest=code_digest(code, purpose=CODE_PURPOSE))
        for serial, code in codes
    )
    return batch, codes
