"""Reading the records the engine takes one by one for a year's computation: the catalogues
of bonus and deduction indicators, their records item by item (the document rule needs them
apart), and the records waived under the fault-tolerance rules. One query each for the year.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from assessment import scoring
from assessment.models import AssessmentYear, Evidence, EvidenceStatus, Item, Waiver

UnitKey = Callable[[int, int], tuple[str, str] | None]


def _year_span(year: AssessmentYear) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year.year, 1, 1), datetime.date(year.year, 12, 31)


def catalogues_read(
    indicators: Sequence[Mapping[str, Any]],
) -> dict[int, tuple[scoring.CatalogueItem, ...]]:
    """Spec, "Catalogued bonus and deduction items": each catalogued indicator's items, in one
    query for the year."""
    found: dict[int, list[scoring.CatalogueItem]] = {}
    for indicator_id, code, name, level, points, cap in (
        Item.objects.filter(indicator_id__in=[row["id"] for row in indicators])
        .order_by("indicator_id", "sort_order", "code")
        .values_list("indicator_id", "code", "name", "level", "points", "cap")
    ):
        found.setdefault(indicator_id, []).append(
            scoring.CatalogueItem(code=code, name=name, points=points, level=level, cap=cap)
        )
    return {indicator_id: tuple(items) for indicator_id, items in found.items()}


def item_records_read(
    year: AssessmentYear,
    catalogued: set[int],
    key: UnitKey,
) -> dict[tuple[str, str], list[scoring.ItemRecord]]:
    """The counting records of the catalogued indicators one by one, in the order they were
    made (the document rule picks among them); a record naming no item reads as item ""."""
    records: dict[tuple[str, str], list[scoring.ItemRecord]] = {}
    if not catalogued:
        return records
    rows = (
        Evidence.objects.counting()
        .filter(indicator_id__in=catalogued, date__range=_year_span(year))
        .order_by("recorded_at", "pk")
        .values_list("unit_id", "indicator_id", "item__code", "value", "date", "document")
    )
    for sequence, (unit_id, indicator_id, item, value, date, document) in enumerate(rows):
        if (k := key(unit_id, indicator_id)) is not None:
            count = int(value) if value == value.to_integral_value() else 0
            records.setdefault(k, []).append(
                scoring.ItemRecord(
                    item=item or "", count=count, date=date, sequence=sequence, document=document
                )
            )
    return records


def waived_read(
    year: AssessmentYear,
    indicators: Sequence[Mapping[str, Any]],
    key: UnitKey,
) -> dict[tuple[str, str], list[str]]:
    """Spec, "Waived records": the verified, current records lifted by a confirmed waiver, by
    unit and indicator, each as its item and count (if any) with its waiver's reason and
    clause (they count for nothing)."""
    waived: dict[tuple[str, str], list[str]] = {}
    rows = (
        Waiver.objects.confirmed()
        .filter(
            evidence__indicator_id__in=[row["id"] for row in indicators],
            evidence__status=EvidenceStatus.VERIFIED,
            evidence__is_current=True,
            evidence__date__range=_year_span(year),
        )
        .order_by("evidence__date", "pk")
        .values_list(
            "evidence__unit_id", "evidence__indicator_id", "evidence__item__code",
            "evidence__item__name", "evidence__value", "reason", "clause",
        )
    )  # fmt: skip
    for unit_id, indicator_id, code, name, value, reason, clause in rows:
        if (k := key(unit_id, indicator_id)) is not None:
            why = f"{reason}（{clause}）" if clause else reason
            if code is not None:  # the item waived, as the explanation names items
                why = f"{code} {name} × {value.normalize():f}：{why}"
            waived.setdefault(k, []).append(why)
    return waived
