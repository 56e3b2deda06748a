"""What is overdue or due soon in a year, phase by phase, worked out from the data.

Each ``*_work`` function returns the open work of one phase — what someone still has to do —
as ``Reminder`` items that name who acts (the assessment office, a lead department or a unit)
and link to the page where they act. ``year_reminders`` asks each phase only when its deadline
has passed or is near, and only in the states of the year in which the work can still be done
(``PHASE_STATES``, from ``assessment.policy``); an item is overdue once its deadline has
passed, due soon within the deadline's notice. Nothing is stored: the reminders are always
what the data says now. What a reminder is (``Reminder``, who acts, the phases' names) is
``reports.reminders.items``.

- Target setting (目标制定): a unit's targets or bases still missing where its scheme needs them
  (``assessment.services.scheme.needs_target``/``needs_base``, the engine's rule) → the office.
- Monthly reporting (月度报送): a unit with no record dated in a month whose deadline has passed,
  if its scheme has an indicator whose silence is a gap (``OVERDUE_METHODS``: completion,
  increment, ratio to base — not a ceiling, where no record is good news); a record of any
  status on any regularly reported indicator counts as reported → that unit's users.
- Grading (定性评价): a grade, city rank or survey rate missing for a unit on an indicator a lead
  department assesses (``GRADING_METHODS``) → the lead department of the indicator, or the office
  for the lead department's own row and for indicators without one (as the grading grid does).
- Democratic evaluation (民主测评): a unit's leadership team or active cadre without an
  evaluation score → the office.
- Publicity (公示): an objection still open after the publicity's end → the office.
- Verification (审核, no deadline of its own): a record waiting for verification longer than
  the year's reporting period → the lead department of its indicator, or the office (veto
  events, indicators without a lead department, the lead department's own records).

A fixed number of queries, whatever the number of units: at most two or three per phase.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Min
from django.db.models.functions import ExtractMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from assessment.access import year_is_published
from assessment.models import (
    EVIDENCE_METHODS,
    OVERDUE_METHODS,
    AssessmentYear,
    CadreEvaluation,
    Evidence,
    Indicator,
    MethodChoices,
    Objection,
    ObjectionStatus,
    Target,
    TeamEvaluation,
    YearStatus,
)
from assessment.policy import ALLOWED, AMENDING, WITH_REASON, Action
from assessment.scoring.inputs import BASE_METHODS, TARGET_METHODS
from assessment.selectors.scheme import needs_base, needs_target
from assessment.services.grading import GRADING_MODELS
from reports.models import DEFAULT_NOTICE_DAYS, Phase, PhaseDeadline
from reports.reminders.items import (
    PHASE_LABELS,
    PHASE_ORDER,
    VERIFICATION,
    Actor,
    Kind,
    Reminder,
    UnitRef,
    indicator_label,
    month_label,
)
from reports.reminders.schedule import is_due_soon, is_passed, split_months
from units.links import path_to
from units.models import Cadre, Unit

S = YearStatus
# The states in which each phase's work can still be done (``assessment.policy``): no reminder
# asks for what the year's clock no longer allows. Targets: in set-up, or as an amendment with
# a reason until the results go out for comment; records: while collecting; grades, ranks,
# survey rates and evaluations: while they may be entered; objections: during the publicity.
PHASE_STATES: dict[str, frozenset[YearStatus]] = {
    Phase.TARGETS: ALLOWED[Action.EDIT_TARGETS] | (WITH_REASON[Action.EDIT_TARGETS] - AMENDING),
    Phase.MONTHLY: ALLOWED[Action.RECORD_EVIDENCE],
    Phase.GRADING: ALLOWED[Action.ENTER_ASSESSMENTS],
    Phase.EVALUATION: ALLOWED[Action.ENTER_ASSESSMENTS],
    Phase.PUBLICITY: frozenset({S.PUBLICITY}),
    VERIFICATION: ALLOWED[Action.VERIFY_EVIDENCE],
}
TARGETED_METHODS = TARGET_METHODS | BASE_METHODS
KIND_OF_METHOD: dict[str, Kind] = {
    MethodChoices.GRADED: Kind.GRADES,
    MethodChoices.CITY_RANK: Kind.CITY_RANKS,
    MethodChoices.SURVEY: Kind.SURVEY_RATES,
}


# --- the year's reads, each made once -------------------------------------------------------


class YearWork:
    """One year's data as the phases read it, each read made at most once."""

    def __init__(self, year: AssessmentYear, today: datetime.date) -> None:
        self.year = year
        self.today = today

    @cached_property
    def units(self) -> list[UnitRef]:
        """The active units, in the order of the pages (category, then code)."""
        return [
            UnitRef(pk, code, name, category_id)
            for pk, code, name, category_id in Unit.objects.active()
            .order_by("category__sort_order", "code")
            .values_list("id", "code", "name", "category_id")
        ]

    @cached_property
    def units_by_category(self) -> dict[int | None, list[UnitRef]]:
        grouped: dict[int | None, list[UnitRef]] = defaultdict(list)
        for unit in self.units:
            grouped[unit.category_id].append(unit)
        return grouped

    @cached_property
    def reporting_categories(self) -> set[int]:
        """The categories whose scheme has an indicator whose silence is a gap
        (``OVERDUE_METHODS``: where no record is good news, no month is missing)."""
        return set(
            Indicator.objects.filter(year=self.year, method__in=OVERDUE_METHODS).values_list(
                "category_id", flat=True
            )
        )

    @cached_property
    def reported_months(self) -> set[tuple[int, int]]:
        """(unit id, month) of every record dated in the year on an indicator reported
        regularly, whatever its status (a rejected or corrected record was still reported)."""
        return set(
            Evidence.objects.filter(
                indicator__year=self.year,
                indicator__method__in=EVIDENCE_METHODS,
                date__year=self.year.year,
            )
            .annotate(month=ExtractMonth("date"))
            .order_by()
            .values_list("unit_id", "month")
            .distinct()
        )

    def reminder(self, **values: Any) -> Reminder:
        return Reminder(today=self.today, **values)

    def office_missing(
        self, unit: UnitRef, missing: list[str], url: str, **values: Any
    ) -> list[Reminder]:
        """What the office still has to enter for ``unit`` (``missing``, by name): one reminder,
        or none when nothing is missing."""
        if not missing:
            return []
        details = {"details": tuple(missing), "count": len(missing)}
        return [
            self.reminder(
                actor=Actor.OFFICE, actor_unit=None, unit=unit, url=url, **details, **values
            )
        ]

    def url(self, name: str, query: dict[str, str | int] | None = None, **kwargs: str | int) -> str:
        address = path_to(name, year=self.year.year, **kwargs)  # 125 links a year
        return f"{address}?{urlencode(query)}" if query else address


