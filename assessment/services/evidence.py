"""The year-round evidence workflow: record, correct, verify, answer; and a unit's progress.

Every write here is the only way its change happens (pages, imports and the command line call
these functions; the admin shows evidence read-only):

- ``evidence_record``: a new record, by someone who may record for that unit and indicator
  (``assessment.access.evidence_record_refusal``), while the year collects evidence; after
  that only the office, as a late record with a reason.
- ``evidence_correct``: records are append-only; a correction is a new record that supersedes
  the old one. Both stay; only the newest can count.
- ``evidence_verify`` / ``evidence_verify_many``: verified or rejected by the office or the
  indicator's lead department, never by the record's own unit or its creator; a veto event is
  confirmed by a second person of the office.
- ``evidence_statement_create``: a unit answers a failure recorded against it.

Each validates before it writes, names the user in the history and saves the reason there,
and runs in one transaction. The reads at the end (``indicators_overdue``, ``unit_progress``)
feed a unit's home page; the projected scores come from the engine's method functions.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from assessment.access import (
    evidence_record_refusal,
    evidence_statement_refusal,
    evidence_verify_refusal,
)
from assessment.lib import attachments as files
from assessment.models import (
    AssessmentYear,
    CityRank,
    Evidence,
    EvidenceStatement,
    EvidenceStatus,
    Grade,
    Indicator,
    MethodChoices,
    SurveyRate,
    Target,
    YearStatus,
)
from assessment.policy import Action, year_check
from assessment.scoring import (
    EvidenceRow,
    Method,
    aggregate_evidence,
    base_ratio_scores,
    bonus_score,
    ceiling_score,
    city_rank_score,
    completion_score,
    deduction_score,
    graded_score,
    increment_score,
    survey_score,
)
from assessment.services import records as record_rules
from assessment.services.records import HISTORY_REASON_LENGTH, VERIFY_FIELDS, User
from units.audit import lock_chain, seal_pending
from units.models import Unit

POINT_METHODS = frozenset({Method.BONUS, Method.DEDUCTION})
# Quantitative methods whose actual value is built from the records: these are reported
# regularly, and one without a record for longer than the reporting period is overdue.
EVIDENCE_METHODS = frozenset(
    {Method.COMPLETION, Method.CEILING, Method.INCREMENT, Method.BASE_RATIO}
)
# A unit may answer a failure while the year is open and during the publicity.
STATEMENT_STATES = frozenset({YearStatus.COLLECTING, YearStatus.SCORING, YearStatus.PUBLICITY})


# --- recording --------------------------------------------------------------------------------


def _field_errors(record: Evidence, year: AssessmentYear) -> dict[str, list]:
    """The record's own rules and ``full_clean``, all at once, by field."""
    errors: dict[str, list] = {}
    unit, indicator = record.unit, record.indicator
    if indicator.category_id != unit.category_id:
        errors["indicator"] = [
            _("%(indicator)s is not an indicator of the %(year)s scheme of %(unit)s.")
            % {"indicator": indicator, "year": year.year, "unit": unit}
        ]
    if date_errors := record_rules.date_error(record.date, year):
        errors["date"] = date_errors
    if indicator.method in POINT_METHODS and record.value is not None and record.value < 0:
        errors["value"] = [_("Bonus and deduction records cannot be negative.")]
    try:
        record.full_clean()
    except ValidationError as error:
        record_rules.merge(errors, error)
    return errors


def _check(record: Evidence, year: AssessmentYear, uploads: Iterable[files.Upload]) -> list:
    """Validate a new record and its attachments together; return the prepared attachments."""
    errors = _field_errors(record, year)
    prepared: list[files.PreparedAttachment] = []
    try:
        prepared = files.prepare_all(uploads)
    except ValidationError as error:
        record_rules.merge(errors, error)
    if errors:
        raise ValidationError(errors)
    return prepared


