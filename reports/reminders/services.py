"""Writes of the reminders: the office sets a year's phase deadlines.

``deadlines_save`` writes every phase of the deadlines page at once, in one transaction, with
the user in the history of each row. It refuses once the year's results are published (or under
review, or archived): reminders stop there, so a deadline would change nothing. No action of
``assessment.policy`` fits — a deadline changes no input of the scores, so it needs no reason
for an amendment while the year is open — and the refusal is this module's, in words.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from assessment.access import manages_assessment, year_is_published
from assessment.lib.history import set_history_user
from assessment.models import AssessmentYear
from assessment.services.concurrency import check_state, instance_values, state_digest
from reports.models import DEFAULT_NOTICE_DAYS, Phase, PhaseDeadline
from units.access import AnyUser, account

DEADLINE_FIELDS: tuple[str, ...] = ("due_on", "day_of_month", "first_month", "notice_days", "note")


@dataclass(frozen=True)
class DeadlineValues:
    """What the office sets for one phase (the fields a phase does not use are left empty)."""

    due_on: datetime.date | None = None
    day_of_month: int | None = None
    first_month: int = 1
    notice_days: int = DEFAULT_NOTICE_DAYS
    note: str = ""


def deadline_refusal(year: AssessmentYear) -> str | None:
    """Why the year's deadlines may not change now, or None if they may."""
    if year_is_published(year):
        return _(
            "The %(year)s results are published: its deadlines no longer change and no "
            "reminders are sent for it."
        ) % {"year": year.year}
    return None


def deadlines_state(year: AssessmentYear) -> str:
    """The digest of the year's deadlines, for the form (``assessment.services.concurrency``)."""
    rows = {d.phase: d for d in PhaseDeadline.objects.filter(year=year)}
    return state_digest(
        {
            phase.value: instance_values(rows[phase], DEADLINE_FIELDS) if phase in rows else None
            for phase in Phase
        }
    )


def _audit(deadline: PhaseDeadline, by: AnyUser | None) -> None:
    if by is not None and by.is_authenticated:
        deadline.updated_by = account(by)
        set_history_user(deadline, by)


def _used(phase: str, given: DeadlineValues) -> DeadlineValues:
    """The values the phase uses, the others empty."""
    if phase == Phase.MONTHLY:
        return DeadlineValues(
            day_of_month=given.day_of_month,
            first_month=given.first_month,
            notice_days=given.notice_days,
            note=given.note,
        )
    return DeadlineValues(due_on=given.due_on, notice_days=given.notice_days, note=given.note)


def _set(
    year: AssessmentYear,
    phase: str,
    current: PhaseDeadline | None,
    given: DeadlineValues,
    by: AnyUser | None,
) -> None:
    """Write one phase's deadline if it changed; raise ``ValidationError`` if it is invalid."""
    given = _used(phase, given)
    if current is not None and instance_values(current, DEADLINE_FIELDS) == vars(given):
        return
    deadline = current or PhaseDeadline(year=year, phase=phase)
    deadline.year = year
    for name in DEADLINE_FIELDS:
        setattr(deadline, name, getattr(given, name))
    _audit(deadline, by)
    deadline.full_clean()
    if current is None:
        deadline.save()
    else:
        deadline.save(update_fields=[*DEADLINE_FIELDS, "updated_by", "updated_at"])


@transaction.atomic
def deadlines_save(
    *,
    year: AssessmentYear,
    values: Mapping[str, DeadlineValues | None],
    by: AnyUser | None,
    state: str | None = None,
) -> list[PhaseDeadline]:
    """Set the deadlines of the phases named in ``values`` (None: the phase has none).

    Returns the year's deadlines after the save. Raises ``PermissionDenied`` unless ``by`` is
    the office (None: the command line, which acts as the office), ``ValidationError`` when the
    year is published, a row is invalid (by phase; nothing is saved then), or the deadlines
    changed since the form was opened.
    """
    if by is not None and not manages_assessment(by):
        raise PermissionDenied
    year = AssessmentYear.objects.select_for_update().get(pk=year.pk)
    if refusal := deadline_refusal(year):
        raise ValidationError(refusal, code="year_locked")
    check_state(state, deadlines_state(year))
    existing = {d.phase: d for d in PhaseDeadline.objects.filter(year=year)}
    errors: dict[str, list[str]] = {}
    for phase, given in values.items():
        current = existing.get(phase)
        if given is not None:
            try:
                _set(year, phase, current, given, by)
            except ValidationError as error:
                errors[phase] = error.messages
        elif current is not None:
            _audit(current, by)
            current.delete()
    if errors:
        raise ValidationError(errors)
    return list(PhaseDeadline.objects.filter(year=year).order_by("phase"))
