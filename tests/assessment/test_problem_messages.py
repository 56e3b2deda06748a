"""The engine's problems, worded for a clerk: unit and indicator by name and code."""

from decimal import Decimal

import pytest
from django.utils import translation

from assessment.lib.problem_messages import problem_from_data, problem_message
from assessment.scoring import Problem, ProblemCode

UNITS = {"A01": "甲镇", "B01": "乙镇"}
INDICATORS = {("town", "E01"): "地区生产总值", ("economic", "E01"): "固定资产投资"}
CATEGORIES = {"town": "镇街"}


def _word(problem: Problem, **kwargs) -> str:
    with translation.override("en"):
        return problem_message(
            problem, units=UNITS, indicators=INDICATORS, categories=CATEGORIES, **kwargs
        )


@pytest.mark.parametrize("code", list(ProblemCode))
def test_every_problem_code_has_a_complete_message(code):
    for problem in [
        Problem(code, "town", "A01", "E01", cadre="张三", value=Decimal("1.5")),
        Problem(code, "town", "A01", "E01", value="thresholds"),
        Problem(code),
    ]:
        message = _word(problem)
        assert message.strip()
        assert "%(" not in message and ")s" not in message


def test_a_missing_target_names_unit_and_indicator_by_name_and_code():
    message = _word(Problem(ProblemCode.MISSING_TARGET, "town", "A01", "E01"))
    assert message == (
        "甲镇 (A01) has no target for indicator 地区生产总值 (E01): enter it on the unit's "
        "targets page (or import the targets), then compute again."
    )


def test_the_indicator_name_is_the_one_of_the_problems_category():
    message = _word(Problem(ProblemCode.INVALID_CAP, "economic", indicator="E01", value=Decimal(0)))
    assert "固定资产投资 (E01)" in message and "地区生产总值" not in message


def test_unknown_names_fall_back_to_the_codes():
    message = _word(Problem(ProblemCode.MISSING_BASE, "social", "Z09", "S07"))
    assert message == (
        "Z09 has no base for indicator S07: enter it on the unit's targets page (or import "
        "the targets), then compute again."
    )


def test_values_are_written_as_a_clerk_would_write_them():
    message = _word(
        Problem(ProblemCode.INVALID_TARGET, "town", "A01", "E01", value=Decimal("-5E+2"))
    )
    assert "(given: -500)" in message


def test_the_points_warning_names_the_category_and_the_sum():
    message = _word(Problem(ProblemCode.POINTS_NOT_100, "town", value=Decimal("95.00")))
    assert message.startswith("The regular indicators of 镇街 add up to 95.00 points, not 100.")


def test_an_invalid_parameter_is_named_in_words():
    message = _word(Problem(ProblemCode.INVALID_PARAM, value="excellent_quota"))
    assert message == (
        "A parameter of the year is invalid: the excellent quota for units (between 0 and 1)."
    )


def test_team_and_cadre_problems_are_told_apart():
    team = _word(Problem(ProblemCode.INVALID_EVALUATION, "town", "A01", value=Decimal(120)))
    cadre = _word(
        Problem(ProblemCode.INVALID_EVALUATION, "town", "A01", cadre="张三", value=Decimal(-1))
    )
    assert team.startswith("The leadership team of 甲镇 (A01)")
    assert cadre.startswith("Cadre 张三 of 甲镇 (A01)")
    assert "(given: 120)" in team and "(given: -1)" in cadre


def test_a_stored_warning_is_worded_like_a_fresh_one():
    problem = Problem(ProblemCode.MISSING_GRADE, "town", "A01", "E01")
    # The form the compute service keeps on a run: the fields that are set, as JSON.
    stored = {"code": "missing_grade", "category": "town", "unit": "A01", "indicator": "E01"}
    assert problem_from_data(stored) == problem
    assert _word(problem_from_data(stored)) == (
        "甲镇 (A01) has no grade for indicator 地区生产总值 (E01); the indicator scores 0."
    )


@pytest.mark.parametrize("stored", [{"code": "no_such_code"}, {}, {"unit": "A01"}])
def test_something_that_is_not_a_stored_problem_is_not_taken_for_one(stored):
    assert problem_from_data(stored) is None