# --- the phases -------------------------------------------------------------------------------


def target_work(work: YearWork, due: datetime.date) -> list[Reminder]:
    """Per unit, the indicators of its scheme whose target or base is still missing."""
    indicators = list(
        Indicator.objects.filter(year=work.year, method__in=TARGETED_METHODS)
        .order_by("sort_order", "code")
        .only("id", "code", "name", "method", "category_id")
    )
    if not indicators:
        return []
    values = {
        (unit_id, indicator_id): (target, base)
        for unit_id, indicator_id, target, base in Target.objects.filter(
            indicator__year=work.year
        ).values_list("unit_id", "indicator_id", "target", "base")
    }
    by_category: dict[int, list[Indicator]] = defaultdict(list)
    for indicator in indicators:
        by_category[indicator.category_id].append(indicator)
    items = []
    for unit in work.units:
        missing = []
        for indicator in by_category.get(unit.category_id or 0, []):
            target, base = values.get((unit.id, indicator.pk), (None, None))
            if (needs_target(indicator) and target is None) or (
                needs_base(indicator) and base is None
            ):
                missing.append(indicator_label(indicator.name, indicator.code))
        url = work.url("assessment:targets", unit=unit.code)
        items += work.office_missing(
            unit, missing, url, phase=Phase.TARGETS, kind=Kind.TARGETS, due=due
        )
    return items


