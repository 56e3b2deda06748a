"""The assessments entered by lead departments and the office: city ranks, grades, surveys,
and the democratic evaluations of leadership teams and cadres."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from assessment.models.years import (
    AssessmentYear,
    GradeChoices,
    Indicator,
    score_field,
)
from units.models import Cadre, Unit


class CityRank(models.Model):
    """The unit's rank in the whole city for a `city_rank` indicator (全市排名)."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="city_ranks", verbose_name=_("indicator")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="city_ranks", verbose_name=_("unit")
    )
    rank = models.PositiveIntegerField(_("rank"), validators=[MinValueValidator(1)])
    total = models.PositiveIntegerField(_("number ranked"), validators=[MinValueValidator(1)])

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("city rank")
        verbose_name_plural = _("city ranks")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "unit"], name="city_rank_unique_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.unit.code} · {self.indicator.code} · {self.rank}/{self.total}"


class Grade(models.Model):
    """A qualitative grade given by the assessing department (定性评价)."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="grades", verbose_name=_("indicator")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="grades", verbose_name=_("unit")
    )
    grade = models.CharField(_("grade"), max_length=1, choices=GradeChoices.choices)
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("grade")
        verbose_name_plural = _("grades")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "unit"], name="grade_unique_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.unit.code} · {self.indicator.code} · {self.grade}"


class SurveyRate(models.Model):
    """A satisfaction or democratic-evaluation rate (满意度/测评), as imported.

    Stored as given: a rate in [0, 1], or a percentage above 1 and at most 100 (the engine
    reads both, spec "Methods", `survey`).
    """

    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.PROTECT,
        related_name="survey_rates",
        verbose_name=_("indicator"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="survey_rates", verbose_name=_("unit")
    )
    rate = models.DecimalField(
        _("rate"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        max_digits=9,
        decimal_places=6,
    )
    survey = models.ForeignKey(
        "assessment.Survey",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rates",
        verbose_name=_("from the survey"),
        help_text=_("Empty: imported or typed in."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("survey rate")
        verbose_name_plural = _("survey rates")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "unit"], name="survey_unique_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.unit.code} · {self.indicator.code} · {self.rate}"


class TeamEvaluation(models.Model):
    """The democratic evaluation score (0–100) of a unit's leadership team (领导班子测评)."""

    year = models.ForeignKey(
        AssessmentYear,
        on_delete=models.PROTECT,
        related_name="team_evaluations",
        verbose_name=_("year"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="team_evaluations", verbose_name=_("unit")
    )
    score = score_field(_("evaluation score"), 0)
    round = models.ForeignKey(
        "assessment.EvaluationRound",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="team_evaluations",
        verbose_name=_("from the evaluation round"),
        help_text=_("Empty: imported or typed in."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("team evaluation")
        verbose_name_plural = _("team evaluations")
        constraints = [
            models.UniqueConstraint(fields=["year", "unit"], name="team_evaluation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.year.year} · {self.unit.code} · {self.score}"


class CadreEvaluation(models.Model):
    """A leading cadre's personal evaluation score (0–100) for the year (干部测评)."""

    year = models.ForeignKey(
        AssessmentYear,
        on_delete=models.PROTECT,
        related_name="cadre_evaluations",
        verbose_name=_("year"),
    )
    cadre = models.ForeignKey(
        Cadre, on_delete=models.PROTECT, related_name="evaluations", verbose_name=_("cadre")
    )
    score = score_field(_("evaluation score"), 0)
    round = models.ForeignKey(
        "assessment.EvaluationRound",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cadre_evaluations",
        verbose_name=_("from the evaluation round"),
        help_text=_("Empty: imported or typed in."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cadre evaluation")
        verbose_name_plural = _("cadre evaluations")
        constraints = [
            models.UniqueConstraint(fields=["year", "cadre"], name="cadre_evaluation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.year.year} · {self.cadre.name} · {self.score}"
