"""Computed results: one run per computation, with the digest of its inputs, and its rows."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from assessment.lib.explanations import stored_explanations
from assessment.models.years import SCORE, AssessmentYear, TierChoices
from units.models import Cadre, Unit, UnitCategory


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
    # What every unit's explanation of an indicator shares (method, points, the rule's
    # constants), by category id then indicator code: stored once here, each unit's own
    # numbers on its row (assessment.services.explanations). Empty for runs stored before.
    explained = models.JSONField(_("shared explanation numbers"), default=dict, blank=True)
    is_current = models.BooleanField(_("current"), default=True)
    reason = models.CharField(
        _("reason"),
        max_length=500,
        blank=True,
        help_text=_("Why the results were computed again (e.g. an accepted objection)."),
    )

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
    # Written once: sealed into the audit chain (``units.audit``) like a history row.
    audit_written_once = True
    # The explanations' numbers are copies of inputs sealed in their own history (and results
    # sealed before kept worded texts here): outside the row's hash, as when it was first sealed.
    audit_unhashed = ("details",)
    # Added after results were sealed into the audit chain (``units.audit``).
    audit_added_columns: ClassVar[dict[str, object]] = {"disqualified": False}
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
    disqualified = models.BooleanField(
        _("disqualified from excellent"), default=False, db_default=False
    )
    bonus = models.PositiveBigIntegerField(_("bonus (yuan)"), null=True, blank=True)
    scores = models.JSONField(_("indicator scores"), default=dict)  # {code: "12.34"}
    group_totals = models.JSONField(_("group subtotals"), default=dict)  # {group: "40.00"}
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    # {code: {"method", "points", "target", "base", "actual", "rank", "ranked", "grade",
    #         "rate", …}}: each indicator's inputs, and what the words of its rule need
    # (assessment.services.explanations); worded when shown or published
    # (assessment.lib.explanations), as the "explanations" of a published document. A key
    # without a value is left out, which keeps a city's 60,000 explanations small to store.
    # Results computed before hold the worded "text" too, shown as stored.
    details = models.JSONField(_("score explanations"), default=dict, blank=True)

    class Meta:
        ordering = ["category__sort_order", "rank", "unit__code"]
        verbose_name = _("unit result")
        verbose_name_plural = _("unit results")
        constraints = [
            models.UniqueConstraint(fields=["run", "unit"], name="unit_result_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.unit.code} · {self.total}"

    def explanations(self) -> dict[str, Mapping[str, Any]]:
        """Every explanation of the row whole, by indicator code: its own numbers after those
        its run keeps for every unit of the category (reads ``run``)."""
        return stored_explanations(self.details, self.run.explained, self.category_id)


class TeamResult(models.Model):
    # Written once: sealed into the audit chain (``units.audit``) like a history row.
    audit_written_once = True
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
    # Written once: sealed into the audit chain (``units.audit``) like a history row.
    audit_written_once = True
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
