"""What a reminder is: one piece of open work, who acts on it, in which phase of the year.

``reports.reminders.work`` finds the open work of a year; the panel, the page and the e-mail
digest show these items, each to the people ``reports.reminders.audience`` lets see it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from enum import StrEnum
from typing import ClassVar

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from assessment.models import AssessmentYear
from reports.models import Phase
from reports.reminders.schedule import is_passed

VERIFICATION = "verification"  # a standing rule, not a phase with a deadline
WARNINGS = "warnings"  # the warnings' follow-up: deadlines of its own, set at each close
PHASE_ORDER = [*(p.value for p in Phase), VERIFICATION, WARNINGS]
PHASE_LABELS = {
    **{p.value: p.label for p in Phase},
    VERIFICATION: gettext_lazy("verification of records"),
    WARNINGS: gettext_lazy("warnings' follow-up"),
}


class Actor(StrEnum):
    """Who acts on a reminder; the page groups them in this order."""

    OFFICE = "office"
    LEAD = "lead"
    UNIT = "unit"
    LEADER = "leader"  # one district leader (``actor_user``): the answers to their instructions


ACTOR_LABELS = {
    Actor.OFFICE: gettext_lazy("Assessment office"),
    Actor.LEAD: gettext_lazy("Lead departments"),
    Actor.UNIT: gettext_lazy("Units"),
    Actor.LEADER: gettext_lazy("District leaders"),
}


class Kind(StrEnum):
    TARGETS = "targets"
    RECORDS = "records"
    GRADES = "grades"
    CITY_RANKS = "city_ranks"
    SURVEY_RATES = "survey_rates"
    EVALUATIONS = "evaluations"
    OBJECTION = "objection"
    PENDING = "pending"
    NOTICE = "notice"  # a warning notice not yet acknowledged: its report is due
    REPORT_DUE = "report_due"  # an acknowledged notice still waiting for its report
    INSTRUCTION = "instruction"  # a leader's instruction the unit has not answered
    REPORT_REVIEW = "report_review"  # a rectification report waiting for the office
    TALK = "talk"  # a unit on the talk list whose talk is not recorded
    ANSWER = "answer"  # a unit's answer for the leader who wrote the instruction


@dataclass(frozen=True)
class UnitRef:
    id: int
    code: str
    name: str
    category_id: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Reminder:
    """One piece of open work: what, for whom, due when, and where to do it."""

    phase: str
    kind: Kind
    actor: Actor
    actor_unit: UnitRef | None  # the lead department or unit that acts; None: the office
    due: datetime.date
    today: datetime.date
    url: str
    unit: UnitRef | None = None  # the unit the work is about
    indicator: str = ""  # "name（code）"
    details: tuple[str, ...] = ()  # the indicators, months, units or persons concerned
    count: int = 1
    actor_user: int | None = None  # Actor.LEADER: the leader's user id

    @property
    def is_overdue(self) -> bool:
        return is_passed(self.due, self.today)

    @property
    def days(self) -> int:
        """Days overdue, or days left until the deadline."""
        return abs((self.today - self.due).days)

    @property
    def phase_label(self) -> str:
        return str(PHASE_LABELS[self.phase])

    @property
    def actor_label(self) -> str:
        return str(ACTOR_LABELS[self.actor])

    @property
    def text(self) -> str:
        """The work in words, in the active language."""
        n = self.count
        words = {
            Kind.TARGETS: ngettext(
                "%(count)s target or base missing", "%(count)s targets or bases missing", n
            ),
            Kind.RECORDS: ngettext(
                "No records for %(count)s month", "No records for %(count)s months", n
            ),
            Kind.GRADES: ngettext(
                "%(count)s unit without a grade", "%(count)s units without a grade", n
            ),
            Kind.CITY_RANKS: ngettext(
                "%(count)s unit without a city rank", "%(count)s units without a city rank", n
            ),
            Kind.SURVEY_RATES: ngettext(
                "%(count)s unit without a survey rate",
                "%(count)s units without a survey rate",
                n,
            ),
            Kind.EVALUATIONS: ngettext(
                "%(count)s evaluation score missing", "%(count)s evaluation scores missing", n
            ),
            Kind.OBJECTION: _("Objection still open"),
            Kind.PENDING: ngettext(
                "%(count)s record waiting for verification",
                "%(count)s records waiting for verification",
                n,
            ),
            Kind.NOTICE: _("Warning notice to acknowledge, rectification report due"),
            Kind.REPORT_DUE: _("Rectification report due"),
            Kind.INSTRUCTION: _("Leader's instruction to answer"),
            Kind.REPORT_REVIEW: _("Rectification report to review"),
            Kind.TALK: _("On the talk list: talk to hold and record"),
            Kind.ANSWER: _("The unit's answer to your instruction, to read"),
        }[self.kind]
        return words % {"count": n} if "%(count)s" in words else words

    def matches(self, unit_code: str) -> bool:
        """Whether the reminder is about, or for, the unit with this code."""
        return any(
            ref is not None and ref.code == unit_code for ref in (self.unit, self.actor_unit)
        )


def indicator_label(name: str, code: str) -> str:
    return f"{name}（{code}）"


def month_label(year: int, month: int) -> str:
    return date_format(datetime.date(year, month, 1), "YEAR_MONTH_FORMAT")


@dataclass
class YearShortlist:
    """A year's overdue work and work due soon, of which a short view (the home page panel,
    the e-mail digest) lists only the first ``SHOWN`` of each list; the reminders page at
    ``url`` has them all."""

    SHOWN: ClassVar[int] = 5

    year: AssessmentYear
    url: str
    overdue: list[Reminder]
    due_soon: list[Reminder]

    @property
    def overdue_shown(self) -> list[Reminder]:
        return self.overdue[: self.SHOWN]

    @property
    def due_soon_shown(self) -> list[Reminder]:
        return self.due_soon[: self.SHOWN]

    @property
    def more(self) -> int:
        """The items left out of both lists."""
        return max(0, len(self.overdue) - self.SHOWN) + max(0, len(self.due_soon) - self.SHOWN)
