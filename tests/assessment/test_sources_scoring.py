"""The comparison of a unit's own figure with its data source's (一数一源), without a database:
hand-worked figures against a 5 % tolerance."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from assessment.scoring.signals import Fact, SignalKind, Thresholds, all_signals
from assessment.scoring.sources import beyond_tolerance, source_contradictions

D = Decimal
JUNE, SEPTEMBER = datetime.date(2026, 6, 30), datetime.date(2026, 9, 30)


def source(pk, value, unit="A01", day=JUNE, cumulative=False):
    return Fact(pk, unit, "GDP", day, D(value), source="TJ01", cumulative=cumulative)


def claim(pk, value, unit="A01", day=JUNE, cumulative=False):
    return Fact(pk, unit, "GDP", day, D(value), claim=True, counts=False, cumulative=cumulative)


@pytest.mark.parametrize(
    ("source_figure", "own", "differs"),
    [
        ("1000", "1051", True),  # 5.1 % above
        ("1000", "949", True),  # 5.1 % below
        ("1000", "1050", False),  # exactly 5 %: within
        ("1000", "1049", False),  # 4.9 %
        ("0", "1", True),  # nothing at the source, something claimed
        ("0", "0", False),
    ],
)
def test_a_figure_differs_only_beyond_the_tolerance(source_figure, own, differs):
    assert beyond_tolerance(source=D(source_figure), claim=D(own), tolerance=D("0.05")) is differs


def test_a_claim_beyond_the_tolerance_is_a_signal_with_both_figures():
    # the source's two quarterly figures add up to 600 + 600 = 1,200; the town claims 1,272
    facts = [source(1, 600), source(2, 600, day=SEPTEMBER), claim(3, 1272)]

    (signal,) = source_contradictions(facts, Thresholds(source_tolerance=D("0.05")))

    assert signal.kind == SignalKind.SOURCE_CONTRADICTION
    assert (signal.units, signal.indicator, signal.records) == (("A01",), "GDP", (1, 2, 3))
    assert signal.facts["source"] == "1200" and signal.facts["claim"] == "1272"
    assert signal.facts["difference"] == "6.00"  # (1272 − 1200) / 1200
    assert signal.facts["tolerance"] == "5"


def test_a_near_miss_and_a_unit_without_a_claim_stay_silent():
    facts = [source(1, 1000), claim(2, 1049), source(3, 800, unit="B01")]
    assert source_contradictions(facts) == []


def test_a_cumulative_indicator_compares_the_latest_figures():
    # the source's latest is 1,300 (September); the claim's latest 1,320 (1.5 %): silent,
    # though the June claim of 1,000 is far from anything
    facts = [
        source(1, 600, cumulative=True),
        source(2, 1300, day=SEPTEMBER, cumulative=True),
        claim(3, 1000, cumulative=True),
        claim(4, 1320, day=SEPTEMBER, cumulative=True),
    ]
    assert source_contradictions(facts) == []
    wider = [*facts[:3], claim(4, 1400, day=SEPTEMBER, cumulative=True)]
    (signal,) = source_contradictions(wider)
    assert signal.records == (2, 4)


def test_every_signal_of_the_year_includes_the_contradictions():
    facts = [source(1, 1000), claim(2, 1100)]
    kinds = [s.kind for s in all_signals(facts, unit_names={"A01": "甲镇"}, categories={})]
    assert kinds == [SignalKind.SOURCE_CONTRADICTION]
