"""Catalogued bonus and deduction items (spec/scoring.md, "Catalogued bonus and deduction
items (加减分清单)").

A `bonus` or `deduction` indicator may carry a catalogue of items; its records then name an
item and a count, and may cite a document (文号). `catalogue_outcome` applies the section's
rules in order: points = item points × count; one document counts once per unit and indicator
(the record with the most points, ties the earliest date then the one recorded first); each
item capped at its cap; the sum capped at the indicator's points. Every step is kept in the
outcome, so that the explanation can say which rule applied where.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from .numbers import ZERO, Number, exact, round2


class Level(StrEnum):
    """Spec: an item's level (国家级, 省级, 市级, 区级, or none: "")."""

    NATIONAL = "national"
    PROVINCIAL = "provincial"
    CITY = "city"
    DISTRICT = "district"


@dataclass(frozen=True)
class CatalogueItem:
    """One catalogued item (加减分事项) of an indicator: `points` per occurrence (> 0) and the
    most a unit can gain or lose from it in the year (`cap`, None for no item cap)."""

    code: str
    name: str
    points: Number
    level: str = ""
    cap: Number | None = None


@dataclass(frozen=True)
class ItemRecord:
    """One counting record of a catalogued indicator: the item, how many times (次/人次), the
    document it cites ("" for none); `sequence` orders records in the order they were made."""

    item: str
    count: int
    date: datetime.date
    sequence: int
    document: str = ""

    @property
    def document_key(self) -> str:
        """Spec: document numbers are compared after trimming spaces."""
        return self.document.strip()


@dataclass(frozen=True)
class CountedRecord:
    """A record with its points (item points × count) and whether it counted; a record that
    did not count names the record that counted for the same document (`counted_instead`)."""

    record: ItemRecord
    points: Fraction
    counts: bool
    counted_instead: ItemRecord | None = None


@dataclass(frozen=True)
class ItemTotal:
    """One item's points for the unit: the sum of its counting records, then the item cap."""

    item: CatalogueItem
    records: int  # counting records
    occurrences: int  # their counts added up
    raw: Fraction
    counted: Fraction

    @property
    def capped(self) -> bool:
        return self.counted < self.raw


@dataclass(frozen=True)
class CatalogueOutcome:
    """Everything one unit's catalogued indicator came to; `score` is signed and rounded."""

    records: tuple[CountedRecord, ...]
    items: tuple[ItemTotal, ...]
    total: Fraction  # Σ items after their caps
    counted: Fraction  # min(total, indicator points)
    score: Decimal

    @property
    def indicator_capped(self) -> bool:
        return self.counted < self.total


def record_points(item: CatalogueItem, record: ItemRecord) -> Fraction:
    """Spec: a record's points = the item's points × its count."""
    return exact(item.points) * record.count


def _once_per_document(
    records: Sequence[ItemRecord], points: Sequence[Fraction]
) -> list[CountedRecord]:
    """Spec: among records citing the same document only the one with the most points counts
    (ties: the earliest date, then the one recorded first); records citing none each count."""
    best: dict[str, int] = {}
    for index, record in enumerate(records):
        key = record.document_key
        if not key:
            continue
        held = best.get(key)
        if held is None or _better(records, points, index, held):
            best[key] = index
    counted: list[CountedRecord] = []
    for index, record in enumerate(records):
        winner = best.get(record.document_key)
        if winner is None or winner == index:
            counted.append(CountedRecord(record, points[index], True))
        else:
            counted.append(CountedRecord(record, points[index], False, records[winner]))
    return counted


def _better(
    records: Sequence[ItemRecord], points: Sequence[Fraction], index: int, held: int
) -> bool:
    if points[index] != points[held]:
        return points[index] > points[held]
    one, other = records[index], records[held]
    return (one.date, one.sequence) < (other.date, other.sequence)


def catalogue_outcome(
    *,
    items: Iterable[CatalogueItem],
    records: Iterable[ItemRecord],
    points: Number,
    deduction: bool,
) -> CatalogueOutcome:
    """Spec, "Catalogued bonus and deduction items": one unit's score on one indicator.

    `records` are the unit's verified, counting records of the indicator in the year, each
    naming an item of `items` (the setup checks refuse any other). The score is
    + min(Σ capped items, points) for a bonus, − the same for a deduction, rounded once.
    """
    catalogue = {item.code: item for item in items}
    ordered = sorted(records, key=lambda record: (record.date, record.sequence))
    each = [record_points(catalogue[record.item], record) for record in ordered]
    counted = _once_per_document(ordered, each)
    totals: list[ItemTotal] = []
    for item in catalogue.values():
        mine = [c for c in counted if c.counts and c.record.item == item.code]
        if not mine:
            continue
        raw = sum((c.points for c in mine), ZERO)
        capped = raw if item.cap is None else min(raw, exact(item.cap))
        occurrences = sum(c.record.count for c in mine)
        totals.append(ItemTotal(item, len(mine), occurrences, raw, capped))
    total = sum((t.counted for t in totals), ZERO)
    kept = min(total, exact(points))
    return CatalogueOutcome(
        records=tuple(counted),
        items=tuple(totals),
        total=total,
        counted=kept,
        score=round2(-kept if deduction else kept),
    )
