"""Reads of the data sources (一数一源): the indicators a user's unit provides, each unit's
figure from its source with its date, and the units' own figures that differ from the source's
beyond the year's tolerance (the office's list, and the integrity signal, from one function:
``assessment.scoring.sources.source_contradictions``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from assessment.access import manages_assessment
from assessment.models import (
    AggregationChoices,
    AssessmentYear,
    Evidence,
    EvidenceStatus,
    Indicator,
)
from assessment.scoring.signals import Fact, Thresholds
from assessment.scoring.sources import source_contradictions
from units.access import AnyUser, is_leader, user_unit_id
from units.models import Unit


def sees_every_source(user: AnyUser) -> bool:
    """The office and district leaders read every source's figures."""
    return bool(manages_assessment(user) or is_leader(user))


def provided_indicators(user: AnyUser, year: AssessmentYear) -> list[Indicator]:
    """The year's indicators that name a data source unit which ``user`` may read the figures
    of: all of them for the office and leaders, those of the user's own unit otherwise."""
    indicators = (
        Indicator.objects.filter(year=year, source_unit__isnull=False)
        .select_related("source_unit", "category")
        .order_by("category__sort_order", "sort_order", "code")
    )
    if sees_every_source(user):
        return list(indicators)
    own = user_unit_id(user)
    return list(indicators.filter(source_unit_id=own)) if own is not None else []


@dataclass
class UnitFigure:
    """One unit's figure of a source-fed indicator: the source's records, current and not
    rejected, as the indicator aggregates them (sum, or the latest)."""

    unit: Unit
    value: Decimal | None = None
    dated: datetime.date | None = None
    records: int = 0
    pending: int = 0


@dataclass
class SourcedIndicator:
    indicator: Indicator
    figures: list[UnitFigure] = field(default_factory=list)

    @property
    def missing(self) -> int:
        return sum(1 for figure in self.figures if figure.records == 0)


def source_figures(indicators: list[Indicator]) -> list[SourcedIndicator]:
    """Every active unit of each indicator's category with the source's figure (two queries)."""
    categories = {indicator.category_id for indicator in indicators}
    units = list(Unit.objects.active().filter(category_id__in=categories).order_by("code"))
    records = (
        Evidence.objects.current()
        .filter(indicator__in=indicators, data_source__isnull=False)
        .exclude(status=EvidenceStatus.REJECTED)
        .order_by("date", "recorded_at", "pk")
        .values_list("indicator_id", "unit_id", "date", "value", "status")
    )
    figures: dict[tuple[int, int], UnitFigure] = {}
    latest = {i.pk for i in indicators if i.aggregation == AggregationChoices.LATEST}
    for indicator_id, unit_id, day, value, status in records:
        figure = figures.setdefault((indicator_id, unit_id), UnitFigure(unit=Unit(pk=unit_id)))
        total = figure.value or Decimal(0)
        figure.value = value if indicator_id in latest else total + value
        figure.dated = day
        figure.records += 1
        figure.pending += status == EvidenceStatus.PENDING
    result = []
    for indicator in indicators:
        rows = []
        for unit in units:
            if unit.category_id != indicator.category_id:
                continue
            figure = figures.get((indicator.pk, unit.pk)) or UnitFigure(unit=unit)
            figure.unit = unit
            rows.append(figure)
        result.append(SourcedIndicator(indicator=indicator, figures=rows))
    return result


# --- the units' own figures against the source's -----------------------------------------------


@dataclass(frozen=True)
class Difference:
    """A unit's own figure beyond the tolerance from its data source's, with the records of
    both sides (and their documents: attachments, document numbers, imported files)."""

    unit: Unit
    indicator: Indicator
    source: str
    claim: str
    difference: str | None
    tolerance: str
    source_records: list[Evidence]
    claim_records: list[Evidence]


def source_differences(year: AssessmentYear) -> list[Difference]:
    """The year's differences, by unit and indicator (one query for the records, one for their
    attachments)."""
    records = {
        record.pk: record
        for record in Evidence.objects.current()
        .filter(indicator__year=year, indicator__source_unit__isnull=False)
        .exclude(status=EvidenceStatus.REJECTED)
        .select_related("unit", "indicator__source_unit", "data_source", "recorded_by")
        .prefetch_related("attachments")
    }
    facts = [
        Fact(
            id=record.pk,
            unit=record.unit.code,
            indicator=str(record.indicator_id),  # codes repeat across categories; ids do not
            date=record.date,
            value=record.value,
            cumulative=record.indicator.aggregation == AggregationChoices.LATEST,
            source=record.data_source.code if record.data_source else "",
            claim=record.data_source_id is None,
        )
        for record in records.values()
    ]
    found = source_contradictions(facts, Thresholds(source_tolerance=year.source_tolerance))
    differences = []
    for signal in found:
        facts_of = signal.facts
        source_ids = list(facts_of["source_records"])  # type: ignore[call-overload]
        claim_ids = list(facts_of["claim_records"])  # type: ignore[call-overload]
        first = records[source_ids[0]]
        differences.append(
            Difference(
                unit=first.unit,
                indicator=first.indicator,
                source=str(facts_of["source"]),
                claim=str(facts_of["claim"]),
                difference=None if facts_of["difference"] is None else str(facts_of["difference"]),
                tolerance=str(facts_of["tolerance"]),
                source_records=[records[pk] for pk in source_ids],
                claim_records=[records[pk] for pk in claim_ids],
            )
        )
    return sorted(differences, key=lambda d: (d.indicator.code, d.unit.code))
