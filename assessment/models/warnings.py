"""Three-colour warnings (红黄绿预警) and what follows them during the year.

A year has reporting periods (quarters by default, months possible); a unit × indicator may have
a cumulative target for each. When the office closes a period, the colours of that moment are
stored (``PeriodColour``, never changed by later evidence), a warning notice (预警通知单) is
issued to every unit with a red indicator, and units red on the same indicator at several
consecutive period ends go on the talk list (约谈名单). The unit answers a notice with a
rectification report (整改报告) that the office accepts or sends back. District leaders write
instructions (领导批示) that the unit answers. The colours themselves are
``assessment.scoring.colours``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise
from simple_history.models import HistoricalRecords

from assessment.models.years import AMOUNT, RATIO, AssessmentYear, Indicator
from units.models import Unit


def _user(label: StrOrPromise, *, required: bool = False) -> models.ForeignKey[Any, Any]:
    """A user acting on a warning record (the one who writes it is required)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=not required,
        blank=not required, related_name="+", verbose_name=label,
    )  # fmt: skip


def _of(model: type[models.Model] | str, label: StrOrPromise, related: str) -> Any:
    return models.ForeignKey(
        model, on_delete=models.PROTECT, related_name=related, verbose_name=label
    )


class ColourChoices(models.TextChoices):
    GREEN = "green", _("green")
    YELLOW = "yellow", _("yellow")
    RED = "red", _("red")


