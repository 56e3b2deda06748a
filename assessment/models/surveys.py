"""Satisfaction surveys (群众满意度): a public page per unit or service whose valid answers give
the unit's rate on a `survey` indicator.

The office prepares a survey for one unit and one `survey` indicator of the unit's scheme (for
one of the unit's services, if it names one), with its questions and the value of each choice
(满意 1, 基本满意 0.6, 不满意 0 by default). Opened, it answers at ``/survey/<token>/`` with no
login: to anyone with the link (a poster with its QR code), or only with a one-time code printed
on a slip (stored as a keyed digest, like ballot codes). A response keeps the day, never the
time, and no address: only a keyed fingerprint of the client, to mark repeats. Responses and
their answers are never changed: the models refuse it, and so does the database (migration
0011).

Closing a survey computes the rate of its unit on its indicator over the valid responses of
every closed survey of that unit and indicator (``assessment.scoring.surveys``) and writes it
as the unit's ``SurveyRate``, in place of an imported value.
"""

from __future__ import annotations

import secrets
import uuid
from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise
from simple_history.models import HistoricalRecords

from assessment.models.codes import CodeBatchBase, OneTimeCodeBase
from assessment.models.written_once import WrittenOnce, WrittenOnceQuerySet
from assessment.models.years import AssessmentYear, Indicator
from units.models import Unit


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("being prepared")
    OPEN = "open", _("open for answers")
    CLOSED = "closed", _("closed")


class SurveyAccess(models.TextChoices):
    LINK = "link", _("anyone with the link or QR code")
    CODES = "codes", _("one-time codes printed on slips")


class SurveyChoice(models.TextChoices):
    SATISFIED = "satisfied", _("satisfied")
    FAIR = "fair", _("fairly satisfied")
    DISSATISFIED = "dissatisfied", _("dissatisfied")


class InvalidReason(models.TextChoices):
    """Why a stored response does not count (it is kept, to be seen and counted)."""

    REPEAT = "repeat", _("the same device and network had already answered")
    TOO_FAST = "too_fast", _("sent back too quickly after the page was shown")
    HONEYPOT = "honeypot", _("a hidden field was filled in (an automated sender)")
    NO_STAMP = "no_stamp", _("the page's stamp was missing or altered")
    REPLAYED = "replayed", _("the page's stamp had already been used for an answer")
    HELD = "held", _("held for review: more answers within the hour than plausible")


def new_token() -> str:
    return secrets.token_urlsafe(16)


def choice_value_field(
    verbose_name: StrOrPromise, default: str
) -> models.DecimalField[Decimal, Decimal]:
    return models.DecimalField(
        verbose_name,
        max_digits=5,
        decimal_places=4,
        default=Decimal(default),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
    )


class SurveyQuerySet(models.QuerySet["Survey"]):
    def of_pair(self, *, indicator_id: int, unit_id: int) -> SurveyQuerySet:
        """The surveys whose responses make one unit's rate on one indicator together."""
        return self.filter(indicator_id=indicator_id, unit_id=unit_id)


