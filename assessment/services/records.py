"""The one flow of every verified record: record, correct (supersede), verify or reject.

Evidence (``services.evidence``) and key-project progress updates and contribution points
(``services.projects``) are all ``VerifiedRecord``s and follow the same rules, written once
here; each subject describes itself in a ``RecordFlow`` (its model, the access rules that say
who may record and who may decide, its own field checks) and calls the steps:

- ``record_create``: a new record, pending, by someone the subject's rule allows, on the
  year's clock (``recording_clock``): while the year collects, anyone allowed; while it is
  scored, the office only, as a late record with a reason.
- ``record_correct``: records are append-only; a correction is a new record that supersedes
  the current one, with the reason. Both stay; only the newest can count.
- ``record_verify`` / ``record_verify_many``: verified, or rejected with a reason, by someone
  the subject's rule allows: never the record's own unit nor its creator. Only pending,
  current records are decided, on the year's clock.

Each step validates before it writes (all field problems at once, attachments with them),
names the user and the reason in the history, and stores attachments all or nothing. Each
step is atomic; inside the transaction of the subject's service it adds no savepoint.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from assessment.access import manages_assessment
from assessment.lib import attachments as files
from assessment.lib.history import set_change_reason, set_history_user
from assessment.models import (
    AssessmentYear,
    EvidenceAttachment,
    EvidenceStatus,
    VerifiedRecord,
    YearStatus,
)
from assessment.policy import ALLOWED, Action, needs_reason, year_check
from assessment.services.concurrency import ROW_ONLY
from units.access import AnyUser, account
from units.audit import lock_chain, seal_pending

User = AnyUser
RecordT = TypeVar("RecordT", bound=models.Model)

HISTORY_REASON_LENGTH = 100  # django-simple-history's history_change_reason
VERIFY_FIELDS = ["status", "verified_by", "verified_at", "status_reason"]


# --- saving -----------------------------------------------------------------------------------


def save(
    instance: models.Model, by: User, reason: str = "", update_fields: list[str] | None = None
) -> None:
    """Save with the user and the reason in the history record (none is left behind)."""
    if by.is_authenticated:
        set_history_user(instance, by)
    if reason.strip():
        set_change_reason(instance, reason.strip()[:HISTORY_REASON_LENGTH])
    try:
        instance.save(update_fields=update_fields)
    finally:
        instance.__dict__.pop("_change_reason", None)


def refuse(refusal: str | None) -> None:
    """Raise the access rule's refusal, if there is one."""
    if refusal is not None:
        raise ValidationError(refusal, code="not_allowed")


def merge(errors: dict[str, list[str]], error: ValidationError) -> None:
    """Add a ``ValidationError``'s messages to ``errors`` by field."""
    for field, messages in error.message_dict.items():
        errors.setdefault(field, []).extend(messages)


def date_error(date: datetime.date | None, year: AssessmentYear) -> list[str]:
    """A record's date lies in the assessment year, or this says so."""
    if date is not None and date.year != year.year:
        return [
            _("The date must be in %(year)s, the assessment year of the indicator.")
            % {"year": year.year}
        ]
    return []


def write_with_files(
    record: RecordT,
    by: User,
    reason: str,
    prepared: list[files.PreparedAttachment],
    *,
    attach_to: str,
) -> RecordT:
    """Save a new record and store its checked attachments (``attach_to`` names the record's
    field on the attachment); if a file fails, those already stored are removed again."""
    save(record, by, reason)
    stored: list[EvidenceAttachment] = []
    owner: dict[str, Any] = {attach_to: record}  # the field of the attachment naming the record
    try:
        for upload in prepared:
            stored.append(files.store(prepared=upload, by=by, **owner))
    except Exception:
        for attachment in stored:  # the transaction drops the rows; the files go here
            attachment.file.delete(save=False)
        raise
    return record


# --- the year's clock -------------------------------------------------------------------------


