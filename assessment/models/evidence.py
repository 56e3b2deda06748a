"""The year's records: evidence, the unit's statements, highlights and attachments.

``VerifiedRecord`` is what every record checked by someone outside its unit carries (evidence
here, key-project progress updates in ``assessment.models.projects``): who recorded it, its
status and who decided it, whether it came late, and which record it corrects.
"""

from __future__ import annotations

import functools
import operator
import re
import secrets
from collections.abc import Iterable
from typing import Any, ClassVar, TypeVar

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from assessment.models.totals import Pair, RunningTotal, touches_totals
from assessment.models.years import AMOUNT, AssessmentYear, Indicator, choice_label
from assessment.scoring import Method
from units.models import Unit


class EvidenceStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    VERIFIED = "verified", _("verified")
    REJECTED = "rejected", pgettext_lazy("record", "rejected")


# Failures (deductions, disqualifications and veto events): recorded against a unit by
# supervision or the office, answered by the unit.
FAILURE_METHODS = frozenset({Method.DEDUCTION, Method.VETO, Method.DISQUALIFY})
# Records of points (bonus and deduction) are never negative.
POINT_METHODS = frozenset({Method.BONUS, Method.DEDUCTION})
# Quantitative methods whose actual value is built from the records: these are reported
# regularly, and one without a record for longer than the reporting period is overdue.
EVIDENCE_METHODS = frozenset(
    {Method.COMPLETION, Method.CEILING, Method.INCREMENT, Method.BASE_RATIO}
)
# For these, no record is good news (no accident over the ceiling, no failure, no veto or
# disqualifying event): a unit that records nothing is not behind.
NO_RECORD_IS_GOOD: frozenset[str] = frozenset(
    {Method.CEILING, Method.DEDUCTION, Method.VETO, Method.DISQUALIFY}
)
# Bonus points are recorded when something is earned: never expected, so never overdue.
NEVER_OVERDUE: frozenset[str] = NO_RECORD_IS_GOOD | {Method.BONUS}
# The methods whose silence is a gap: an indicator without a recent record is overdue.
OVERDUE_METHODS: frozenset[str] = frozenset(m for m in EVIDENCE_METHODS if m not in NEVER_OVERDUE)
# What a unit records about itself: its regular figures and its bonus items. Ranks, grades and
# survey rates are the lead department's to enter (the grading grids), failures supervision's.
UNIT_REPORTED_METHODS = EVIDENCE_METHODS | {Method.BONUS}


RecordT = TypeVar("RecordT", bound="VerifiedRecord")


class RecordQuerySet(models.QuerySet[RecordT]):
    def counting(self) -> RecordQuerySet[RecordT]:
        """The records that count: verified and not superseded by a correction."""
        return self.filter(status=EvidenceStatus.VERIFIED, is_current=True)

    def current(self) -> RecordQuerySet[RecordT]:
        """The records not superseded by a correction, whatever their status."""
        return self.filter(is_current=True)

    def awaiting_verification(self) -> RecordQuerySet[RecordT]:
        """The records a verifier may still verify or reject: pending and current."""
        return self.filter(status=EvidenceStatus.PENDING, is_current=True)


# The manager's type, named for the models that declare theirs again (a class attribute).
RecordManager = models.Manager.from_queryset(RecordQuerySet)


class EvidenceQuerySet(RecordQuerySet["Evidence"]):
    # Each write below refreshes the running totals of the units and indicators it touched, in
    # the same transaction (``assessment.models.totals``).

    def update(self, **kwargs: Any) -> int:
        if not touches_totals(kwargs):
            return super().update(**kwargs)
        with transaction.atomic(using=self.db, savepoint=False):
            pairs = self._pairs()
            changed = super().update(**kwargs)
            if not MOVING_FIELDS.isdisjoint(kwargs):
                pairs |= self._pairs()  # where they went (unit or indicator changed)
            RunningTotal.objects.refresh(pairs, using=self.db)
        return changed

    def delete(self) -> tuple[int, dict[str, int]]:
        with transaction.atomic(using=self.db, savepoint=False):
            pairs = self.filter(**COUNTS)._pairs()  # only records that count change a total
            deleted = super().delete()
            RunningTotal.objects.refresh(pairs, using=self.db)
        return deleted

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[Evidence]:
        objs = list(objs)
        with transaction.atomic(using=self.db, savepoint=False):
            created = super().bulk_create(objs, *args, **kwargs)
            counting = [record for record in objs if record.counts]  # pending ones change none
            RunningTotal.objects.refresh(_pairs_of(counting), using=self.db)
        return created

    def bulk_update(self, objs: Any, fields: Any, *args: Any, **kwargs: Any) -> int:
        objs, fields = list(objs), list(fields)
        if not touches_totals(fields):
            return super().bulk_update(objs, fields, *args, **kwargs)
        with transaction.atomic(using=self.db, savepoint=False):
            pairs = _pairs_of(objs)
            if not MOVING_FIELDS.isdisjoint(fields):  # where they were, too
                pairs |= set(
                    self.model._base_manager.using(self.db)
                    .filter(pk__in=[obj.pk for obj in objs])
                    .values_list("unit_id", "indicator_id")
                )
            changed = super().bulk_update(objs, fields, *args, **kwargs)
            RunningTotal.objects.refresh(pairs, using=self.db)
        return changed

    def _pairs(self) -> set[Pair]:
        return set(self.order_by().values_list("unit_id", "indicator_id").distinct())

    def counting(self) -> EvidenceQuerySet:
        """Verified, not superseded, and not waived under the fault-tolerance rules; on an
        indicator that names a data source unit, only the source's figures (一数一源)."""
        return self.filter(**COUNTS).exclude(
            data_source__isnull=True, indicator_id__in=_source_fed()
        )

    def claims(self) -> EvidenceQuerySet:
        """A unit's own figures on an indicator that names a data source: never counted."""
        return self.filter(data_source__isnull=True, indicator_id__in=_source_fed())

    def awaiting_verification(self) -> EvidenceQuerySet:
        """Pending and current, but not a unit's own figure (自报数) on a source-fed indicator:
        it never counts, so nobody is asked to verify it; the office compares it instead."""
        return self.filter(status=EvidenceStatus.PENDING, is_current=True).exclude(
            data_source__isnull=True, indicator_id__in=_source_fed()
        )


