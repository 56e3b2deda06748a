"""The workbench's tasks, role by role: what waits, how much, and the one link to do it."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from assessment.access import evidence_record_refusal
from assessment.models import (
    FAILURE_METHODS,
    AssessmentYear,
    Evidence,
    EvidenceStatus,
    Highlight,
    ImportJob,
    ImportJobState,
    Indicator,
    Instruction,
    MethodChoices,
    YearStatus,
)
from assessment.selectors.sources import provided_indicators, source_figures
from assessment.selectors.verify import queue_for_user
from assessment.services.highlights import MIN_HIGHLIGHTS, highlights_open
from assessment.services.records import recording_open
from reports.reminders.audience import acting
from reports.waiting import Waiting
from units.access import (
    AnyUser,
    account,
    user_unit_id,
)
from units.models import Unit

DETAILS_SHOWN = 5  # names listed under a task; its page has them all
WARNING_TASKS = frozenset({"reports_review", "reports_overdue", "talks"})


@dataclass(frozen=True)
class Task:
    """One kind of work waiting for the user: how much, and the one link to do it."""

    key: str  # names the task on the page (``data-task``)
    title: str
    url: str  # "": nowhere to go (nothing is waiting)
    count: int | None = None  # None: a standing action, not a pile of work
    action: str = ""
    urgent: bool = False  # overdue or refused work: the danger colour
    details: tuple[str, ...] = ()
    note: str = ""

    @property
    def waiting(self) -> bool:
        return self.count is None or self.count > 0

    @property
    def details_shown(self) -> tuple[str, ...]:
        return self.details[:DETAILS_SHOWN]

    @property
    def details_more(self) -> int:
        return max(0, len(self.details) - DETAILS_SHOWN)


@dataclass
class Section:
    key: str
    title: str
    tasks: list[Task]


def year_url(name: str, year: AssessmentYear, **kwargs: object) -> str:
    return reverse(name, kwargs={"year": year.year, **kwargs})


def _unit_home(year: AssessmentYear, code: str) -> str:
    return year_url("assessment:evidence_unit_home", year, unit=code)


def _records_url(year: AssessmentYear, records: list[Evidence]) -> str:
    """The page of the first record's unit: where a reader sees it among its unit's records."""
    return _unit_home(year, records[0].unit.code) if records else ""


def _first_record_task(
    key: str,
    title: str,
    records: list[Evidence],
    url_name: str,
    action: str,
    otherwise: str,
    *,
    urgent: bool = False,
) -> Task:
    """A pile of records, done one at a time: the link opens the oldest one's page."""
    return Task(
        key,
        title,
        reverse(url_name, kwargs={"pk": records[0].pk}) if records else otherwise,
        count=len(records),
        action=action,
        urgent=urgent and bool(records),
        details=tuple(f"{r.indicator.name} · {r.date:%Y-%m-%d}" for r in records),
    )


# --- unit reporter ------------------------------------------------------------------------------


