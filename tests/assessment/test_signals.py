"""Signals of falsification, on hand-built records: each fires on its case and stays silent
on a near miss; the clean example district raises none."""

from __future__ import annotations

import datetime
from decimal import Decimal
from fractions import Fraction

import pytest

from assessment.scoring.descriptions import normalise, similar_descriptions
from assessment.scoring.digits import binomial_upper_p, chi_square_p, digit_heaping, round_numbers
from assessment.scoring.signals import (
    Fact,
    SignalKind,
    Thresholds,
    all_signals,
    backdated,
    bursts,
    cumulative_decreases,
    outliers,
    robust_z,
    shared_attachments,
)
from tests.example_district import code, date, load_units, read_rows, required, required_number

D = datetime.date
SHA_A = "a" * 64
SHA_B = "b" * 64


def fact(id: int, unit: str = "TO01", indicator: str = "GDP", **fields) -> Fact:
    fields.setdefault("date", D(2026, 3, 1))
    fields.setdefault("value", Decimal(1))
    return Fact(id=id, unit=unit, indicator=indicator, **fields)


# --- the same attachment


def test_one_file_in_records_of_two_units_is_a_signal():
    signals = shared_attachments(
        [
            fact(1, "TO01", attachments=(SHA_A,)),
            fact(2, "TO02", attachments=(SHA_A, SHA_B)),
            fact(3, "TO03", attachments=(SHA_B,), date=D(2026, 3, 1)),
        ]
    )
    # SHA_A joins TO01 and TO02; SHA_B joins TO02 and TO03
    assert [(s.kind, s.units, s.records) for s in signals] == [
        (SignalKind.SHARED_ATTACHMENT, ("TO01", "TO02"), (1, 2)),
        (SignalKind.SHARED_ATTACHMENT, ("TO02", "TO03"), (2, 3)),
    ]
    assert signals[0].facts["sha256"] == SHA_A


def test_one_file_in_records_of_one_unit_on_two_dates_is_a_signal():
    signals = shared_attachments(
        [fact(1, attachments=(SHA_A,)), fact(2, attachments=(SHA_A,), date=D(2026, 6, 1))]
    )
    assert [(s.units, s.records) for s in signals] == [(("TO01",), (1, 2))]
    assert signals[0].facts["dates"] == ["2026-03-01", "2026-06-01"]


def test_one_file_in_one_units_records_of_one_day_is_no_signal():
    facts = [fact(1, attachments=(SHA_A, SHA_A)), fact(2, attachments=(SHA_A,))]
    assert shared_attachments(facts) == []


# --- near-identical descriptions

COPIED = "组织开展安全生产大检查，排查整改隐患{n}处，出动检查人员{m}人次"
NAMES = {"TO01": "东湖街道", "TO02": "西山镇", "TO03": "南河镇"}


def test_normalising_removes_numbers_unit_names_and_punctuation():
    # 亿 goes with the numerals: "12.5亿" and "3万" are both numbers
    assert normalise("东湖街道完成 3 个项目，投资12.5亿元", NAMES.values()) == "完成个项目投资元"


def test_descriptions_differing_only_in_numbers_and_names_across_units_are_a_signal():
    facts = [
        fact(1, "TO01", description="东湖街道" + COPIED.format(n=12, m=300)),
        fact(2, "TO02", description="西山镇" + COPIED.format(n=7, m=45)),
        fact(3, "TO03", description="南河镇召开专题会议，部署秋冬季森林防火和燃气安全工作"),
    ]
    signals = similar_descriptions(facts, NAMES)
    assert [(s.kind, s.units, s.records) for s in signals] == [
        (SignalKind.SIMILAR_DESCRIPTION, ("TO01", "TO02"), (1, 2))
    ]
    assert signals[0].facts["similarity"] == 1.0


def test_similar_descriptions_of_one_unit_or_short_templates_are_no_signal():
    facts = [
        # one unit repeating itself is its own business
        fact(1, "TO01", description=COPIED.format(n=1, m=2)),
        fact(2, "TO01", description=COPIED.format(n=3, m=4)),
        # templates every unit uses are shorter than the minimum length
        fact(3, "TO02", description="税收入库"),
        fact(4, "TO03", description="税收入库"),
    ]
    assert similar_descriptions(facts, NAMES) == []


def test_descriptions_just_below_the_similarity_threshold_are_no_signal():
    first = "组织开展安全生产大检查排查整改隐患"
    second = "组织开展安全生产大检查排查登记问题"
    facts = [fact(1, "TO01", description=first), fact(2, "TO02", description=second)]
    # 15 and 15 shingles of 3 characters, 11 shared: 11 / 19 = 0.58
    assert similar_descriptions(facts, {}, Thresholds(description_similarity=0.6)) == []
    assert len(similar_descriptions(facts, {}, Thresholds(description_similarity=0.55))) == 1


# --- bursts and backdating