def recording_is_late(by: User, year: AssessmentYear) -> bool:
    """A record made now by ``by`` would be late: the year is past collecting and ``by`` is the
    office (the pages ask for the late reason only then)."""
    return needs_reason(year, Action.RECORD_EVIDENCE) and bool(manages_assessment(by))


def recording_open(by: User, year: AssessmentYear) -> bool:
    """Whether ``by`` may make a record now at all: while the year collects, or late."""
    return year.status == YearStatus.COLLECTING or recording_is_late(by, year)


def recording_refusal(by: User, year: AssessmentYear) -> str | None:
    """Why ``by`` may make no record now, in the words a submission would be refused with
    (``recording_clock``), or None if they may (late, with a reason, for the office). The pages
    show a form this refuses read-only, with this reason, before anything is typed."""
    try:
        recording_clock(year, by, reason="-", reason_field="late_reason")
    except ValidationError as error:
        return " ".join(error.messages)
    return None


def verifying_open(year: AssessmentYear) -> bool:
    """Whether records are decided now without an amendment's reason."""
    return year.status in ALLOWED[Action.VERIFY_EVIDENCE]


def recording_clock(year: AssessmentYear, by: User, reason: str, reason_field: str) -> bool:
    """Whether a record made now is late; ``ValidationError`` if none may be made now.

    While the year collects evidence, anyone allowed records; once it is being scored, only
    the office, with a reason (a late record); in every other state nobody (the policy's
    message). A missing reason is reported under ``reason_field``.
    """
    late = needs_reason(year, Action.RECORD_EVIDENCE)
    if late and not manages_assessment(by):
        raise ValidationError(
            _(
                "Evidence for the %(year)s assessment is no longer collected: only the "
                "assessment office may add a late record."
            )
            % {"year": year.year},
            code="late_office_only",
        )
    try:
        year_check(year, Action.RECORD_EVIDENCE, reason=reason, by=by)
    except ValidationError as error:
        if error.error_list[0].code == "reason_required":
            raise ValidationError({reason_field: error.error_list}) from None
        raise
    return late


# --- one subject's part -----------------------------------------------------------------------


R = TypeVar("R", bound=VerifiedRecord)


def _no_field_errors(record: VerifiedRecord, year: AssessmentYear) -> dict[str, list[str]]:
    return {}


@dataclass(frozen=True)
class RecordFlow(Generic[R]):
    """What the flow needs to know of one kind of record.

    ``related`` reads a record with what ``year_of`` and both refusals follow; ``record_refusal``
    (who may record or correct such a record) is asked of the new record before anything is
    checked, ``decide_refusal`` (who may verify or reject it) of the stored one. ``field_errors``
    are the subject's own rules besides ``full_clean``; ``attach_to`` is the attachment's
    field for the record, empty if it has no attachments; ``label`` names a record in the
    messages of a bulk decision; ``ordering`` is the order in which a bulk decision judges.
    """

    model: type[R]
    related: Sequence[str]
    year_of: Callable[[R], AssessmentYear]
    record_refusal: Callable[[User, R], str | None]
    decide_refusal: Callable[[User, R], str | None]
    field_errors: Callable[[R, AssessmentYear], dict[str, list[str]]] = _no_field_errors
    attach_to: str = ""
    label: Callable[[R], str] = str
    ordering: Sequence[str] = ("pk",)

    def locked(self, pks: Iterable[int]) -> list[R]:
        """The records, read again under a row lock: a double click is judged on the real
        state."""
        rows = (
            self.model.objects.select_for_update(no_key=True, of=ROW_ONLY)
            .select_related(*self.related)
            .filter(pk__in=list(pks))
            .order_by(*self.ordering)
        )
        return cast("list[R]", list(rows))  # rows of ``model``, typed as the base's

    def locked_one(self, record: R) -> R:
        rows = self.model.objects.select_for_update(no_key=True, of=ROW_ONLY).select_related(
            *self.related
        )
        return cast(R, rows.get(pk=record.pk))  # a row of ``model``, typed as the base's


