"""The survey tally, worked by hand (no database): spec, method `survey`, rate in [0, 1]."""

from decimal import Decimal
from fractions import Fraction

import pytest

from assessment.scoring.surveys import rate_decimal, response_score, tally

D = Decimal
F = Fraction
SAT, FAIR, DIS = D(1), D("0.6"), D(0)


def test_three_responses_to_two_questions_give_the_mean_of_the_response_means():
    # Response 1: satisfied, fairly satisfied → (1 + 0.6) ÷ 2 = 0.8
    # Response 2: fairly satisfied, dissatisfied → (0.6 + 0) ÷ 2 = 0.3
    # Response 3: satisfied, satisfied → 1
    # Rate: (0.8 + 0.3 + 1) ÷ 3 = 2.1 ÷ 3 = 0.7
    result = tally([[SAT, FAIR], [FAIR, DIS], [SAT, SAT]])

    assert result.responses == 3
    assert result.total == F(21, 10)
    assert result.rate == F(7, 10)
    assert rate_decimal(result.rate) == D("0.700000")


def test_a_repeating_rate_is_rounded_once_to_six_places_halves_up():
    # (1 + 1 + 0) ÷ 3 = 0.666666… → 0.666667; (1 + 0 + 0) ÷ 3 = 0.333333… → 0.333333
    assert rate_decimal(tally([[SAT], [SAT], [DIS]]).rate) == D("0.666667")
    assert rate_decimal(tally([[SAT], [DIS], [DIS]]).rate) == D("0.333333")
    # An exact half at the seventh place goes up: 0.0000005 → 0.000001.
    assert rate_decimal(F(1, 2_000_000)) == D("0.000001")


def test_responses_of_surveys_with_different_questions_each_count_once():
    # A hall survey of one question and a phone survey of three, pooled:
    # [1] → 1; [0.6, 0.6, 0] → 1.2 ÷ 3 = 0.4; rate (1 + 0.4) ÷ 2 = 0.7
    assert tally([[SAT], [FAIR, FAIR, DIS]]).rate == F(7, 10)


def test_other_choice_values_are_used_as_given():
    # Values 1 / 0.8 / 0.2: [0.8, 0.2] → 0.5 ; [1, 0.8] → 0.9 ; rate 0.7
    assert tally([[D("0.8"), D("0.2")], [D(1), D("0.8")]]).rate == F(7, 10)


def test_no_valid_response_gives_no_rate():
    result = tally([])
    assert (result.responses, result.rate) == (0, None)


def test_a_response_score_is_the_mean_of_its_answers():
    assert response_score([SAT, FAIR, DIS]) == F(8, 15)  # 1.6 ÷ 3


@pytest.mark.parametrize("values", [[], [D("1.5")], [D(-1)]])
def test_an_empty_response_or_a_value_outside_zero_to_one_is_refused(values):
    with pytest.raises(ValueError):
        response_score(values)


def test_a_rate_outside_zero_to_one_is_refused():
    with pytest.raises(ValueError):
        rate_decimal(F(3, 2))
