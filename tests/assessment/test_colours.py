"""Three-colour warnings (红黄绿预警) from period targets. No database.

Every expected colour is worked by hand in the comment above it.
"""

from __future__ import annotations

import datetime
from decimal import Decimal as D

import pytest

from assessment.scoring.colours import (
    Colour,
    Standing,
    colour_grid,
    indicator_colour,
    period_target,
    pro_rata_share,
    shortfall,
    unit_colour,
)


def test_unit_at_75_percent_of_its_q2_target_is_red_with_the_80_percent_line():
    # Annual target 1,000; Q2 cumulative share 45 % → 450. Verified by 30 June: 337.5,
    # which is 75 % of 450, below the yellow line 0.80 × 450 = 360 → red.
    q2 = period_target(D(1000), share=D("0.45"))
    assert q2 == D(450)
    standing = Standing("completion", actual=D("337.5"), target=q2)
    assert indicator_colour(standing) is Colour.RED
    # 450 − 337.5 = 112.5 still to be made up.
    assert shortfall(standing) == D("112.5")


@pytest.mark.parametrize(
    ("actual", "colour"),
    [
        ("450", Colour.GREEN),  # exactly the target
        ("500", Colour.GREEN),
        ("449.99", Colour.YELLOW),
        ("360", Colour.YELLOW),  # exactly 0.80 × 450
        ("359.99", Colour.RED),
        ("0", Colour.RED),
    ],
)
def test_completion_lines(actual, colour):
    assert indicator_colour(Standing("completion", actual=D(actual), target=D(450))) is colour


def test_yellow_share_is_a_parameter():
    # 0.90 × 450 = 405: 400 is red with a 90 % line, yellow with the default 80 %.
    standing = Standing("increment", actual=D(400), target=D(450))
    assert indicator_colour(standing, yellow_share=D("0.90")) is Colour.RED
    assert indicator_colour(standing) is Colour.YELLOW


@pytest.mark.parametrize(
    ("actual", "colour"),
    [
        ("50.01", Colour.RED),  # above the period ceiling of 50
        ("50", Colour.YELLOW),  # at the ceiling: the allowance is used up
        ("40.01", Colour.YELLOW),  # above 0.80 × 50 = 40
        ("40", Colour.GREEN),
        ("0", Colour.GREEN),
    ],
)
def test_ceiling_is_inverted(actual, colour):
    assert indicator_colour(Standing("ceiling", actual=D(actual), target=D(50))) is colour


def test_ceiling_above_its_period_ceiling_is_red_and_its_excess_is_the_shortfall():
    # Annual ceiling 200 (e.g. 信访件数), Q1 at 25 % → 50; 62 recorded → 12 too many.
    standing = Standing("ceiling", actual=D(62), target=period_target(D(200), share=D("0.25")))
    assert indicator_colour(standing) is Colour.RED
    assert shortfall(standing) == D(12)
    assert shortfall(Standing("ceiling", actual=D(30), target=D(50))) is None


@pytest.mark.parametrize("method", ["deduction", "veto", "disqualify"])
def test_a_failure_record_makes_its_indicator_red(method):
    assert indicator_colour(Standing(method, failures=1)) is Colour.RED
    assert indicator_colour(Standing(method, failures=0)) is Colour.GREEN


def test_bonus_and_untargeted_indicators_have_no_colour():
    assert indicator_colour(Standing("bonus", actual=D(3))) is None
    assert indicator_colour(Standing("completion", actual=D(3), target=None)) is None
    assert indicator_colour(Standing("survey", actual=D("0.9"), target=D(1))) is None
    assert shortfall(Standing("completion", actual=D(3), target=None)) is None


def test_a_unit_takes_its_worst_colour():
    assert unit_colour([Colour.GREEN, None, Colour.YELLOW]) is Colour.YELLOW
    assert unit_colour([Colour.GREEN, Colour.RED, Colour.YELLOW]) is Colour.RED
    assert unit_colour([None, None]) is None
    assert unit_colour([]) is None


def test_red_turns_yellow_or_green_only_when_the_figures_catch_up():
    # Q3 target 700. Red in September at 500 (< 560); November figures: 600 ≥ 560 → yellow,
    # 700 → green. Nothing else (a deadline, an accepted report) enters the colour.
    assert indicator_colour(Standing("completion", actual=D(500), target=D(700))) is Colour.RED
    assert indicator_colour(Standing("completion", actual=D(600), target=D(700))) is Colour.YELLOW
    assert indicator_colour(Standing("completion", actual=D(700), target=D(700))) is Colour.GREEN


def test_colour_grid_leaves_out_pairs_without_colour():
    grid = colour_grid(
        {
            ("A", "GDP"): Standing("completion", actual=D(80), target=D(100)),
            ("A", "AWARD"): Standing("bonus", actual=D(2)),
            ("B", "SAFE"): Standing("veto", failures=2),
        }
    )
    assert grid == {("A", "GDP"): Colour.YELLOW, ("B", "SAFE"): Colour.RED}


def test_period_target_absolute_or_share():
    assert period_target(D(1000), absolute=D(300)) == D(300)
    with pytest.raises(ValueError):
        period_target(D(1000))
    with pytest.raises(ValueError):
        period_target(D(1000), share=D("0.5"), absolute=D(1))
    with pytest.raises(ValueError):
        period_target(D(1000), share=D("1.2"))


def test_pro_rata_share_by_elapsed_days():
    # 2026 has 365 days; by 30 June 181 have passed: 181 / 365 = 0.495890… → 0.4959.
    assert pro_rata_share(2026, datetime.date(2026, 6, 30)) == D("0.4959")
    assert pro_rata_share(2026, datetime.date(2026, 12, 31)) == D(1)
    assert pro_rata_share(2026, datetime.date(2025, 12, 31)) == D(0)


def test_colour_keys_round_trip():
    assert Colour.RED.key == "red"
    assert Colour.from_key("yellow") is Colour.YELLOW
