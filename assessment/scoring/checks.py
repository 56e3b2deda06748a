"""Setup checks: everything `compute` refuses, collected in full before any score is made.

Spec, "Where values come from": a missing or invalid target or base is a setup error;
computing refuses and lists every missing pair, it never guesses. The same holds here for
every other invalid input: all problems are collected, then raised together.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal

from .inputs import (
    CATALOGUE_METHODS,
    REGULAR_METHODS,
    Aggregation,
    IndicatorSpec,
    Method,
    Params,
    Tier,
    YearInputs,
)
from .methods import is_valid_survey_rate, normalize_grade
from .numbers import Number, to_decimal
from .problems import Problem, ProblemCode

_METHODS = frozenset(method.value for method in Method)
_AGGREGATIONS = frozenset(aggregation.value for aggregation in Aggregation)
HUNDRED = Decimal(100)


def validate_scheme(
    indicators: Sequence[IndicatorSpec], *, category: str | None = None
) -> tuple[list[Problem], list[Problem]]:
    """Check one category's scheme; return (errors, warnings), each a list of problems.

    Errors: unknown method or aggregation, points < 0, cap < 1, total_share outside [0, 1],
    a city_rank step ≤ 0, an indicator code used twice. Warning (spec, "Methods"): the
    regular indicators do not add up to 100 (bonus, deduction and veto stand outside it).
    """
    errors: list[Problem] = []
    seen: set[str] = set()
    for spec in indicators:
        errors.extend(_indicator_problems(spec, category))
        if spec.code in seen:
            errors.append(Problem(ProblemCode.DUPLICATE_INDICATOR, category, indicator=spec.code))
        seen.add(spec.code)
    regular = [to_decimal(spec.points) for spec in indicators if spec.method in REGULAR_METHODS]
    regular_points = sum(regular, Decimal(0))
    warnings = []
    if regular_points != HUNDRED:
        warnings.append(Problem(ProblemCode.POINTS_NOT_100, category, value=regular_points))
    return errors, warnings


def _indicator_problems(spec: IndicatorSpec, category: str | None) -> Iterator[Problem]:
    def problem(code: ProblemCode, value: Decimal | str) -> Problem:
        return Problem(code, category, indicator=spec.code, value=value)

    if spec.method not in _METHODS:
        yield problem(ProblemCode.UNKNOWN_METHOD, spec.method)
    if spec.aggregation not in _AGGREGATIONS:
        yield problem(ProblemCode.UNKNOWN_AGGREGATION, spec.aggregation)
    points, cap, share = (to_decimal(x) for x in (spec.points, spec.cap, spec.total_share))
    if points < 0:
        yield problem(ProblemCode.INVALID_POINTS, points)
    if cap < 1:
        yield problem(ProblemCode.INVALID_CAP, cap)
    if not 0 <= share <= 1:
        yield problem(ProblemCode.INVALID_TOTAL_SHARE, share)
    if spec.step is not None and to_decimal(spec.step) <= 0:
        yield problem(ProblemCode.INVALID_STEP, to_decimal(spec.step))
    yield from _catalogue_problems(spec, category)


def _catalogue_problems(spec: IndicatorSpec, category: str | None) -> Iterator[Problem]:
    """Spec, "Catalogued bonus and deduction items": only bonus and deduction indicators
    carry a catalogue; each item's code once, its points > 0, its cap (if any) > 0."""
    if spec.items and spec.method not in CATALOGUE_METHODS:
        yield Problem(ProblemCode.CATALOGUE_NOT_ALLOWED, category, indicator=spec.code)
    seen: set[str] = set()
    for item in spec.items:
        if item.code in seen:
            yield Problem(
                ProblemCode.DUPLICATE_ITEM, category, indicator=spec.code, value=item.code
            )
        seen.add(item.code)
        if to_decimal(item.points) <= 0:
            yield Problem(
                ProblemCode.INVALID_ITEM_POINTS, category, indicator=spec.code, value=item.code
            )
        if item.cap is not None and to_decimal(item.cap) <= 0:
            yield Problem(
                ProblemCode.INVALID_ITEM_CAP, category, indicator=spec.code, value=item.code
            )


def validate_params(params: Params) -> list[Problem]:
    """Check a year's parameters: ordered thresholds, shares in [0, 1], nothing negative."""
    bad: list[str] = []
    if not 0 <= params.average_threshold <= params.good_threshold <= params.excellent_threshold:
        bad.append("thresholds")
    shares = ("excellent_quota", "team_excellent_quota", "cadre_excellent_quota")
    bad += [name for name in shares if not 0 <= to_decimal(getattr(params, name)) <= 1]
    weights = (
        "team_unit_weight",
        "team_evaluation_weight",
        "cadre_unit_weight",
        "cadre_evaluation_weight",
        "contribution_cap",
    )
    bad += [name for name in weights if to_decimal(getattr(params, name)) < 0]
    if any(to_decimal(factor) < 0 for factor in params.grade_factors.values()):
        bad.append("grade_factors")
    coefficients = params.tier_coefficients
    if set(coefficients) != {tier.value for tier in Tier} or any(
        to_decimal(c) < 0 for c in coefficients.values()
    ):
        bad.append("tier_coefficients")
    return [Problem(ProblemCode.INVALID_PARAM, value=name) for name in bad]