def monthly_work(work: YearWork, months: Iterable[tuple[int, datetime.date]]) -> list[Reminder]:
    """Per unit that reports regularly, the months given with no record dated in them; due on
    the earliest missing month's deadline."""
    months = list(months)
    if not months:
        return []
    categories = work.reporting_categories
    reported = work.reported_months if categories else set()
    items = []
    for unit in work.units:
        if unit.category_id not in categories:
            continue
        missing = [(month, due) for month, due in months if (unit.id, month) not in reported]
        if not missing:
            continue
        items.append(
            work.reminder(
                phase=Phase.MONTHLY,
                kind=Kind.RECORDS,
                actor=Actor.UNIT,
                actor_unit=unit,
                due=min(due for _month, due in missing),
                url=work.url("assessment:evidence_unit_home", unit=unit.code),
                unit=unit,
                details=tuple(month_label(work.year.year, month) for month, _due in missing),
                count=len(missing),
            )
        )
    return items


def grading_work(work: YearWork, due: datetime.date) -> list[Reminder]:
    """Per indicator a lead department assesses, the active units of its category without the
    grade, city rank or survey rate: the lead department's to enter, but its own row (and every
    row of an indicator without a lead department) is the office's."""
    indicators = list(
        Indicator.objects.filter(year=work.year, method__in=GRADING_MODELS)
        .select_related("lead_unit")
        .order_by("category__sort_order", "sort_order", "code")
    )
    entered: set[tuple[int, int]] = set()
    for method in sorted({indicator.method for indicator in indicators}):
        entered |= set(
            GRADING_MODELS[method]
            ._default_manager.filter(indicator__year=work.year, indicator__method=method)
            .values_list("indicator_id", "unit_id")
        )
    items = []
    for indicator in indicators:
        missing = [
            unit
            for unit in work.units_by_category.get(indicator.category_id, [])
            if (indicator.pk, unit.id) not in entered
        ]
        lead = indicator.lead_unit
        lead_ref = UnitRef(lead.pk, lead.code, lead.name, lead.category_id) if lead else None
        groups = [
            (Actor.LEAD, lead_ref, [u for u in missing if lead and u.id != lead.pk]),
            (Actor.OFFICE, None, [u for u in missing if not lead or u.id == lead.pk]),
        ]
        for actor, actor_unit, units in groups:
            if not units:
                continue
            items.append(
                work.reminder(
                    phase=Phase.GRADING,
                    kind=KIND_OF_METHOD[indicator.method],
                    actor=actor,
                    actor_unit=actor_unit,
                    due=due,
                    url=work.url("assessment:grading_grid", pk=indicator.pk),
                    unit=units[0] if len(units) == 1 else None,
                    indicator=indicator_label(indicator.name, indicator.code),
                    details=tuple(unit.name for unit in units) if len(units) > 1 else (),
                    count=len(units),
                )
            )
    return items


def evaluation_work(work: YearWork, due: datetime.date) -> list[Reminder]:
    """Per active unit, its leadership team and active cadres without an evaluation score."""
    teams = set(TeamEvaluation.objects.filter(year=work.year).values_list("unit_id", flat=True))
    rated = set(CadreEvaluation.objects.filter(year=work.year).values_list("cadre_id", flat=True))
    unrated: dict[int, list[str]] = defaultdict(list)
    for pk, unit_id, name in (
        Cadre.objects.filter(is_active=True, unit__is_active=True)
        .order_by("unit_id", "-rank_kind", "name")
        .values_list("id", "unit_id", "name")
    ):
        if pk not in rated:
            unrated[unit_id].append(name)
    items = []
    for unit in work.units:
        missing = ([] if unit.id in teams else [_("leadership team")]) + unrated.get(unit.id, [])
        url = reverse("assessment:import_index")
        items += work.office_missing(
            unit, missing, url, phase=Phase.EVALUATION, kind=Kind.EVALUATIONS, due=due
        )
    return items


