"""Reads of a unit's evidence: its home page (progress, what is overdue, the timeline and the
highlights) and one record for a user.

``evidence_get_for_user`` is the access helper of a record: 404 when it does not exist, 403 when
the user may not see it. ``unit_progress`` projects the scores with the engine's method
functions on the verified records so far; ``indicators_overdue`` finds the indicators whose
silence is a gap without a recent record (``overdue_by_unit``: the same for many units).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Max, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from assessment.access import sees_every_record
from assessment.models import (
    EVIDENCE_METHODS,
    OVERDUE_METHODS,
    POINT_METHODS,
    AssessmentYear,
    CityRank,
    Evidence,
    EvidenceStatement,
    EvidenceStatus,
    Grade,
    Highlight,
    Indicator,
    MethodChoices,
    SurveyRate,
    Target,
    Waiver,
)
from assessment.policy import ALLOWED, Action
from assessment.scoring import (
    EvidenceRow,
    ItemRecord,
    Method,
    aggregate_evidence,
    base_ratio_scores,
    bonus_score,
    catalogue_outcome,
    ceiling_score,
    city_rank_score,
    completion_score,
    deduction_score,
    graded_score,
    increment_score,
    survey_score,
)
from assessment.scoring.inputs import FLAG_METHODS
from assessment.selectors.scheme import catalogue_item
from units.access import AnyUser, is_lead, user_unit_id
from units.models import Unit

# --- one record, the timeline and the highlights ----------------------------------------------


def evidence_get_for_user(user: AnyUser, pk: int) -> Evidence:
    """The record with its unit and indicator; 404 if there is none, 403 if not the user's to
    see (the rule ``assessment.view_evidence``)."""
    record = get_object_or_404(
        Evidence.objects.select_related("unit__category", "indicator__year"), pk=pk
    )
    if not user.has_perm("assessment.view_evidence", record):
        raise PermissionDenied
    return record


def readable_indicators(user: AnyUser, unit: Unit) -> Q | None:
    """Which of ``unit``'s indicators ``user`` may read the records of, as a filter on
    ``indicator`` (None: all of them), by the object rule ``view_evidence``: the office,
    leaders and supervision read all, a unit its own, a lead department the indicators it
    leads, a data source unit the indicators it provides — never another unit's other
    records."""
    own = user_unit_id(user)
    if sees_every_record(user) or own == unit.pk:
        return None
    if own is None:
        return Q(pk__in=[])
    sourced = Q(indicator__source_unit_id=own)  # the figures it provides (一数一源)
    return (Q(indicator__lead_unit_id=own) | sourced) if is_lead(user) else sourced


# A record's waivers with the names the pages show (proposed, confirmed or declined by).
WAIVERS = Prefetch(
    "waivers",
    queryset=Waiver.objects.select_related("proposed_by", "confirmed_by", "declined_by"),
)


def unit_timeline(user: AnyUser, unit: Unit, year: AssessmentYear) -> QuerySet[Evidence]:
    """The unit's records in the year that ``user`` may read, newest first, with what the
    timeline shows but their indicators, which the page has read already (``with_indicators``)."""
    records = Evidence.objects.filter(unit=unit, indicator__year=year)
    if (only := readable_indicators(user, unit)) is not None:
        records = records.filter(only)
    return (
        records.select_related("item", "recorded_by", "verified_by", "supersedes")
        .prefetch_related(
            "attachments",
            Prefetch("statements", EvidenceStatement.objects.select_related("stated_by")),
            WAIVERS,
        )
        .order_by("-date", "-recorded_at", "-pk")
    )


def with_indicators(records: Iterable[Evidence], indicators: Iterable[Indicator]) -> None:
    """Give each record its indicator from ``indicators`` (read with their data source units),
    reading only those missing there, in one query."""
    by_id = {indicator.pk: indicator for indicator in indicators}
    records = list(records)
    missing = {record.indicator_id for record in records} - by_id.keys()
    if missing:
        by_id.update(Indicator.objects.select_related("source_unit").in_bulk(missing))
    for record in records:
        record.indicator = by_id[record.indicator_id]


def unit_highlights(unit: Unit, year: AssessmentYear) -> list[Highlight]:
    return list(Highlight.objects.filter(year=year, unit=unit).select_related("created_by"))


# --- what is overdue, and the projected score --------------------------------------------------


def _year_span(year: AssessmentYear) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year.year, 1, 1), datetime.date(year.year, 12, 31)


@dataclass(frozen=True)
class OverdueIndicator:
    indicator: Indicator
    last_date: datetime.date | None  # of the latest record, whatever its status
    days: int  # since that record, or since the year began when there is none
    unit_id: int = 0

    @property
    def indicator_name(self) -> str:
        return self.indicator.name


def reporting_alarms_on(year: AssessmentYear) -> bool:
    """Whether the year still asks for records: no reporting alarm once collection has closed."""
    return year.status in ALLOWED[Action.RECORD_EVIDENCE]


def overdue_by_unit(
    *, year: AssessmentYear, today: datetime.date, units: Mapping[int, int | None]
) -> dict[int, list[OverdueIndicator]]:
    """The overdue indicators of the given units (unit id → category id), by unit id.

    Overdue: an indicator whose silence is a gap (``OVERDUE_METHODS``: not a ceiling,
    deduction or veto indicator, where no record is good news, nor a bonus) whose latest record
    (by its date; pending, rejected and superseded ones count as reported) is more than
    ``year.reporting_period_days`` days old, or that has none that many days after 1 January.
    After the year's end, the year's last day is "today". The year's state is the caller's to
    weigh (``reporting_alarms_on``): a bulletin looks back, an alarm looks at now. Two queries.
    """
    start, end = _year_span(year)
    today = min(today, end)
    if today < start or not units:
        return {}
    indicators = list(
        Indicator.objects.filter(
            year=year,
            category_id__in={c for c in units.values() if c is not None},
            method__in=OVERDUE_METHODS,
            # a unit does not record what its data source provides (一数一源): the sources
            # page counts the units still without the source's figure
            source_unit__isnull=True,
        ).order_by("sort_order", "code")
    )
    last_dates = {
        (unit_id, indicator_id): last
        for unit_id, indicator_id, last in Evidence.objects.filter(
            unit_id__in=list(units),
            indicator_id__in=[i.pk for i in indicators],
            date__range=(start, end),
        )
        .values("unit_id", "indicator_id")
        .annotate(last=Max("date"))
        .order_by()
        .values_list("unit_id", "indicator_id", "last")
    }
    by_category: dict[int, list[Indicator]] = defaultdict(list)
    for indicator in indicators:
        by_category[indicator.category_id].append(indicator)
    overdue: dict[int, list[OverdueIndicator]] = {}
    for unit_id, category_id in units.items():
        for indicator in by_category.get(category_id or 0, []):
            last = last_dates.get((unit_id, indicator.pk))
            days = (today - (last or start)).days
            if days > year.reporting_period_days:
                overdue.setdefault(unit_id, []).append(
                    OverdueIndicator(
                        indicator=indicator, last_date=last, days=days, unit_id=unit_id
                    )
                )
    return overdue


def indicators_overdue(
    *, unit: Unit, year: AssessmentYear, today: datetime.date
) -> list[OverdueIndicator]:
    """The unit's indicators overdue by ``overdue_by_unit``'s rule, while the year still
    collects records (none once collection has closed)."""
    if not reporting_alarms_on(year):
        return []
    return overdue_by_unit(year=year, today=today, units={unit.pk: unit.category_id}).get(
        unit.pk, []
    )


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
    # 一数一源: the date of the data source unit's latest figure for the unit (the figures
    # above are the source's; the unit's own figures, if any, are left out)
    source_dated: datetime.date | None = None

    @property
    def percent(self) -> int | None:
        """The ratio as a whole percentage for a progress bar, 0–100."""
        if self.ratio is None:
            return None
        return max(0, min(100, int((self.ratio * 100).to_integral_value())))


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
    items: dict[int, list[ItemRecord]]  # indicator id → verified records of a catalogue


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
    if method in POINT_METHODS and (catalogue := list(indicator.items.all())):
        return catalogue_outcome(
            items=[catalogue_item(item) for item in catalogue],
            records=inputs.items.get(pk, ()),
            points=points,
            deduction=method == Method.DEDUCTION,
        ).score
    if method in POINT_METHODS:
        point_score = bonus_score if method == Method.BONUS else deduction_score
        return point_score(points=points, value=actual)
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
        bases[indicator_id][unit_id] = cast(Decimal, base)  # base__gt=0: never null
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
) -> dict[int, tuple[Any, ...]]:
    """A unit's imported values of one kind, by indicator id; no query if the scheme has none."""
    ids = [i.pk for i in indicators if i.method == method]
    if not ids:
        return {}
    rows = model._default_manager.filter(unit=unit, indicator_id__in=ids)
    return {row[0]: row[1:] for row in rows.values_list("indicator_id", *fields)}