def reporter_tasks(user: AnyUser, unit: Unit, waiting: Waiting) -> list[Task]:
    year = waiting.year
    home = _unit_home(year, unit.code)
    records = (
        Evidence.objects.current()
        .filter(unit=unit, indicator__year=year)
        .select_related("indicator")
    )
    tasks = []
    if recording_open(account(user), year):
        indicators = [
            indicator
            for indicator in Indicator.objects.filter(year=year, category_id=unit.category_id)
            if evidence_record_refusal(user, unit, indicator) is None
        ]
        tasks.append(
            Task(
                "record",
                _("Record evidence"),
                year_url("assessment:evidence_record", year, unit=unit.code),
                count=len(indicators),
                action=pgettext("workbench", "Record"),
                note=ngettext(
                    "%(count)s indicator your unit reports",
                    "%(count)s indicators your unit reports",
                    len(indicators),
                )
                % {"count": len(indicators)},
            )
        )
    tasks += source_tasks(user, year)
    rejected = list(records.filter(status=EvidenceStatus.REJECTED).order_by("date", "pk"))
    overdue = waiting.overdue_of(unit.pk)
    unanswered = list(
        records.filter(
            indicator__method__in=FAILURE_METHODS,
            status__in=[EvidenceStatus.PENDING, EvidenceStatus.VERIFIED],
        )
        .exclude(statements__unit=unit)
        .select_related("indicator")
        .order_by("date", "pk")
    )
    tasks += [
        _first_record_task(
            "rejected", _("Rejected records to correct"), rejected, "assessment:evidence_correct",
            pgettext("workbench", "Correct"), home, urgent=True,
        ),
        Task(
            "overdue", _("Overdue indicators"), home, count=len(overdue),
            action=pgettext("workbench", "Open"), urgent=bool(overdue),
            details=tuple(row.indicator.name for row in overdue),
        ),
        _first_record_task(
            "statements", _("Failures to answer with a statement"), unanswered,
            "assessment:evidence_statement", pgettext("workbench", "Answer"), home,
        ),
    ]  # fmt: skip
    tasks += warning_tasks(unit, waiting)
    if highlights_open(year):
        registered = Highlight.objects.filter(year=year, unit=unit).count()
        tasks.append(
            Task(
                "highlights",
                _("Highlights to register"),
                f"{home}#highlights",
                count=max(0, MIN_HIGHLIGHTS - registered),
                action=pgettext("workbench", "Register"),
                note=_("%(registered)s registered, at least %(minimum)s a year")
                % {"registered": registered, "minimum": MIN_HIGHLIGHTS},
            )
        )
    if year.status == YearStatus.PUBLICITY:
        ends = year.publicity_ends_on
        until = _("until %(date)s") % {"date": f"{ends:%Y-%m-%d}"} if ends else ""
        objection = year_url("assessment:objection_file", year, unit=unit.code)
        tasks.append(
            Task("objection", _("The results are out for comment: object to a score"), objection,
                 action=pgettext("workbench", "Object"), note=until)
        )  # fmt: skip
    letter = year_url("reports:letter", year, unit=unit.code)
    tasks.append(
        Task("letter", _("Your unit's target-responsibility letter"), letter,
             action=pgettext("workbench", "Read"))
    )  # fmt: skip
    return tasks


def source_tasks(user: AnyUser, year: AssessmentYear) -> list[Task]:
    """A data source unit's work (一数一源): the units still without its figures."""
    provided = provided_indicators(user, year)
    if not provided:
        return []
    missing = sum(each.missing for each in source_figures(provided))
    return [
        Task(
            "sources",
            _("Units still without the figures your unit provides (一数一源)"),
            year_url("assessment:source_index", year),
            count=missing,
            action=pgettext("workbench", "Record"),
            details=tuple(indicator.name for indicator in provided),
        )
    ]


def _instructions_task(
    key: str,
    title: str,
    rows: list[Instruction],
    otherwise: str,
    action: str,
    details: tuple[str, ...],
) -> Task:
    """Instructions read or answered one at a time: the link opens the first one."""
    url = reverse("assessment:instruction_detail", kwargs={"pk": rows[0].pk}) if rows else ""
    return Task(key, title, url or otherwise, count=len(rows), action=action, details=details)


