"""Reads of the integrity review queue: the year's records as the signals see them, the
signals by kind, and the confirmed ones waiting for supervision's record.

The queue is the office's (and the administrator's); supervision sees the confirmed signals
it is to record a failure for.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from decimal import Decimal

from django.db.models import QuerySet

from assessment.access import manages_assessment
from assessment.models import (
    AggregationChoices,
    AssessmentYear,
    Evidence,
    EvidenceAttachment,
    EvidenceStatus,
    Indicator,
    IntegritySignal,
    IntegrityThresholds,
    MethodChoices,
    SignalStatus,
)
from assessment.scoring.signals import Fact, Signal, Thresholds, all_signals
from units.access import AnyUser, is_supervision
from units.models import Unit

CHUNK = 20_000  # rows fetched at a time when a year's records are streamed


@dataclass(frozen=True)
class YearFacts:
    """What ``all_signals`` needs of a year."""

    facts: list[Fact]
    unit_names: dict[str, str]
    categories: dict[str, str]
    # (unit code, indicator code) → the unit's figure of the year before
    history: dict[tuple[str, str], list[Decimal]]


def year_facts(year: AssessmentYear) -> YearFacts:
    """The year's current records that are not rejected, with their attachments' SHA-256.

    Read as plain rows and streamed (a city's year is a million records): unit and indicator
    by id, named from two small maps, never a join per row nor a query per record.
    """
    units = list(Unit.objects.values_list("pk", "code", "name", "category__code"))
    unit_code = {pk: code for pk, code, _name, _category in units}
    # A latest-value figure is a cumulative one (a year-to-date total, a full-year estimate)
    # unless it is a level kept under a ceiling: a running average of PM2.5 may fall, and a
    # high figure there never flatters the unit.
    indicators: dict[int, tuple[str, bool, bool, bool]] = {}
    rows = Indicator.objects.filter(year=year).values_list(
        "pk", "code", "aggregation", "method", "source_unit_id"
    )
    for pk, code, aggregation, method, source_unit in rows:
        ceiling = method == MethodChoices.CEILING
        indicators[pk] = (
            code,
            aggregation == AggregationChoices.LATEST and not ceiling,
            not ceiling,
            source_unit is not None,
        )
    hashes: dict[int, list[str]] = defaultdict(list)
    attached = EvidenceAttachment.objects.filter(
        evidence__indicator__year=year, evidence__is_current=True
    ).values_list("evidence_id", "sha256")
    for record, sha256 in attached.iterator(chunk_size=CHUNK):
        hashes[record].append(sha256)
    records = (
        Evidence.objects.current()
        .filter(indicator__year=year)
        .exclude(status=EvidenceStatus.REJECTED)
        .order_by()
        .values_list(
            # the day of entry in the district's time zone, computed by the database: no
            # aware datetime built per row
            "pk", "unit_id", "indicator_id", "date", "recorded_at__date", "value",
            "description", "status", "is_waived", "data_source_id",
        )
    )  # fmt: skip
    verified, no_files = EvidenceStatus.VERIFIED, ()
    facts = []
    streamed = records.iterator(chunk_size=CHUNK)
    for row in streamed:
        pk, unit, indicator, date, entered, value, description, status, waived, source = row
        code, cumulative, higher_flatters, sourced = indicators[indicator]
        files = hashes.get(pk)
        # a unit's own figure on a source-fed indicator is kept, never counted (一数一源)
        claim = sourced and source is None
        facts.append(
            Fact(
                pk, unit_code[unit], code, date, value, description, entered,
                tuple(files) if files else no_files, cumulative,
                status == verified and not waived and not claim,
                unit_code.get(source, "") if source is not None else "", claim, higher_flatters,
            )
        )  # fmt: skip
    return YearFacts(
        facts=facts,
        unit_names={code: name for _pk, code, name, _category in units},
        categories={code: category for _pk, code, _name, category in units},
        history=previous_figures(year),
    )


def year_signals(year: AssessmentYear) -> list[Signal]:
    """Every signal of the year's records, under the year's thresholds (reads only)."""
    inputs = year_facts(year)
    thresholds, settings = year_thresholds(year)
    return all_signals(
        inputs.facts,
        unit_names=inputs.unit_names,
        categories=inputs.categories,
        closes=settings.collection_closes if settings else None,
        history=inputs.history,
        thresholds=thresholds,
    )


def previous_figures(year: AssessmentYear) -> dict[tuple[str, str], list[Decimal]]:
    """Each unit's figure per indicator code in the year before (the records that count:
    their sum, or the latest for a latest-value indicator)."""
    records = (
        Evidence.objects.counting()
        .filter(indicator__year__year=year.year - 1)
        .order_by("date", "pk")
        .values_list("unit__code", "indicator__code", "indicator__aggregation", "value")
    )
    figures: dict[tuple[str, str], Decimal] = {}
    for unit, indicator, aggregation, value in records:
        key = (unit, indicator)
        latest = aggregation == AggregationChoices.LATEST
        figures[key] = value if latest else figures.get(key, Decimal(0)) + value
    return {key: [figure] for key, figure in figures.items()}


def year_thresholds(year: AssessmentYear) -> tuple[Thresholds, IntegrityThresholds | None]:
    """The year's thresholds (the defaults where it has none) and its settings row."""
    settings = IntegrityThresholds.objects.filter(year=year).first()
    thresholds = settings.thresholds() if settings else Thresholds()
    # the tolerance against a data source is a parameter of the year itself
    return replace(thresholds, source_tolerance=year.source_tolerance), settings


def sees_integrity_queue(user: AnyUser) -> bool:
    return bool(manages_assessment(user))


def signals_for(user: AnyUser, year: AssessmentYear) -> QuerySet[IntegritySignal]:
    """The year's signals the user may read: all for the office, the confirmed ones for
    supervision, none for anyone else."""
    signals = IntegritySignal.objects.filter(year=year).select_related(
        "unit", "indicator", "failure_indicator", "record", "decided_by"
    )
    if sees_integrity_queue(user):
        return signals
    if is_supervision(user):
        return signals.filter(status=SignalStatus.CONFIRMED)
    return signals.none()


def open_signal_count(year: AssessmentYear) -> int:
    return IntegritySignal.objects.filter(year=year, status=SignalStatus.OPEN).count()


def failures_to_record(year: AssessmentYear) -> int:
    """Confirmed signals whose failure supervision has not recorded yet."""
    return IntegritySignal.objects.filter(
        year=year, status=SignalStatus.CONFIRMED, record__isnull=True
    ).count()


def signal_records(signal: IntegritySignal) -> list[Evidence]:
    """The records a signal links, side by side: unit, date, then entry."""
    return list(
        signal.records.select_related("unit", "indicator", "recorded_by")
        .prefetch_related("attachments")
        .order_by("unit__code", "date", "pk")
    )
