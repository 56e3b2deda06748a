"""What is waiting in a year, as of a day: the one definition behind every count of open work.

The workbench (``reports.workbench``), the reminders panel and page, the e-mail digest and the
leaders' dashboard all read the open work of a year from a ``Waiting``, so the same question
gets the same number on every page:

- ``reminders``: the phases' overdue and coming work (``reports.reminders.work``), which the
  panel, the digest and the workbench filter by who acts (``audience.acting``);
- ``overdue``: per active unit, the indicators overdue by the method-aware rule of
  ``assessment.selectors.evidence.overdue_by_unit``, and none once collection has closed;
- ``pending``: the records waiting for a verifier (evidence, key-project progress,
  contributions);
- ``open_objections``: objections to the results not yet resolved;
- ``open_signals``: integrity signals (疑点线索) the office has not yet decided, and
  ``failures_to_record``: confirmed ones whose failure supervision has not recorded yet;
- ``open_notices``, ``reports_overdue``, ``reports_to_review``, ``unanswered_instructions``,
  ``talks_to_hold``, ``answers_to_read``: the warnings' follow-up: warning notices still
  waiting for a rectification report (none filed, or the last one sent back), those of them
  past their deadline, the reports waiting for the office, leaders' instructions the unit has
  not answered, units on a period's talk list whose talk is not recorded, and the answers a
  leader received in the last days (the year's days for a report); ``reminders`` lists each
  of them too (``reports.reminders.warnings``), so the panel, the page and the digest count
  what the workbench counts;
- ``targets_missing``, ``grading_missing``, ``evaluations_missing``: the phases' open work
  whatever their deadlines (what blocks the year's next step), by the reminders' own rules.

Nothing is stored; each read is made once per ``Waiting``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import cached_property

from assessment.models import (
    AssessmentYear,
    Contribution,
    Evidence,
    Instruction,
    Objection,
    ObjectionStatus,
    ProgressUpdate,
    RectificationReport,
    ReportingPeriod,
    ReportStatus,
    TalkListEntry,
    WarningNotice,
    WarningRules,
)
from assessment.selectors.evidence import OverdueIndicator, overdue_by_unit, reporting_alarms_on
from assessment.selectors.integrity import failures_to_record, open_signal_count
from assessment.selectors.warnings import warning_rules
from reports.reminders.items import Reminder, UnitRef
from reports.reminders.warnings import warning_items
from reports.reminders.work import (
    YearReminders,
    YearWork,
    evaluation_work,
    grading_work,
    sort_key,
    target_work,
    year_reminders,
)
from units.models import Unit


@dataclass(frozen=True)
class Pending:
    """Records waiting for a verifier: evidence, key-project progress and contributions."""

    evidence: int
    progress: int
    contributions: int

    @property
    def total(self) -> int:
        return self.evidence + self.progress + self.contributions


@dataclass(frozen=True)
class TalkToHold:
    """A unit on a period's talk list whose talk is not recorded, with its red indicators."""

    period: ReportingPeriod
    unit: Unit
    indicators: tuple[str, ...]


@dataclass
class UnitOverdue:
    """One unit's overdue indicators (``code`` and ``name`` are the unit's)."""

    unit: UnitRef
    indicators: list[OverdueIndicator]

    code = property(lambda self: self.unit.code)
    name = property(lambda self: self.unit.name)

    @property
    def count(self) -> int:
        return len(self.indicators)

    @property
    def longest(self) -> int:
        return max(row.days for row in self.indicators)