def warning_tasks(unit: Unit, waiting: Waiting) -> list[Task]:
    """The unit's warning notices to answer with a report, and the instructions to answer
    (shown only while there are: most units never get a notice)."""
    notices = waiting.open_notices_of(unit.pk)
    late = [notice for notice in notices if notice.report_due < waiting.today]
    instructions = waiting.unanswered_instructions_of(unit.pk)
    warnings = year_url("assessment:warnings_year", waiting.year)
    tasks = [
        Task(
            "notices",
            _("Warning notices to answer with a rectification report"),
            reverse("assessment:notice_detail", kwargs={"pk": notices[0].pk})
            if notices
            else warnings,
            count=len(notices),
            action=pgettext("workbench", "Answer"),
            urgent=bool(late),
            details=tuple(
                _("%(period)s · report due %(date)s")
                % {"period": notice.period.name, "date": f"{notice.report_due:%Y-%m-%d}"}
                for notice in notices
            ),
            note=ngettext("%(count)s report overdue", "%(count)s reports overdue", len(late))
            % {"count": len(late)}
            if late
            else "",
        ),
        _instructions_task(
            "instructions",
            _("Leaders' instructions to answer"),
            instructions,
            year_url("assessment:instructions", waiting.year),
            pgettext("workbench", "Answer"),
            tuple(row.text[:40] for row in instructions),
        ),
    ]
    return [task for task in tasks if task.count]


# --- lead department ----------------------------------------------------------------------------


def lead_tasks(user: AnyUser, waiting: Waiting) -> list[Task]:
    year, own = waiting.year, user_unit_id(user)
    queue = queue_for_user(user, year).count()
    grids = acting(user, waiting.grading_missing)
    lagging = [
        unit
        for unit in waiting.overdue
        if any(row.indicator.lead_unit_id == own for row in unit.indicators)
    ]
    return [
        Task(
            "verify",
            _("Records waiting for your verification"),
            year_url("assessment:verify_queue", year),
            count=queue,
            action=pgettext("workbench", "Verify"),
        ),
        Task(
            "grading",
            _("Grading grids not complete"),
            grids[0].url if len(grids) == 1 else year_url("assessment:grading_index", year),
            count=len(grids),
            action=pgettext("workbench", "Enter"),
            details=tuple(f"{item.indicator} · {item.text}" for item in grids),
        ),
        Task(
            "overdue_units",
            _("Units overdue on your indicators"),
            _unit_home(year, lagging[0].code) if lagging else "",
            count=len(lagging),
            action=pgettext("workbench", "Open"),
            urgent=bool(lagging),
            details=tuple(unit.name for unit in lagging),
        ),
    ]


# --- supervision --------------------------------------------------------------------------------


def _pending_records(year: AssessmentYear, **filters: object) -> list[Evidence]:
    return list(
        Evidence.objects.awaiting_verification()
        .filter(indicator__year=year, **filters)
        .select_related("unit", "indicator")
        .order_by("date", "pk")
    )


def _record_line(record: Evidence) -> str:
    return f"{record.unit.name} · {record.indicator.name} · {record.date:%Y-%m-%d}"


def _signals_task(key: str, title: str, count: int, action: str, year: AssessmentYear) -> Task:
    """The integrity review queue's work: the office's open signals, supervision's failures."""
    return Task(
        key, title, year_url("assessment:integrity_queue", year), count=count, action=action
    )


def supervision_tasks(user: AnyUser, waiting: Waiting) -> list[Task]:
    year = waiting.year
    tasks = []
    if recording_open(account(user), year):
        tasks.append(
            Task(
                "failure",
                _("Record a failure against a unit"),
                year_url("assessment:verify_failure_record", year),
                action=pgettext("workbench", "Record"),
            )
        )
    tasks.append(
        _signals_task(
            "signals_confirmed",
            _("Confirmed integrity signals: failures to record"),
            waiting.failures_to_record,
            pgettext("workbench", "Record"),
            year,
        )
    )
    mine = _pending_records(year, recorded_by=account(user))
    vetoes = _pending_records(year, indicator__method=MethodChoices.VETO)
    for key, title, records in [
        ("mine", _("Your records waiting for verification"), mine),
        ("vetoes_waiting", _("Veto events waiting for a second confirmer"), vetoes),
    ]:
        tasks.append(
            Task(
                key,
                title,
                _records_url(year, records),
                count=len(records),
                action=pgettext("workbench", "Open"),
                details=tuple(_record_line(r) for r in records),
            )
        )
    return tasks