CLOSES = D(2027, 1, 10)


def entered_on(days_before_close: list[int]) -> list[Fact]:
    return [
        fact(n, entered=CLOSES - datetime.timedelta(days=days))
        for n, days in enumerate(days_before_close, start=1)
    ]


def test_most_of_a_units_records_entered_in_the_last_week_is_a_burst():
    # 4 of 6 records entered within 7 days of closing: 0.67 ≥ 0.5
    signals = bursts(entered_on([100, 60, 6, 3, 1, 0]), CLOSES)
    assert [(s.kind, s.units, s.records) for s in signals] == [
        (SignalKind.BURST, ("TO01",), (3, 4, 5, 6))
    ]
    assert signals[0].facts["share"] == 0.67


def test_a_minority_of_late_records_or_too_few_records_is_no_burst():
    # 2 of 6 late (0.33), and record 3 entered 7 days before closing is outside the week
    assert bursts(entered_on([100, 60, 30, 7, 1, 0]), CLOSES) == []
    # all late but only 5 records
    assert bursts(entered_on([4, 3, 2, 1, 0]), CLOSES) == []


def test_a_record_dated_long_before_its_entry_is_backdated():
    facts = [
        fact(1, date=D(2026, 1, 1), entered=D(2026, 4, 2)),  # 91 days
        fact(2, date=D(2026, 1, 1), entered=D(2026, 4, 1)),  # 90 days: the limit itself
    ]
    signals = backdated(facts)
    assert [(s.kind, s.units, s.indicator, s.records) for s in signals] == [
        (SignalKind.BACKDATED, ("TO01",), "GDP", (1,))
    ]
    assert signals[0].facts["longest_gap"] == 91


# --- outliers and cumulative figures


def test_robust_z_uses_the_median_and_the_scaled_median_absolute_deviation():
    # median 12, absolute deviations 2 1 0 1 2 → MAD 1, spread 1.4826; (20 − 12) / 1.4826
    assert robust_z(20, [10, 11, 12, 13, 14]) == pytest.approx(5.396, abs=0.001)
    # peers that do not vary at all give no yardstick
    assert robust_z(20, [5, 5, 5]) is None


PEERS = {"TO02": 10, "TO03": 11, "TO04": 12, "TO05": 13, "TO06": 14}
CATEGORIES = {unit: "town" for unit in ["TO01", *PEERS]}


def figures(value: int) -> list[Fact]:
    facts = [fact(n, unit, value=Decimal(v)) for n, (unit, v) in enumerate(PEERS.items(), 10)]
    # the unit's figure is the sum of its two records
    return [*facts, fact(1, value=Decimal(value - 4)), fact(2, value=Decimal(4))]


def test_a_figure_far_above_its_categorys_peers_is_an_outlier():
    # (40 − 12) / 1.4826 = 18.9 and 40 ≥ 3 × 12
    signals = outliers(figures(40), CATEGORIES)
    assert [(s.kind, s.units, s.indicator, s.records) for s in signals] == [
        (SignalKind.OUTLIER, ("TO01",), "GDP", (1, 2))
    ]
    assert signals[0].facts["z"] == 18.9
    assert signals[0].facts["median"] == "12"


def test_a_figure_near_its_peers_or_within_its_own_history_is_no_outlier():
    # (16 − 12) / 1.4826 = 2.7 < 3.5
    assert outliers(figures(16), CATEGORIES) == []
    # far in z (15.5) but less than 3 × the median of 12
    assert outliers(figures(35), CATEGORIES) == []
    # far from the peers but not twice last year's 25
    assert outliers(figures(40), CATEGORIES, {("TO01", "GDP"): [Decimal(25)]}) == []
    # twice last year's 15 is 30: 40 is beyond it
    assert len(outliers(figures(40), CATEGORIES, {("TO01", "GDP"): [Decimal(15)]})) == 1
    # far below the peers is no signal: a lower figure never flatters
    assert outliers([*figures(4), fact(3, value=Decimal(-8))], CATEGORIES) == []


def test_too_few_peers_give_no_outlier():
    facts = [f for f in figures(40) if f.unit != "TO06"]
    assert outliers(facts, CATEGORIES) == []


def test_a_cumulative_figure_that_goes_down_is_a_signal():
    facts = [
        fact(1, date=D(2026, 3, 28), value=Decimal("177.3"), cumulative=True),
        fact(2, date=D(2026, 6, 28), value=Decimal("233.8"), cumulative=True),
        fact(3, date=D(2026, 9, 28), value=Decimal("201.0"), cumulative=True),
    ]
    signals = cumulative_decreases(facts)
    assert [(s.kind, s.records, s.facts) for s in signals] == [
        (SignalKind.CUMULATIVE_DECREASE, (2, 3), {"before": "233.8", "after": "201.0"})
    ]


