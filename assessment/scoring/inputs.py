"""What the engine is given: parameters, schemes, units and the recorded data of one year."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from .items import CatalogueItem, ItemRecord
from .numbers import Number, to_decimal


class Method(StrEnum):
    """Spec, "Methods (计分方法)"."""

    COMPLETION = "completion"
    CEILING = "ceiling"
    INCREMENT = "increment"
    BASE_RATIO = "base_ratio"
    CITY_RANK = "city_rank"
    GRADED = "graded"
    SURVEY = "survey"
    BONUS = "bonus"
    DEDUCTION = "deduction"
    VETO = "veto"
    DISQUALIFY = "disqualify"


# Spec, "Methods": "bonus, deduction and veto items stand outside the 100" (and so do the
# disqualify items, which have no points either).
REGULAR_METHODS = frozenset(Method) - {
    Method.BONUS,
    Method.DEDUCTION,
    Method.VETO,
    Method.DISQUALIFY,
}
# Methods that only set a flag: any verified record sets it, and they score no points.
FLAG_METHODS = frozenset({Method.VETO, Method.DISQUALIFY})
# Spec, "Catalogued bonus and deduction items": the methods that may carry a catalogue.
CATALOGUE_METHODS = frozenset({Method.BONUS, Method.DEDUCTION})
# Spec, "Where values come from": these need a target for every unit of their category.
TARGET_METHODS = frozenset({Method.COMPLETION, Method.CEILING, Method.INCREMENT})
# ... and these a base.
BASE_METHODS = frozenset({Method.INCREMENT, Method.BASE_RATIO})


class Aggregation(StrEnum):
    """Spec, "Where values come from": how verified evidence makes the actual value."""

    SUM = "sum"
    LATEST = "latest"


class Tier(StrEnum):
    """Spec, "Total, rank and tier": 考核等次, best first."""

    EXCELLENT = "excellent"
    GOOD = "good"
    AVERAGE = "average"
    POOR = "poor"


def _decimals(**values: str) -> dict[str, Decimal]:
    return {key: Decimal(value) for key, value in values.items()}


DEFAULT_GRADE_FACTORS: Mapping[str, Decimal] = _decimals(A="1.00", B="0.85", C="0.70", D="0.50")
DEFAULT_TIER_COEFFICIENTS: Mapping[str, Decimal] = _decimals(
    excellent="1.2", good="1.0", average="0.8", poor="0"
)


@dataclass(frozen=True, kw_only=True)
class Params:
    """The parameters of an assessment year; every default is the spec's."""

    excellent_threshold: Decimal = Decimal(90)
    good_threshold: Decimal = Decimal(80)
    average_threshold: Decimal = Decimal(60)
    excellent_quota: Decimal = Decimal("0.30")  # units of a category
    team_excellent_quota: Decimal = Decimal("0.30")  # teams of a category
    cadre_excellent_quota: Decimal = Decimal("0.20")  # all cadres assessed in the year
    grade_factors: Mapping[str, Decimal] = field(
        default_factory=lambda: dict(DEFAULT_GRADE_FACTORS)
    )
    team_unit_weight: Decimal = Decimal("0.7")
    team_evaluation_weight: Decimal = Decimal("0.3")
    cadre_unit_weight: Decimal = Decimal("0.6")
    cadre_evaluation_weight: Decimal = Decimal("0.4")
    contribution_cap: Decimal = Decimal(5)
    tier_coefficients: Mapping[str, Decimal] = field(
        default_factory=lambda: dict(DEFAULT_TIER_COEFFICIENTS)
    )


@dataclass(frozen=True)
class IndicatorSpec:
    """One indicator of a category's scheme (spec, "Methods").

    `method` and `aggregation` are kept as given so that `validate_scheme` can report an
    unknown one; `cap` bounds the completion ratios, `total_share` is the increment method's
    s, `step` the city_rank step (None: points / total). `items` is the catalogue of a bonus
    or deduction indicator (empty: the plain rule, the values are points).
    """

    code: str
    name: str
    group: str
    points: Number
    method: str
    aggregation: str = Aggregation.SUM
    cap: Number = 1
    total_share: Number = Decimal("0.5")
    step: Number | None = None
    items: tuple[CatalogueItem, ...] = ()