EvidenceManager = models.Manager.from_queryset(EvidenceQuerySet)


# What a record that counts has (before the data source rule, which the totals keep apart):
# ``counting()``, ``Evidence.counts`` and the running totals (``assessment.models.totals``).
COUNTS = {"status": EvidenceStatus.VERIFIED, "is_current": True, "is_waived": False}
# The fields that move a record to another unit or indicator.
MOVING_FIELDS = frozenset({"unit", "unit_id", "indicator", "indicator_id"})


def _pairs_of(records: Iterable[Evidence]) -> set[Pair]:
    return {(record.unit_id, record.indicator_id) for record in records}


# The indicators that name a data source unit, as a subquery: the evidence table is still read
# alone (no join), and a year without sources filters nothing.
def _source_fed() -> models.QuerySet[Indicator, Any]:
    return Indicator.objects.filter(source_unit__isnull=False).values("pk")


class VerifiedRecord(models.Model):
    """A record that counts only once someone outside its unit has verified it.

    Append-only: a mistake is corrected by a new record that ``supersedes`` this one (which
    then is no longer ``is_current``); after the collection closes only the office adds
    records, marked late with a reason.
    """

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

    objects = RecordQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def status_label(self) -> str:
        """What ``get_status_display()`` says (``choice_label``)."""
        return choice_label(EvidenceStatus, self.status)

    @property
    def awaits_decision(self) -> bool:
        """Pending and current: what a verifier may still verify or reject."""
        return self.is_current and self.status == EvidenceStatus.PENDING

    @property
    def is_failure(self) -> bool:
        """A failure recorded against a unit: only evidence on a deduction or veto indicator."""
        return False


