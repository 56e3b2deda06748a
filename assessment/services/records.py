"""What every verified record shares: saving with the history, the year's clock, deciding.

Evidence (``services.evidence``) and key-project progress and contributions
(``services.projects``) follow the same rules; the pieces they share live here.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from assessment.access import manages_assessment
from assessment.lib import attachments as files
from assessment.models import AssessmentYear, EvidenceStatus, VerifiedRecord
from assessment.policy import Action, needs_reason, year_check

User = AbstractBaseUser | AnonymousUser

HISTORY_REASON_LENGTH = 100  # django-simple-history's history_change_reason
VERIFY_FIELDS = ["status", "verified_by", "verified_at", "status_reason"]


def save(
    instance: models.Model, by: User, reason: str = "", update_fields: list[str] | None = None
) -> None:
    """Save with the user and the reason in the history record (none is left behind)."""
    if by.is_authenticated:
        instance._history_user = by  # type: ignore[attr-defined]
    if reason.strip():
        instance._change_reason = reason.strip()[:HISTORY_REASON_LENGTH]  # type: ignore[attr-defined]
    try:
        instance.save(update_fields=update_fields)
    finally:
        instance.__dict__.pop("_change_reason", None)


def refuse(refusal: str | None) -> None:
    """Raise the access rule's refusal, if there is one."""
    if refusal is not None:
        raise ValidationError(refusal, code="not_allowed")


def merge(errors: dict[str, list], error: ValidationError) -> None:
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


def recording_clock(year: AssessmentYear, by: User, reason: str, reason_field: str) -> bool:
    """Whether a record made now is late; ``ValidationError`` if none may be made now.

    While the year collects evidence, anyone allowed records; once it is being scored, only
    the office, with a reason (a late record); in every other state nobody (the policy's
    message).
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


def recorded_now(year: AssessmentYear, by: User, reason: str, reason_field: str) -> dict:
    """The fields of a record made now by ``by``: who recorded it, and whether (and why) it is
    late — after ``recording_clock`` has said it may be made at all."""
    late = recording_clock(year, by, reason, reason_field)
    return {"recorded_by": by, "is_late": late, "late_reason": reason.strip() if late else ""}


def correction_reason_required(reason: str) -> None:
    if not reason.strip():
        raise ValidationError(
            {"reason": _("Give the reason for the correction.")}, code="reason_required"
        )


def superseded_refusal(record: VerifiedRecord) -> None:
    if not record.is_current:
        raise ValidationError(
            _("This record has already been superseded by a correction: correct the newest one."),
            code="superseded",
        )


def state_problem(record: VerifiedRecord) -> str | None:
    """Why the record cannot be decided whoever asks: superseded, or decided already."""
    if not record.is_current:
        return _("This record has been superseded by a correction: it can no longer be verified.")
    if record.status != EvidenceStatus.PENDING:
        return _("This record is already %(status)s: only pending records can be decided.") % {
            "status": EvidenceStatus(record.status).label
        }
    return None


def rejection_reason_required(accept: bool, reason: str) -> None:
    if not accept and not reason.strip():
        raise ValidationError(
            {"reason": _("Give the reason for the rejection.")}, code="reason_required"
        )


def decide(
    record: VerifiedRecord, by: User, accept: bool, reason: str, now: datetime.datetime
) -> None:
    """Set the decision on the record (not saved): who decided and when, either way."""
    record.status = EvidenceStatus.VERIFIED if accept else EvidenceStatus.REJECTED
    record.verified_by = by  # type: ignore[assignment]
    record.verified_at = now
    record.status_reason = reason.strip()


def write_with_files(
    record: VerifiedRecord, by: User, reason: str, prepared: list, *, attach_to: str
) -> VerifiedRecord:
    """Save a new record and store its checked attachments (``attach_to`` names the record's
    field on the attachment); if a file fails, those already stored are removed again."""
    save(record, by, reason)
    stored: list = []
    try:
        for upload in prepared:
            stored.append(files.store(prepared=upload, by=by, **{attach_to: record}))
    except Exception:
        for attachment in stored:  # the transaction drops the rows; the files go here
            attachment.file.delete(save=False)
        raise
    return record