def publicity_work(work: YearWork, due: datetime.date) -> list[Reminder]:
    """Every objection of the year still open."""
    objections = (
        Objection.objects.filter(year=work.year, status=ObjectionStatus.OPEN)
        .select_related("unit", "indicator")
        .order_by("filed_at", "pk")
    )
    return [
        work.reminder(
            phase=Phase.PUBLICITY,
            kind=Kind.OBJECTION,
            actor=Actor.OFFICE,
            actor_unit=None,
            due=due,
            url=reverse("assessment:objection_detail", kwargs={"pk": objection.pk}),
            unit=UnitRef(objection.unit.pk, objection.unit.code, objection.unit.name),
            indicator=indicator_label(objection.indicator.name, objection.indicator.code),
        )
        for objection in objections
    ]


def verification_work(work: YearWork) -> list[Reminder]:
    """Per unit and indicator, the records waiting for verification for longer than the year's
    reporting period (counted from the day they were recorded); due when the oldest one had
    waited the period."""
    period = work.year.reporting_period_days
    cutoff = datetime.datetime.combine(
        work.today - datetime.timedelta(days=period),
        datetime.time.min,
        tzinfo=timezone.get_current_timezone(),
    )
    rows = (
        Evidence.objects.awaiting_verification()
        .filter(indicator__year=work.year, unit__is_active=True, recorded_at__lt=cutoff)
        .values(
            "unit_id", "unit__code", "unit__name", "indicator_id", "indicator__code",
            "indicator__name", "indicator__method", "indicator__lead_unit_id",
            "indicator__lead_unit__code", "indicator__lead_unit__name",
        )
        .annotate(n=Count("id"), oldest=Min("recorded_at"))
        .order_by("indicator__lead_unit__code", "unit__code", "indicator__code")
    )  # fmt: skip
    items = []
    for row in rows:
        lead_id = row["indicator__lead_unit_id"]
        by_lead = (
            lead_id is not None
            and lead_id != row["unit_id"]
            and row["indicator__method"] != MethodChoices.VETO
        )
        oldest = timezone.localtime(row["oldest"]).date()
        items.append(
            work.reminder(
                phase=VERIFICATION,
                kind=Kind.PENDING,
                actor=Actor.LEAD if by_lead else Actor.OFFICE,
                actor_unit=UnitRef(
                    lead_id, row["indicator__lead_unit__code"], row["indicator__lead_unit__name"]
                )
                if by_lead
                else None,
                due=oldest + datetime.timedelta(days=period),
                url=work.url(
                    "assessment:verify_queue",
                    query={"unit": row["unit__code"], "indicator": row["indicator_id"]},
                ),
                unit=UnitRef(row["unit_id"], row["unit__code"], row["unit__name"]),
                indicator=indicator_label(row["indicator__name"], row["indicator__code"]),
                count=row["n"],
            )
        )
    return items


# --- the year ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleLine:
    """One deadline of the year as of a day (for monthly reporting: its next deadline)."""

    phase: str
    deadline: PhaseDeadline | None  # None: the publicity's end, as the year records it
    due: datetime.date | None  # None: every monthly deadline of the year has passed
    notice_days: int
    state: str  # "passed", "due_soon", "later", or "closed": the year no longer asks for it

    @property
    def label(self) -> str:
        return str(PHASE_LABELS[self.phase])

    @property
    def implicit(self) -> bool:
        return self.deadline is None