class Evidence(VerifiedRecord):
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
    # On a catalogued indicator: the item the record names (its value is then the count of
    # occurrences) and the document (文号) that proves it.
    item = models.ForeignKey(
        "assessment.Item", on_delete=models.PROTECT, null=True, blank=True,
        related_name="evidence", verbose_name=_("catalogued item"),
    )  # fmt: skip
    # (database defaults too: rows streamed in by raw SQL, as the benchmark's, may omit them)
    document = models.CharField(
        _("document number"), max_length=100, blank=True, default="", db_default=""
    )
    # Set when a fault-tolerance waiver of the record is confirmed (``services.waivers``): the
    # record stays on record but no longer counts.
    is_waived = models.BooleanField(_("waived"), default=False, db_default=False)
    # How the record entered: typed in a form (from this client address), or imported from a
    # workbook (its file name, SHA-256 and sheet row). A correction names the record it
    # supersedes.
    entered_from = models.GenericIPAddressField(_("entered from"), null=True, blank=True)
    source_file = models.CharField(
        _("imported from"), max_length=255, blank=True, default="", db_default=""
    )
    source_sha256 = models.CharField(
        _("SHA-256 of the file"), max_length=64, blank=True, default="", db_default=""
    )
    source_row = models.PositiveIntegerField(_("sheet row"), null=True, blank=True)
    # 一数一源: set on a figure of the indicator's data source unit (``Indicator.source_unit``).
    # A record of an indicator that names a source without it is the unit's own figure (a
    # claim, e.g. recorded before the source was named): kept and compared, never counted.
    data_source = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("data source unit"),
    )

    # Added after records were sealed into the audit chain (``units.audit``).
    audit_added_columns: ClassVar[dict[str, object]] = {
        "item_id": None,
        "document": "",
        "is_waived": False,
        "entered_from": None,
        "source_file": "",
        "source_sha256": "",
        "source_row": None,
        "data_source_id": None,
    }

    history = HistoricalRecords()
    objects: ClassVar[EvidenceManager] = EvidenceQuerySet.as_manager()

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
            # The records waiting for a decision (awaiting_verification), oldest first as the
            # verification queue lists them: a few thousand among a city's million records.
            # With the columns the queue filters on, PostgreSQL counts them from the index.
            models.Index(
                fields=["date", "id", "indicator", "unit", "recorded_by", "data_source"],
                name="evidence_pending",
                condition=models.Q(status=EvidenceStatus.PENDING, is_current=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_late=False) | ~models.Q(late_reason=""),
                name="evidence_late_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit.code} · {self.indicator.code} · {self.date:%Y-%m-%d}"

    # Saving or deleting one record refreshes its unit and indicator's running total
    # (``assessment.models.totals``) in the same transaction; a new record that does not count
    # (a reporter's, pending verification) changes no total.

    def save(self, *args: Any, **kwargs: Any) -> None:
        new = self._state.adding and self.pk is None
        if not touches_totals(kwargs.get("update_fields")) or (new and not self.counts):
            super().save(*args, **kwargs)
            return
        using = kwargs.get("using") or self._state.db or "default"
        stored = self.__dict__.get("_stored_pair")  # as read from the database
        with transaction.atomic(using=using, savepoint=False):
            super().save(*args, **kwargs)
            pairs = {(self.unit_id, self.indicator_id)}
            if stored is not None:  # moved away from there
                pairs.add(stored)
            RunningTotal.objects.refresh(pairs, using=self._state.db or using)
        self.__dict__["_stored_pair"] = (self.unit_id, self.indicator_id)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        using = kwargs.get("using") or self._state.db or "default"
        pair = (self.unit_id, self.indicator_id)
        with transaction.atomic(using=using, savepoint=False):
            deleted = super().delete(*args, **kwargs)
            RunningTotal.objects.refresh([pair], using=using)
        return deleted

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any) -> Evidence:
        record = super().from_db(db, field_names, values)
        read = record.__dict__
        if "unit_id" in read and "indicator_id" in read:  # neither deferred
            read["_stored_pair"] = (read["unit_id"], read["indicator_id"])
        return record

    @property
    def counts(self) -> bool:
        """Verified, current and not waived: what a running total sums (the data source rule
        is applied when the totals are read)."""
        return self.status == EvidenceStatus.VERIFIED and self.is_current and not self.is_waived

    @property
    def is_failure(self) -> bool:
        """A deduction or veto record: a failure recorded against the unit."""
        return self.indicator.method in FAILURE_METHODS

    @property
    def is_self_report(self) -> bool:
        """The unit's own figure (自报数) on an indicator that names a data source unit: kept
        and compared with the source's figure, never verified, never counted (一数一源)."""
        return self.data_source_id is None and self.indicator.source_unit_id is not None

    @property
    def awaits_decision(self) -> bool:
        return super().awaits_decision and not self.is_self_report


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
    file's bytes (``assessment.lib.attachments``); the year is the year of the upload.
    """
    suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if not _SAFE_SUFFIX.match(suffix):
        suffix = ""
    return f"attachments/{timezone.localdate():%Y}/{secrets.token_hex(16)}{suffix}"


# The types a page may show in place (an <iframe> for a PDF, an <img> for an image); the upload
# checks identify each file by its content, and nothing else is ever served inline.
PREVIEW_TYPES = {
    "application/pdf": "pdf",
    "image/png": "image",
    "image/jpeg": "image",
    "image/gif": "image",
    "image/webp": "image",
}


ATTACHMENT_OWNERS = ("evidence", "progress", "objection", "report")


def _exactly_one_of(fields: tuple[str, ...]) -> models.Q:
    """The condition that exactly one of the foreign keys `fields` is set."""
    alternatives = [
        models.Q(**{f"{field}__isnull": field != owner for field in fields}) for owner in fields
    ]
    return functools.reduce(operator.or_, alternatives)


class EvidenceAttachment(models.Model):
    """A file that documents a record, kept in private storage and served after a check."""

    # Of exactly one record: an evidence record, a key project's progress update, an objection or
    # a rectification report.
    evidence = models.ForeignKey(
        Evidence,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("evidence record"),
    )
    progress = models.ForeignKey(
        "assessment.ProgressUpdate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("progress update"),
    )
    objection = models.ForeignKey(
        "assessment.Objection",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("objection"),
    )
    report = models.ForeignKey(
        "assessment.RectificationReport",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("rectification report"),
    )
    # Media are never served directly (MEDIA_URL is not routed): only through a view that asks
    # ``assessment.lib.attachments.attachment_get_for_user`` first.
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

    # Added after attachments were sealed into the audit chain (``units.audit``).
    audit_added_columns: ClassVar[dict[str, object]] = {"report_id": None}

    history = HistoricalRecords()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [
            models.CheckConstraint(
                condition=_exactly_one_of(ATTACHMENT_OWNERS), name="attachment_of_one_record"
            ),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def preview(self) -> str:
        """How a page shows the file in place: "pdf", "image", or "" (downloaded only)."""
        return PREVIEW_TYPES.get(self.content_type, "")
