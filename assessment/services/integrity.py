"""The integrity review queue: compute the year's signals, dismiss or confirm them, and record
the failure a confirmed signal calls for. Every change is audited (the user and the reason in
the history).

Computing again replaces the open signals with the new findings and keeps every decided one:
a signal the office dismissed stays dismissed however often it is found again. Confirming
never changes a score by itself: it names the deduction or disqualification indicator, and
supervision records the failure through the ordinary record flow, verified as any record.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.lib.history import set_change_reason, set_history_user
from assessment.models import (
    AssessmentYear,
    Evidence,
    Indicator,
    IntegritySignal,
    MethodChoices,
    SignalStatus,
)
from assessment.policy import Action, year_check
from assessment.scoring.signals import Signal
from assessment.selectors.integrity import sees_integrity_queue, year_signals
from assessment.services import records as record_rules
from assessment.services.evidence import evidence_record
from assessment.services.records import User
from units.access import account, is_supervision
from units.models import Unit

CONFIRM_METHODS = frozenset({MethodChoices.DEDUCTION, "disqualify"})


def fingerprint(signal: Signal) -> str:
    """The same finding computed again has the same fingerprint."""
    return hashlib.sha256(json.dumps(signal.key).encode()).hexdigest()


def _office_only(by: User) -> None:
    if not sees_integrity_queue(by):
        raise ValidationError(
            _("Only the assessment office reviews signals of falsification."), code="forbidden"
        )


def _json_safe(facts: Any) -> Any:
    return json.loads(json.dumps(facts, default=str))


@transaction.atomic
def integrity_compute(*, year: AssessmentYear, by: User) -> tuple[int, int]:
    """Compute the year's signals: new findings are added as open signals, open ones no longer
    found are removed, decided ones stay. Returns (added, removed)."""
    _office_only(by)
    found = year_signals(year)
    by_print = {fingerprint(signal): signal for signal in found}
    existing = {s.fingerprint: s for s in IntegritySignal.objects.filter(year=year)}
    removed = 0
    for print_, stale in existing.items():
        if stale.is_open and print_ not in by_print:
            set_history_user(stale, by)
            set_change_reason(stale, _("no longer found"))
            stale.delete()
            removed += 1
    units = {unit.code: unit for unit in Unit.objects.all()}
    indicators = {(i.category_id, i.code): i for i in Indicator.objects.filter(year=year)}
    added = 0
    for print_, signal in by_print.items():
        if print_ in existing:
            continue
        unit = units[signal.units[0]]
        row = IntegritySignal(
            year=year,
            kind=signal.kind.value,
            fingerprint=print_,
            unit=unit,
            unit_codes=list(signal.units),
            indicator=indicators.get((unit.category_id, signal.indicator or "")),
            facts=_json_safe(signal.facts),
            test=signal.test or "",
            p_value=signal.p_value,
        )
        record_rules.save(row, by, _("found by the integrity check"))
        row.records.set(signal.records)
        added += 1
    return added, removed


def _locked(signal: IntegritySignal) -> IntegritySignal:
    return (
        IntegritySignal.objects.select_for_update(of=("self",))
        .select_related("year", "unit", "failure_indicator")
        .get(pk=signal.pk)
    )


def _decide(signal: IntegritySignal, by: User, reason: str) -> IntegritySignal:
    _office_only(by)
    signal = _locked(signal)
    if not signal.is_open:
        raise ValidationError(_("This signal has already been decided."), code="decided")
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the decision.")}, code="required")
    year_check(signal.year, Action.VERIFY_EVIDENCE, reason=reason, by=by)
    signal.reason = reason.strip()[:500]
    signal.decided_by, signal.decided_at = account(by), timezone.now()
    return signal


@transaction.atomic
def integrity_dismiss(*, signal: IntegritySignal, by: User, reason: str) -> IntegritySignal:
    """The office dismisses the signal with its reason: nothing else changes."""
    signal = _decide(signal, by, reason)
    signal.status = SignalStatus.DISMISSED
    record_rules.save(signal, by, reason, ["status", "reason", "decided_by", "decided_at"])
    return signal


@transaction.atomic
def integrity_confirm(
    *, signal: IntegritySignal, by: User, reason: str, indicator: Indicator
) -> IntegritySignal:
    """The office confirms the signal, naming the deduction or disqualification indicator of
    the unit's category on which supervision is to record the failure."""
    signal = _decide(signal, by, reason)
    if (
        indicator.year_id != signal.year_id
        or indicator.category_id != signal.unit.category_id
        or indicator.method not in CONFIRM_METHODS
    ):
        raise ValidationError(
            {"indicator": _("Choose a deduction or disqualification indicator of the unit.")},
            code="invalid",
        )
    signal.status = SignalStatus.CONFIRMED
    signal.failure_indicator = indicator
    fields = ["status", "reason", "decided_by", "decided_at", "failure_indicator"]
    record_rules.save(signal, by, reason, fields)
    return signal


@transaction.atomic
def integrity_record_failure(
    *,
    signal: IntegritySignal,
    by: User,
    date: datetime.date,
    value: Decimal,
    description: str,
) -> Evidence:
    """Supervision (or the office) records the failure a confirmed signal calls for: an
    ordinary record, pending verification, linked to the signal."""
    signal = _locked(signal)
    if not (is_supervision(by) or sees_integrity_queue(by)):
        raise ValidationError(
            _("Supervision records the failure of a confirmed signal."), code="forbidden"
        )
    if signal.status != SignalStatus.CONFIRMED or signal.failure_indicator is None:
        raise ValidationError(_("Only a confirmed signal calls for a failure."), code="open")
    if signal.record_id is not None:
        raise ValidationError(_("The failure of this signal is recorded already."), code="done")
    record = evidence_record(
        unit=signal.unit,
        indicator=signal.failure_indicator,
        date=date,
        value=value,
        description=description,
        by=by,
    )
    signal.record = record
    record_rules.save(signal, by, description, ["record"])
    return record
