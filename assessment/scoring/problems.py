"""Structured problems: setup errors and warnings, never prose.

The Django layer turns each `Problem` into a message in the user's language; the engine only
says what is wrong and where. `category`, `unit`, `indicator` and `cadre` locate the problem
(whichever apply), `value` carries the offending value when there is one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class ProblemCode(StrEnum):
    """Every code the engine reports. Errors stop `compute`; warnings travel with the result."""

    # --- scheme (validate_scheme); errors unless marked ---
    UNKNOWN_METHOD = "unknown_method"  # value: the method given
    UNKNOWN_AGGREGATION = "unknown_aggregation"  # value: the aggregation given
    INVALID_POINTS = "invalid_points"  # points < 0; value: points
    INVALID_CAP = "invalid_cap"  # cap < 1; value: cap
    INVALID_TOTAL_SHARE = "invalid_total_share"  # total_share outside [0, 1]; value
    INVALID_STEP = "invalid_step"  # city_rank step <= 0; value
    DUPLICATE_INDICATOR = "duplicate_indicator"  # same code twice in one category's scheme
    CATALOGUE_NOT_ALLOWED = "catalogue_not_allowed"  # items on a method other than bonus/deduction
    DUPLICATE_ITEM = "duplicate_item"  # an item code twice in one catalogue; value: the code
    INVALID_ITEM_POINTS = "invalid_item_points"  # an item's points <= 0; value: the item code
    INVALID_ITEM_CAP = "invalid_item_cap"  # an item's cap <= 0; value: the item code
    POINTS_NOT_100 = "points_not_100"  # WARNING: regular points add up to value, not 100

    # --- parameters of the year ---
    INVALID_PARAM = "invalid_param"  # value: the name of the Params field

    # --- units and cadres ---
    DUPLICATE_UNIT = "duplicate_unit"  # unit: the code given twice
    CATEGORY_WITHOUT_SCHEME = "category_without_scheme"  # unit's category has no indicators
    INVALID_HEADCOUNT = "invalid_headcount"  # headcount < 0; value
    UNKNOWN_UNIT = "unknown_unit"  # a cadre or team evaluation names a unit not assessed
    DUPLICATE_CADRE = "duplicate_cadre"  # unit + cadre given twice

    # --- per unit and indicator (spec: "A missing or invalid target or base is a setup
    # error: computing refuses and lists every missing pair") ---
    MISSING_TARGET = "missing_target"  # completion, ceiling, increment
    INVALID_TARGET = "invalid_target"  # target <= 0; value: target
    MISSING_BASE = "missing_base"  # increment, base_ratio
    INVALID_BASE = "invalid_base"  # base_ratio base <= 0; value: base
    TARGET_NOT_ABOVE_BASE = "target_not_above_base"  # increment target <= base; value: target
    INVALID_CITY_RANK = "invalid_city_rank"  # not 1 <= rank <= total; value: "rank/total"
    INVALID_GRADE = "invalid_grade"  # value: the grade given
    INVALID_SURVEY_RATE = "invalid_survey_rate"  # outside [0, 100]; value: the rate given
    NEGATIVE_VALUE = "negative_value"  # bonus/deduction evidence sums below 0; value
    UNKNOWN_ITEM = "unknown_item"  # a catalogued record names no item of it; value: the code
    INVALID_ITEM_COUNT = "invalid_item_count"  # a catalogued record's count < 1; value

    # --- three in one ---
    INVALID_EVALUATION = "invalid_evaluation"  # evaluation outside [0, 100]; value
    INVALID_CONTRIBUTION = "invalid_contribution"  # contribution points < 0; value

    # --- bonus ---
    INVALID_BONUS_POOL = "invalid_bonus_pool"  # pool < 0; value

    # --- warnings on the result: no imported value, the indicator scores 0 ---
    MISSING_CITY_RANK = "missing_city_rank"
    MISSING_GRADE = "missing_grade"
    MISSING_SURVEY_RATE = "missing_survey_rate"


@dataclass(frozen=True)
class Problem:
    """One setup error or warning, located by whichever of the fields apply."""

    code: ProblemCode
    category: str | None = None
    unit: str | None = None
    indicator: str | None = None
    cadre: str | None = None
    value: Decimal | int | str | None = None


class SetupError(Exception):
    """The year cannot be computed; `problems` lists every offending item, not only the first."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        codes = ", ".join(sorted({str(problem.code) for problem in self.problems}))
        super().__init__(f"{len(self.problems)} setup problem(s): {codes}")
