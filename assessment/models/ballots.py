"""Democratic evaluation rounds (民主测评): rater groups, one-time codes, anonymous ballots.

A round belongs to a year. The office chooses its subjects (leadership teams and cadres), its
rater groups with their weights and minimum numbers of valid ballots, its questions, the points
of each mark and its rules (at most N "excellent" marks per question on a ballot, a written
reason for an extreme mark). Raters vote with one-time codes printed on slips: a code is stored
only as a keyed digest, it votes once, and the ballot keeps no link to it (ballots have random
keys and no time of day). Cast ballots are never changed: the models refuse it, and so does the
database (migration 0010).

Closing a round tallies it (``assessment.scoring.ballots``): each subject's score, weighted by
rater group and normalised to 0–100, with the calculation, is stored as a ``RoundResult`` and
becomes the team's or cadre's evaluation for the year in place of an imported value.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise
from simple_history.models import HistoricalRecords

from assessment.models.codes import CodeBatchBase, OneTimeCodeBase
from assessment.models.written_once import WrittenOnce
from assessment.models.years import AssessmentYear
from units.models import Cadre, Unit


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("being prepared")
    OPEN = "open", _("open for voting")
    CLOSED = "closed", _("closed")


class Mark(models.TextChoices):
    EXCELLENT = "excellent", _("excellent")
    GOOD = "good", _("good")
    AVERAGE = "average", _("average")
    POOR = "poor", _("poor")


def mark_points_field(
    verbose_name: StrOrPromise, default: int
) -> models.DecimalField[Decimal, Decimal]:
    return models.DecimalField(
        verbose_name,
        max_digits=5,
        decimal_places=2,
        default=Decimal(default),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )


class EvaluationRound(models.Model):
    """One democratic evaluation of teams and cadres for a year."""

    year = models.ForeignKey(
        AssessmentYear,
        on_delete=models.PROTECT,
        related_name="evaluation_rounds",
        verbose_name=_("year"),
    )
    name = models.CharField(_("name"), max_length=100)
    status = models.CharField(
        _("status"), max_length=16, choices=RoundStatus.choices, default=RoundStatus.DRAFT
    )
    closes_on = models.DateField(
        _("voting closes on"), help_text=_("Codes vote until the end of this day.")
    )
    excellent_limit = models.PositiveSmallIntegerField(
        _("most “excellent” marks per question on one ballot"),
        null=True,
        blank=True,
        help_text=_("Empty: no limit."),
    )
    reason_for_excellent = models.BooleanField(
        _("an “excellent” mark needs a written reason"), default=False
    )
    reason_for_poor = models.BooleanField(_("a “poor” mark needs a written reason"), default=True)
    points_excellent = mark_points_field(_("points for “excellent”"), 100)
    points_good = mark_points_field(_("points for “good”"), 80)
    points_average = mark_points_field(_("points for “average”"), 60)
    points_poor = mark_points_field(_("points for “poor”"), 0)
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

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year__year", "name"]
        verbose_name = _("evaluation round")
        verbose_name_plural = _("evaluation rounds")
        constraints = [
            models.UniqueConstraint(fields=["year", "name"], name="round_unique_name"),
            models.CheckConstraint(
                condition=models.Q(points_excellent__gte=models.F("points_good"))
                & models.Q(points_good__gte=models.F("points_average"))
                & models.Q(points_average__gte=models.F("points_poor"))
                & models.Q(points_excellent__gt=0),
                name="round_points_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year.year} · {self.name}"

    def mark_points(self) -> dict[str, Decimal]:
        return {
            Mark.EXCELLENT: self.points_excellent,
            Mark.GOOD: self.points_good,
            Mark.AVERAGE: self.points_average,
            Mark.POOR: self.points_poor,
        }

    def needs_reason(self, mark: str) -> bool:
        return (mark == Mark.EXCELLENT and self.reason_for_excellent) or (
            mark == Mark.POOR and self.reason_for_poor
        )


class RaterGroup(models.Model):
    """A group of raters (测评主体) with its weight, e.g. district leaders or a unit's staff."""

    round = models.ForeignKey(
        EvaluationRound, on_delete=models.CASCADE, related_name="groups", verbose_name=_("round")
    )
    name = models.CharField(_("name"), max_length=50)
    weight = models.DecimalField(
        _("weight"),
        max_digits=7,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0.0001"))],
    )
    min_ballots = models.PositiveSmallIntegerField(
        _("minimum valid ballots"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Below this number of valid ballots the group cannot score a team or cadre; "
            "for a group of a unit's own staff, counted per unit."
        ),
    )
    own_unit = models.BooleanField(
        _("raters of the unit itself"),
        default=False,
        help_text=_(
            "Each code of the group belongs to one unit and its ballot covers that unit's "
            "team and cadres only (e.g. the unit's own staff)."
        ),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "position", "pk"]
        verbose_name = _("rater group")
        verbose_name_plural = _("rater groups")
        constraints = [
            models.UniqueConstraint(fields=["round", "name"], name="rater_group_unique_name"),
            models.CheckConstraint(condition=models.Q(weight__gt=0), name="rater_group_weight"),
        ]

    def __str__(self) -> str:
        return self.name


