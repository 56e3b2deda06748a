"""The reminders panel of the staff home page: the user's own overdue work and what is due
soon, per open year, with the deadlines coming up that concern the user's role."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.urls import reverse

from assessment.access import PUBLISHED_STATES
from assessment.models import AssessmentYear
from reports.models import Phase
from reports.reminders.audience import acting, reads_every_reminder, records_for_unit
from reports.reminders.items import YearShortlist
from reports.reminders.work import ScheduleLine
from reports.waiting import Waiting
from units.access import AnyUser, is_lead, is_staff_member, user_unit_id

PANEL_ITEMS = 5  # per list; the reminders page has the rest


@dataclass
class PanelYear(YearShortlist):
    SHOWN = PANEL_ITEMS

    deadlines: list[ScheduleLine]  # due soon, of the phases that concern the user
    district_overdue: int | None = None  # everyone's, for those who follow every role up

    @property
    def is_empty(self) -> bool:
        return not (self.overdue or self.due_soon or self.deadlines or self.district_overdue)


@dataclass
class Panel:
    years: list[PanelYear] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return all(year.is_empty for year in self.years)


def concerned_phases(user: AnyUser) -> set[str]:
    """The phases whose deadlines a user is reminded of: all for the office and those who
    follow every role up; monthly reporting for a unit's users; grading for lead departments."""
    if reads_every_reminder(user):
        return {phase.value for phase in Phase}
    phases = set()
    if user_unit_id(user) is not None:
        if records_for_unit(user):
            phases.add(Phase.MONTHLY.value)
        if is_lead(user):
            phases.add(Phase.GRADING.value)
    return phases


def reminders_panel(user: AnyUser, today: datetime.date, known: Waiting | None = None) -> Panel:
    """The panel for ``user``: every year not yet published, the latest first (``known``: a
    year's open work the page has already read)."""
    if not is_staff_member(user):
        return Panel()
    phases = concerned_phases(user)
    follows_all = reads_every_reminder(user)
    panel = Panel()
    for year in AssessmentYear.objects.exclude(status__in=PUBLISHED_STATES).order_by("-year"):
        waiting = known if known is not None and known.year.pk == year.pk else None
        reminders = (waiting or Waiting(year, today)).reminders
        panel.years.append(
            PanelYear(
                year=year,
                url=reverse("reminders:year", kwargs={"year": year.year}),
                overdue=acting(user, reminders.overdue),
                due_soon=acting(user, reminders.due_soon),
                deadlines=[
                    line
                    for line in reminders.schedule
                    if line.state == "due_soon" and line.phase in phases
                ],
                district_overdue=len(reminders.overdue) if follows_all else None,
            )
        )
    return panel
