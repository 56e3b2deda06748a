"""Assessment years, indicator schemes, targets, evidence, imported inputs and results.

The scoring itself is ``assessment.scoring`` (pure Python); these models hold what it reads and
what it returns. What may change in which state of a year is decided in ``assessment.policy``.
"""

from __future__ import annotations

import re
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from assessment.scoring import Aggregation, Method, Params, Tier
from units.models import Cadre, Unit, UnitCategory, code_validator

SCORE = {"max_digits": 7, "decimal_places": 2}  # scores: 2 places, as the spec rounds them
AMOUNT = {"max_digits": 20, "decimal_places": 6}  # recorded values, targets, bases
RATIO = {"max_digits": 6, "decimal_places": 4}  # quotas, weights, factors, coefficients


class YearStatus(models.TextChoices):
    SETUP = "setup", _("setting up")
    COLLECTING = "collecting", _("collecting evidence")
    SCORING = "scoring", _("scoring")
    PUBLICITY = "publicity", _("publicity")
    PUBLISHED = "published", _("published")
    ARCHIVED = "archived", _("archived")


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


def _ratio_field(verbose_name, default: str, **kwargs) -> models.DecimalField:  # type: ignore[no-untyped-def]
    return models.DecimalField(
        verbose_name,
        default=Decimal(default),
        validators=[MinValueValidator(Decimal(0))],
        **RATIO,
        **kwargs,
    )


