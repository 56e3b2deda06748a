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
    IntegritySignal,
    IntegrityThresholds,
    SignalStatus,
)
from assessment.scoring.signals import Fact, Thresholds
from units.access import AnyUser, is_supervision
from units.models import Unit


@dataclass(frozen=True)
class YearFacts:
    """What ``all_signals`` needs of a year."""

    facts: list[Fact]
    unit_names: dict[str, str]
    categories: dict[str, str]
    # (unit code, indicator code) → the unit's figure of the year before
    history: dict[tuple[str, str], list[Decimal]]


def year_facts(year: AssessmentYear) -> YearFacts:
    """The year's current records that are not rejected, with their attachments' SHA-256."""
    records = (
        Evidence.objects.current()
        .filter(indicator__year=year)
        .exclude(status=EvidenceStatus.REJECTED)
        .values_list(
            "pk", "unit__code", "indicator__code", "indicator__aggregation", "date",
            "recorded_at", "value", "description", "status", "is_waived",
            "data_source_id", "indicator__source_unit_id",
        )
    )  # fmt: skip
    hashes: dict[int, list[str]] = defaultdict(list)
    attached = EvidenceAttachment.objects.filter(
        evidence__indicator__year=year, evidence__is_current=True
    ).values_list("evidence_id", "sha256")
    for record, sha256 in attached:
        hashes[record].append(sha256)
    units = Unit.objects.values_list("code", "name", "category__code", "pk")
    codes = {pk: code for code, _name, _category, pk in units}
    facts = [
        Fact(
            id=pk,
            unit=unit,
            indicator=indicator,
            date=date,
            value=value,
            description=description,
            entered=recorded_at.date(),
            attachments=tuple(hashes.get(pk, ())),
            cumulative=aggregation == AggregationChoices.LATEST,
            # a unit's own figure on a source-fed indicator never counts (一数一源)
            counts=status == EvidenceStatus.VERIFIED and not is_waived and not (
                sourced and data_source is None
            ),
            source=codes.get(data_source, "") if data_source is not None else "",
            claim=sourced is not None and data_source is None,
        )
        for (
            pk, unit, indicator, aggregation, date, recorded_at, value, description, status,
            is_waived, data_source, sourced,
        ) in records
    ]  # fmt: skip
    return YearFacts(
        facts=facts,
        unit_names={code: name for code, name, _category, _pk in units},
        categories={code: category for code, _name, category, _pk in units},
        history=previous_figures(year),
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
