"""Reads of the integrity review queue: the year's records as the signals see them, the
signals by kind, and the confirmed ones waiting for supervision's record.

The queue is the office's (and the administrator's); supervision sees the confirmed signals
it is to record a failure for.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from django.db.models import QuerySet

from assessment.access import manages_assessment
from assessment.models import (
    AggregationChoices,
    AssessmentYear,
    Evidence,
    IntegritySignal,
    IntegrityThresholds,
    SignalStatus,
)
from assessment.scoring.signals import Fact, Signal, Thresholds
from assessment.selectors.signal_search import YearRecords, found_signals
from units.access import AnyUser, is_supervision


@dataclass(frozen=True)
class YearFacts:
    """What ``all_signals`` needs of a year."""

    facts: list[Fact]
    unit_names: dict[str, str]
    categories: dict[str, str]
    # (unit code, indicator code) → the unit's figure of the year before
    history: dict[tuple[str, str], list[Decimal]]


def year_facts(year: AssessmentYear) -> YearFacts:
    """The year's current records that are not rejected, every one with its description and
    files: the whole year as ``all_signals`` takes it. ``year_signals`` reads less (only the
    records that can take part in a signal) and finds the same signals."""
    records = YearRecords(year)
    return YearFacts(
        facts=records.all_facts(),
        unit_names=records.unit_names,
        categories=records.categories,
        history=previous_figures(year),
    )


def year_signals(year: AssessmentYear) -> list[Signal]:
    """Every signal of the year's records, under the year's thresholds (reads only)."""
    thresholds, settings = year_thresholds(year)
    return found_signals(
        YearRecords(year),
        closes=settings.collection_closes if settings else None,
        history=previous_figures(year),
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