class WarningRules(models.Model):
    """The warning parameters of a year (absent: every default)."""

    year = models.OneToOneField(
        AssessmentYear,
        on_delete=models.PROTECT,
        related_name="warning_rules",
        verbose_name=_("year"),
    )
    yellow_share = models.DecimalField(
        _("yellow line (share of the period target)"),
        default=Decimal("0.80"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal(1))],
        **RATIO,
    )
    talk_after = models.PositiveSmallIntegerField(
        _("consecutive red period ends before a talk"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    notice_days = models.PositiveSmallIntegerField(
        _("days to file a rectification report"),
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("warning rules")
        verbose_name_plural = _("warning rules")

    def __str__(self) -> str:
        return str(self.year)


class ReportingPeriod(models.Model):
    """One reporting period of a year; its targets and colours are cumulative to its end."""

    year = _of(AssessmentYear, _("year"), "periods")
    name = models.CharField(_("period name"), max_length=30)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = _user(_("closed by"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["year", "ends_on"]
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        constraints = [
            models.UniqueConstraint(fields=["year", "ends_on"], name="period_unique_end"),
            models.CheckConstraint(
                condition=models.Q(starts_on__lte=models.F("ends_on")), name="period_in_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year.year} {self.name}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class PeriodPair(models.Model):
    """A unit × indicator as it stands at one period's end (one row per period and pair)."""

    period = _of(ReportingPeriod, _("period"), "+")
    unit = _of(Unit, _("unit"), "+")
    indicator = _of(Indicator, _("indicator"), "+")

    class Meta:
        abstract = True
        ordering = ["period", "unit__code", "indicator__sort_order", "indicator__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "unit", "indicator"], name="%(class)s_unique_pair"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period} · {self.unit.code} · {self.indicator.code}"


class PeriodTarget(PeriodPair):
    """The cumulative target of a unit × indicator by a period's end: a share of the annual
    target, or an absolute figure."""

    share = models.DecimalField(
        _("cumulative share of the annual target"),
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.0001")), MaxValueValidator(Decimal(1))],
        **RATIO,
    )
    value = models.DecimalField(_("cumulative target"), null=True, blank=True, **AMOUNT)

    history = HistoricalRecords()

    class Meta(PeriodPair.Meta):
        verbose_name = _("period target")
        verbose_name_plural = _("period targets")
        constraints = [
            *PeriodPair.Meta.constraints,
            models.CheckConstraint(
                condition=models.Q(share__isnull=True, value__isnull=False)
                | models.Q(share__isnull=False, value__isnull=True),
                name="period_target_share_or_value",
            ),
        ]


class PeriodColour(PeriodPair):
    """The colour of a unit × indicator as it stood when its period was closed.

    Written once at the close; later evidence changes the colour now, never this one.
    """

    colour = models.CharField(_("colour"), max_length=8, choices=ColourChoices.choices)
    actual = models.DecimalField(_("verified cumulative value"), null=True, blank=True, **AMOUNT)
    target = models.DecimalField(_("cumulative target"), null=True, blank=True, **AMOUNT)
    shortfall = models.DecimalField(_("shortfall"), null=True, blank=True, **AMOUNT)

    class Meta(PeriodPair.Meta):
        verbose_name = _("period-end colour")
        verbose_name_plural = _("period-end colours")


class WarningNotice(models.Model):
    """A warning notice (预警通知单): one per unit with a red indicator at a period's close.

    The red indicators it lists, with their shortfall, are the period's stored red colours.
    """

    period = _of(ReportingPeriod, _("period"), "notices")
    unit = _of(Unit, _("unit"), "warning_notices")
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    issued_by = _user(_("issued by"), required=True)
    report_due = models.DateField(_("rectification report due"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = _user(_("acknowledged by"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["-period__ends_on", "unit__code"]
        verbose_name = _("warning notice")
        verbose_name_plural = _("warning notices")
        constraints = [
            models.UniqueConstraint(fields=["period", "unit"], name="notice_one_per_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.period} · {self.unit.code}"

    @property
    def latest_report(self) -> RectificationReport | None:
        """The last report filed (from the prefetched reports when there are)."""
        reports = list(self.reports.all())
        return max(reports, key=lambda r: (r.filed_at, r.pk)) if reports else None


class ReportStatus(models.TextChoices):
    FILED = "filed", _("awaiting review")
    ACCEPTED = "accepted", _("accepted")
    RETURNED = "returned", _("sent back")


class RectificationReport(models.Model):
    """A unit's rectification report (整改报告) on a warning notice.

    Accepting it closes the loop on paper only: the colours change by verified figures alone.
    A report sent back is answered by a new report.
    """

    notice = _of(WarningNotice, _("warning notice"), "reports")
    measures = models.TextField(_("measures"), max_length=4000)
    done_by = models.DateField(_("measures completed by"))
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    filed_by = _user(_("filed by"), required=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.FILED
    )
    review_note = models.TextField(_("review note"), max_length=2000, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = _user(_("reviewed by"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["notice", "filed_at", "pk"]
        verbose_name = _("rectification report")
        verbose_name_plural = _("rectification reports")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status=ReportStatus.RETURNED) | ~models.Q(review_note=""),
                name="report_returned_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.notice} · {self.filed_at:%Y-%m-%d}"


class TalkRecord(models.Model):
    """A talk (约谈) held with a unit's leaders after repeated reds."""

    period = _of(ReportingPeriod, _("period"), "talks")
    unit = _of(Unit, _("unit"), "talks")
    held_on = models.DateField(_("held on"))
    attendees = models.TextField(_("attendees"), max_length=1000)
    commitments = models.TextField(_("commitments"), max_length=4000)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    recorded_by = _user(_("recorded by"), required=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_on", "pk"]
        verbose_name = _("talk record")
        verbose_name_plural = _("talk records")

    def __str__(self) -> str:
        return f"{self.unit.code} · {self.held_on}"


class TalkListEntry(PeriodPair):
    """A unit on the talk list (约谈名单): red on one indicator at `reds` consecutive period
    ends."""

    reds = models.PositiveSmallIntegerField(_("consecutive red period ends"))
    talk = models.ForeignKey(
        TalkRecord,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name=_("talk"),
    )

    history = HistoricalRecords()

    class Meta(PeriodPair.Meta):
        verbose_name = _("talk list entry")
        verbose_name_plural = _("talk list")


class Instruction(models.Model):
    """A district leader's instruction (领导批示) to a unit, and the unit's answer.

    It may concern one of the unit's indicators, one of its warning notices, or a quarterly
    bulletin of the year (named by its quarter: the bulletins live in the reports app).
    """

    year = _of(AssessmentYear, _("year"), "instructions")
    unit = _of(Unit, _("unit"), "instructions")
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, null=True, blank=True, related_name="instructions",
        verbose_name=_("indicator"),
    )  # fmt: skip
    notice = models.ForeignKey(
        WarningNotice, on_delete=models.PROTECT, null=True, blank=True,
        related_name="instructions", verbose_name=_("warning notice"),
    )  # fmt: skip
    bulletin_quarter = models.PositiveSmallIntegerField(
        _("quarterly bulletin"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
    )
    text = models.TextField(_("instruction"), max_length=2000)
    written_at = models.DateTimeField(_("written at"), auto_now_add=True)
    written_by = _user(_("written by"), required=True)
    answer = models.TextField(_("answer"), max_length=4000, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = _user(_("answered by"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["-written_at", "-pk"]
        verbose_name = _("leader's instruction")
        verbose_name_plural = _("leaders' instructions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(answered_at__isnull=True) | ~models.Q(answer=""),
                name="instruction_answered_with_text",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit.code} · {self.written_at:%Y-%m-%d}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None
