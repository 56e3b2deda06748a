"""Writes of the three-colour warnings and their follow-up (预警 → 通知 → 整改 → 约谈).

The office sets up a year's reporting periods and closes each in turn: closing stores the
colours of that moment, issues a warning notice to every unit with a red indicator and puts on
the talk list each unit red on the same indicator at the year's number of consecutive period
ends. The unit acknowledges its notice and files a rectification report, which the office
accepts or sends back; the office records the talks. District leaders write instructions
(领导批示) that the unit answers. Nothing here changes a colour: only verified figures do.
"""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.access import manages_assessment
from assessment.lib import attachments as files
from assessment.models import (
    AssessmentYear,
    ColourChoices,
    Indicator,
    Instruction,
    PeriodColour,
    RectificationReport,
    ReportingPeriod,
    ReportStatus,
    TalkListEntry,
    TalkRecord,
    WarningNotice,
)
from assessment.scoring.colours import Colour, indicator_colour, shortfall
from assessment.selectors import warnings as read
from assessment.services import records as record_rules
from assessment.services.records import User
from units.access import account, is_admin, is_leader, is_own_unit
from units.models import Unit

QUARTER_NAMES = ("Q1", "Q2", "Q3", "Q4")


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise ValidationError(message, code="not_allowed")


def _office(by: User) -> None:
    _require(manages_assessment(by), _("Only the assessment office may do this."))


def _own_unit(by: User, unit: Unit) -> None:
    _require(is_own_unit(by, unit), _("Only the unit's own users may do this."))


# --- periods ----------------------------------------------------------------------------------


@transaction.atomic
def periods_create(
    *, year: AssessmentYear, by: User, monthly: bool = False
) -> list[ReportingPeriod]:
    """The year's reporting periods: four quarters, or twelve months; once per year."""
    _office(by)
    if ReportingPeriod.objects.filter(year=year).exists():
        raise ValidationError(_("The reporting periods of this year are already set."))
    spans = (
        [(month, month, f"{month}月") for month in range(1, 13)]
        if monthly
        else [(3 * q - 2, 3 * q, QUARTER_NAMES[q - 1]) for q in range(1, 5)]
    )
    periods = []
    for first, last, name in spans:
        ends = calendar.monthrange(year.year, last)[1]
        period = ReportingPeriod(
            year=year,
            name=name,
            starts_on=datetime.date(year.year, first, 1),
            ends_on=datetime.date(year.year, last, ends),
        )
        period.full_clean()
        record_rules.save(period, by)
        periods.append(period)
    return periods


def _consecutive_reds(
    period: ReportingPeriod, reds: set[tuple[int, int]]
) -> dict[tuple[int, int], int]:
    """For each red pair of `period`, how many period ends in a row (this one included) it was
    red at, counting back through the year's closed periods."""
    earlier = list(
        ReportingPeriod.objects.filter(year=period.year, ends_on__lt=period.ends_on)
        .order_by("-ends_on")
        .values_list("pk", flat=True)
    )
    red_at: dict[int, set[tuple[int, int]]] = defaultdict(set)
    for period_id, unit_id, indicator_id in PeriodColour.objects.filter(
        period_id__in=earlier, colour=ColourChoices.RED
    ).values_list("period_id", "unit_id", "indicator_id"):
        red_at[period_id].add((unit_id, indicator_id))
    counts = {}
    for pair in reds:
        count = 1
        for period_id in earlier:
            if pair not in red_at[period_id]:
                break
            count += 1
        counts[pair] = count
    return counts


