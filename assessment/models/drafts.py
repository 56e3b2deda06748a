"""Draft schemes (方案草稿): what-if copies of a year's scheme and parameters.

A draft is data, kept apart from the year: changing or deleting it never touches the year's
indicators, parameters or results. Its values are stored as decimal text in JSON so that a
draft survives indicators being renamed or removed from the year it was drafted from.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from assessment.models.years import AssessmentYear, Indicator
from assessment.scoring import IndicatorSpec, Params

# The year's parameters a draft carries: every decimal parameter of a year (thresholds, quotas,
# grade factors, three-in-one weights, bonus coefficients); the bonus pool is a column of its own.
DRAFT_PARAMETERS: tuple[str, ...] = tuple(
    field.name
    for field in AssessmentYear._meta.concrete_fields
    if isinstance(field, models.DecimalField)
)
# What a draft keeps of each indicator: what the engine reads of it (the category's code places
# it), as far as the year's indicator has the column.
DRAFT_INDICATOR_FIELDS: tuple[str, ...] = tuple(
    spec_field.name
    for spec_field in dataclasses.fields(IndicatorSpec)
    if spec_field.name in {field.name for field in Indicator._meta.concrete_fields}
)
DECIMAL_INDICATOR_FIELDS = frozenset({"points", "cap", "total_share", "step"})


class DraftScheme(models.Model):
    """A named draft scheme, started from a year's scheme and parameters.

    `params` maps each of DRAFT_PARAMETERS to decimal text; `indicators` lists one object per
    indicator with `category` (its code) and DRAFT_INDICATOR_FIELDS, in scheme order.
    """

    name = models.CharField(_("draft name"), max_length=100)
    year = models.ForeignKey(
        AssessmentYear,
        on_delete=models.PROTECT,
        related_name="drafts",
        verbose_name=_("drafted from"),
    )
    params = models.JSONField(_("parameters"), default=dict)
    indicators = models.JSONField(_("indicators"), default=list)
    bonus_pool = models.PositiveBigIntegerField(_("bonus pool (yuan)"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("drafted by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-updated_at", "name"]
        verbose_name = _("draft scheme")
        verbose_name_plural = _("draft schemes")
        constraints = [
            models.UniqueConstraint(fields=["year", "name"], name="draft_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def parameter_year(self) -> AssessmentYear:
        """An unsaved year holding the draft's parameters (its fields validate them)."""
        values = {name: Decimal(str(self.params[name])) for name in DRAFT_PARAMETERS}
        return AssessmentYear(year=self.year.year, bonus_pool=self.bonus_pool, **values)

    def scoring_params(self) -> Params:
        return self.parameter_year().scoring_params()

    def scheme(self) -> dict[str, list[IndicatorSpec]]:
        """The draft's indicators as the engine's schemes, by category code."""
        schemes: dict[str, list[IndicatorSpec]] = {}
        for row in self.indicators:
            schemes.setdefault(row["category"], []).append(indicator_spec(row))
        return schemes


def indicator_spec(row: dict[str, Any]) -> IndicatorSpec:
    values: dict[str, Any] = {name: row.get(name) for name in DRAFT_INDICATOR_FIELDS}
    for name in DECIMAL_INDICATOR_FIELDS:
        if values[name] is not None:
            values[name] = Decimal(str(values[name]))
    return IndicatorSpec(**values)
