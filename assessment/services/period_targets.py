"""Writes of a unit's cumulative period targets (序时目标值) from its targets form, and the rules a
period target meets, shared with the ``targets`` workbook's 期间 rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from assessment.models import AssessmentYear, Indicator, PeriodTarget, ReportingPeriod
from assessment.scoring.colours import TARGETED_METHODS
from assessment.services import scheme
from assessment.services.records import User
from assessment.services.scheme import TargetRow, _audit, _save
from units.models import Unit


@dataclass(frozen=True)
class PeriodEntry:
    """One period field of the targets form: a cumulative figure, a share of the annual target
    (0 < share ≤ 1), or neither (blank: the pro-rata default)."""

    period: ReportingPeriod
    indicator: Indicator
    value: Decimal | None = None
    share: Decimal | None = None


def period_target_errors(*, period: ReportingPeriod | None, indicator: Indicator) -> dict[str, str]:
    """The rules of a period target, by the field they concern ("period" or "indicator")."""
    errors = {}
    if period is not None and period.is_closed:
        errors["period"] = _("The period is closed: its colours are kept as they were.")
    if indicator.method not in TARGETED_METHODS:
        errors["indicator"] = _(
            "This indicator has no period targets: only targeted indicators are coloured."
        )
    return errors


def period_targets_check(*, unit: Unit, entries: list[PeriodEntry]) -> dict[str, list[str]]:
    """The errors of `entries`, keyed "<indicator code>.period-<period pk>"; nothing written."""
    existing = _existing(unit, entries)
    errors: dict[str, list[str]] = {}
    for entry in entries:
        key = f"{entry.indicator.code}.period-{entry.period.pk}"
        row = existing.get((entry.period.pk, entry.indicator.pk))
        if _unchanged(row, entry):
            continue
        messages = list(
            period_target_errors(period=entry.period, indicator=entry.indicator).values()
        )
        if entry.value is not None or entry.share is not None:
            candidate = PeriodTarget(
                period=entry.period, unit=unit, indicator=entry.indicator,
                share=entry.share, value=entry.value,
            )  # fmt: skip
            try:
                candidate.full_clean(exclude=["period", "unit", "indicator"], validate_unique=False)
            except ValidationError as error:
                messages += [m for ms in error.message_dict.values() for m in ms]
        if messages:
            errors[key] = messages
    return errors


@transaction.atomic
def targets_and_periods_save(
    *,
    year: AssessmentYear,
    unit: Unit,
    rows: Sequence[TargetRow],
    periods: list[PeriodEntry],
    by: User,
    reason: str = "",
    expected_state: str | None = None,
) -> None:
    """The targets form's save: the year's targets and the period targets, all or nothing (a
    wrong period field saves no target either)."""
    errors = period_targets_check(unit=unit, entries=periods)
    if errors:
        raise ValidationError(errors)
    scheme.targets_save_many(
        year=year, unit=unit, rows=rows, by=by, reason=reason, expected_state=expected_state
    )
    period_targets_write(unit=unit, entries=periods, by=by, reason=reason)


def period_targets_write(
    *, unit: Unit, entries: list[PeriodEntry], by: User, reason: str = ""
) -> None:
    """Write the checked `entries`: a new or changed figure or share is saved, a blank one
    removes the entered target (the pro-rata default applies again); each write audited."""
    existing = _existing(unit, entries)
    for entry in entries:
        row = existing.get((entry.period.pk, entry.indicator.pk))
        if _unchanged(row, entry):
            continue
        if entry.value is None and entry.share is None:
            assert row is not None  # unchanged otherwise
            _audit(row, by)
            row.delete()
            continue
        if row is None:
            row = PeriodTarget(period=entry.period, unit=unit, indicator=entry.indicator)
        row.share, row.value = entry.share, entry.value
        _save(row, by, reason, ["share", "value"])


def _existing(unit: Unit, entries: list[PeriodEntry]) -> dict[tuple[int, int], PeriodTarget]:
    found = PeriodTarget.objects.select_for_update().filter(
        unit=unit, period__in={e.period.pk for e in entries}
    )
    return {(row.period_id, row.indicator_id): row for row in found}


def _unchanged(row: PeriodTarget | None, entry: PeriodEntry) -> bool:
    if row is None:
        return entry.value is None and entry.share is None
    return row.share == entry.share and row.value == entry.value
