"""Signals of falsification: pure functions over a year's records, no Django.

A signal never changes a score: it is a reason for the office to look. Each says what was
seen (``facts``), which records it concerns, and, for the statistical ones, the test used and
its p-value; the pages turn a signal's kind and facts into sentences. Every threshold is a
field of ``Thresholds`` with a default, so that a year can set its own.

The caller passes the current records (corrections replace what they supersede, rejected
records are left out). Signals about values (outliers, a cumulative figure going down, digit
patterns) look only at the records that count (``Fact.counts``): a pending figure is the
verifier's to question first.
"""

from __future__ import annotations

import bisect
import datetime
import itertools
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple


class SignalKind(StrEnum):
    SHARED_ATTACHMENT = "shared_attachment"
    SIMILAR_DESCRIPTION = "similar_description"
    BURST = "burst"
    BACKDATED = "backdated"
    OUTLIER = "outlier"
    CUMULATIVE_DECREASE = "cumulative_decrease"
    DIGIT_HEAPING = "digit_heaping"
    ROUND_NUMBERS = "round_numbers"
    SOURCE_CONTRADICTION = "source_contradiction"


class Fact(NamedTuple):
    """One record as the signals see it.

    A named tuple rather than a frozen dataclass: a city's year is a million of them, and a
    tuple is built three times as fast and takes less memory.
    """

    id: int
    unit: str
    indicator: str
    date: datetime.date
    value: Decimal
    description: str = ""
    # the day the record was entered into the system
    entered: datetime.date | None = None
    # SHA-256 of each attached file
    attachments: tuple[str, ...] = ()
    # the indicator keeps its latest value (a cumulative figure) rather than a sum
    cumulative: bool = False
    # verified: the record feeds the score
    counts: bool = True
    # 一数一源: the code of the data source unit whose figure this is; or, ``claim``, the
    # unit's own figure on an indicator that names a source (kept, never counted)
    source: str = ""
    claim: bool = False
    # a higher figure scores better (false for a figure kept under a ceiling: accidents, PM2.5)
    higher_flatters: bool = True


@dataclass(frozen=True)
class Thresholds:
    """When a pattern is unusual enough to be shown; a year may set its own."""

    # near-identical descriptions: Jaccard similarity of 3-character shingles
    description_similarity: float = 0.9
    # shorter (normalised) descriptions are templates such as "税收入库", never a signal
    description_min_length: int = 12
    # a group of look-alikes this many units strong, and this share of the units recording the
    # indicator, is a common template ("N月统计快报"), never a signal: copying is a few units'
    description_template_units: int = 4
    description_template_share: float = 0.25
    # burst: this share of a unit's records entered in the last days before closing
    burst_days: int = 7
    burst_share: float = 0.5
    burst_min_records: int = 6
    # backdating: record dated this many days before it was entered
    backdate_days: int = 90
    # outliers: robust z-score against the category's units, with enough peers
    outlier_z: float = 3.5
    outlier_min_peers: int = 5
    # and at least this many times the peers' median: a small count (9 projects against a
    # median of 4) may be far in z and still ordinary
    outlier_ratio: float = 3.0
    # and beyond the unit's own history by this factor of its largest earlier figure
    history_factor: float = 2.0
    # digit tests: records needed, and the p-value under which a pattern is shown
    digit_min_records: int = 50
    round_min_records: int = 20
    p_value: float = 0.001
    # a unit's own figure further than this share from its data source's (一数一源)
    source_tolerance: Decimal = Decimal("0.05")


@dataclass(frozen=True)
class Signal:
    """What was seen, about which unit(s) and indicator, and the records involved."""

    kind: SignalKind
    units: tuple[str, ...]
    indicator: str | None
    records: tuple[int, ...]
    facts: Mapping[str, object] = field(default_factory=dict)
    test: str | None = None
    p_value: float | None = None

    @property
    def key(self) -> tuple[str, tuple[str, ...], str | None, tuple[int, ...]]:
        """What makes two computations of a signal the same signal."""
        return (self.kind.value, self.units, self.indicator, self.records)


def _ids(facts: Iterable[Fact]) -> tuple[int, ...]:
    return tuple(sorted({fact.id for fact in facts}))


def _units(facts: Iterable[Fact]) -> tuple[str, ...]:
    return tuple(sorted({fact.unit for fact in facts}))


def _only_indicator(facts: Sequence[Fact]) -> str | None:
    indicators = {fact.indicator for fact in facts}
    return indicators.pop() if len(indicators) == 1 else None


def unit_signal(
    kind: SignalKind,
    unit: str,
    records: Sequence[Fact],
    facts: Mapping[str, object],
    *,
    test: str | None = None,
    p_value: float | None = None,
) -> Signal:
    """A signal about one unit's ``records``: on their indicator where they share one."""
    return Signal(
        kind=kind,
        units=(unit,),
        indicator=_only_indicator(records),
        records=_ids(records),
        facts=facts,
        test=test,
        p_value=p_value,
    )


# --- the same attachment -------------------------------------------------------------------