@transaction.atomic
def evidence_record(
    *,
    unit: Unit,
    indicator: Indicator,
    date: datetime.date,
    value: Decimal,
    description: str,
    by: User,
    attachments: Iterable[files.Upload] = (),
    late_reason: str = "",
) -> Evidence:
    """Record a piece of evidence (平时记录) of ``unit`` on ``indicator``, pending verification.

    Refused (``ValidationError``) unless ``by`` may record for this unit and indicator, the
    year's clock allows it, the indicator is of the unit's scheme, the date lies in the
    indicator's year and bonus and deduction values are not negative. Attachments are checked
    with the record and stored with it, all or nothing. In the state "scoring" only the
    office records, and its record is marked late with ``late_reason``.
    """
    year = AssessmentYear.objects.get(pk=indicator.year_id)  # its state now, not the caller's
    record_rules.refuse(evidence_record_refusal(by, unit, indicator))
    recorded = record_rules.recorded_now(year, by, late_reason, "late_reason")
    record = Evidence(
        unit=unit,
        indicator=indicator,
        date=date,
        value=value,
        description=description.strip(),
        **recorded,
    )
    prepared = _check(record, year, attachments)
    return record_rules.write_with_files(
        record, by, record.late_reason, prepared, attach_to="evidence"
    )


@transaction.atomic
def evidence_correct(
    *,
    record: Evidence,
    value: Decimal,
    description: str,
    date: datetime.date | None = None,
    reason: str,
    by: User,
    attachments: Iterable[files.Upload] = (),
) -> Evidence:
    """Correct a record: a new record supersedes it, with the reason; returns the new one.

    Nothing submitted is edited: the old record stays as it was, only no longer current (its
    history names who superseded it and why), and the new one is pending verification like
    any record. Only the current record can be corrected, by someone who may record for its
    unit and indicator, with the same year's clock as a new record (the reason of a late
    correction is also its late reason).
    """
    old = (
        Evidence.objects.select_for_update()
        .select_related("unit", "indicator__year")
        .get(pk=record.pk)
    )
    year = old.indicator.year
    record_rules.refuse(evidence_record_refusal(by, old.unit, old.indicator))
    record_rules.correction_reason_required(reason)
    record_rules.superseded_refusal(old)
    recorded = record_rules.recorded_now(year, by, reason, "reason")
    new = Evidence(
        unit=old.unit,
        indicator=old.indicator,
        date=date or old.date,
        value=value,
        description=description.strip(),
        supersedes=old,
        correction_reason=reason.strip(),
        **recorded,
    )
    prepared = _check(new, year, attachments)
    old.is_current = False
    record_rules.save(old, by, reason, update_fields=["is_current"])
    record.is_current = False
    return record_rules.write_with_files(new, by, reason, prepared, attach_to="evidence")


# --- verifying --------------------------------------------------------------------------------


@dataclass(frozen=True)
class VerifyCounts:
    verified: int = 0
    rejected: int = 0


def _decision_problem(record: Evidence, by: User) -> str | None:
    """Why ``by`` cannot decide on ``record`` now (who they are, the record's state)."""
    return evidence_verify_refusal(by, record) or record_rules.state_problem(record)


def _locked(pks: Sequence[int]) -> list[Evidence]:
    """The records, read again under a row lock: a double click is judged on the real state."""
    return list(
        Evidence.objects.select_for_update()
        .select_related("unit", "indicator__year")
        .filter(pk__in=pks)
        .order_by("date", "pk")
    )


@transaction.atomic
def evidence_verify(*, record: Evidence, by: User, accept: bool, reason: str = "") -> Evidence:
    """Verify (``accept``) or reject a pending, current record; a rejection needs a reason.

    ``verified_by`` and ``verified_at`` name who decided and when, whichever the decision.
    """
    record_rules.rejection_reason_required(accept, reason)
    (locked,) = _locked([record.pk])
    year_check(locked.indicator.year, Action.VERIFY_EVIDENCE, reason=reason, by=by)
    if problem := _decision_problem(locked, by):
        raise ValidationError(problem, code="not_allowed")
    record_rules.decide(locked, by, accept, reason, timezone.now())
    record_rules.save(locked, by, reason, update_fields=VERIFY_FIELDS)
    for name in VERIFY_FIELDS:
        setattr(record, name, getattr(locked, name))
    return locked