@dataclass
class YearReminders:
    year: AssessmentYear
    today: datetime.date
    schedule: list[ScheduleLine] = field(default_factory=list)
    overdue: list[Reminder] = field(default_factory=list)
    due_soon: list[Reminder] = field(default_factory=list)

    @property
    def is_closed(self) -> bool:
        """Published (or under review, or archived): nothing is asked of anyone any more."""
        return year_is_published(self.year)

    @property
    def items(self) -> list[Reminder]:
        return self.overdue + self.due_soon


def deadlines_of(year: AssessmentYear) -> dict[str, PhaseDeadline | None]:
    """The year's deadlines by phase; the publicity's defaults to the year's publicity end."""
    found: dict[str, PhaseDeadline | None] = {
        d.phase: d for d in PhaseDeadline.objects.filter(year=year).select_related("updated_by")
    }
    for deadline in found.values():
        if deadline is not None:
            deadline.year = year
    if Phase.PUBLICITY not in found and year.publicity_ends_on is not None:
        found[Phase.PUBLICITY] = None
    return {phase: found[phase] for phase in Phase if phase in found}


def _state(
    year: AssessmentYear,
    phase: str,
    due: datetime.date | None,
    notice: int,
    today: datetime.date,
) -> str:
    if year.status not in PHASE_STATES[phase]:
        return "closed"
    if due is None or is_passed(due, today):
        return "passed"
    return "due_soon" if is_due_soon(due, notice, today) else "later"


def _one_off_work(work: YearWork, phase: str, due: datetime.date) -> list[Reminder]:
    work_of: dict[str, Callable[[YearWork, datetime.date], list[Reminder]]] = {
        Phase.TARGETS: target_work,
        Phase.GRADING: grading_work,
        Phase.EVALUATION: evaluation_work,
        Phase.PUBLICITY: publicity_work,
    }
    return work_of[phase](work, due)


def sort_key(item: Reminder) -> tuple[int, str, int, datetime.date, str, str]:
    return (
        list(Actor).index(item.actor),
        item.actor_unit.code if item.actor_unit else "",
        PHASE_ORDER.index(item.phase),
        item.due,
        item.unit.code if item.unit else "",
        item.indicator,
    )


def year_reminders(
    year: AssessmentYear, today: datetime.date, work: YearWork | None = None
) -> YearReminders:
    """The year's schedule, and its open work that is overdue or due soon as of ``today``
    (``work``: the year's data as a page has already read it, for ``year`` and ``today``)."""
    result = YearReminders(year=year, today=today)
    if work is None:
        work = YearWork(year, today)
    assert work.year == year and work.today == today
    for phase, deadline in deadlines_of(year).items():
        notice = deadline.notice_days if deadline else DEFAULT_NOTICE_DAYS
        if phase == Phase.MONTHLY and deadline is not None:
            assert deadline.day_of_month is not None
            months = split_months(
                year.year, deadline.day_of_month, deadline.first_month, notice, today
            )
            due = months.upcoming[1] if months.upcoming else None
            line = ScheduleLine(
                phase, deadline, due, notice, _state(year, phase, due, notice, today)
            )
            result.schedule.append(line)
            if line.state != "closed":
                result.overdue += monthly_work(work, months.passed)
                result.due_soon += monthly_work(work, [months.due_soon] if months.due_soon else [])
            continue
        due = deadline.due_on if deadline else year.publicity_ends_on
        assert due is not None
        line = ScheduleLine(phase, deadline, due, notice, _state(year, phase, due, notice, today))
        result.schedule.append(line)
        if line.state == "passed":
            result.overdue += _one_off_work(work, phase, due)
        elif line.state == "due_soon":
            result.due_soon += _one_off_work(work, phase, due)
    if year.status in PHASE_STATES[VERIFICATION]:
        result.overdue += verification_work(work)
    result.overdue.sort(key=sort_key)
    result.due_soon.sort(key=sort_key)
    return result