@dataclass(frozen=True)
class UnitSpec:
    """A unit assessed in the year, in one category, with its headcount (编制人数)."""

    code: str
    name: str
    category: str
    headcount: int


@dataclass(frozen=True)
class CadreSpec:
    """A leading cadre (领导干部) of a unit, identified by unit + name."""

    unit: str
    name: str


@dataclass(frozen=True)
class EvidenceTotal:
    """The verified evidence of one unit + indicator in the year, already aggregated.

    `value` follows the indicator's aggregation; `records` counts the verified records
    (a veto indicator is triggered by records > 0).
    """

    value: Number = 0
    records: int = 0


NO_EVIDENCE = EvidenceTotal()


@dataclass(frozen=True)
class EvidenceRow:
    """One verified evidence record; `sequence` orders records made on the same date."""

    date: datetime.date
    sequence: int
    value: Number


def aggregate_evidence(rows: Iterable[EvidenceRow], aggregation: str) -> EvidenceTotal:
    """Spec, "Where values come from": build the actual value from verified evidence.

    `rows` must already be the verified records dated in the year. `sum` adds the values;
    `latest` takes the value of the record with the latest date, ties going to the one
    recorded last (highest `sequence`). No evidence means actual = 0.
    """
    records = list(rows)
    if not records:
        return NO_EVIDENCE
    if aggregation == Aggregation.SUM:
        total = sum((to_decimal(row.value) for row in records), Decimal(0))
        return EvidenceTotal(value=total, records=len(records))
    if aggregation == Aggregation.LATEST:
        latest = max(records, key=lambda row: (row.date, row.sequence))
        return EvidenceTotal(value=to_decimal(latest.value), records=len(records))
    raise ValueError(f"unknown aggregation {aggregation!r}")


UnitIndicator = tuple[str, str]
"""(unit code, indicator code): the key of every per-unit, per-indicator input."""


@dataclass(frozen=True, kw_only=True)
class YearInputs:
    """Everything `compute` needs for one assessment year.

    `indicators` maps a category to its scheme. `survey_rates` hold the imported value
    (a rate in [0, 1] or a percentage up to 100); `city_ranks` hold (rank, total);
    `contributions` the summed verified key-project contribution points of a cadre, before
    the cap. `item_records` holds the counting records of each catalogued indicator, one by
    one (the document rule needs them apart). `waived` lists, per unit and indicator, the
    reasons of the records waived under the fault-tolerance rules (容错免责): they count for
    nothing and are given only so that an explanation can name them. `bonus_pool` None means
    no bonus is distributed.
    """

    params: Params = field(default_factory=Params)
    indicators: Mapping[str, Sequence[IndicatorSpec]]
    units: Sequence[UnitSpec]
    targets: Mapping[UnitIndicator, Number] = field(default_factory=dict)
    bases: Mapping[UnitIndicator, Number] = field(default_factory=dict)
    evidence: Mapping[UnitIndicator, EvidenceTotal] = field(default_factory=dict)
    city_ranks: Mapping[UnitIndicator, tuple[int, int]] = field(default_factory=dict)
    grades: Mapping[UnitIndicator, str] = field(default_factory=dict)
    survey_rates: Mapping[UnitIndicator, Number] = field(default_factory=dict)
    team_evaluations: Mapping[str, Number] = field(default_factory=dict)
    cadres: Sequence[CadreSpec] = ()
    cadre_evaluations: Mapping[tuple[str, str], Number] = field(default_factory=dict)
    contributions: Mapping[tuple[str, str], Number] = field(default_factory=dict)
    item_records: Mapping[UnitIndicator, Sequence[ItemRecord]] = field(default_factory=dict)
    waived: Mapping[UnitIndicator, Sequence[str]] = field(default_factory=dict)
    bonus_pool: int | None = None

    def evidence_of(self, unit: str, indicator: str) -> EvidenceTotal:
        """The unit's aggregated verified evidence; none recorded is actual = 0."""
        return self.evidence.get((unit, indicator), NO_EVIDENCE)