def collect_problems(inputs: YearInputs) -> tuple[list[Problem], list[Problem]]:
    """Every setup error of the year, and the scheme warnings, as (errors, warnings)."""
    errors = validate_params(inputs.params)
    warnings: list[Problem] = []
    for category, scheme in inputs.indicators.items():
        scheme_errors, scheme_warnings = validate_scheme(scheme, category=category)
        errors += scheme_errors
        warnings += scheme_warnings
    errors += _unit_problems(inputs)
    errors += _data_problems(inputs)
    errors += _three_in_one_problems(inputs)
    if inputs.bonus_pool is not None and inputs.bonus_pool < 0:
        errors.append(Problem(ProblemCode.INVALID_BONUS_POOL, value=inputs.bonus_pool))
    return errors, warnings


def _unit_problems(inputs: YearInputs) -> Iterator[Problem]:
    seen: set[str] = set()
    for unit in inputs.units:
        if unit.code in seen:
            yield Problem(ProblemCode.DUPLICATE_UNIT, unit.category, unit.code)
        seen.add(unit.code)
        if not inputs.indicators.get(unit.category):
            yield Problem(ProblemCode.CATEGORY_WITHOUT_SCHEME, unit.category, unit.code)
        if unit.headcount < 0:
            yield Problem(
                ProblemCode.INVALID_HEADCOUNT, unit.category, unit.code, value=unit.headcount
            )


CheckFn = Callable[[IndicatorSpec, str, YearInputs], Iterable[Problem]]


def _data_problems(inputs: YearInputs) -> Iterator[Problem]:
    """Per unit and indicator, in scheme order, the checks of the indicator's method."""
    # Per category, the indicators that have checks, with their checks: looked up once.
    plans = {
        category: [(spec, checks) for spec in scheme if (checks := _CHECKS.get(spec.method))]
        for category, scheme in inputs.indicators.items()
    }
    for unit in inputs.units:
        code = unit.code
        for spec, checks in plans.get(unit.category, ()):
            for check in checks:
                for problem in check(spec, code, inputs):
                    yield Problem(problem.code, unit.category, code, spec.code, value=problem.value)


def _given_and_positive(
    value: Number | None, missing: ProblemCode, invalid: ProblemCode
) -> tuple[Problem, ...]:
    """``missing`` without a value, ``invalid`` (with the value) for one that is not above 0."""
    if value is None:
        return (Problem(missing),)
    if to_decimal(value) <= 0:
        return (Problem(invalid, value=to_decimal(value)),)
    return ()


# The checks of one unit and indicator return a tuple, most often empty: a city has 60,000
# of them, and a generator each cost a tenth of the engine's checks.


def _check_target(spec: IndicatorSpec, unit: str, inputs: YearInputs) -> tuple[Problem, ...]:
    """Spec: completion, ceiling and increment need a target > 0 for every unit."""
    target = inputs.targets.get((unit, spec.code))
    if type(target) is Decimal and target.is_finite() and target > 0:  # the common case, first
        return ()
    return _given_and_positive(target, ProblemCode.MISSING_TARGET, ProblemCode.INVALID_TARGET)


def _check_increment_base(
    spec: IndicatorSpec, unit: str, inputs: YearInputs
) -> tuple[Problem, ...]:
    """Spec, method `increment`: needs a base, and target > base."""
    key = (unit, spec.code)
    base, target = inputs.bases.get(key), inputs.targets.get(key)
    if (
        type(base) is Decimal
        and type(target) is Decimal
        and base.is_finite()
        and target.is_finite()
        and target > base
    ):  # the common case, first
        return ()
    if base is None:
        return (Problem(ProblemCode.MISSING_BASE),)
    if target is not None and to_decimal(target) <= to_decimal(base):
        return (Problem(ProblemCode.TARGET_NOT_ABOVE_BASE, value=to_decimal(target)),)
    return ()


def _check_ratio_base(spec: IndicatorSpec, unit: str, inputs: YearInputs) -> tuple[Problem, ...]:
    """Spec, method `base_ratio`: needs a base > 0 (the target is ignored)."""
    base = inputs.bases.get((unit, spec.code))
    if type(base) is Decimal and base.is_finite() and base > 0:  # the common case, first
        return ()
    return _given_and_positive(base, ProblemCode.MISSING_BASE, ProblemCode.INVALID_BASE)