def _stamp(record: VerifiedRecord, year: AssessmentYear, by: User, reason: str, field: str) -> None:
    """Who records it and whether (and why) it is late, once the clock allows it at all."""
    late = recording_clock(year, by, reason, field)
    record.recorded_by = account(by)
    record.is_late = late
    record.late_reason = reason.strip() if late else ""


def _checked(
    flow: RecordFlow[R],
    record: R,
    year: AssessmentYear,
    attachments: Iterable[files.Upload],
) -> list[files.PreparedAttachment]:
    """Validate a new record and its attachments together; return the prepared attachments."""
    errors = flow.field_errors(record, year)
    try:
        record.full_clean()
    except ValidationError as error:
        merge(errors, error)
    prepared: list[files.PreparedAttachment] = []
    try:
        prepared = files.prepare_all(attachments)
    except ValidationError as error:
        merge(errors, error)
    if errors:
        raise ValidationError(errors)
    return prepared


def _write(
    flow: RecordFlow[R],
    record: R,
    by: User,
    reason: str,
    prepared: list[files.PreparedAttachment],
) -> R:
    if flow.attach_to:
        write_with_files(record, by, reason, prepared, attach_to=flow.attach_to)
    elif prepared:
        raise ValueError(f"{flow.model.__name__} records have no attachments.")
    else:
        save(record, by, reason)
    return record


# --- recording and correcting -----------------------------------------------------------------


@transaction.atomic(savepoint=False)
def record_create(
    flow: RecordFlow[R],
    record: R,
    *,
    year: AssessmentYear,
    by: User,
    late_reason: str = "",
    attachments: Iterable[files.Upload] = (),
) -> R:
    """Save ``record`` (new, its subject's fields set) pending verification, with its files.

    ``year`` is the record's year as stored now (not the caller's copy). Refused unless ``by``
    may record it and the year's clock allows it; a late record needs ``late_reason``.
    """
    refuse(flow.record_refusal(by, record))
    _stamp(record, year, by, late_reason, "late_reason")
    prepared = _checked(flow, record, year, attachments)
    return _write(flow, record, by, record.late_reason, prepared)


def _correction_reason_required(reason: str) -> None:
    if not reason.strip():
        raise ValidationError(
            {"reason": _("Give the reason for the correction.")}, code="reason_required"
        )


def superseded_message() -> str:
    return _("This record has already been superseded by a correction: correct the newest one.")


@transaction.atomic(savepoint=False)
def record_correct(
    flow: RecordFlow[R],
    record: R,
    new: Callable[[R], R],
    *,
    by: User,
    reason: str,
    attachments: Iterable[files.Upload] = (),
) -> R:
    """Correct ``record``: ``new(old)`` builds the new record, which supersedes it; returns it.

    Nothing submitted is edited: the old record stays as it was, only no longer current (its
    history names who superseded it and why), and the new one is pending verification like
    any record. Only the current record can be corrected, by someone who may record it, with
    the reason, on the same year's clock as a new record (the reason of a late correction is
    also its late reason).
    """
    old = flow.locked_one(record)
    year = flow.year_of(old)
    refuse(flow.record_refusal(by, old))
    _correction_reason_required(reason)
    if not old.is_current:
        raise ValidationError(superseded_message(), code="superseded")
    corrected = new(old)
    corrected.supersedes = old
    corrected.correction_reason = reason.strip()
    _stamp(corrected, year, by, reason, "reason")
    prepared = _checked(flow, corrected, year, attachments)
    old.is_current = False
    save(old, by, reason, update_fields=["is_current"])
    record.is_current = False
    return _write(flow, corrected, by, reason, prepared)


# --- deciding ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class VerifyCounts:
    verified: int = 0
    rejected: int = 0


def state_problem(record: VerifiedRecord) -> str | None:
    """Why the record cannot be decided whoever asks: superseded, or decided already."""
    if not record.is_current:
        return _(
            "This record has been superseded by a correction: it can no longer be verified. "
            "Verify the newest correction instead."
        )
    if record.status != EvidenceStatus.PENDING:
        return _(
            "This record is already %(status)s: only pending records can be decided. To change "
            "it, the unit records a correction."
        ) % {"status": EvidenceStatus(record.status).label}
    return None


