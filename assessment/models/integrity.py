"""The integrity review queue: signals of falsification for the office, and each year's
thresholds.

A signal never changes a score. The office dismisses it with a reason or confirms it; a
confirmed signal names the deduction or disqualification indicator on which supervision then
records the failure through the ordinary record flow (``record`` links it once recorded).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise
from simple_history.models import HistoricalRecords

from assessment.models.evidence import Evidence
from assessment.models.years import AssessmentYear, Indicator
from assessment.scoring.signals import SignalKind, Thresholds
from units.models import Unit

DEFAULTS = Thresholds()


class SignalKindChoices(models.TextChoices):
    SHARED_ATTACHMENT = SignalKind.SHARED_ATTACHMENT, _("same attachment in several records")
    SIMILAR_DESCRIPTION = SignalKind.SIMILAR_DESCRIPTION, _("near-identical descriptions")
    BURST = SignalKind.BURST, _("burst before the collection closed")
    BACKDATED = SignalKind.BACKDATED, _("backdated records")
    OUTLIER = SignalKind.OUTLIER, _("figure far above the category")
    CUMULATIVE_DECREASE = SignalKind.CUMULATIVE_DECREASE, _("cumulative figure went down")
    DIGIT_HEAPING = SignalKind.DIGIT_HEAPING, _("last-digit heaping")
    ROUND_NUMBERS = SignalKind.ROUND_NUMBERS, _("excess of round numbers")
    SOURCE_CONTRADICTION = (
        SignalKind.SOURCE_CONTRADICTION,
        _("a unit's claim contradicts its data source"),
    )


class SignalStatus(models.TextChoices):
    OPEN = "open", _("open")
    DISMISSED = "dismissed", _("dismissed")
    CONFIRMED = "confirmed", _("confirmed")


class IntegrityThresholds(models.Model):
    """A year's thresholds for the signals; a year without its own uses the defaults."""

    year = models.OneToOneField(
        AssessmentYear,
        on_delete=models.CASCADE,
        related_name="integrity_thresholds",
        verbose_name=_("assessment year"),
    )
    collection_closes = models.DateField(
        _("collection closes on"),
        null=True,
        blank=True,
        help_text=_("Records entered in the days before it are counted for the burst signal."),
    )
    description_similarity = models.FloatField(
        _("similarity of descriptions"),
        default=DEFAULTS.description_similarity,
        validators=[MinValueValidator(0.5), MaxValueValidator(1)],
    )
    burst_days = models.PositiveSmallIntegerField(
        _("burst window (days)"), default=DEFAULTS.burst_days
    )
    burst_share = models.FloatField(
        _("burst share"),
        default=DEFAULTS.burst_share,
        validators=[MinValueValidator(0.1), MaxValueValidator(1)],
    )
    backdate_days = models.PositiveSmallIntegerField(
        _("backdating (days)"), default=DEFAULTS.backdate_days
    )
    outlier_z = models.FloatField(
        _("outlier robust z"), default=DEFAULTS.outlier_z, validators=[MinValueValidator(1)]
    )
    outlier_ratio = models.FloatField(
        _("outlier multiple of the median"),
        default=DEFAULTS.outlier_ratio,
        validators=[MinValueValidator(1)],
    )
    p_value = models.FloatField(
        _("p-value of the digit tests"),
        default=DEFAULTS.p_value,
        validators=[MinValueValidator(0), MaxValueValidator(0.1)],
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("integrity thresholds")
        verbose_name_plural = _("integrity thresholds")

    def __str__(self) -> str:
        return str(self.year)

    def thresholds(self) -> Thresholds:
        return Thresholds(
            description_similarity=self.description_similarity,
            burst_days=self.burst_days,
            burst_share=self.burst_share,
            backdate_days=self.backdate_days,
            outlier_z=self.outlier_z,
            outlier_ratio=self.outlier_ratio,
            p_value=self.p_value,
        )


def _optional(to: Any, label: StrOrPromise) -> models.ForeignKey[Any, Any]:
    """A reference a signal may lack (no reverse accessor: read from the signal only)."""
    return models.ForeignKey(
        to, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=label
    )


class IntegritySignal(models.Model):
    """One signal of the year: what was seen, about which unit, and the records involved."""

    year = models.ForeignKey(
        AssessmentYear,
        on_delete=models.CASCADE,
        related_name="integrity_signals",
        verbose_name=_("assessment year"),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=SignalKindChoices.choices)
    # the same signal computed again has the same fingerprint: kind, units, indicator, records
    fingerprint = models.CharField(_("fingerprint"), max_length=64, editable=False)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    unit_codes = models.JSONField(_("units"), default=list)
    indicator = _optional(Indicator, _("indicator"))
    records = models.ManyToManyField(
        Evidence, related_name="integrity_signals", verbose_name=_("records")
    )
    facts = models.JSONField(_("what was seen"), default=dict)
    test = models.CharField(_("test"), max_length=100, blank=True)
    p_value = models.FloatField(_("p-value"), null=True, blank=True)
    found_at = models.DateTimeField(_("found at"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=16, choices=SignalStatus.choices, default=SignalStatus.OPEN
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    decided_by = _optional(settings.AUTH_USER_MODEL, _("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # on confirming: the deduction or disqualification indicator supervision records on
    failure_indicator = _optional(Indicator, _("deduction or disqualification"))
    record = models.OneToOneField(
        Evidence,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="integrity_signal",
        verbose_name=_("failure record"),
    )

    history = HistoricalRecords(excluded_fields=["facts"])

    class Meta:
        ordering = ["kind", "unit__code", "pk"]
        verbose_name = _("integrity signal")
        verbose_name_plural = _("integrity signals")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "fingerprint"], name="integrity_signal_once_per_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.unit}"

    @property
    def is_open(self) -> bool:
        return self.status == SignalStatus.OPEN
