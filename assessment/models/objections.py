"""Objections (异议) filed by a unit against one of its indicator scores during the publicity."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from assessment.models.results import ComputationRun
from assessment.models.years import SCORE, AssessmentYear, Indicator
from units.models import Unit


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("open")
    REJECTED = "rejected", pgettext_lazy("objection", "rejected")
    ACCEPTED = "accepted", _("accepted")


class Objection(models.Model):
    """A unit's objection to one indicator score of its own, and how the office resolved it.

    Filed by the unit's users while the year is in publicity, with a reason and attachments.
    The office rejects it with a reason, or accepts it with the corrective step it takes; the
    input is then amended through the usual doors and the results recomputed, and the
    objection names the computation (``resolved_run``) that took the correction in.
    """

    year = models.ForeignKey(
        AssessmentYear, on_delete=models.PROTECT, related_name="objections", verbose_name=_("year")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="objections", verbose_name=_("unit")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="objections", verbose_name=_("indicator")
    )
    run = models.ForeignKey(
        ComputationRun,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("computation objected to"),
    )
    score = models.DecimalField(_("score objected to"), null=True, blank=True, **SCORE)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("filed by"),
    )
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    reason = models.TextField(_("reason for the objection"), max_length=2000)
    status = models.CharField(
        _("status"), max_length=16, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN
    )
    resolution = models.TextField(
        _("resolution"),
        max_length=2000,
        blank=True,
        help_text=_("Why it was rejected, or the correction that follows from accepting it."),
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_run = models.ForeignKey(
        ComputationRun,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resolved_objections",
        verbose_name=_("computation that took the correction in"),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-filed_at", "-pk"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status=ObjectionStatus.OPEN) | ~models.Q(resolution=""),
                name="objection_resolved_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year.year} · {self.unit.code} · {self.indicator.code}"

    @property
    def is_open(self) -> bool:
        return self.status == ObjectionStatus.OPEN

    @property
    def awaits_recomputation(self) -> bool:
        """Accepted, but no computation has taken the correction in yet."""
        return self.status == ObjectionStatus.ACCEPTED and self.resolved_run_id is None
