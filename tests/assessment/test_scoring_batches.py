"""One indicator scored for all the units of its category at once (what the engine calls),
with numbers worked by hand."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from assessment.scoring.methods import ceiling_scores, completion_scores, increment_scores


def test_completion_of_every_unit_is_clamped_between_zero_and_the_cap():
    scores = completion_scores(
        points=D(20),
        cap=D("1.2"),
        values={"EAST": (D(460), D(500)), "WEST": (D(700), D(500)), "HILL": (D(-5), D(500))},
    )
    # 20 × 460/500 = 18.40; 700/500 = 1.4 counts as the cap 1.2 → 24.00; below 0 counts as 0
    assert scores == {"EAST": D("18.40"), "WEST": D("24.00"), "HILL": D("0.00")}


def test_a_ceiling_earns_full_points_at_or_under_the_target_and_none_at_twice_it():
    scores = ceiling_scores(
        points=D(10),
        values={"A": (D(80), D(100)), "B": (D(150), D(100)), "C": (D(250), D(100))},
    )
    # 2 − 0.8 = 1.2 → cap 1 → 10.00; 2 − 1.5 = 0.5 → 5.00; 2 − 2.5 < 0 → 0
    assert scores == {"A": D("10.00"), "B": D("5.00"), "C": D("0.00")}


def test_whole_and_binary_numbers_score_as_the_decimals_they_are():
    scores = completion_scores(
        points=20,
        cap=D("1.2"),
        values={"INT": (460, 500), "FLOAT": (0.1, 0.3), "CAP": (7, D("0.5"))},
    )
    # 20 × 460/500 = 18.40; 0.1 is read as the decimal 0.1: 20 × 1/3 = 6.666… → 6.67;
    # 7 / 0.5 = 14 counts as the cap 1.2 → 24.00
    assert scores == {"INT": D("18.40"), "FLOAT": D("6.67"), "CAP": D("24.00")}
    # a ceiling of 0.3 with 0.45 reached: 2 − 1.5 = 0.5 → 10.00
    assert ceiling_scores(points=20, values={"X": (0.45, 0.3)}) == {"X": D("10.00")}


def test_an_increment_weighs_the_total_and_the_growth_by_the_share():
    scores = increment_scores(
        points=D(10),
        total_share=D("0.5"),
        values={"A": (D(110), D(120), D(100)), "B": (D(95), D(120), D(100))},
    )
    # A: 0.5 × 110/120 + 0.5 × 10/20 = 0.708333… → 7.08
    # B: 0.5 × 95/120 + 0.5 × 0 (below the base) = 0.395833… → 3.96
    assert scores == {"A": D("7.08"), "B": D("3.96")}


def test_a_unit_without_a_positive_target_stops_the_indicator():
    with pytest.raises(ValueError, match="target"):
        completion_scores(points=D(20), values={"A": (D(1), D(500)), "B": (D(1), D(0))})