def _score_field(verbose_name, default: int) -> models.DecimalField:  # type: ignore[no-untyped-def]
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
    excellent_threshold = _score_field(_("excellent from"), 90)
    good_threshold = _score_field(_("good from"), 80)
    average_threshold = _score_field(_("average from"), 60)
    excellent_quota = _ratio_field(_("excellent quota for units"), "0.30")
    team_excellent_quota = _ratio_field(_("excellent quota for teams"), "0.30")
    cadre_excellent_quota = _ratio_field(_("excellent quota for cadres"), "0.20")
    grade_a = _ratio_field(_("factor of grade A"), "1.00")
    grade_b = _ratio_field(_("factor of grade B"), "0.85")
    grade_c = _ratio_field(_("factor of grade C"), "0.70")
    grade_d = _ratio_field(_("factor of grade D"), "0.50")
    team_unit_weight = _ratio_field(_("team: weight of the unit total"), "0.7")
    team_evaluation_weight = _ratio_field(_("team: weight of the evaluation"), "0.3")
    cadre_unit_weight = _ratio_field(_("cadre: weight of the unit total"), "0.6")
    cadre_evaluation_weight = _ratio_field(_("cadre: weight of the evaluation"), "0.4")
    contribution_cap = _ratio_field(_("cap of key-project contribution points"), "5")
    coefficient_excellent = _ratio_field(_("bonus coefficient, excellent"), "1.2")
    coefficient_good = _ratio_field(_("bonus coefficient, good"), "1.0")
    coefficient_average = _ratio_field(_("bonus coefficient, average"), "0.8")
    coefficient_poor = _ratio_field(_("bonus coefficient, poor"), "0")
    bonus_pool = models.PositiveBigIntegerField(_("bonus pool (yuan)"), null=True, blank=True)
    reporting_period_days = models.PositiveSmallIntegerField(
        _("reporting period (days)"),
        default=31,
        help_text=_("An indicator without a record for longer than this is overdue."),
    )
    publicity_ends_on = models.DateField(_("publicity ends on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

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
    measure = models.CharField(_("unit of measure"), max_length=20, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

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
    def is_regular(self) -> bool:
        return self.method not in (Method.BONUS, Method.DEDUCTION, Method.VETO)


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


class EvidenceStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    VERIFIED = "verified", _("verified")
    REJECTED = "rejected", _("rejected")


# Failures (失误): recorded against a unit by supervision or the office, answered by the unit.
FAILURE_METHODS = frozenset({Method.DEDUCTION, Method.VETO})


class EvidenceQuerySet(models.QuerySet["Evidence"]):
    def counting(self) -> EvidenceQuerySet:
        """The records that count: verified and not superseded by a correction."""
        return self.filter(status=EvidenceStatus.VERIFIED, is_current=True)

    def current(self) -> EvidenceQuerySet:
        """The records not superseded by a correction, whatever their status."""
        return self.filter(is_current=True)

    def awaiting_verification(self) -> EvidenceQuerySet:
        """The records a verifier may still verify or reject: pending and current."""
        return self.filter(status=EvidenceStatus.PENDING, is_current=True)


class Evidence(models.Model):
    """A record of the year (平时记录): an achievement, a failure, a figure reported."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="evidence", verbose_name=_("unit")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="evidence", verbose_name=_("indicator")
    )
    date = models.DateField(_("date"))
    value = models.DecimalField(_("value"), **AMOUNT)
    description = models.CharField(_("description"), max_length=500)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=EvidenceStatus.choices,
        default=EvidenceStatus.PENDING,
    )
    is_current = models.BooleanField(
        _("current"),
        default=True,
        help_text=_("False once a correction has superseded this record."),
    )
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("supersedes"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    status_reason = models.CharField(_("reason"), max_length=500, blank=True)
    is_late = models.BooleanField(
        _("late"),
        default=False,
        help_text=_("Recorded by the assessment office after the collection of evidence closed."),
    )
    late_reason = models.CharField(_("reason for the late record"), max_length=500, blank=True)
    correction_reason = models.CharField(
        _("reason for the correction"),
        max_length=500,
        blank=True,
        help_text=_("Why this record supersedes the earlier one."),
    )

    history = HistoricalRecords()
    objects = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-recorded_at"]
        verbose_name = _("evidence record")
        verbose_name_plural = _("evidence records")
        permissions = [("verify_evidence", _("Can verify evidence"))]
        indexes = [
            models.Index(
                fields=["indicator", "unit", "status", "is_current"], name="evidence_counting"
            ),
            models.Index(fields=["unit", "date"], name="evidence_unit_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_late=False) | ~models.Q(late_reason=""),
                name="evidence_late_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit.code} · {self.indicator.code} · {self.date:%Y-%m-%d}"

    @property
    def is_failure(self) -> bool:
        """A deduction or veto record: a failure recorded against the unit."""
        return self.indicator.method in FAILURE_METHODS


class EvidenceStatement(models.Model):
    """A unit's answer to a failure recorded against it (情况说明); the record stays as it is."""

    evidence = models.ForeignKey(
        Evidence,
        on_delete=models.PROTECT,
        related_name="statements",
        verbose_name=_("evidence record"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    text = models.TextField(_("statement"), max_length=2000)
    stated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("stated by"),
    )
    stated_at = models.DateTimeField(_("stated at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["stated_at", "pk"]
        verbose_name = _("statement")
        verbose_name_plural = _("statements")

    def __str__(self) -> str:
        return f"{self.evidence} · {self.stated_at:%Y-%m-%d %H:%M}"


class Highlight(models.Model):
    """One of a unit's 2–4 highlights of the year (亮点/典型); recognition is bonus evidence."""

    year = models.ForeignKey(
        AssessmentYear, on_delete=models.PROTECT, related_name="highlights", verbose_name=_("year")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="highlights", verbose_name=_("unit")
    )
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("highlight")
        verbose_name_plural = _("highlights")

    def __str__(self) -> str:
        return f"{self.year.year} · {self.unit.code} · {self.title}"


_SAFE_SUFFIX = re.compile(r"^\.[a-z0-9]{1,8}$")


def attachment_path(instance: EvidenceAttachment, filename: str) -> str:
    """``attachments/<yyyy>/<random>.<ext>``: nothing the sender named reaches the disk.

    ``filename`` is the service's ``upload.<ext>``, the extension of the type decided by the
    file's bytes (``assessment.attachments``); the year is the year of the upload.
    """
    suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if not _SAFE_SUFFIX.match(suffix):
        suffix = ""
    return f"attachments/{timezone.localdate():%Y}/{secrets.token_hex(16)}{suffix}"


class EvidenceAttachment(models.Model):
    """A file that documents a record, kept in private storage and served after a check."""

    evidence = models.ForeignKey(
        Evidence,
        on_delete=models.PROTECT,
        related_name="attachments",
        verbose_name=_("evidence record"),
    )
    # Media are never served directly (MEDIA_URL is not routed): only through a view that asks
    # ``assessment.attachments.attachment_get_for_user`` first.
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=100)
    original_name = models.CharField(_("file name"), max_length=150)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


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
    score = _score_field(_("evaluation score"), 0)

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
    score = _score_field(_("evaluation score"), 0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cadre evaluation")
        verbose_name_plural = _("cadre evaluations")
        constraints = [
            models.UniqueConstraint(fields=["year", "cadre"], name="cadre_evaluation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.year.year} · {self.cadre.name} · {self.score}"


class KeyProject(models.Model):
    """A key project (重点项目): one project, one leader, one team."""

    year = models.ForeignKey(
        AssessmentYear, on_delete=models.PROTECT, related_name="projects", verbose_name=_("year")
    )
    name = models.CharField(_("project name"), max_length=200)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="projects", verbose_name=_("responsible unit")
    )
    lead_cadre = models.ForeignKey(
        Cadre, on_delete=models.PROTECT, related_name="led_projects", verbose_name=_("lead cadre")
    )
    members = models.ManyToManyField(
        Cadre, blank=True, related_name="projects", verbose_name=_("team members")
    )
    description = models.TextField(_("description"), blank=True)

    history = HistoricalRecords(m2m_fields=[members])

    class Meta:
        ordering = ["year", "name"]
        verbose_name = _("key project")
        verbose_name_plural = _("key projects")
        constraints = [
            models.UniqueConstraint(fields=["year", "name"], name="project_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Contribution(models.Model):
    """Contribution points of a cadre on a key project; verified ones feed the cadre score."""

    project = models.ForeignKey(
        KeyProject,
        on_delete=models.PROTECT,
        related_name="contributions",
        verbose_name=_("key project"),
    )
    cadre = models.ForeignKey(
        Cadre, on_delete=models.PROTECT, related_name="contributions", verbose_name=_("cadre")
    )
    points = models.DecimalField(
        _("points"), validators=[MinValueValidator(Decimal(0))], max_digits=6, decimal_places=2
    )
    description = models.CharField(_("description"), max_length=500)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=EvidenceStatus.choices,
        default=EvidenceStatus.PENDING,
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("key-project contribution")
        verbose_name_plural = _("key-project contributions")

    def __str__(self) -> str:
        return f"{self.project.name} · {self.cadre.name} · {self.points}"


# --- Results -----------------------------------------------------------------------------------


class ComputationRun(models.Model):
    """One computation of a year's results: when, by whom, from exactly which inputs."""

    year = models.ForeignKey(
        AssessmentYear, on_delete=models.PROTECT, related_name="runs", verbose_name=_("year")
    )
    computed_at = models.DateTimeField(_("computed at"), auto_now_add=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("computed by"),
    )
    input_hash = models.CharField(_("SHA-256 of the inputs"), max_length=64)
    bonus_pool = models.PositiveBigIntegerField(_("bonus pool (yuan)"), null=True, blank=True)
    bonus_paid = models.BooleanField(_("bonus paid"), default=False)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    missing = models.JSONField(
        _("teams and cadres without an evaluation"), default=dict, blank=True
    )
    is_current = models.BooleanField(_("current"), default=True)

    class Meta:
        ordering = ["-computed_at", "-id"]
        get_latest_by = "computed_at"
        verbose_name = _("computation")
        verbose_name_plural = _("computations")
        constraints = [
            models.UniqueConstraint(
                fields=["year"],
                condition=models.Q(is_current=True),
                name="one_current_run_per_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year.year} · {self.computed_at:%Y-%m-%d %H:%M}"


class UnitResult(models.Model):
    run = models.ForeignKey(
        ComputationRun,
        on_delete=models.CASCADE,
        related_name="units",
        verbose_name=_("computation"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    category = models.ForeignKey(
        UnitCategory, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit category")
    )
    total = models.DecimalField(_("total"), **SCORE)
    rank = models.PositiveIntegerField(_("rank"))
    tier = models.CharField(_("tier"), max_length=16, choices=TierChoices.choices)
    veto = models.BooleanField(_("vetoed"), default=False)
    bonus = models.PositiveBigIntegerField(_("bonus (yuan)"), null=True, blank=True)
    scores = models.JSONField(_("indicator scores"), default=dict)  # {code: "12.34"}
    group_totals = models.JSONField(_("group subtotals"), default=dict)  # {group: "40.00"}
    warnings = models.JSONField(_("warnings"), default=list, blank=True)

    class Meta:
        ordering = ["category__sort_order", "rank", "unit__code"]
        verbose_name = _("unit result")
        verbose_name_plural = _("unit results")
        constraints = [
            models.UniqueConstraint(fields=["run", "unit"], name="unit_result_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.unit.code} · {self.total}"


class TeamResult(models.Model):
    run = models.ForeignKey(
        ComputationRun,
        on_delete=models.CASCADE,
        related_name="teams",
        verbose_name=_("computation"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    evaluation = models.DecimalField(_("evaluation score"), **SCORE)
    score = models.DecimalField(_("score"), **SCORE)
    rank = models.PositiveIntegerField(_("rank"))
    tier = models.CharField(_("tier"), max_length=16, choices=TierChoices.choices)

    class Meta:
        ordering = ["rank", "unit__code"]
        verbose_name = _("team result")
        verbose_name_plural = _("team results")
        constraints = [
            models.UniqueConstraint(fields=["run", "unit"], name="team_result_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.unit.code} · {self.score}"


class CadreResult(models.Model):
    run = models.ForeignKey(
        ComputationRun,
        on_delete=models.CASCADE,
        related_name="cadres",
        verbose_name=_("computation"),
    )
    cadre = models.ForeignKey(
        Cadre, on_delete=models.PROTECT, related_name="+", verbose_name=_("cadre")
    )
    evaluation = models.DecimalField(_("evaluation score"), **SCORE)
    contribution = models.DecimalField(_("contribution points"), **SCORE)
    score = models.DecimalField(_("score"), **SCORE)
    rank = models.PositiveIntegerField(_("rank"))
    tier = models.CharField(_("tier"), max_length=16, choices=TierChoices.choices)

    class Meta:
        ordering = ["rank", "cadre__unit__code", "cadre__name"]
        verbose_name = _("cadre result")
        verbose_name_plural = _("cadre results")
        constraints = [
            models.UniqueConstraint(fields=["run", "cadre"], name="cadre_result_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.cadre.name} · {self.score}"


class ImportLog(models.Model):
    """Every import, whatever the door: who, when, which file, and what came of it."""

    kind = models.CharField(_("kind"), max_length=32)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    door = models.CharField(_("door"), max_length=16)  # admin / web / cli
    dry_run = models.BooleanField(_("preview only"), default=False)
    succeeded = models.BooleanField(_("succeeded"), default=False)
    counts = models.JSONField(_("counts"), default=dict)  # {"new": 3, "changed": 1, ...}
    errors = models.JSONField(_("errors"), default=list, blank=True)

    class Meta:
        ordering = ["-imported_at", "-id"]
        verbose_name = _("import log")
        verbose_name_plural = _("import logs")

    def __str__(self) -> str:
        return f"{self.kind} · {self.file_name} · {self.imported_at:%Y-%m-%d %H:%M}"
