"""The workbench page: the current year, the sections of the user's roles, the office's
next step and the leaders' headline figures with what changed since the last visit."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessment.access import PUBLISHED_STATES
from assessment.models import (
    AssessmentYear,
    Evidence,
    EvidenceStatus,
    YearStatus,
)
from assessment.selectors.years import latest_year_not_in
from assessment.services.compute import year_progress
from reports.reminders.audience import acting
from reports.reminders.items import Kind, Reminder
from reports.staff.access import reads_district_reports
from reports.staff.projection import at_risk
from reports.waiting import Waiting
from reports.workbench.tasks import (
    Section,
    lead_tasks,
    leader_tasks,
    office_tasks,
    reporter_tasks,
    supervision_tasks,
    warning_tasks,
    year_url,
)
from units.access import (
    AnyUser,
    is_lead,
    is_leader,
    is_office,
    is_reporter,
    is_supervision,
    user_unit_id,
)
from units.models import Unit


@dataclass(frozen=True)
class Figure:
    """A headline figure of the dashboard, with its change since the last visit."""

    key: str
    label: str
    value: int
    url: str
    change: int | None = None  # None: no earlier visit to compare with


@dataclass(frozen=True)
class NextStep:
    """The year's next step for the office, and what still blocks it."""

    title: str
    url: str
    blockers: tuple[str, ...] = ()


@dataclass
class Workbench:
    year: AssessmentYear | None
    sections: list[Section] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    next_step: NextStep | None = None
    reminders_overdue: int = 0  # the overdue reminders that are the user's to act on
    reminders_url: str = ""
    unit: Unit | None = None  # the user's own unit


def current_year() -> AssessmentYear | None:
    """The year people work on: the latest not yet published (or the latest)."""
    return latest_year_not_in(PUBLISHED_STATES)


def _units_lacking(items: list[Reminder], kind: Kind) -> int:
    """Distinct units named by the grading items of one kind."""
    names: set[str] = set()
    for item in items:
        if item.kind == kind:
            names.update(item.details or ((item.unit.name,) if item.unit else ()))
    return len(names)


def _scoring_blockers(waiting: Waiting) -> list[str]:
    grading = waiting.grading_missing
    ranks = _units_lacking(grading, Kind.CITY_RANKS)
    grades = _units_lacking(grading, Kind.GRADES)
    rates = _units_lacking(grading, Kind.SURVEY_RATES)
    evaluations = len(waiting.evaluations_missing)
    lacking = [
        (
            ranks,
            ngettext(
                "Before computing, %(count)s unit still lacks its city rank",
                "Before computing, %(count)s units still lack their city rank",
                ranks,
            ),
        ),
        (
            grades,
            ngettext(
                "Before computing, %(count)s unit still lacks a grade",
                "Before computing, %(count)s units still lack a grade",
                grades,
            ),
        ),
        (
            rates,
            ngettext(
                "Before computing, %(count)s unit still lacks its survey rate",
                "Before computing, %(count)s units still lack their survey rate",
                rates,
            ),
        ),
        (
            evaluations,
            ngettext(
                "Before computing, %(count)s unit still lacks evaluation scores",
                "Before computing, %(count)s units still lack evaluation scores",
                evaluations,
            ),
        ),
    ]
    return [words % {"count": n} for n, words in lacking if n]


def _blocker(count: int, words: str) -> tuple[str, ...]:
    return (words % {"count": count},) if count else ()


def next_step(waiting: Waiting) -> NextStep | None:
    """What the office does next with the year, and what must be done first."""
    year = waiting.year
    status = year.status
    detail = year_url("assessment:year_detail", year)
    if status == YearStatus.SETUP:
        missing = len(waiting.targets_missing)
        return NextStep(
            _("Start collecting evidence"),
            detail,
            _blocker(
                missing,
                ngettext(
                    "%(count)s unit still lacks targets or bases",
                    "%(count)s units still lack targets or bases",
                    missing,
                ),
            ),
        )
    if status == YearStatus.COLLECTING:
        pending = waiting.pending.evidence
        return NextStep(
            _("Close the collection and start scoring"),
            detail,
            _blocker(
                pending,
                ngettext(
                    "%(count)s record is still waiting for verification",
                    "%(count)s records are still waiting for verification",
                    pending,
                ),
            ),
        )
    if status == YearStatus.SCORING:
        blockers = _scoring_blockers(waiting)
        if blockers or not year.runs.exists():
            return NextStep(
                _("Compute the results"), year_url("assessment:compute", year), tuple(blockers)
            )
        return NextStep(_("Put the results out for comment (publicity)"), detail)
    if status == YearStatus.PUBLICITY:
        objections = waiting.open_objections
        return NextStep(
            _("Publish the results"),
            year_url("assessment:publish", year),
            _blocker(
                objections,
                ngettext(
                    "%(count)s objection is still open",
                    "%(count)s objections are still open",
                    objections,
                ),
            ),
        )
    return None