def _check_city_rank(spec: IndicatorSpec, unit: str, inputs: YearInputs) -> tuple[Problem, ...]:
    """Spec, method `city_rank`: a rank among `total` ranked units, so 1 ≤ rank ≤ total."""
    ranked = inputs.city_ranks.get((unit, spec.code))
    if ranked is not None and not 1 <= ranked[0] <= ranked[1]:
        return (Problem(ProblemCode.INVALID_CITY_RANK, value=f"{ranked[0]}/{ranked[1]}"),)
    return ()


def _check_grade(spec: IndicatorSpec, unit: str, inputs: YearInputs) -> tuple[Problem, ...]:
    """Spec, method `graded`: one of the grades with a factor (A–D by default)."""
    grade = inputs.grades.get((unit, spec.code))
    if grade is not None and normalize_grade(grade) not in inputs.params.grade_factors:
        return (Problem(ProblemCode.INVALID_GRADE, value=grade),)
    return ()


def _check_survey(spec: IndicatorSpec, unit: str, inputs: YearInputs) -> tuple[Problem, ...]:
    """Spec, method `survey`: a rate in [0, 1] or a percentage up to 100."""
    rate = inputs.survey_rates.get((unit, spec.code))
    if rate is not None and not is_valid_survey_rate(rate):
        return (Problem(ProblemCode.INVALID_SURVEY_RATE, value=to_decimal(rate)),)
    return ()


def _check_non_negative(spec: IndicatorSpec, unit: str, inputs: YearInputs) -> tuple[Problem, ...]:
    """Spec, methods `bonus` and `deduction`: values ≥ 0; on a catalogued indicator every
    record names one of its items, with a whole count ≥ 1."""
    if spec.items:
        return tuple(_check_item_records(spec, unit, inputs))
    value = to_decimal(inputs.evidence_of(unit, spec.code).value)
    if value < 0:
        return (Problem(ProblemCode.NEGATIVE_VALUE, value=value),)
    return ()


def _check_item_records(spec: IndicatorSpec, unit: str, inputs: YearInputs) -> Iterator[Problem]:
    codes = {item.code for item in spec.items}
    for record in inputs.item_records.get((unit, spec.code), ()):
        if record.item not in codes:
            yield Problem(ProblemCode.UNKNOWN_ITEM, value=record.item)
        elif record.count < 1:
            yield Problem(ProblemCode.INVALID_ITEM_COUNT, value=record.count)


_CHECKS: dict[str, tuple[CheckFn, ...]] = {
    Method.COMPLETION: (_check_target,),
    Method.CEILING: (_check_target,),
    Method.INCREMENT: (_check_target, _check_increment_base),
    Method.BASE_RATIO: (_check_ratio_base,),
    Method.CITY_RANK: (_check_city_rank,),
    Method.GRADED: (_check_grade,),
    Method.SURVEY: (_check_survey,),
    Method.BONUS: (_check_non_negative,),
    Method.DEDUCTION: (_check_non_negative,),
}


def _three_in_one_problems(inputs: YearInputs) -> Iterator[Problem]:
    """Spec, "Three in one": evaluation scores are 0–100, contribution points ≥ 0."""
    categories = {unit.code: unit.category for unit in inputs.units}
    for unit, score in inputs.team_evaluations.items():
        if unit not in categories:
            yield Problem(ProblemCode.UNKNOWN_UNIT, unit=unit)
        elif not _is_evaluation(score):
            yield Problem(
                ProblemCode.INVALID_EVALUATION, categories[unit], unit, value=to_decimal(score)
            )
    seen: set[tuple[str, str]] = set()
    for cadre in inputs.cadres:
        key = (cadre.unit, cadre.name)
        if cadre.unit not in categories:
            yield Problem(ProblemCode.UNKNOWN_UNIT, unit=cadre.unit, cadre=cadre.name)
        if key in seen:
            yield Problem(ProblemCode.DUPLICATE_CADRE, unit=cadre.unit, cadre=cadre.name)
        seen.add(key)
        for problem in _cadre_value_problems(inputs, key):
            yield Problem(
                problem.code,
                categories.get(cadre.unit),
                cadre.unit,
                cadre=cadre.name,
                value=problem.value,
            )


def _cadre_value_problems(inputs: YearInputs, key: tuple[str, str]) -> Iterator[Problem]:
    score = inputs.cadre_evaluations.get(key)
    if score is not None and not _is_evaluation(score):
        yield Problem(ProblemCode.INVALID_EVALUATION, value=to_decimal(score))
    points = inputs.contributions.get(key)
    if points is not None and to_decimal(points) < 0:
        yield Problem(ProblemCode.INVALID_CONTRIBUTION, value=to_decimal(points))


def _is_evaluation(score: Number) -> bool:
    return 0 <= to_decimal(score) <= HUNDRED
