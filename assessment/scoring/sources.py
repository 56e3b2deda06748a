"""One source per figure (一数一源): a unit's own figure against its data source's.

An indicator may name a data source unit (e.g. 区统计局 for GDP); its figures then come from
that unit, once for every unit, and only they count. A figure the unit reported itself for the
same indicator (a record made before the source was named, or an imported claim) is kept and
compared: a difference beyond the year's tolerance is listed for the office and raised as a
signal of the integrity review queue. Pure Python, no Django.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from .signals import Fact, Signal, SignalKind, Thresholds, _ids, _year_figure


def beyond_tolerance(*, source: Decimal, claim: Decimal, tolerance: Decimal) -> bool:
    """Whether ``claim`` lies further than ``tolerance`` × |source| from ``source``.

    Strictly further: a claim exactly 5 % above the source is within a 5 % tolerance. A source
    figure of 0 tolerates no claim but 0.
    """
    return abs(claim - source) > tolerance * abs(source)


def relative_difference(*, source: Decimal, claim: Decimal) -> Decimal | None:
    """(claim − source) / |source|, to 4 places; None when the source figure is 0."""
    if source == 0:
        return None
    return ((claim - source) / abs(source)).quantize(Decimal("0.0001"))


def source_contradictions(
    facts: Iterable[Fact], thresholds: Thresholds | None = None
) -> list[Signal]:
    """Each unit and indicator whose own figure contradicts its data source's figure.

    Both figures are the year's (the sum of the records, or the latest for a cumulative
    indicator) over the records given: current and not rejected, pending ones included, so
    the office sees a difference before it verifies the source's figures.
    """
    pairs: dict[tuple[str, str], tuple[list[Fact], list[Fact]]] = defaultdict(lambda: ([], []))
    for fact in facts:
        if fact.source:
            pairs[(fact.unit, fact.indicator)][0].append(fact)
        elif fact.claim:
            pairs[(fact.unit, fact.indicator)][1].append(fact)
    signals = []
    for (unit, indicator), (sourced, claimed) in sorted(pairs.items()):
        if not sourced or not claimed:
            continue
        source, source_records = _year_figure(sourced)
        claim, claim_records = _year_figure(claimed)
        tolerance = (thresholds or Thresholds()).source_tolerance
        if not beyond_tolerance(source=source, claim=claim, tolerance=tolerance):
            continue
        difference = relative_difference(source=source, claim=claim)
        signals.append(
            Signal(
                kind=SignalKind.SOURCE_CONTRADICTION,
                units=(unit,),
                indicator=indicator,
                records=_ids([*source_records, *claim_records]),
                facts={
                    "source_unit": sourced[0].source,
                    "source": str(source),
                    "claim": str(claim),
                    "difference": None if difference is None else f"{difference * 100:.2f}",
                    "tolerance": format((tolerance * 100).normalize(), "f"),
                    "source_records": [fact.id for fact in source_records],
                    "claim_records": [fact.id for fact in claim_records],
                },
            )
        )
    return signals
