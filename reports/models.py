"""Publication snapshots and reports, and the year's phase deadlines.

``ProgressBulletin`` is the office's quarterly progress bulletin (季度讲评通报): where every unit
would stand if the year were scored on the verified evidence recorded so far. It is written
once, as a JSON document, and never changed, so the bulletins of a year can be compared with
each other later whatever happened to the data since. ``reports.staff.bulletins`` builds it.

The document (``format`` 1)::

    {
      "format": 1, "year": 2026, "quarter": 3, "as_of": "2026-09-30",
      "input_sha256": "<hex of the engine's inputs>",
      "categories": [
        {"code": "town", "name": "镇街", "average": "85.12", "projected": 12,
         "units": [{"unit": "ZJ01", "name": "城关街道", "total": "91.35", "rank": 1,
                    "tier": "excellent", "veto": false, "overdue": 0}, ...],
         "unprojected": [{"unit": "ZJ09", "name": "…", "overdue": 2,
                          "problems": [{"code": "missing_target", "unit": "ZJ09", ...}]}]},
        ...],
      "problems": [{"code": "invalid_param", "value": "thresholds"}],
      "warnings": [{"code": "missing_grade", "unit": "ZJ01", "indicator": "G01", ...}]
    }

Totals are 2-place decimal strings; ranks and tiers are within the category, among the units
that could be projected. Problems are stored as the engine's structured problems and worded
in the reader's language when shown.

``PhaseDeadline`` is one deadline of a year's phase (target setting, monthly reporting, grading,
the democratic evaluation, the publicity), set by the office; ``reports.reminders`` works out
from the data what is overdue or due soon, and ``ReminderLog`` records each e-mail digest sent
(one a day per person at most). See ``docs/reminders.md``.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from assessment.models import AssessmentYear, document_sha256

BULLETIN_FORMAT = 1


class ProgressBulletin(models.Model):
    """One quarterly progress bulletin (季度讲评通报): written once, never changed or deleted."""

    year = models.ForeignKey(
        AssessmentYear,
        on_delete=models.PROTECT,
        related_name="bulletins",
        verbose_name=_("year"),
    )
    quarter = models.PositiveSmallIntegerField(
        _("quarter"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text=_("1 to 4; leave empty for a bulletin dated by its day only."),
    )
    as_of = models.DateField(_("as of"))
    title = models.CharField(_("title"), max_length=200)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    document = models.JSONField(_("projected standings"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        ordering = ["year", "as_of", "created_at", "pk"]
        verbose_name = _("progress bulletin")
        verbose_name_plural = _("progress bulletins")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "quarter"],
                condition=models.Q(quarter__isnull=False),
                name="bulletin_one_per_quarter",
                violation_error_message=_("A bulletin for this quarter already exists."),
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__isnull=True) | models.Q(quarter__gte=1, quarter__lte=4),
                name="bulletin_quarter_1_to_4",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Written once: a stored bulletin is never changed."""
        if self.pk is not None or not self._state.adding:
            raise ValidationError(_("A bulletin cannot be changed; make a new one."))
        self.sha256 = document_sha256(self.document)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ValidationError(_("A bulletin cannot be deleted."))

    @property
    def intact(self) -> bool:
        """Whether the stored document still hashes to the SHA-256 recorded with it."""
        return document_sha256(self.document) == self.sha256


# --- phase deadlines and reminders -----------------------------------------------------

MAX_NOTICE_DAYS = 60
DEFAULT_NOTICE_DAYS = 3


class Phase(models.TextChoices):
    """The phases of a year that have a deadline, in the order a year goes through them."""

    TARGETS = "targets", _("target setting (目标制定)")
    MONTHLY = "monthly", _("monthly reporting (月度报送)")
    GRADING = "grading", _("grading (定性评价)")
    EVALUATION = "evaluation", _("democratic evaluation (民主测评)")
    PUBLICITY = "publicity", _("publicity (公示)")