class Waiting:
    """One year's open work as of ``today``."""

    def __init__(self, year: AssessmentYear, today: datetime.date) -> None:
        self.year = year
        self.today = today
        self.work = YearWork(year, today)

    @cached_property
    def reminders(self) -> YearReminders:
        found = year_reminders(self.year, self.today, self.work)
        if not found.is_closed:
            for item in warning_items(self):
                (found.overdue if item.is_overdue else found.due_soon).append(item)
            found.overdue.sort(key=sort_key)
            found.due_soon.sort(key=sort_key)
        return found

    @cached_property
    def overdue(self) -> list[UnitOverdue]:
        """Units with overdue indicators, the most first; none once collection has closed."""
        if not reporting_alarms_on(self.year):
            return []
        units = {unit.id: unit for unit in self.work.units}
        found = overdue_by_unit(
            year=self.year,
            today=self.today,
            units={unit.id: unit.category_id for unit in units.values()},
        )
        rows = [UnitOverdue(units[pk], indicators) for pk, indicators in found.items()]
        return sorted(rows, key=lambda u: (-u.count, -u.longest, u.code))

    @property
    def overdue_count(self) -> int:
        """Overdue indicators over every unit."""
        return sum(unit.count for unit in self.overdue)

    def overdue_of(self, unit_id: int) -> list[OverdueIndicator]:
        return next((u.indicators for u in self.overdue if u.unit.id == unit_id), [])

    @cached_property
    def pending(self) -> Pending:
        year = self.year
        return Pending(
            evidence=Evidence.objects.awaiting_verification()
            .filter(indicator__year=year, unit__is_active=True)
            .count(),
            progress=ProgressUpdate.objects.awaiting_verification()
            .filter(task__milestone__project__year=year)
            .count(),
            contributions=Contribution.objects.awaiting_verification()
            .filter(project__year=year)
            .count(),
        )

    @cached_property
    def open_objections(self) -> int:
        return Objection.objects.filter(year=self.year, status=ObjectionStatus.OPEN).count()

    @cached_property
    def open_signals(self) -> int:
        return open_signal_count(self.year)

    @cached_property
    def failures_to_record(self) -> int:
        return failures_to_record(self.year)

    # The warnings' follow-up.

    @cached_property
    def open_notices(self) -> list[WarningNotice]:
        """Notices waiting for a report: none filed, or the last one sent back (a filed report
        waits for the office; after an accepted one nothing more is asked)."""
        return list(
            WarningNotice.objects.filter(period__year=self.year)
            .exclude(reports__status__in=[ReportStatus.FILED, ReportStatus.ACCEPTED])
            .select_related("unit", "period")
            .order_by("report_due", "unit__code")
        )

    def open_notices_of(self, unit_id: int) -> list[WarningNotice]:
        return [notice for notice in self.open_notices if notice.unit_id == unit_id]

    @property
    def reports_overdue(self) -> list[WarningNotice]:
        """Open notices whose report is past its deadline."""
        return [notice for notice in self.open_notices if notice.report_due < self.today]

    @cached_property
    def reports_to_review(self) -> list[RectificationReport]:
        return list(
            RectificationReport.objects.filter(
                notice__period__year=self.year, status=ReportStatus.FILED
            )
            .select_related("notice__unit", "notice__period")
            .order_by("filed_at", "pk")
        )

    @cached_property
    def unanswered_instructions(self) -> list[Instruction]:
        return list(
            Instruction.objects.filter(year=self.year, answered_at__isnull=True)
            .select_related("unit")
            .order_by("written_at", "pk")
        )

    def unanswered_instructions_of(self, unit_id: int) -> list[Instruction]:
        return [row for row in self.unanswered_instructions if row.unit_id == unit_id]

    @cached_property
    def warning_rules(self) -> WarningRules:
        return warning_rules(self.year)

    @cached_property
    def talks_to_hold(self) -> list[TalkToHold]:
        """Per period and unit, the talk-list entries no talk has answered yet."""
        found: dict[tuple[int, int], TalkToHold] = {}
        entries = (
            TalkListEntry.objects.filter(period__year=self.year, talk__isnull=True)
            .select_related("period", "unit", "indicator")
            .order_by("period__ends_on", "unit__code", "indicator__sort_order", "indicator__code")
        )
        for entry in entries:
            key = (entry.period_id, entry.unit_id)
            held = found.get(key)
            names = (held.indicators if held else ()) + (entry.indicator.name,)
            found[key] = TalkToHold(entry.period, entry.unit, names)
        return list(found.values())

    @cached_property
    def answers_to_read(self) -> list[Instruction]:
        """Answers that came in the year's days for a report up to today, for their leader."""
        since = self.today - datetime.timedelta(days=self.warning_rules.notice_days)
        return list(
            Instruction.objects.filter(year=self.year, answered_at__date__gte=since)
            .select_related("unit")
            .order_by("answered_at", "pk")
        )

    def answers_to_read_by(self, user_id: int) -> list[Instruction]:
        return [row for row in self.answers_to_read if row.written_by_id == user_id]

    # The phases' open work whatever their deadlines: what the year's next step waits for.

    @cached_property
    def targets_missing(self) -> list[Reminder]:
        return target_work(self.work, self.today)

    @cached_property
    def grading_missing(self) -> list[Reminder]:
        return grading_work(self.work, self.today)

    @cached_property
    def evaluations_missing(self) -> list[Reminder]:
        return evaluation_work(self.work, self.today)
