"""Assessment years, their parameters, indicator schemes and targets; the shared choices."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, ClassVar, TypedDict

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise
from simple_history.models import HistoricalRecords

from assessment.scoring import REGULAR_METHODS, Aggregation, Method, Params, Tier
from units.models import Cadre, Unit, UnitCategory, code_validator


class DecimalSize(TypedDict):
    max_digits: int
    decimal_places: int


# Scores: 2 places, as the spec rounds them.
SCORE: DecimalSize = {"max_digits": 7, "decimal_places": 2}
# Recorded values, targets, bases.
AMOUNT: DecimalSize = {"max_digits": 20, "decimal_places": 6}
# Quotas, weights, factors, coefficients.
RATIO: DecimalSize = {"max_digits": 6, "decimal_places": 4}


class YearStatus(models.TextChoices):
    SETUP = "setup", _("setting up")
    COLLECTING = "collecting", _("collecting evidence")
    SCORING = "scoring", _("scoring")
    PUBLICITY = "publicity", _("publicity")
    PUBLISHED = "published", _("published")
    # A formal review (复核) of published results: amended, recomputed, published anew.
    REVIEW = "review", _("under review (复核)")
    ARCHIVED = "archived", _("archived")


def choice_label(choices: type[models.TextChoices], value: str) -> str:
    """What ``get_…_display()`` says of ``value``, read from its choices: Django's builds a
    dictionary of every choice on each call and translates every label to hash it (a unit's
    timeline of 20 records: 60 translations). A value outside the choices is shown as it is."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


class MethodChoices(models.TextChoices):
    COMPLETION = Method.COMPLETION.value, _("completion rate (完成率)")
    CEILING = Method.CEILING.value, _("kept under a ceiling (控制类)")
    INCREMENT = Method.INCREMENT.value, _("total and increment (增量)")
    BASE_RATIO = Method.BASE_RATIO.value, _("ratio to the original base (基数比例)")
    CITY_RANK = Method.CITY_RANK.value, _("city ranking (全市排名)")
    GRADED = Method.GRADED.value, _("qualitative grade (定性评价)")
    SURVEY = Method.SURVEY.value, _("survey rate (测评)")
    BONUS = Method.BONUS.value, _("bonus item (加分)")
    DEDUCTION = Method.DEDUCTION.value, _("deduction item (扣分)")
    VETO = Method.VETO.value, _("one-vote veto (一票否决)")
    DISQUALIFY = Method.DISQUALIFY.value, _("disqualification from excellent (取消评优)")


class AggregationChoices(models.TextChoices):
    SUM = Aggregation.SUM.value, _("sum of the records (累计求和)")
    LATEST = Aggregation.LATEST.value, _("latest record (取最新值)")


class TierChoices(models.TextChoices):
    EXCELLENT = Tier.EXCELLENT.value, _("excellent")
    GOOD = Tier.GOOD.value, _("good")
    AVERAGE = Tier.AVERAGE.value, _("average")
    POOR = Tier.POOR.value, _("poor")