# --- district leader ----------------------------------------------------------------------------


def headline(waiting: Waiting) -> dict[str, int]:
    """The dashboard's headline figures, by key (what a visit stores to compare with)."""
    year = waiting.year
    return {
        "risks": len(at_risk(year_progress(year), year.year, waiting.today)),
        "overdue": waiting.overdue_count,
        "objections": waiting.open_objections,
        "pending": waiting.pending.total,
    }


def figures(
    year: AssessmentYear, values: dict[str, int], before: dict[str, int] | None
) -> list[Figure]:
    dashboard = year_url("reports:dashboard", year)
    labels = {
        "risks": (_("Indicators at risk"), year_url("reports:dashboard_risks", year)),
        "overdue": (_("Overdue indicators"), year_url("reports:dashboard_overdue", year)),
        "objections": (_("Open objections"), dashboard),
        "pending": (_("Waiting for verification"), dashboard),
    }
    return [
        Figure(
            key,
            str(label),
            values[key],
            url,
            change=values[key] - before[key] if before and key in before else None,
        )
        for key, (label, url) in labels.items()
    ]


def changes_since(year: AssessmentYear, since: datetime.datetime) -> list[str]:
    """What happened in the year since ``since``, in words (nothing: an empty list)."""
    records = Evidence.objects.filter(indicator__year=year)
    recorded = records.filter(recorded_at__gt=since).count()
    verified = records.filter(status=EvidenceStatus.VERIFIED, verified_at__gt=since).count()
    runs = year.runs.filter(computed_at__gt=since).count()
    lines = [
        (recorded, ngettext("%(count)s record added", "%(count)s records added", recorded)),
        (verified, ngettext("%(count)s record verified", "%(count)s records verified", verified)),
        (
            runs,
            ngettext("results computed %(count)s time", "results computed %(count)s times", runs),
        ),
    ]
    return [words % {"count": n} for n, words in lines if n]


# --- the page -----------------------------------------------------------------------------------


def workbench_for(user: AnyUser, today: datetime.date) -> tuple[Workbench, Waiting | None]:
    """The user's workbench in the current year (without the figures, which the view compares
    with the last visit), and the year's ``Waiting`` it read."""
    unit = (
        Unit.objects.select_related("category").filter(pk=unit_id).first()
        if (unit_id := user_unit_id(user)) is not None
        else None
    )
    year = current_year()
    if year is None:
        return Workbench(year=None, unit=unit), None
    waiting = Waiting(year, today)
    bench = Workbench(
        year=year,
        reminders_overdue=len(acting(user, waiting.reminders.overdue)),
        reminders_url=reverse("reminders:year", kwargs={"year": year.year}),
        unit=unit,
    )
    if is_office(user):
        bench.sections.append(
            Section("office", _("Assessment office"), office_tasks(user, waiting))
        )
        bench.next_step = next_step(waiting)
    if is_lead(user) and unit is not None:
        tasks = lead_tasks(user, waiting)
        if not is_reporter(user):  # its own unit's follow-up, as the reminders have it
            tasks += warning_tasks(unit, waiting)
        bench.sections.append(Section("lead", _("Lead department"), tasks))
    if is_supervision(user):
        bench.sections.append(
            Section("supervision", _("Supervision"), supervision_tasks(user, waiting))
        )
    if is_reporter(user) and unit is not None:
        bench.sections.append(Section("reporter", unit.name, reporter_tasks(user, unit, waiting)))
    if is_leader(user):
        bench.sections.append(Section("leader", _("District leader"), leader_tasks(user, waiting)))
    return bench, waiting


def shows_figures(user: AnyUser) -> bool:
    """District leaders (and whoever reads the district reports) see the headline figures."""
    return bool(is_leader(user) or reads_district_reports(user))
