"""Fault-tolerance waivers (容错免责) of deduction, disqualify and veto records.

Spec, "Waived records": one member of the office proposes the waiver with the reason (and the
clause of the district's fault-tolerance rules it relies on); a second member confirms it, as a
veto is confirmed. A confirmed waiver marks the record waived: it stays on record, shown with
both names and the reason, and no longer counts (``Evidence.objects.counting``). A second member
may instead decline the proposal, with a reason; the record then counts as before and may be
proposed again.

Waivers follow the year's clock of verifying (while collecting and scoring; in the publicity
or a review, as the office's amendment with its reason).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.access import waiver_decide_refusal, waiver_propose_refusal
from assessment.models import Evidence, Waiver
from assessment.policy import Action, year_check
from assessment.services import records as record_rules
from assessment.services.concurrency import ROW_ONLY
from assessment.services.records import User
from units.access import account


def _year_open(record: Evidence, reason: str, by: User) -> None:
    year_check(record.indicator.year, Action.VERIFY_EVIDENCE, reason=reason, by=by)


@transaction.atomic
def waiver_propose(*, record: Evidence, reason: str, clause: str, by: User) -> Waiver:
    """Propose waiving ``record``: a verified, current deduction, disqualify or veto record
    without a standing waiver; the reason and the clause are required."""
    record = (
        Evidence.objects.select_for_update(of=ROW_ONLY)
        .select_related("unit", "indicator__year")
        .get(pk=record.pk)
    )
    record_rules.refuse(waiver_propose_refusal(by, record))
    _year_open(record, reason, by)
    waiver = Waiver(
        evidence=record, reason=reason.strip(), clause=clause.strip(), proposed_by=account(by)
    )
    waiver.full_clean()
    record_rules.save(waiver, by, reason)
    return waiver


@transaction.atomic
def waiver_confirm(*, waiver: Waiver, by: User) -> Waiver:
    """A second member of the office confirms the waiver: the record stops counting."""
    waiver = _locked(waiver)
    record_rules.refuse(waiver_decide_refusal(by, waiver))
    record = waiver.evidence
    _year_open(record, waiver.reason, by)
    waiver.confirmed_by, waiver.confirmed_at = account(by), timezone.now()
    record_rules.save(waiver, by, waiver.reason, ["confirmed_by", "confirmed_at"])
    record.is_waived = True
    record_rules.save(record, by, waiver.reason, ["is_waived"])
    return waiver


@transaction.atomic
def waiver_decline(*, waiver: Waiver, by: User, reason: str) -> Waiver:
    """A second member of the office declines the proposal, with the reason: nothing changes
    for the record."""
    waiver = _locked(waiver)
    record_rules.refuse(waiver_decide_refusal(by, waiver))
    if not reason.strip():
        raise ValidationError(
            {"decline_reason": _("Give the reason for declining the waiver.")}, code="required"
        )
    _year_open(waiver.evidence, reason, by)
    waiver.declined_by, waiver.declined_at = account(by), timezone.now()
    waiver.decline_reason = reason.strip()[:500]
    record_rules.save(waiver, by, reason, ["declined_by", "declined_at", "decline_reason"])
    return waiver


def _locked(waiver: Waiver) -> Waiver:
    return (
        Waiver.objects.select_for_update(of=ROW_ONLY)
        .select_related("evidence__unit", "evidence__indicator__year")
        .get(pk=waiver.pk)
    )