class Survey(models.Model):
    """One satisfaction survey of a unit (or one of its services) for a `survey` indicator."""

    year = models.ForeignKey(
        AssessmentYear, on_delete=models.PROTECT, related_name="surveys", verbose_name=_("year")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="surveys", verbose_name=_("indicator")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="surveys", verbose_name=_("unit")
    )
    title = models.CharField(_("title"), max_length=200)
    service = models.CharField(
        _("service"),
        max_length=100,
        blank=True,
        help_text=_(
            "Optional: one service of the unit (e.g. its service hall). Several surveys may feed "
            "the same unit and indicator: the rate is then over all their valid responses."
        ),
    )
    intro = models.TextField(
        _("introduction"),
        blank=True,
        max_length=1000,
        help_text=_("Shown to respondents above the questions."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT
    )
    access = models.CharField(
        _("who may answer"), max_length=16, choices=SurveyAccess.choices, default=SurveyAccess.LINK
    )
    token = models.CharField(
        _("public link key"), max_length=43, unique=True, default=new_token, editable=False
    )
    opens_on = models.DateField(
        _("answers open on"), null=True, blank=True, help_text=_("Empty: as soon as it is opened.")
    )
    closes_on = models.DateField(
        _("answers close after"),
        null=True,
        blank=True,
        help_text=_("Answers are taken until the end of this day. Empty: until it is closed."),
    )
    min_responses = models.PositiveSmallIntegerField(
        _("valid responses needed for a rate"),
        default=30,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Counted over every survey of the same unit and indicator. Below it, closing gives "
            "no rate unless confirmed."
        ),
    )
    value_satisfied = choice_value_field(_("value of “satisfied”"), "1")
    value_fair = choice_value_field(_("value of “fairly satisfied”"), "0.6")
    value_dissatisfied = choice_value_field(_("value of “dissatisfied”"), "0")
    rate = models.DecimalField(
        _("rate written when closed"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    details = models.JSONField(_("calculation"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )

    objects = SurveyQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year__year", "unit__code", "title", "pk"]
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(value_satisfied__gte=models.F("value_fair"))
                & models.Q(value_fair__gte=models.F("value_dissatisfied"))
                & models.Q(value_satisfied__gt=models.F("value_dissatisfied")),
                name="survey_values_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(opens_on__isnull=True)
                | models.Q(closes_on__isnull=True)
                | models.Q(closes_on__gte=models.F("opens_on")),
                name="survey_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year_id and self.year.year} · {self.title}"

    def clean(self) -> None:
        errors: dict[str, list] = {}
        top, fair, bottom = self.value_satisfied, self.value_fair, self.value_dissatisfied
        if None not in (top, fair, bottom) and not (top >= fair >= bottom and top > bottom):
            errors["value_fair"] = [
                _(
                    "The values must go down from “satisfied” to “dissatisfied”, and "
                    "“satisfied” must be worth more than “dissatisfied”."
                )
            ]
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            errors["closes_on"] = [_("The answers cannot close before they open.")]
        if errors:
            raise ValidationError(errors)

    def choice_values(self) -> dict[str, Decimal]:
        return {
            SurveyChoice.SATISFIED: self.value_satisfied,
            SurveyChoice.FAIR: self.value_fair,
            SurveyChoice.DISSATISFIED: self.value_dissatisfied,
        }

    @property
    def uses_codes(self) -> bool:
        return self.access == SurveyAccess.CODES

    @property
    def name(self) -> str:
        """The title, with the service if it names one (for lists and explanations)."""
        return f"{self.title}（{self.service}）" if self.service else self.title


class SurveyQuestion(models.Model):
    """A question of a survey, answered with one of the three choices."""

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="questions", verbose_name=_("survey")
    )
    text = models.CharField(_("question"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["survey", "position", "pk"]
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")
        constraints = [
            models.UniqueConstraint(fields=["survey", "text"], name="survey_question_unique_text"),
        ]

    def __str__(self) -> str:
        return self.text


class SurveyCodeBatch(CodeBatchBase):
    """Codes made at one time for a survey; they exist only on the slips printed then.

    A lost batch is voided: its unused codes stop working.
    """

    survey = models.ForeignKey(
        Survey, on_delete=models.PROTECT, related_name="batches", verbose_name=_("survey")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["survey", "pk"]
        verbose_name = _("batch of survey codes")
        verbose_name_plural = _("batches of survey codes")

    def __str__(self) -> str:
        return f"{self.survey} · {self.size}"


class SurveyCode(OneTimeCodeBase):
    """One one-time code, kept only as its keyed digest; ``used_on`` is set when it answers."""

    batch = models.ForeignKey(
        SurveyCodeBatch, on_delete=models.PROTECT, related_name="codes", verbose_name=_("batch")
    )

    class Meta:
        ordering = ["batch", "serial"]
        verbose_name = _("survey code")
        verbose_name_plural = _("survey codes")


class SubmittedQuerySet(WrittenOnceQuerySet):
    def valid(self) -> SubmittedQuerySet:
        return self.filter(is_valid=True)


SubmittedManager = models.Manager.from_queryset(SubmittedQuerySet)  # the manager's type


class Submitted(WrittenOnce):
    refused_change = _("A survey response cannot be changed.")
    refused_delete = _("A survey response cannot be deleted.")

    objects: ClassVar[SubmittedManager[Submitted]] = SubmittedQuerySet.as_manager()

    class Meta:
        abstract = True


class SurveyResponse(Submitted):
    """One respondent's answers: the day, whether it counts and why not; nobody's identity.

    ``fingerprint`` is an HMAC, under the site's secret key and the survey, of the client's
    address and browser: it tells a repeat from the same device and network, and nothing
    else (no address is stored). The key is random and the time of day is not kept, so the
    order of responses does not tie one to a code or a person either.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(
        Survey, on_delete=models.PROTECT, related_name="responses", verbose_name=_("survey")
    )
    submitted_on = models.DateField(_("submitted on"))
    is_valid = models.BooleanField(_("counts"), default=True)
    invalid_reason = models.CharField(
        _("why it does not count"), max_length=16, choices=InvalidReason.choices, blank=True
    )
    fingerprint = models.CharField(_("client fingerprint"), max_length=64, db_index=True)
    # A keyed digest of the page's stamp, on the one response that used it: a page load is
    # good for one answer. Blank on responses whose stamp was missing or used before.
    stamp_digest = models.CharField(_("stamp digest"), max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "stamp_digest"],
                condition=~models.Q(stamp_digest=""),
                name="survey_stamp_used_once",
            ),
            models.CheckConstraint(
                condition=models.Q(is_valid=True, invalid_reason="")
                | (models.Q(is_valid=False) & ~models.Q(invalid_reason="")),
                name="survey_response_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id} · {self.submitted_on}"


class SurveyAnswer(Submitted):
    """The choice a response gives one question."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(
        SurveyResponse, on_delete=models.PROTECT, related_name="answers", verbose_name=_("response")
    )
    question = models.ForeignKey(
        SurveyQuestion, on_delete=models.PROTECT, related_name="answers", verbose_name=_("question")
    )
    choice = models.CharField(_("choice"), max_length=16, choices=SurveyChoice.choices)

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="survey_answer_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.question_id} · {self.choice}"