@transaction.atomic
def evidence_verify_many(
    *, records: Iterable[Evidence], by: User, accept: bool, reason: str = ""
) -> VerifyCounts:
    """Verify or reject several records at once: all of them, or none and every reason why.

    The messages of a refusal each name the record they are about.
    """
    record_rules.rejection_reason_required(accept, reason)
    pks = sorted({record.pk for record in records})
    locked = _locked(pks)
    errors: list[str] = []
    if len(locked) != len(pks):
        errors.append(_("Some of the records no longer exist: reload the list."))
    checked: set[int] = set()
    for record in locked:
        year = record.indicator.year
        if year.pk not in checked:
            checked.add(year.pk)
            try:
                year_check(year, Action.VERIFY_EVIDENCE, reason=reason, by=by)
            except ValidationError as error:
                errors.extend(error.messages)
        if problem := _decision_problem(record, by):
            errors.append(
                _("%(record)s: %(problem)s") % {"record": _label(record), "problem": problem}
            )
    if errors:
        raise ValidationError([ValidationError(e, code="not_allowed") for e in errors])
    now = timezone.now()
    for record in locked:
        record_rules.decide(record, by, accept, reason, now)
    if locked:
        lock_chain()  # the history rows written next are sealed in the order they are written
        bulk_update_with_history(
            locked,
            Evidence,
            fields=VERIFY_FIELDS,
            default_user=by if by.is_authenticated else None,
            default_change_reason=reason.strip()[:HISTORY_REASON_LENGTH] or None,
        )
        seal_pending()  # a bulk update sends no signal: sealed into the audit chain here
    count = len(locked)
    return VerifyCounts(verified=count) if accept else VerifyCounts(rejected=count)


def _label(record: Evidence) -> str:
    return f"{record.unit.name} · {record.indicator.name} · {record.date:%Y-%m-%d}"


# --- statements -------------------------------------------------------------------------------


@transaction.atomic
def evidence_statement_create(*, record: Evidence, text: str, by: User) -> EvidenceStatement:
    """A unit's statement answering a failure recorded against it; the record is untouched."""
    record = Evidence.objects.select_related("unit", "indicator__year").get(pk=record.pk)
    record_rules.refuse(evidence_statement_refusal(by, record))
    year = record.indicator.year
    if year.status not in STATEMENT_STATES:
        raise ValidationError(
            _(
                "The %(year)s assessment is in the state “%(status)s”: statements can no "
                "longer be written."
            )
            % {"year": year.year, "status": YearStatus(year.status).label},
            code="year_locked",
        )
    statement = EvidenceStatement(
        evidence=record, unit=record.unit, text=text.strip(), stated_by=by
    )
    statement.full_clean()
    record_rules.save(statement, by)
    return statement


# --- reads: what is overdue, and the projected score ------------------------------------------


def _year_span(year: AssessmentYear) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year.year, 1, 1), datetime.date(year.year, 12, 31)


@dataclass(frozen=True)
class OverdueIndicator:
    indicator: Indicator
    last_date: datetime.date | None  # of the latest record, whatever its status
    days: int  # since that record, or since the year began when there is none


def indicators_overdue(
    *, unit: Unit, year: AssessmentYear, today: datetime.date
) -> list[OverdueIndicator]:
    """The unit's quantitative indicators without a record for longer than the period.

    Overdue: the latest record (by its date; pending, rejected and superseded ones count as
    reported) is more than ``year.reporting_period_days`` days old, or there is none and that
    many days have passed since 1 January. After the year's end, the year's last day is
    "today". Two queries.
    """
    start, end = _year_span(year)
    today = min(today, end)
    if today < start:
        return []
    period = year.reporting_period_days
    indicators = list(
        Indicator.objects.filter(
            year=year, category_id=unit.category_id, method__in=EVIDENCE_METHODS
        ).order_by("sort_order", "code")
    )
    last_dates = dict(
        Evidence.objects.filter(
            unit=unit, indicator_id__in=[i.pk for i in indicators], date__range=(start, end)
        )
        .values("indicator_id")
        .annotate(last=Max("date"))
        .order_by()
        .values_list("indicator_id", "last")
    )
    overdue = []
    for indicator in indicators:
        last = last_dates.get(indicator.pk)
        days = (today - (last or start)).days
        if days > period:
            overdue.append(OverdueIndicator(indicator=indicator, last_date=last, days=days))
    return overdue


@dataclass(frozen=True)
class IndicatorProgress:
    """One indicator on a unit's home page, from its records so far.

    ``verified`` and ``pending`` follow the indicator's aggregation (sum, or latest value) over
    the current records of the year. ``ratio`` is verified / target (completion, ceiling,
    increment) or verified / base (base_ratio), to 4 places. ``projected`` is the engine's
    score for the verified records so far (None where it cannot be computed yet: no target,
    no imported rank, grade or rate); a veto indicator has none and sets ``vetoed``.
    """

    indicator: Indicator
    target: Decimal | None
    base: Decimal | None
    verified: Decimal
    verified_records: int
    pending: Decimal
    pending_records: int
    ratio: Decimal | None
    projected: Decimal | None
    vetoed: bool = False