# --- district leader ----------------------------------------------------------------------------


def leader_tasks(user: AnyUser, waiting: Waiting) -> list[Task]:
    """The answers to the leader's instructions, and writing one."""
    year = waiting.year
    answers = waiting.answers_to_read_by(account(user).pk)
    instructions = year_url("assessment:instructions", year)
    tasks = [
        _instructions_task(
            "answers",
            _("Answers to your instructions"),
            answers,
            instructions,
            pgettext("workbench", "Read"),
            tuple(f"{row.unit.name} · {row.answer[:40]}" for row in answers),
        ),
        Task(
            "instruct",
            _("Write an instruction to a unit"),
            instructions,
            action=pgettext("workbench", "Write"),
        ),
    ]
    return [task for task in tasks if task.count is None or task.count]  # answers only if any


# --- assessment office --------------------------------------------------------------------------


def office_tasks(user: AnyUser, waiting: Waiting) -> list[Task]:
    year = waiting.year
    queue = queue_for_user(user, year)
    vetoes = list(queue.filter(indicator__method=MethodChoices.VETO))
    imports = list(
        ImportJob.objects.filter(state__in=[ImportJobState.QUEUED, ImportJobState.RUNNING])
    )
    to_review, overdue = waiting.reports_to_review, waiting.reports_overdue
    tasks = [
        Task(
            "verify",
            _("Verification queue"),
            year_url("assessment:verify_queue", year),
            count=queue.count(),
            action=pgettext("workbench", "Verify"),
        ),
        Task(
            "vetoes",
            _("Veto events to confirm"),
            year_url("assessment:verify_record", year, pk=vetoes[0].pk)
            if vetoes
            else year_url("assessment:verify_queue", year),
            count=len(vetoes),
            action=pgettext("workbench", "Confirm"),
            urgent=bool(vetoes),
            details=tuple(_record_line(r) for r in vetoes),
        ),
        _signals_task(
            "signals",
            _("Integrity signals to review"),
            waiting.open_signals,
            pgettext("workbench", "Review"),
            year,
        ),
        Task(
            "reports_review",
            _("Rectification reports to review"),
            reverse("assessment:notice_detail", kwargs={"pk": to_review[0].notice_id})
            if to_review
            else year_url("assessment:warnings_year", year),
            count=len(to_review),
            action=pgettext("workbench", "Open"),
            details=tuple(
                f"{report.notice.unit.name} · {report.notice.period.name}" for report in to_review
            ),
        ),
        Task(
            "reports_overdue",
            _("Rectification reports overdue"),
            year_url("assessment:warnings_year", year),
            count=len(overdue),
            action=pgettext("workbench", "Open"),
            urgent=bool(overdue),
            details=tuple(
                f"{notice.unit.name} · {notice.period.name} · {notice.report_due:%Y-%m-%d}"
                for notice in overdue
            ),
        ),
        Task(
            "talks",
            _("Units on the talk list: talks to hold"),
            year_url("assessment:warnings_year", year),
            count=len(waiting.talks_to_hold),
            action=pgettext("workbench", "Record"),
            details=tuple(
                f"{talk.unit.name} · {talk.period.name} · {'、'.join(talk.indicators)}"
                for talk in waiting.talks_to_hold
            ),
        ),
        Task(
            "imports",
            _("Imports in progress"),
            reverse("assessment:import_job", kwargs={"pk": imports[0].pk})
            if len(imports) == 1
            else reverse("assessment:import_index"),
            count=len(imports),
            action=pgettext("workbench", "Follow"),
            details=tuple(f"{job.file_name} · {job.get_state_display()}" for job in imports),
        ),
    ]
    # The warnings' follow-up shows only while there is some: most years have none.
    return [task for task in tasks if task.count or task.key not in WARNING_TASKS]