class GradeChoices(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"
    D = "D", "D"


def ratio_field(
    verbose_name: StrOrPromise, default: str, **kwargs: Any
) -> models.DecimalField[Decimal, Decimal]:
    return models.DecimalField(
        verbose_name,
        default=Decimal(default),
        validators=[MinValueValidator(Decimal(0))],
        **RATIO,
        **kwargs,
    )


def score_field(verbose_name: StrOrPromise, default: int) -> models.DecimalField[Decimal, Decimal]:
    return models.DecimalField(
        verbose_name,
        default=Decimal(default),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        **SCORE,
    )


class AssessmentYear(models.Model):
    """An assessment year (考核年度) with its parameters; every default is the spec's."""

    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    status = models.CharField(
        _("status"), max_length=16, choices=YearStatus.choices, default=YearStatus.SETUP
    )
    excellent_threshold = score_field(_("excellent from"), 90)
    good_threshold = score_field(_("good from"), 80)
    average_threshold = score_field(_("average from"), 60)
    excellent_quota = ratio_field(_("excellent quota for units"), "0.30")
    team_excellent_quota = ratio_field(_("excellent quota for teams"), "0.30")
    cadre_excellent_quota = ratio_field(_("excellent quota for cadres"), "0.20")
    grade_a = ratio_field(_("factor of grade A"), "1.00")
    grade_b = ratio_field(_("factor of grade B"), "0.85")
    grade_c = ratio_field(_("factor of grade C"), "0.70")
    grade_d = ratio_field(_("factor of grade D"), "0.50")
    team_unit_weight = ratio_field(_("team: weight of the unit total"), "0.7")
    team_evaluation_weight = ratio_field(_("team: weight of the evaluation"), "0.3")
    cadre_unit_weight = ratio_field(_("cadre: weight of the unit total"), "0.6")
    cadre_evaluation_weight = ratio_field(_("cadre: weight of the evaluation"), "0.4")
    contribution_cap = ratio_field(_("cap of key-project contribution points"), "5")
    coefficient_excellent = ratio_field(_("bonus coefficient, excellent"), "1.2")
    coefficient_good = ratio_field(_("bonus coefficient, good"), "1.0")
    coefficient_average = ratio_field(_("bonus coefficient, average"), "0.8")
    coefficient_poor = ratio_field(_("bonus coefficient, poor"), "0")
    bonus_pool = models.PositiveBigIntegerField(_("bonus pool (yuan)"), null=True, blank=True)
    reporting_period_days = models.PositiveSmallIntegerField(
        _("reporting period (days)"),
        default=31,
        help_text=_("An indicator without a record for longer than this is overdue."),
    )
    publicity_ends_on = models.DateField(_("publicity ends on"), null=True, blank=True)
    # 一数一源: a unit's own figure further than this share from its data source's is listed
    source_tolerance = models.DecimalField(
        _("tolerance against the data source"),
        default=Decimal("0.05"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
        help_text=_(
            "A unit's own figure further than this share (0.05 = 5 %) from the figure of the "
            "indicator's data source unit is listed for the assessment office."
        ),
        **RATIO,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # Added after years were sealed into the audit chain (``units.audit``).
    audit_added_columns: ClassVar[dict[str, object]] = {"source_tolerance": Decimal("0.05")}

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("assessment year")
        verbose_name_plural = _("assessment years")
        permissions = [
            ("compute_results", _("Can compute results")),
            ("publish_results", _("Can move a year through its states and publish it")),
        ]

    def __str__(self) -> str:
        return str(_("%(year)s assessment") % {"year": self.year})

    @property
    def publicity_ends(self) -> datetime.date | None:
        """The last day of the publicity period (公示), as set when it opened."""
        return self.publicity_ends_on

    def scoring_params(self) -> Params:
        """The year's parameters as the scoring engine's ``Params``."""
        return Params(
            excellent_threshold=self.excellent_threshold,
            good_threshold=self.good_threshold,
            average_threshold=self.average_threshold,
            excellent_quota=self.excellent_quota,
            team_excellent_quota=self.team_excellent_quota,
            cadre_excellent_quota=self.cadre_excellent_quota,
            grade_factors={
                "A": self.grade_a,
                "B": self.grade_b,
                "C": self.grade_c,
                "D": self.grade_d,
            },
            team_unit_weight=self.team_unit_weight,
            team_evaluation_weight=self.team_evaluation_weight,
            cadre_unit_weight=self.cadre_unit_weight,
            cadre_evaluation_weight=self.cadre_evaluation_weight,
            contribution_cap=self.contribution_cap,
            tier_coefficients={
                "excellent": self.coefficient_excellent,
                "good": self.coefficient_good,
                "average": self.coefficient_average,
                "poor": self.coefficient_poor,
            },
        )


class Indicator(models.Model):
    """One indicator of a category's scheme for a year (指标)."""

    year = models.ForeignKey(
        AssessmentYear, on_delete=models.PROTECT, related_name="indicators", verbose_name=_("year")
    )
    category = models.ForeignKey(
        UnitCategory,
        on_delete=models.PROTECT,
        related_name="indicators",
        verbose_name=_("unit category"),
    )
    code = models.CharField(_("indicator code"), max_length=32, validators=[code_validator])
    name = models.CharField(_("indicator name"), max_length=100)
    group = models.CharField(_("indicator group"), max_length=50, blank=True)
    points = models.DecimalField(
        _("points"), validators=[MinValueValidator(Decimal(0))], max_digits=7, decimal_places=2
    )
    method = models.CharField(_("scoring method"), max_length=16, choices=MethodChoices.choices)
    aggregation = models.CharField(
        _("aggregation"),
        max_length=8,
        choices=AggregationChoices.choices,
        default=AggregationChoices.SUM,
    )
    cap = models.DecimalField(
        _("cap"),
        default=Decimal(1),
        validators=[MinValueValidator(Decimal(1))],
        max_digits=6,
        decimal_places=4,
    )
    total_share = models.DecimalField(
        _("share of the total"),
        default=Decimal("0.5"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
        max_digits=5,
        decimal_places=4,
    )
    step = models.DecimalField(
        _("rank step"),
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.0001"))],
        max_digits=9,
        decimal_places=4,
    )
    lead_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_indicators",
        verbose_name=_("lead department"),
    )
    # 一数一源: the unit whose figures are authoritative for every unit (e.g. 区统计局 for
    # GDP); units then do not record the indicator, the source does, once for all of them.
    source_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sourced_indicators",
        verbose_name=_("data source unit"),
        help_text=_(
            "The unit whose figures count for every unit (一数一源): the units themselves do "
            "not record this indicator. Quantitative methods only."
        ),
    )
    measure = models.CharField(_("unit of measure"), max_length=20, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    # Added after indicators were sealed into the audit chain (``units.audit``).
    audit_added_columns: ClassVar[dict[str, object]] = {"source_unit_id": None}

    history = HistoricalRecords()

    class Meta:
        ordering = ["year", "category__sort_order", "sort_order", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "category", "code"], name="indicator_unique_code"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def method_label(self) -> str:
        """What ``get_method_display()`` says (``choice_label``)."""
        return choice_label(MethodChoices, self.method)

    @property
    def is_regular(self) -> bool:
        return self.method in REGULAR_METHODS

    def clean(self) -> None:
        if self.source_unit_id is not None and (problem := source_unit_problem(self.method)):
            raise ValidationError({"source_unit": problem})


# The methods whose figures a data source unit may provide (一数一源): the quantitative ones
# built from records. Ranks, grades and survey rates are a lead department's; bonus items a
# unit's own claims; failures supervision's.
SOURCED_METHODS = frozenset(
    {Method.COMPLETION, Method.CEILING, Method.INCREMENT, Method.BASE_RATIO}
)


def source_unit_problem(method: str) -> str | None:
    """Why an indicator of ``method`` cannot name a data source unit, or None if it can."""
    if method in SOURCED_METHODS:
        return None
    return str(
        _(
            "Only a quantitative indicator (completion, ceiling, increment, base ratio) can "
            "name a data source unit."
        )
    )


class Target(models.Model):
    """A unit's target (目标值) and base (基数) for one indicator, and who answers for it."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="targets", verbose_name=_("indicator")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="targets", verbose_name=_("unit")
    )
    target = models.DecimalField(_("target"), null=True, blank=True, **AMOUNT)
    base = models.DecimalField(_("base"), null=True, blank=True, **AMOUNT)
    leader = models.ForeignKey(
        Cadre,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="targets",
        verbose_name=_("responsible cadre"),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["unit__code", "indicator__sort_order", "indicator__code"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "unit"], name="target_unique_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.unit.code} · {self.indicator.code}"


class YearUnit(models.Model):
    """A unit as it takes part in one year (参加考核单位): its category and headcount then.

    Kept when the year's results go into the publicity, and used by every computation after
    that (a review's included), so that a unit moving category, changing headcount or closing
    later never changes an earlier year's scores. Before the publicity a year is computed with
    the units taking part now.
    """

    year = models.ForeignKey(
        AssessmentYear, on_delete=models.PROTECT, related_name="roster", verbose_name=_("year")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="years", verbose_name=_("unit")
    )
    category = models.ForeignKey(
        UnitCategory, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit category")
    )
    headcount = models.PositiveIntegerField(_("headcount"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["year", "category__sort_order", "unit__code"]
        verbose_name = _("unit of the year")
        verbose_name_plural = _("units of the year")
        constraints = [
            models.UniqueConstraint(fields=["year", "unit"], name="year_unit_once"),
        ]

    def __str__(self) -> str:
        return f"{self.year_id} · {self.unit_id}"