@transaction.atomic
def period_close(
    *, period: ReportingPeriod, by: User, today: datetime.date | None = None
) -> list[WarningNotice]:
    """Close `period`: store its colours, issue the notices and fill the talk list.

    Periods close in order, each once, and not before their last day has passed.
    """
    _office(by)
    period = ReportingPeriod.objects.select_for_update().select_related("year").get(pk=period.pk)
    today = today or timezone.localdate()
    if period.is_closed:
        raise ValidationError(_("This period is already closed."))
    if today <= period.ends_on:
        raise ValidationError(_("A period can be closed only after its last day."))
    if ReportingPeriod.objects.filter(
        year=period.year, ends_on__lt=period.ends_on, closed_at__isnull=True
    ).exists():
        raise ValidationError(_("Close the earlier periods of the year first."))
    rules = read.warning_rules(period.year)
    stored = []
    for (unit_id, indicator_id), standing in read.standings(
        period.year, period.ends_on, period
    ).items():
        colour = indicator_colour(standing, yellow_share=rules.yellow_share)
        if colour is None:
            continue
        stored.append(
            PeriodColour(
                period=period, unit_id=unit_id, indicator_id=indicator_id,
                colour=colour.key, actual=standing.actual, target=standing.target,
                shortfall=shortfall(standing) if colour is Colour.RED else None,
            )
        )  # fmt: skip
    PeriodColour.objects.bulk_create(stored, batch_size=2000)
    reds = {(row.unit_id, row.indicator_id) for row in stored if row.colour == ColourChoices.RED}
    notices = []
    due = today + datetime.timedelta(days=rules.notice_days)
    for unit_id in sorted({unit_id for unit_id, _indicator in reds}):
        notice = WarningNotice(
            period=period, unit_id=unit_id, issued_by=account(by), report_due=due
        )
        record_rules.save(notice, by)
        notices.append(notice)
    for (unit_id, indicator_id), count in _consecutive_reds(period, reds).items():
        if count >= rules.talk_after:
            entry = TalkListEntry(
                period=period, unit_id=unit_id, indicator_id=indicator_id, reds=count
            )
            record_rules.save(entry, by)
    period.closed_at, period.closed_by = timezone.now(), account(by)
    record_rules.save(period, by, update_fields=["closed_at", "closed_by"])
    return notices


# --- notices and reports ----------------------------------------------------------------------


@transaction.atomic
def notice_acknowledge(*, notice: WarningNotice, by: User) -> WarningNotice:
    """The unit confirms it has received its notice (once; later calls change nothing)."""
    notice = WarningNotice.objects.select_for_update().select_related("unit").get(pk=notice.pk)
    _own_unit(by, notice.unit)
    if notice.acknowledged_at is None:
        notice.acknowledged_at, notice.acknowledged_by = timezone.now(), account(by)
        record_rules.save(notice, by, update_fields=["acknowledged_at", "acknowledged_by"])
    return notice


@transaction.atomic
def report_file(
    *,
    notice: WarningNotice,
    measures: str,
    done_by: datetime.date | None,
    uploads: list[files.Upload],
    by: User,
) -> RectificationReport:
    """The unit files its rectification report: the measures, the date they will be done by,
    and attachments. Filing acknowledges the notice too. One report is under review at a time,
    and none follows an accepted one."""
    notice = WarningNotice.objects.select_for_update().select_related("unit").get(pk=notice.pk)
    _own_unit(by, notice.unit)
    if not read.report_is_open(notice):
        raise ValidationError(_("A report on this notice is already under review or accepted."))
    errors: dict[str, list[str]] = {}
    if not measures.strip():
        errors["measures"] = [_("Describe the measures taken or planned.")]
    if done_by is None:
        errors["done_by"] = [_("Give the date the measures will be completed by.")]
    prepared: list[files.PreparedAttachment] = []
    try:
        prepared = files.prepare_all(uploads)
    except ValidationError as error:
        record_rules.merge(errors, error)
    if errors or done_by is None:
        raise ValidationError(errors)
    notice_acknowledge(notice=notice, by=by)
    report = RectificationReport(
        notice=notice, measures=measures.strip(), done_by=done_by, filed_by=account(by)
    )
    report.full_clean()
    return record_rules.write_with_files(report, by, "", prepared, attach_to="report")