@dataclass(frozen=True)
class UnitProgress:
    unit: Unit
    year: AssessmentYear
    indicators: list[IndicatorProgress]

    @property
    def projected_total(self) -> Decimal:
        """The sum of the projected scores so far (spec: a total adds the rounded scores)."""
        return sum(
            (row.projected for row in self.indicators if row.projected is not None),
            Decimal("0.00"),
        )

    @property
    def vetoed(self) -> bool:
        return any(row.vetoed for row in self.indicators)


@dataclass
class _Inputs:
    """What the unit's projection reads, besides its own records and targets."""

    year: AssessmentYear
    city_ranks: dict[int, tuple[int, int]]
    grades: dict[int, str]
    surveys: dict[int, Decimal]
    base_ratio: dict[int, Decimal]  # indicator id → this unit's score within the category


RATIO_PLACES = Decimal("0.0001")


def _ratio(numerator: Decimal, denominator: Decimal | None) -> Decimal | None:
    if denominator is None or denominator <= 0:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(RATIO_PLACES, ROUND_HALF_UP)


def _progress_ratio(
    indicator: Indicator, actual: Decimal, target: Decimal | None, base: Decimal | None
) -> Decimal | None:
    if indicator.method == Method.BASE_RATIO:
        return _ratio(actual, base)
    if indicator.method in EVIDENCE_METHODS:
        return _ratio(actual, target)
    return None


def _aggregate(rows: list[EvidenceRow], aggregation: str) -> tuple[Decimal, int]:
    total = aggregate_evidence(rows, aggregation)
    return Decimal(total.value), total.records


def _projected(
    indicator: Indicator,
    actual: Decimal,
    target: Decimal | None,
    base: Decimal | None,
    inputs: _Inputs,
) -> Decimal | None:
    """The engine's method function for the indicator, on what is known so far."""
    method, points, pk = indicator.method, indicator.points, indicator.pk
    if method in (Method.COMPLETION, Method.CEILING):
        if target is None or target <= 0:
            return None
        score = completion_score if method == Method.COMPLETION else ceiling_score
        return score(points=points, actual=actual, target=target, cap=indicator.cap)
    if method == Method.INCREMENT:
        if target is None or base is None or target <= 0 or target <= base:
            return None
        return increment_score(
            points=points,
            actual=actual,
            target=target,
            base=base,
            cap=indicator.cap,
            total_share=indicator.total_share,
        )
    if method == Method.BASE_RATIO:
        return inputs.base_ratio.get(pk)
    if method in POINT_METHODS:
        score = bonus_score if method == Method.BONUS else deduction_score
        return score(points=points, value=actual)
    return _assessed(indicator, inputs)


def _assessed(indicator: Indicator, inputs: _Inputs) -> Decimal | None:
    """City ranks, grades and survey rates: entered by lead departments, not recorded."""
    method, points, pk = indicator.method, indicator.points, indicator.pk
    if method == Method.CITY_RANK and pk in inputs.city_ranks:
        rank, total = inputs.city_ranks[pk]
        return city_rank_score(points=points, rank=rank, total=total, step=indicator.step)
    if method == Method.GRADED and pk in inputs.grades:
        factors = inputs.year.scoring_params().grade_factors
        return graded_score(points=points, grade=inputs.grades[pk], factors=factors)
    if method == Method.SURVEY and pk in inputs.surveys:
        return survey_score(points=points, rate=inputs.surveys[pk])
    return None