def _rejection_reason_required(accept: bool, reason: str) -> None:
    if not accept and not reason.strip():
        raise ValidationError(
            {"reason": _("Give the reason for the rejection.")}, code="reason_required"
        )


def _decision_problem(flow: RecordFlow[R], record: R, by: User) -> str | None:
    """Why ``by`` cannot decide on ``record`` now (who they are, the record's state)."""
    return flow.decide_refusal(by, record) or state_problem(record)


def _decide(
    record: VerifiedRecord, by: User, accept: bool, reason: str, now: datetime.datetime
) -> None:
    """Set the decision on the record (not saved): who decided and when, either way."""
    record.status = EvidenceStatus.VERIFIED if accept else EvidenceStatus.REJECTED
    record.verified_by = account(by)
    record.verified_at = now
    record.status_reason = reason.strip()


@transaction.atomic(savepoint=False)
def record_verify(flow: RecordFlow[R], record: R, *, by: User, accept: bool, reason: str = "") -> R:
    """Verify (``accept``) or reject a pending, current record; a rejection needs a reason.

    ``verified_by`` and ``verified_at`` name who decided and when, whichever the decision. In
    the publicity and a review a decision is an amendment: the office's, with a reason.
    """
    _rejection_reason_required(accept, reason)
    locked = flow.locked_one(record)
    year_check(flow.year_of(locked), Action.VERIFY_EVIDENCE, reason=reason, by=by)
    if problem := _decision_problem(flow, locked, by):
        raise ValidationError(problem, code="not_allowed")
    _decide(locked, by, accept, reason, timezone.now())
    save(locked, by, reason, update_fields=VERIFY_FIELDS)
    for name in VERIFY_FIELDS:
        setattr(record, name, getattr(locked, name))
    return locked


def _many_problems(flow: RecordFlow[R], locked: list[R], by: User, reason: str) -> list[str]:
    """Every reason why not, each naming the record it is about (the year's once)."""
    errors: list[str] = []
    checked: set[int] = set()
    for record in locked:
        year = flow.year_of(record)
        if year.pk not in checked:
            checked.add(year.pk)
            try:
                year_check(year, Action.VERIFY_EVIDENCE, reason=reason, by=by)
            except ValidationError as error:
                errors.extend(error.messages)
        if problem := _decision_problem(flow, record, by):
            errors.append(
                _("%(record)s: %(problem)s") % {"record": flow.label(record), "problem": problem}
            )
    return errors


@transaction.atomic(savepoint=False)
def record_verify_many(
    flow: RecordFlow[R],
    records: Iterable[R],
    *,
    by: User,
    accept: bool,
    reason: str = "",
) -> VerifyCounts:
    """Verify or reject several records at once: all of them, or none and every reason why."""
    _rejection_reason_required(accept, reason)
    pks = sorted({record.pk for record in records})
    locked = flow.locked(pks)
    errors: list[str] = []
    if len(locked) != len(pks):
        errors.append(_("Some of the records no longer exist: reload the list."))
    errors.extend(_many_problems(flow, locked, by, reason))
    if errors:
        raise ValidationError([ValidationError(e, code="not_allowed") for e in errors])
    now = timezone.now()
    for record in locked:
        _decide(record, by, accept, reason, now)
    if locked:
        lock_chain()  # the history rows written next are sealed in the order they are written
        bulk_update_with_history(
            locked,
            flow.model,
            fields=VERIFY_FIELDS,
            default_user=by if by.is_authenticated else None,
            default_change_reason=reason.strip()[:HISTORY_REASON_LENGTH] or None,
        )
        seal_pending()  # a bulk update sends no signal: sealed into the audit chain here
    count = len(locked)
    return VerifyCounts(verified=count) if accept else VerifyCounts(rejected=count)