def shared_attachments(facts: Iterable[Fact]) -> list[Signal]:
    """One file (by SHA-256) in records of different units, or of different dates.

    One record naming a file twice, or two records of one unit on one day (a figure split
    in two, say), is no signal.
    """
    by_hash: dict[str, dict[int, Fact]] = defaultdict(dict)
    for fact in facts:
        for sha256 in fact.attachments:
            by_hash[sha256][fact.id] = fact
    signals = []
    for sha256, records in sorted(by_hash.items()):
        group = sorted(records.values(), key=lambda fact: (fact.date, fact.id))
        units = _units(group)
        dates = sorted({fact.date for fact in group})
        if len(units) < 2 and len(dates) < 2:
            continue
        signals.append(
            Signal(
                kind=SignalKind.SHARED_ATTACHMENT,
                units=units,
                indicator=_only_indicator(group),
                records=_ids(group),
                facts={"sha256": sha256, "dates": [day.isoformat() for day in dates]},
            )
        )
    return signals


# --- timing: bursts before closing, backdated records ---------------------------------------


def bursts(
    facts: Iterable[Fact], closes: datetime.date, thresholds: Thresholds = Thresholds()
) -> list[Signal]:
    """A large share of a unit's records entered in the last days before collection closed."""
    window_starts = closes - datetime.timedelta(days=thresholds.burst_days)
    by_unit: dict[str, list[Fact]] = defaultdict(list)
    for fact in facts:
        if fact.entered is not None:
            by_unit[fact.unit].append(fact)
    signals = []
    for unit, records in sorted(by_unit.items()):
        late = [fact for fact in records if window_starts < fact.entered <= closes]  # type: ignore[operator]
        if len(records) < thresholds.burst_min_records or not late:
            continue
        share = len(late) / len(records)
        if share < thresholds.burst_share:
            continue
        seen = {
            "late": len(late),
            "total": len(records),
            "share": round(share, 2),
            "days": thresholds.burst_days,
            "closes": closes.isoformat(),
            "threshold": thresholds.burst_share,
        }
        signals.append(unit_signal(SignalKind.BURST, unit, late, seen))
    return signals


def backdated(facts: Iterable[Fact], thresholds: Thresholds = Thresholds()) -> list[Signal]:
    """Records dated long before they were entered: one signal per unit and indicator."""
    groups: dict[tuple[str, str], list[tuple[Fact, int]]] = defaultdict(list)
    for fact in facts:
        if fact.entered is None:
            continue
        gap = (fact.entered - fact.date).days
        if gap > thresholds.backdate_days:
            groups[(fact.unit, fact.indicator)].append((fact, gap))
    return [
        Signal(
            kind=SignalKind.BACKDATED,
            units=(unit,),
            indicator=indicator,
            records=_ids(fact for fact, _gap in group),
            facts={
                "longest_gap": max(gap for _fact, gap in group),
                "days": thresholds.backdate_days,
            },
        )
        for (unit, indicator), group in sorted(groups.items())
    ]


# --- values: outliers and cumulative figures that go down -----------------------------------


def _year_figure(records: Sequence[Fact]) -> tuple[Decimal, list[Fact]]:
    """A unit's figure for an indicator: the latest record, or the sum of them all."""
    ordered = sorted(records, key=lambda fact: (fact.date, fact.id))
    if ordered[-1].cumulative:
        return ordered[-1].value, [ordered[-1]]
    return sum((fact.value for fact in ordered), Decimal(0)), ordered


def robust_z(value: float, peers: Sequence[float]) -> float | None:
    """How far ``value`` lies from the peers' median, in units of their spread.

    The spread is the median absolute deviation scaled to a normal's standard deviation
    (× 1.4826), or the mean absolute deviation (× 1.2533) when more than half the peers sit
    on the median; None when the peers do not vary at all.
    """
    median = statistics.median(peers)
    deviations = [abs(peer - median) for peer in peers]
    spread = 1.4826 * statistics.median(deviations)
    if spread == 0:
        spread = 1.2533 * statistics.fmean(deviations)
    if spread == 0:
        return None
    return (value - median) / spread


def _median_without(ordered: Sequence[Decimal], value: Decimal) -> Decimal:
    """The median of ``ordered`` (sorted) once one figure equal to ``value`` is taken out."""
    rest = list(ordered)
    del rest[bisect.bisect_left(rest, value)]
    middle = len(rest) // 2
    return rest[middle] if len(rest) % 2 else (rest[middle - 1] + rest[middle]) / 2


class OutlierHit(NamedTuple):
    """A unit's figure far above its category's: what the signal says of it."""

    category: str
    indicator: str
    unit: str
    value: Decimal
    median: Decimal
    z: float
    history: tuple[Decimal, ...]


