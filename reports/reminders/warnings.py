"""The warnings' follow-up as reminders (预警整改), read from the year's ``Waiting``.

Each piece of the loop that waits for someone is one item, with the deadline the loop gives it:

- a warning notice waiting for its report → the unit, due on the notice's report date (not yet
  acknowledged: "to acknowledge"; acknowledged: "report due");
- a leader's instruction not answered → the unit, due the year's days for a report (default
  15) after it was written;
- a rectification report waiting for review → the office, due as many days after its filing;
- a unit on the talk list without its talk recorded → the office, due as many days after the
  period's close (one item per unit and period, naming its red indicators);
- an answer to an instruction → the leader who wrote it, to read within as many days.

Before its date an item is due soon, after it overdue, so the panel, the page, the e-mail
digest and the workbench count the same work.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone

from reports.reminders.items import WARNINGS, Actor, Kind, Reminder, UnitRef

if TYPE_CHECKING:
    from reports.waiting import Waiting


def _ref(unit: object) -> UnitRef:
    return UnitRef(unit.pk, unit.code, unit.name, unit.category_id)  # type: ignore[attr-defined]


def _day(moment: datetime.datetime | None) -> datetime.date:
    assert moment is not None
    return timezone.localdate(moment)


def warning_items(waiting: Waiting) -> list[Reminder]:
    """Every open step of the year's warnings' follow-up, each once."""
    today, days = waiting.today, datetime.timedelta(days=waiting.warning_rules.notice_days)
    year = waiting.year
    warnings = reverse("assessment:warnings_year", kwargs={"year": year.year})
    items = []
    for notice in waiting.open_notices:
        unit = _ref(notice.unit)
        items.append(
            Reminder(
                WARNINGS,
                Kind.REPORT_DUE if notice.acknowledged_at else Kind.NOTICE,
                Actor.UNIT, unit, notice.report_due, today,
                reverse("assessment:notice_detail", kwargs={"pk": notice.pk}),
                unit=unit, details=(notice.period.name,),
            )
        )  # fmt: skip
    for instruction in waiting.unanswered_instructions:
        unit = _ref(instruction.unit)
        items.append(
            Reminder(
                WARNINGS, Kind.INSTRUCTION, Actor.UNIT, unit,
                _day(instruction.written_at) + days, today,
                reverse("assessment:instruction_detail", kwargs={"pk": instruction.pk}),
                unit=unit, details=(instruction.text[:40],),
            )
        )  # fmt: skip
    for report in waiting.reports_to_review:
        notice = report.notice
        items.append(
            Reminder(
                WARNINGS, Kind.REPORT_REVIEW, Actor.OFFICE, None, _day(report.filed_at) + days,
                today, reverse("assessment:notice_detail", kwargs={"pk": notice.pk}),
                unit=_ref(notice.unit), details=(notice.period.name,),
            )
        )  # fmt: skip
    for talk in waiting.talks_to_hold:
        items.append(
            Reminder(
                WARNINGS, Kind.TALK, Actor.OFFICE, None, _day(talk.period.closed_at) + days,
                today, warnings, unit=_ref(talk.unit),
                details=(talk.period.name, *talk.indicators),
            )
        )  # fmt: skip
    for instruction in waiting.answers_to_read:
        items.append(
            Reminder(
                WARNINGS, Kind.ANSWER, Actor.LEADER, None, _day(instruction.answered_at) + days,
                today,
                reverse("assessment:instruction_detail", kwargs={"pk": instruction.pk}),
                unit=_ref(instruction.unit), details=(instruction.answer[:40],),
                actor_user=instruction.written_by_id,
            )
        )  # fmt: skip
    return items