class Question(models.Model):
    """A question of the ballot (测评内容), answered with a mark for every subject."""

    round = models.ForeignKey(
        EvaluationRound,
        on_delete=models.CASCADE,
        related_name="questions",
        verbose_name=_("round"),
    )
    text = models.CharField(_("question"), max_length=200)
    weight = models.DecimalField(
        _("weight"),
        max_digits=7,
        decimal_places=4,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal("0.0001"))],
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "position", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.UniqueConstraint(fields=["round", "text"], name="question_unique_text"),
            models.CheckConstraint(condition=models.Q(weight__gt=0), name="question_weight"),
        ]

    def __str__(self) -> str:
        return self.text


class RoundSubject(models.Model):
    """Who is evaluated: a unit's leadership team (no cadre) or one of its cadres."""

    round = models.ForeignKey(
        EvaluationRound,
        on_delete=models.CASCADE,
        related_name="subjects",
        verbose_name=_("round"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    cadre = models.ForeignKey(
        Cadre,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cadre"),
    )

    history = HistoricalRecords()

    class Meta:
        # the team first, then principals before deputies (spec order of a unit's cadres)
        ordering = [
            "round",
            "unit__code",
            models.F("cadre__rank_kind").desc(nulls_first=True),
            "cadre__name",
        ]
        verbose_name = _("evaluated team or cadre")
        verbose_name_plural = _("evaluated teams and cadres")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "unit"],
                condition=models.Q(cadre__isnull=True),
                name="subject_unique_team",
            ),
            models.UniqueConstraint(
                fields=["round", "cadre"],
                condition=models.Q(cadre__isnull=False),
                name="subject_unique_cadre",
            ),
        ]

    def __str__(self) -> str:
        if self.cadre is None:  # no query: a null key is None without one
            return str(_("%(unit)s leadership team") % {"unit": self.unit.name})
        return f"{self.unit.name} · {self.cadre.name}"

    @property
    def is_team(self) -> bool:
        return self.cadre_id is None


class CodeBatch(CodeBatchBase):
    """Codes made at one time for one rater group (and, for a unit's own staff, one unit).

    The codes themselves exist only on the printed slips; a lost or compromised batch is voided:
    its unused codes stop working.
    """

    round = models.ForeignKey(
        EvaluationRound,
        on_delete=models.PROTECT,
        related_name="batches",
        verbose_name=_("round"),
    )
    group = models.ForeignKey(
        RaterGroup, on_delete=models.PROTECT, related_name="batches", verbose_name=_("rater group")
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit"),
    )
    void_reason = models.CharField(_("reason for voiding"), max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "pk"]
        verbose_name = _("batch of codes")
        verbose_name_plural = _("batches of codes")

    def __str__(self) -> str:
        return f"{self.round} · {self.group} · {self.size}"


class BallotCode(OneTimeCodeBase):
    """One one-time code, kept only as its keyed digest; ``used_on`` is set when it votes."""

    batch = models.ForeignKey(
        CodeBatch, on_delete=models.PROTECT, related_name="codes", verbose_name=_("batch")
    )

    class Meta:
        ordering = ["batch", "serial"]
        verbose_name = _("ballot code")
        verbose_name_plural = _("ballot codes")


class CastBallotRecord(WrittenOnce):
    refused_change = _("A cast ballot cannot be changed.")
    refused_delete = _("A cast ballot cannot be deleted.")

    class Meta:
        abstract = True


class Ballot(CastBallotRecord):
    """A cast ballot: its group (and unit, for a unit's own staff), never the code or the person.

    The key is random and only the day is kept, so neither the order nor the time of voting
    ties a ballot to a code.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(
        EvaluationRound, on_delete=models.PROTECT, related_name="ballots", verbose_name=_("round")
    )
    group = models.ForeignKey(
        RaterGroup, on_delete=models.PROTECT, related_name="ballots", verbose_name=_("rater group")
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit"),
    )
    cast_on = models.DateField(_("cast on"))

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")

    def __str__(self) -> str:
        return f"{self.round} · {self.group_id} · {self.cast_on}"


class BallotMark(CastBallotRecord):
    """The mark a ballot gives one subject on one question, with the reason when required."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(
        Ballot, on_delete=models.PROTECT, related_name="marks", verbose_name=_("ballot")
    )
    subject = models.ForeignKey(
        RoundSubject, on_delete=models.PROTECT, related_name="marks", verbose_name=_("subject")
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="marks", verbose_name=_("question")
    )
    mark = models.CharField(_("mark"), max_length=16, choices=Mark.choices)
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("mark")
        verbose_name_plural = _("marks")
        constraints = [
            models.UniqueConstraint(
                fields=["ballot", "subject", "question"], name="mark_unique_answer"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject_id} · {self.question_id} · {self.mark}"


class RoundResult(models.Model):
    """A subject's tally when its round closed: the score (or why there is none) and how."""

    round = models.ForeignKey(
        EvaluationRound, on_delete=models.PROTECT, related_name="results", verbose_name=_("round")
    )
    subject = models.OneToOneField(
        RoundSubject, on_delete=models.PROTECT, related_name="result", verbose_name=_("subject")
    )
    score = models.DecimalField(
        _("evaluation score"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    details = models.JSONField(_("calculation"), default=dict)

    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "subject"]
        verbose_name = _("evaluation result")
        verbose_name_plural = _("evaluation results")

    def __str__(self) -> str:
        return f"{self.subject} · {self.score}"