def unit_progress(*, unit: Unit, year: AssessmentYear) -> UnitProgress:
    """Every indicator of the unit's scheme with its target, amounts so far and projected score.

    A handful of queries for the whole unit, whatever the number of indicators: the scheme,
    the targets, the records, and the imported ranks, grades and rates (and two more for
    base_ratio indicators, compared within the category).
    """
    indicators = list(
        Indicator.objects.filter(year=year, category_id=unit.category_id)
        .select_related("lead_unit", "source_unit")
        .prefetch_related("items")
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
        .exclude(is_waived=True)
        # on an indicator with a data source, the source's figures only (一数一源)
        .exclude(
            data_source__isnull=True,
            indicator_id__in=[i.pk for i in indicators if i.source_unit_id is not None],
        )
        .order_by("date", "recorded_at", "pk")
        .values_list("indicator_id", "status", "date", "value", "item__code", "document")
    )
    items: dict[int, list[ItemRecord]] = defaultdict(list)  # verified, of catalogued indicators
    source_dated: dict[int, datetime.date] = {}
    for sequence, (indicator_id, status, day, value, item, document) in enumerate(records):
        source_dated[indicator_id] = day  # (the records come by date)
        bucket = verified if status == EvidenceStatus.VERIFIED else pending
        bucket[indicator_id].append(EvidenceRow(date=day, sequence=sequence, value=value))
        if item is not None and status == EvidenceStatus.VERIFIED:
            items[indicator_id].append(ItemRecord(item, int(value), day, sequence, document))
    grades = _imported(Grade, unit, indicators, MethodChoices.GRADED, "grade")
    surveys = _imported(SurveyRate, unit, indicators, MethodChoices.SURVEY, "rate")
    inputs = _Inputs(
        year=year,
        city_ranks=_imported(CityRank, unit, indicators, MethodChoices.CITY_RANK, "rank", "total"),
        grades={pk: grade for pk, (grade,) in grades.items()},
        surveys={pk: rate for pk, (rate,) in surveys.items()},
        base_ratio=_base_ratio_scores(unit, year, indicators),
        items=items,
    )
    rows = []
    for indicator in indicators:
        target, base = targets.get(indicator.pk, (None, None))
        actual, verified_records = _aggregate(verified[indicator.pk], indicator.aggregation)
        waiting, pending_records = _aggregate(pending[indicator.pk], indicator.aggregation)
        is_veto = indicator.method == Method.VETO
        is_flag = indicator.method in FLAG_METHODS
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
                projected=None if is_flag else _projected(indicator, actual, target, base, inputs),
                vetoed=is_veto and verified_records > 0,
                source_dated=source_dated.get(indicator.pk)
                if indicator.source_unit_id is not None
                else None,
            )
        )
    return UnitProgress(unit=unit, year=year, indicators=rows)