def _base_ratio_scores(
    unit: Unit, year: AssessmentYear, indicators: list[Indicator]
) -> dict[int, Decimal]:
    """Spec, `base_ratio`: compared within the category, so every active unit's verified
    records and base are read (two queries, only when the scheme has such indicators)."""
    by_id = {i.pk: i for i in indicators if i.method == Method.BASE_RATIO}
    if not by_id:
        return {}
    bases: dict[int, dict[int, Decimal]] = defaultdict(dict)  # indicator → unit → base
    for unit_id, indicator_id, base in Target.objects.filter(
        indicator_id__in=by_id,
        unit__category_id=unit.category_id,
        unit__is_active=True,
        base__gt=0,
    ).values_list("unit_id", "indicator_id", "base"):
        bases[indicator_id][unit_id] = base
    rows: dict[tuple[int, int], list[EvidenceRow]] = defaultdict(list)
    records = (
        Evidence.objects.counting()
        .filter(indicator_id__in=by_id, date__range=_year_span(year))
        .order_by("date", "recorded_at", "pk")
        .values_list("unit_id", "indicator_id", "date", "value")
    )
    for sequence, (unit_id, indicator_id, day, value) in enumerate(records):
        rows[(indicator_id, unit_id)].append(EvidenceRow(date=day, sequence=sequence, value=value))
    scores: dict[int, Decimal] = {}
    for pk, indicator in by_id.items():
        if unit.pk not in bases[pk]:
            continue
        values = {
            unit_id: (_aggregate(rows[(pk, unit_id)], indicator.aggregation)[0], base)
            for unit_id, base in bases[pk].items()
        }
        scores[pk] = base_ratio_scores(points=indicator.points, values=values)[unit.pk]
    return scores


def _imported(
    model: type[models.Model], unit: Unit, indicators: list[Indicator], method: str, *fields: str
) -> dict[int, tuple]:
    """A unit's imported values of one kind, by indicator id; no query if the scheme has none."""
    ids = [i.pk for i in indicators if i.method == method]
    if not ids:
        return {}
    rows = model._default_manager.filter(unit=unit, indicator_id__in=ids)  # type: ignore[attr-defined]
    return {row[0]: row[1:] for row in rows.values_list("indicator_id", *fields)}


def unit_progress(*, unit: Unit, year: AssessmentYear) -> UnitProgress:
    """Every indicator of the unit's scheme with its target, amounts so far and projected score.

    A handful of queries for the whole unit, whatever the number of indicators: the scheme,
    the targets, the records, and the imported ranks, grades and rates (and two more for
    base_ratio indicators, compared within the category).
    """
    indicators = list(
        Indicator.objects.filter(year=year, category_id=unit.category_id)
        .select_related("lead_unit")
        .order_by("sort_order", "code")
    )
    ids = [i.pk for i in indicators]
    targets = {
        indicator_id: (target, base)
        for indicator_id, target, base in Target.objects.filter(
            unit=unit, indicator_id__in=ids
        ).values_list("indicator_id", "target", "base")
    }
    verified: dict[int, list[EvidenceRow]] = defaultdict(list)
    pending: dict[int, list[EvidenceRow]] = defaultdict(list)
    records = (
        Evidence.objects.current()
        .filter(
            unit=unit,
            indicator_id__in=ids,
            status__in=[EvidenceStatus.VERIFIED, EvidenceStatus.PENDING],
            date__range=_year_span(year),
        )
        .order_by("date", "recorded_at", "pk")
        .values_list("indicator_id", "status", "date", "value")
    )
    for sequence, (indicator_id, status, day, value) in enumerate(records):
        bucket = verified if status == EvidenceStatus.VERIFIED else pending
        bucket[indicator_id].append(EvidenceRow(date=day, sequence=sequence, value=value))
    grades = _imported(Grade, unit, indicators, MethodChoices.GRADED, "grade")
    surveys = _imported(SurveyRate, unit, indicators, MethodChoices.SURVEY, "rate")
    inputs = _Inputs(
        year=year,
        city_ranks=_imported(CityRank, unit, indicators, MethodChoices.CITY_RANK, "rank", "total"),
        grades={pk: grade for pk, (grade,) in grades.items()},
        surveys={pk: rate for pk, (rate,) in surveys.items()},
        base_ratio=_base_ratio_scores(unit, year, indicators),
    )
    rows = []
    for indicator in indicators:
        target, base = targets.get(indicator.pk, (None, None))
        actual, verified_records = _aggregate(verified[indicator.pk], indicator.aggregation)
        waiting, pending_records = _aggregate(pending[indicator.pk], indicator.aggregation)
        is_veto = indicator.method == Method.VETO
        rows.append(
            IndicatorProgress(
                indicator=indicator,
                target=target,
                base=base,
                verified=actual,
                verified_records=verified_records,
                pending=waiting,
                pending_records=pending_records,
                ratio=_progress_ratio(indicator, actual, target, base),
                projected=None if is_veto else _projected(indicator, actual, target, base, inputs),
                vetoed=is_veto and verified_records > 0,
            )
        )
    return UnitProgress(unit=unit, year=year, indicators=rows)