@transaction.atomic
def report_review(
    *, report: RectificationReport, accept: bool, note: str, by: User
) -> RectificationReport:
    """The office accepts the report, or sends it back with the reason (required). Accepting
    changes no colour."""
    _office(by)
    report = RectificationReport.objects.select_for_update().get(pk=report.pk)
    if report.status != ReportStatus.FILED:
        raise ValidationError(_("This report has already been reviewed."))
    if not accept and not note.strip():
        raise ValidationError({"note": [_("Say why the report is sent back.")]})
    report.status = ReportStatus.ACCEPTED if accept else ReportStatus.RETURNED
    report.review_note = note.strip()
    report.reviewed_at, report.reviewed_by = timezone.now(), account(by)
    report.full_clean()
    record_rules.save(report, by, note, ["status", "review_note", "reviewed_at", "reviewed_by"])
    return report


# --- talks ------------------------------------------------------------------------------------


@transaction.atomic
def talk_record(
    *,
    period: ReportingPeriod,
    unit: Unit,
    held_on: datetime.date | None,
    attendees: str,
    commitments: str,
    by: User,
) -> TalkRecord:
    """The office records a talk with a unit on the period's talk list; its entries are done."""
    _office(by)
    entries = TalkListEntry.objects.select_for_update().filter(period=period, unit=unit)
    if not entries.exists():
        raise ValidationError(_("This unit is not on the talk list of the period."))
    if held_on is None:
        raise ValidationError({"held_on": [_("Give the date of the talk.")]})
    talk = TalkRecord(
        period=period,
        unit=unit,
        held_on=held_on,
        attendees=attendees.strip(),
        commitments=commitments.strip(),
        recorded_by=account(by),
    )
    talk.full_clean()
    record_rules.save(talk, by)
    for entry in entries.filter(talk__isnull=True):
        entry.talk = talk
        record_rules.save(entry, by, update_fields=["talk"])
    return talk


# --- leaders' instructions --------------------------------------------------------------------


@transaction.atomic
def instruction_write(
    *,
    year: AssessmentYear,
    unit: Unit,
    text: str,
    by: User,
    indicator: Indicator | None = None,
    notice: WarningNotice | None = None,
    bulletin_quarter: int | None = None,
) -> Instruction:
    """A district leader writes an instruction to `unit`, on one of its indicators, one of
    its notices or a quarterly bulletin (or on the unit as a whole)."""
    _require(is_leader(by) or is_admin(by), _("Only a district leader may write instructions."))
    if not text.strip():
        raise ValidationError({"text": [_("Write the instruction.")]})
    if indicator is not None and (
        indicator.year_id != year.pk or indicator.category_id != unit.category_id
    ):
        raise ValidationError({"indicator": [_("The indicator is not one of the unit's.")]})
    if notice is not None and (notice.unit_id != unit.pk or notice.period.year_id != year.pk):
        raise ValidationError({"notice": [_("The notice is not one of the unit's.")]})
    instruction = Instruction(
        year=year, unit=unit, indicator=indicator, notice=notice,
        bulletin_quarter=bulletin_quarter, text=text.strip(), written_by=account(by),
    )  # fmt: skip
    instruction.full_clean()
    record_rules.save(instruction, by)
    return instruction


@transaction.atomic
def instruction_answer(*, instruction: Instruction, answer: str, by: User) -> Instruction:
    """The unit answers the instruction, once."""
    instruction = (
        Instruction.objects.select_for_update().select_related("unit").get(pk=instruction.pk)
    )
    _own_unit(by, instruction.unit)
    if instruction.is_answered:
        raise ValidationError(_("This instruction has already been answered."))
    if not answer.strip():
        raise ValidationError({"answer": [_("Write the answer.")]})
    instruction.answer = answer.strip()
    instruction.answered_at, instruction.answered_by = timezone.now(), account(by)
    record_rules.save(instruction, by, update_fields=["answer", "answered_at", "answered_by"])
    return instruction
