"""Catalogued bonus and deduction items (加减分事项) and fault-tolerance waivers (容错免责).

An ``Item`` belongs to one bonus or deduction indicator of a year's scheme (so to its year and
category): a record of that indicator names an item and counts its occurrences
(spec/scoring.md, "Catalogued bonus and deduction items"). A ``Waiver`` lifts one deduction,
disqualify or veto record: proposed by one member of the office with the reason and the
fault-tolerance clause, confirmed by another (spec, "Waived records"); the record stays.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise
from simple_history.models import HistoricalRecords

from assessment.models.evidence import Evidence
from assessment.models.years import SCORE, Indicator
from assessment.scoring import Level, Method
from units.models import code_validator

# Spec, "Waived records": the records a waiver may lift.
WAIVABLE_METHODS = frozenset({Method.DEDUCTION, Method.DISQUALIFY, Method.VETO})


class LevelChoices(models.TextChoices):
    NATIONAL = Level.NATIONAL.value, _("national (国家级)")
    PROVINCIAL = Level.PROVINCIAL.value, _("provincial (省级)")
    CITY = Level.CITY.value, _("city (市级)")
    DISTRICT = Level.DISTRICT.value, _("district (区级)")


ITEM_POINTS = SCORE  # points as scores are stored: 2 places


class Item(models.Model):
    """One item of a bonus or deduction indicator's catalogue: points per occurrence, cap."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="items", verbose_name=_("indicator")
    )
    code = models.CharField(_("item code"), max_length=32, validators=[code_validator])
    name = models.CharField(_("item name"), max_length=100)
    level = models.CharField(
        _("level"), max_length=16, choices=LevelChoices.choices, blank=True, default=""
    )
    points = models.DecimalField(
        _("points per occurrence"),
        validators=[MinValueValidator(Decimal("0.01"))],
        **ITEM_POINTS,
    )
    cap = models.DecimalField(
        _("item cap"),
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("The most a unit can gain or lose from this item in the year."),
        **ITEM_POINTS,
    )
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "sort_order", "code"]
        verbose_name = _("catalogued item")
        verbose_name_plural = _("catalogued items")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "code"], name="item_unique_code"),
            models.CheckConstraint(condition=models.Q(points__gt=0), name="item_points_positive"),
            models.CheckConstraint(
                condition=models.Q(cap__isnull=True) | models.Q(cap__gt=0),
                name="item_cap_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class WaiverQuerySet(models.QuerySet["Waiver"]):
    def confirmed(self) -> WaiverQuerySet:
        return self.filter(confirmed_by__isnull=False, declined_by__isnull=True)


def _member(label: StrOrPromise, *, required: bool = False) -> models.ForeignKey[Any, Any]:
    """A member of the office acting on a waiver (the one who proposes it is required)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=not required,
        blank=not required, related_name="+", verbose_name=label,
    )  # fmt: skip


class Waiver(models.Model):
    """A fault-tolerance waiver (容错免责) of one record: it counts once confirmed."""

    evidence = models.ForeignKey(
        Evidence, on_delete=models.PROTECT, related_name="waivers", verbose_name=_("record")
    )
    reason = models.CharField(_("reason"), max_length=500)
    clause = models.CharField(
        _("fault-tolerance clause"),
        max_length=200,
        help_text=_("The clause of the district's fault-tolerance rules this waiver relies on."),
    )
    proposed_by = _member(_("proposed by"), required=True)
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    confirmed_by = _member(_("confirmed by"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    declined_by = _member(_("declined by"))
    declined_at = models.DateTimeField(_("declined at"), null=True, blank=True)
    decline_reason = models.CharField(_("reason for declining"), max_length=500, blank=True)

    history = HistoricalRecords()
    objects = WaiverQuerySet.as_manager()

    class Meta:
        ordering = ["proposed_at", "pk"]
        verbose_name = _("fault-tolerance waiver")
        verbose_name_plural = _("fault-tolerance waivers")
        constraints = [
            # a second member confirms (or declines): never the one who proposed
            models.CheckConstraint(
                condition=~models.Q(confirmed_by=models.F("proposed_by")),
                name="waiver_confirmed_by_another",
            ),
            models.CheckConstraint(
                condition=models.Q(confirmed_by__isnull=True) | models.Q(declined_by__isnull=True),
                name="waiver_confirmed_or_declined",
            ),
            # one open or confirmed waiver per record at a time
            models.UniqueConstraint(
                fields=["evidence"],
                condition=models.Q(declined_by__isnull=True),
                name="waiver_one_standing_per_record",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.evidence} · {self.reason[:30]}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_by_id is not None

    @property
    def is_open(self) -> bool:
        return self.confirmed_by_id is None and self.declined_by_id is None