class PhaseDeadline(models.Model):
    """The deadline of one phase of a year (阶段时限), set by the assessment office.

    A one-off phase is due on ``due_on``. Monthly reporting repeats: the records of each month
    from ``first_month`` on are due by ``day_of_month`` of the following month (the last day of
    a shorter month when the day is past its end). Reminders start ``notice_days`` before.
    """

    year = models.ForeignKey(
        AssessmentYear,
        on_delete=models.PROTECT,
        related_name="phase_deadlines",
        verbose_name=_("year"),
    )
    phase = models.CharField(_("phase"), max_length=16, choices=Phase.choices)
    due_on = models.DateField(
        _("due on"),
        null=True,
        blank=True,
        help_text=_("The last day of the phase (not used for monthly reporting)."),
    )
    day_of_month = models.PositiveSmallIntegerField(
        _("day of the month"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
        help_text=_("Monthly reporting: each month's records are due by this day of the next."),
    )
    first_month = models.PositiveSmallIntegerField(
        _("first month reported"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("Monthly reporting: the first month of the year whose records are due."),
    )
    notice_days = models.PositiveSmallIntegerField(
        _("days of notice"),
        default=DEFAULT_NOTICE_DAYS,
        validators=[MaxValueValidator(MAX_NOTICE_DAYS)],
        help_text=_("Reminders start this many days before the deadline."),
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["year", "phase"]
        verbose_name = _("phase deadline")
        verbose_name_plural = _("phase deadlines")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "phase"],
                name="deadline_one_per_phase",
                violation_error_message=_("This phase has a deadline already."),
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(phase=Phase.MONTHLY, day_of_month__isnull=False)
                    | (~models.Q(phase=Phase.MONTHLY) & models.Q(due_on__isnull=False))
                ),
                name="deadline_has_its_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year.year} · {self.get_phase_display()}"

    @property
    def is_monthly(self) -> bool:
        return self.phase == Phase.MONTHLY

    def clean(self) -> None:
        """The date this phase needs; a one-off date near the year (the year before it to the
        year after it: targets may be set in advance, grades given in the next January)."""
        if self.is_monthly:
            if self.day_of_month is None:
                raise ValidationError(
                    {"day_of_month": _("Monthly reporting needs the day of the month.")}
                )
            return
        if self.due_on is None:
            raise ValidationError({"due_on": _("Enter the day the phase is due.")})
        if self.year_id is not None and abs(self.due_on.year - self.year.year) > 1:
            raise ValidationError(
                {"due_on": _("The deadline must lie within a year of the assessment year.")}
            )


class ReminderLog(models.Model):
    """One e-mail digest of reminders sent to one person on one day (at most one a day)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("user"),
    )
    day = models.DateField(_("day"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    email = models.EmailField(_("e-mail address"))
    overdue = models.PositiveIntegerField(_("overdue items"), default=0)
    upcoming = models.PositiveIntegerField(_("deadlines due soon"), default=0)
    sha256 = models.CharField(_("SHA-256 of the digest"), max_length=64)

    class Meta:
        ordering = ["-day", "user_id"]
        verbose_name = _("reminder e-mail")
        verbose_name_plural = _("reminder e-mails")
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="reminder_one_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} · {self.email}"


class WorkbenchVisit(models.Model):
    """When a person last opened their workbench, and the headline figures it showed them then:
    the next visit says what changed since."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        verbose_name=_("user"),
    )
    seen_at = models.DateTimeField(_("seen at"))
    figures = models.JSONField(_("figures shown"), default=dict, blank=True)

    class Meta:
        verbose_name = _("workbench visit")
        verbose_name_plural = _("workbench visits")

    def __str__(self) -> str:
        return f"{self.user_id} · {self.seen_at:%Y-%m-%d %H:%M}"


# --- the public downloads of a publication ------------------------------------------------------


class PublishedFileQuerySet(models.QuerySet[Any]):
    """A stored download never changes: bulk updates and deletes are refused too."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise ValidationError(_("A published file cannot be changed."))

    def delete(self) -> NoReturn:
        raise ValidationError(_("A published file cannot be deleted."))

    # Keeps the method off the manager, as Django does for its own QuerySet.delete.
    delete.queryset_only = True  # type: ignore[attr-defined]  # mypy cannot declare a function attribute


class PublishedFile(models.Model):
    """The exact bytes served for one public download of a publication, kept from the first
    time they were made, with their SHA-256: what the public page shows is what anyone who
    downloads the file can check with ``sha256sum``. A newer library or a changed layout never
    alters a file that was already served; a database trigger refuses changes below the ORM."""

    # Written once: sealed into the audit chain (``units.audit``) like a history row.
    audit_written_once = True

    class Format(models.TextChoices):
        XLSX = "xlsx", "Excel"
        PDF = "pdf", "PDF"
        JSON = "json", "JSON"

    publication = models.ForeignKey(
        "assessment.Publication",
        on_delete=models.PROTECT,
        related_name="files",
        verbose_name=_("publication"),
    )
    fmt = models.CharField(_("format"), max_length=4, choices=Format.choices)
    content = models.BinaryField(_("content"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("size (bytes)"))
    created_at = models.DateTimeField(_("made at"), auto_now_add=True)

    objects = PublishedFileQuerySet.as_manager()

    class Meta:
        verbose_name = _("published file")
        verbose_name_plural = _("published files")
        constraints = [
            models.UniqueConstraint(fields=["publication", "fmt"], name="one_file_per_format")
        ]

    def __str__(self) -> str:
        return f"{self.publication} · {self.fmt}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValidationError(_("A published file cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ValidationError(_("A published file cannot be deleted."))