def outliers(
    facts: Iterable[Fact],
    categories: Mapping[str, str],
    history: Mapping[tuple[str, str], Sequence[Decimal]] | None = None,
    thresholds: Thresholds = Thresholds(),
) -> list[Signal]:
    """A unit's figure far above its category's (``outlier_hits``), linking the records the
    figure is made of.

    Only figures that flatter count (``higher_flatters``), and only records that count.
    """
    groups: dict[tuple[str, str, str], list[Fact]] = defaultdict(list)
    for fact in facts:
        if fact.counts and fact.higher_flatters and fact.unit in categories:
            groups[(categories[fact.unit], fact.indicator, fact.unit)].append(fact)
    figures: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(dict)
    made_of: dict[tuple[str, str], list[Fact]] = {}
    for (category, indicator, unit), records in groups.items():
        figures[(category, indicator)][unit], made_of[(unit, indicator)] = _year_figure(records)
    return [
        outlier_signal(hit, made_of[(hit.unit, hit.indicator)], thresholds)
        for hit in outlier_hits(figures, history, thresholds)
    ]


def outlier_hits(
    figures: Mapping[tuple[str, str], Mapping[str, Decimal]],
    history: Mapping[tuple[str, str], Sequence[Decimal]] | None = None,
    thresholds: Thresholds = Thresholds(),
) -> list[OutlierHit]:
    """The figures (per category and indicator, each unit's) far above their peers: robust z
    beyond the threshold and a multiple of the median and, where earlier years are known,
    beyond the unit's own history (``history_factor`` × its largest).

    Only figures far above are hits: an inflated figure is the one that flatters. The peers
    are the category's other units with a figure; the unit itself is left out so that one
    extreme figure cannot widen its own yardstick.
    """
    history = history or {}
    ratio = Decimal(str(thresholds.outlier_ratio))
    hits = []
    for (category, indicator), of_unit in sorted(figures.items()):
        if len(of_unit) - 1 < thresholds.outlier_min_peers:
            continue
        ordered = sorted(of_unit.values())
        for unit, value in sorted(of_unit.items()):
            # the peers' median without sorting them again: the unit's own figure taken out
            median = _median_without(ordered, value)
            if median <= 0 or value < median * ratio:
                continue  # the cheap test first: most figures end here
            peers = [other for name, other in of_unit.items() if name != unit]
            z = robust_z(float(value), [float(peer) for peer in peers])
            if z is None or z < thresholds.outlier_z:
                continue
            earlier = tuple(history.get((unit, indicator), ()))
            if earlier:
                largest = max(abs(figure) for figure in earlier)
                if abs(value) <= largest * Decimal(str(thresholds.history_factor)):
                    continue
            hits.append(OutlierHit(category, indicator, unit, value, median, z, earlier))
    return hits


def outlier_signal(hit: OutlierHit, records: Iterable[Fact], thresholds: Thresholds) -> Signal:
    """The signal of an outlying figure, linking the records it is made of."""
    return Signal(
        kind=SignalKind.OUTLIER,
        units=(hit.unit,),
        indicator=hit.indicator,
        records=_ids(records),
        facts={
            "value": str(hit.value),
            "category": hit.category,
            "median": str(hit.median),
            "z": round(hit.z, 1),
            "threshold": thresholds.outlier_z,
            "history": [str(figure) for figure in hit.history],
        },
        test="robust z (median, MAD)",
    )


def cumulative_decreases(facts: Iterable[Fact]) -> list[Signal]:
    """A cumulative (latest-value) figure lower than the one recorded before it."""
    groups: dict[tuple[str, str], list[Fact]] = defaultdict(list)
    for fact in facts:
        if fact.counts and fact.cumulative:
            groups[(fact.unit, fact.indicator)].append(fact)
    signals = []
    for (unit, indicator), records in sorted(groups.items()):
        ordered = sorted(records, key=lambda fact: (fact.date, fact.id))
        for before, after in itertools.pairwise(ordered):
            if after.value < before.value:
                signals.append(
                    Signal(
                        kind=SignalKind.CUMULATIVE_DECREASE,
                        units=(unit,),
                        indicator=indicator,
                        records=(before.id, after.id),
                        facts={"before": str(before.value), "after": str(after.value)},
                    )
                )
    return signals


def all_signals(
    facts: Sequence[Fact],
    *,
    unit_names: Mapping[str, str],
    categories: Mapping[str, str],
    closes: datetime.date | None = None,
    history: Mapping[tuple[str, str], Sequence[Decimal]] | None = None,
    thresholds: Thresholds = Thresholds(),
) -> list[Signal]:
    """Every signal of the year's records, in the order of the kinds."""
    # (descriptions.py, digits.py and sources.py build on this module's facts and signals:
    # imported here)
    from .descriptions import similar_descriptions
    from .digits import digit_heaping, round_numbers
    from .sources import source_contradictions

    signals = shared_attachments(facts)
    signals += similar_descriptions(facts, unit_names, thresholds)
    if closes is not None:
        signals += bursts(facts, closes, thresholds)
    signals += backdated(facts, thresholds)
    signals += outliers(facts, categories, history, thresholds)
    signals += cumulative_decreases(facts)
    signals += digit_heaping(facts, thresholds)
    signals += round_numbers(facts, thresholds)

    signals += source_contradictions(facts, thresholds)
    return signals