def test_a_rising_cumulative_figure_or_a_falling_sum_is_no_signal():
    rising = [
        fact(1, date=D(2026, 3, 28), value=Decimal("177.3"), cumulative=True),
        fact(2, date=D(2026, 6, 28), value=Decimal("177.3"), cumulative=True),
    ]
    falling_sum = [fact(3, value=Decimal(9)), fact(4, date=D(2026, 4, 1), value=Decimal(2))]
    # a pending record is the verifier's to question first
    pending = [
        rising[1],
        fact(5, date=D(2026, 7, 1), value=Decimal(1), cumulative=True, counts=False),
    ]
    assert cumulative_decreases(rising + falling_sum + pending) == []


# --- digit patterns


def test_the_chi_square_and_binomial_tails_match_worked_values():
    # two degrees of freedom: the tail is e^(−x/2)
    assert chi_square_p(2.0, 2) == pytest.approx(0.36788, abs=1e-5)
    # the 5 % critical value of 9 degrees of freedom
    assert chi_square_p(16.919, 9) == pytest.approx(0.05, abs=1e-4)
    assert binomial_upper_p(1, 2, Fraction(1, 2)) == 0.75
    # 1 − 0.99^20 − 20 × 0.01 × 0.99^19
    assert binomial_upper_p(2, 20, Fraction(1, 100)) == pytest.approx(0.016859, abs=1e-6)


def values(unit_values: list[int]) -> list[Fact]:
    return [fact(n, value=Decimal(v)) for n, v in enumerate(unit_values, start=1)]


def test_last_digits_heaped_on_zero_and_five_are_a_signal():
    # 50 figures ending 0 or 5 only: counts 25 and 25 against 5 expected each;
    # χ² = 2 × 20² / 5 + 8 × 5² / 5 = 160 + 40 = 200
    facts = values([10 + 5 * n for n in range(50)])
    signals = digit_heaping(facts)
    assert [(s.kind, s.units, s.test) for s in signals] == [
        (SignalKind.DIGIT_HEAPING, ("TO01",), "chi-square, 9 degrees of freedom")
    ]
    assert signals[0].facts["statistic"] == 200.0
    # the tail of 200 with 9 degrees of freedom, Q(4.5, 100), is about
    # e^−100 × 100^3.5 / Γ(4.5) × (1 + 3.5/100 + 3.5 × 2.5/100²) = 3.31e-38
    assert signals[0].p_value == pytest.approx(3.31e-38, rel=0.01)
    assert len(signals[0].records) == 50


def test_even_last_digits_or_too_few_figures_are_no_signal():
    # 10 to 59: each last digit 5 times, χ² = 0
    assert digit_heaping(values(list(range(10, 60)))) == []
    # heaped, but 49 figures are too few for the test
    assert digit_heaping(values([10 + 5 * n for n in range(49)])) == []
    # single-digit figures carry no last digit to heap
    assert digit_heaping(values([5] * 60)) == []


def test_too_many_whole_hundreds_are_a_signal():
    # 5 whole hundreds among 20: P(X ≥ 5) for binomial(20, 1/100) is
    # C(20, 5) × 0.01⁵ × 0.99¹⁵ = 1.3344e-6 plus the terms of 6 and more, 0.0337e-6
    facts = values([100, 200, 300, 400, 500] + [101 + n for n in range(15)])
    signals = round_numbers(facts)
    assert [(s.kind, s.records) for s in signals] == [(SignalKind.ROUND_NUMBERS, (1, 2, 3, 4, 5))]
    assert signals[0].p_value == pytest.approx(1.368e-6, rel=0.001)


def test_one_whole_hundred_among_twenty_is_no_signal():
    # P(X ≥ 1) = 1 − 0.99^20 ≈ 0.18
    assert round_numbers(values([100] + [101 + n for n in range(19)])) == []
    # 5 whole hundreds but among 19 figures, too few for the test
    assert round_numbers(values([100, 200, 300, 400, 500] + [101 + n for n in range(14)])) == []


# --- the example district

STATUSES = {"已核实": "verified", "待核实": "pending"}


def test_the_clean_example_district_raises_no_signal():
    units = load_units()
    cumulative_indicators = {"GDP"}  # the one indicator aggregated by `latest`
    facts = [
        Fact(
            id=n,
            unit=required(row, "unit"),
            indicator=required(row, "indicator"),
            date=date(row["date"]),
            entered=date(row["date"]),
            value=required_number(row, "value"),
            description=required(row, "description"),
            cumulative=required(row, "indicator") in cumulative_indicators,
            counts=code(row.get("status") or "待核实", STATUSES) == "verified",
        )
        for n, row in enumerate(read_rows("evidence"), start=1)
    ]
    assert len(facts) > 600
    signals = all_signals(
        facts,
        unit_names={unit.code: unit.name for unit in units},
        categories={unit.code: unit.category for unit in units},
        closes=D(2027, 1, 10),
    )
    assert signals == []
