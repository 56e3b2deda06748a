"""The engine's structured problems, worded for a clerk in the user's language.

The engine (``assessment.scoring``) only says what is wrong and where, as a ``Problem`` with a
``ProblemCode``; this module names the unit, indicator and cadre the way a clerk knows them
("甲镇（A01）", "地区生产总值（E01）") and says what to fix. Names come from dictionaries the
caller builds once for a whole list of problems, so wording a hundred problems makes no query.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessment.scoring import Problem, ProblemCode

UnitNames = Mapping[str, str]  # unit code → unit name
IndicatorNames = Mapping[tuple[str, str], str]  # (category code, indicator code) → name

# The wording of each code; the placeholders are filled by `problem_message`. Codes whose
# wording depends on which fields are set (a team or a cadre …) are handled in `_SPECIAL`.
_TEMPLATES: dict[ProblemCode, Promise] = {
    # --- scheme ---
    ProblemCode.UNKNOWN_METHOD: gettext_lazy(
        "Indicator %(indicator)s: the scoring method “%(value)s” is unknown. Choose one of the "
        "listed methods."
    ),
    ProblemCode.UNKNOWN_AGGREGATION: gettext_lazy(
        "Indicator %(indicator)s: the aggregation “%(value)s” is unknown. Choose the sum of the "
        "records or the latest record."
    ),
    ProblemCode.INVALID_POINTS: gettext_lazy(
        "Indicator %(indicator)s: points cannot be negative (given: %(value)s)."
    ),
    ProblemCode.INVALID_CAP: gettext_lazy(
        "Indicator %(indicator)s: the cap must be at least 1 (given: %(value)s)."
    ),
    ProblemCode.INVALID_TOTAL_SHARE: gettext_lazy(
        "Indicator %(indicator)s: the share of the total must be between 0 and 1 "
        "(given: %(value)s)."
    ),
    ProblemCode.INVALID_STEP: gettext_lazy(
        "Indicator %(indicator)s: the rank step must be greater than 0 (given: %(value)s)."
    ),
    ProblemCode.DUPLICATE_INDICATOR: gettext_lazy(
        "Indicator code %(indicator_code)s is used more than once in the scheme of %(category)s."
    ),
    ProblemCode.POINTS_NOT_100: gettext_lazy(
        "The regular indicators of %(category)s add up to %(value)s points, not 100. Bonus, "
        "deduction and veto items are not counted."
    ),
    ProblemCode.CATALOGUE_NOT_ALLOWED: gettext_lazy(
        "Indicator %(indicator)s has catalogued items, but only bonus and deduction indicators "
        "may have them."
    ),
    ProblemCode.DUPLICATE_ITEM: gettext_lazy(
        "Indicator %(indicator)s: the item code %(value)s is used more than once."
    ),
    ProblemCode.INVALID_ITEM_POINTS: gettext_lazy(
        "Indicator %(indicator)s, item %(value)s: the points of one occurrence must be greater "
        "than 0."
    ),
    ProblemCode.INVALID_ITEM_CAP: gettext_lazy(
        "Indicator %(indicator)s, item %(value)s: the item cap must be greater than 0, or left "
        "empty."
    ),
    # --- units ---
    ProblemCode.DUPLICATE_UNIT: gettext_lazy("Unit %(unit)s is listed more than once."),
    ProblemCode.CATEGORY_WITHOUT_SCHEME: gettext_lazy(
        "Unit %(unit)s cannot be scored: its category %(category)s has no indicator scheme "
        "for the year."
    ),
    ProblemCode.INVALID_HEADCOUNT: gettext_lazy(
        "Unit %(unit)s: the headcount cannot be negative (given: %(value)s)."
    ),
    ProblemCode.DUPLICATE_CADRE: gettext_lazy(
        "Cadre %(cadre)s of %(unit)s is listed more than once."
    ),
    # --- per unit and indicator ---
    ProblemCode.MISSING_TARGET: gettext_lazy(
        "%(unit)s has no target for indicator %(indicator)s: enter it on the unit's targets page "
        "(or import the targets), then compute again."
    ),
    ProblemCode.INVALID_TARGET: gettext_lazy(
        "%(unit)s, indicator %(indicator)s: the target must be greater than 0 (given: %(value)s)."
    ),
    ProblemCode.MISSING_BASE: gettext_lazy(
        "%(unit)s has no base for indicator %(indicator)s: enter it on the unit's targets page "
        "(or import the targets), then compute again."
    ),
    ProblemCode.INVALID_BASE: gettext_lazy(
        "%(unit)s, indicator %(indicator)s: the base must be greater than 0 (given: %(value)s)."
    ),
    ProblemCode.TARGET_NOT_ABOVE_BASE: gettext_lazy(
        "%(unit)s, indicator %(indicator)s: the target (%(value)s) must be greater than the base."
    ),
    ProblemCode.INVALID_CITY_RANK: gettext_lazy(
        "%(unit)s, indicator %(indicator)s: the city rank %(value)s is impossible; the rank "
        "must be between 1 and the number ranked."
    ),
    ProblemCode.INVALID_GRADE: gettext_lazy(
        "%(unit)s, indicator %(indicator)s: “%(value)s” is not a grade of the year (A, B, C or D)."
    ),
    ProblemCode.INVALID_SURVEY_RATE: gettext_lazy(
        "%(unit)s, indicator %(indicator)s: the survey rate %(value)s is outside 0–100."
    ),
    ProblemCode.NEGATIVE_VALUE: gettext_lazy(
        "%(unit)s, indicator %(indicator)s: the verified records add up to %(value)s; bonus "
        "and deduction values cannot be negative."
    ),
    ProblemCode.UNKNOWN_ITEM: gettext_lazy(
        "%(unit)s, indicator %(indicator)s: a verified record names no item of the indicator's "
        "catalogue (“%(value)s”). Correct the record with one of its items, then compute again."
    ),
    ProblemCode.INVALID_ITEM_COUNT: gettext_lazy(
        "%(unit)s, indicator %(indicator)s: a verified record counts %(value)s times; the count "
        "of a catalogued item is a whole number of at least 1. Correct the record, then compute "
        "again."
    ),
    # --- three in one, bonus ---
    ProblemCode.INVALID_CONTRIBUTION: gettext_lazy(
        "Cadre %(cadre)s of %(unit)s: key-project contribution points cannot be negative "
        "(given: %(value)s)."
    ),
    ProblemCode.INVALID_BONUS_POOL: gettext_lazy(
        "The bonus pool cannot be negative (given: %(value)s yuan)."
    ),
    # --- warnings on the result ---
    ProblemCode.MISSING_CITY_RANK: gettext_lazy(
        "%(unit)s has no imported city rank for indicator %(indicator)s; the indicator scores 0."
    ),
    ProblemCode.MISSING_GRADE: gettext_lazy(
        "%(unit)s has no grade for indicator %(indicator)s; the indicator scores 0."
    ),
    ProblemCode.MISSING_SURVEY_RATE: gettext_lazy(
        "%(unit)s has no survey rate for indicator %(indicator)s; the indicator scores 0."
    ),
}

# `validate_params` names a Params field (or a group of them) in `value`.
_PARAM_LABELS: dict[str, Promise] = {
    "thresholds": gettext_lazy(
        "the tier thresholds (they must be ordered: average ≤ good ≤ excellent, from 0)"
    ),
    "excellent_quota": gettext_lazy("the excellent quota for units (between 0 and 1)"),
    "team_excellent_quota": gettext_lazy("the excellent quota for teams (between 0 and 1)"),
    "cadre_excellent_quota": gettext_lazy("the excellent quota for cadres (between 0 and 1)"),
    "team_unit_weight": gettext_lazy("the team's weight of the unit total"),
    "team_evaluation_weight": gettext_lazy("the team's weight of the evaluation"),
    "cadre_unit_weight": gettext_lazy("the cadre's weight of the unit total"),
    "cadre_evaluation_weight": gettext_lazy("the cadre's weight of the evaluation"),
    "contribution_cap": gettext_lazy("the cap of key-project contribution points"),
    "grade_factors": gettext_lazy("the grade factors (none may be negative)"),
    "tier_coefficients": gettext_lazy(
        "the bonus coefficients (one per tier, none may be negative)"
    ),
}


def unit_label(code: str | None, units: UnitNames) -> str:
    """「甲镇（A01）」: a unit by name and code, or by code alone if its name is unknown."""
    if not code:
        return "—"
    name = units.get(code)
    if not name:
        return code
    return _("%(name)s (%(code)s)") % {"name": name, "code": code}


def indicator_label(category: str | None, code: str | None, indicators: IndicatorNames) -> str:
    if not code:
        return "—"
    name = indicators.get((category or "", code))
    if name is None:  # a problem without a category: any category's indicator of that code
        name = next((n for (_cat, c), n in indicators.items() if c == code), None)
    if not name:
        return code
    return _("%(name)s (%(code)s)") % {"name": name, "code": code}


def format_value(value: Decimal | int | str | None) -> str:
    """A value as a clerk would write it: no exponent, no trailing binary noise."""
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _unknown_unit(problem: Problem, context: dict[str, Any]) -> str:
    if problem.cadre:
        return (
            _("Cadre %(cadre)s belongs to unit %(unit)s, which is not assessed this year.")
            % context
        )
    return _("A team evaluation names unit %(unit)s, which is not assessed this year.") % context


def _invalid_evaluation(problem: Problem, context: dict[str, Any]) -> str:
    if problem.cadre:
        return (
            _(
                "Cadre %(cadre)s of %(unit)s: the evaluation score must be between 0 and 100 "
                "(given: %(value)s)."
            )
            % context
        )
    return (
        _(
            "The leadership team of %(unit)s: the evaluation score must be between 0 and 100 "
            "(given: %(value)s)."
        )
        % context
    )


def _invalid_param(problem: Problem, context: dict[str, Any]) -> str:
    name = str(problem.value or "")
    label = _PARAM_LABELS.get(name, name)
    return _("A parameter of the year is invalid: %(parameter)s.") % {"parameter": label}


_SPECIAL: dict[ProblemCode, Callable[[Problem, dict[str, Any]], str]] = {
    ProblemCode.UNKNOWN_UNIT: _unknown_unit,
    ProblemCode.INVALID_EVALUATION: _invalid_evaluation,
    ProblemCode.INVALID_PARAM: _invalid_param,
}


def problem_message(
    problem: Problem,
    *,
    units: UnitNames,
    indicators: IndicatorNames,
    categories: Mapping[str, str] | None = None,
) -> str:
    """One problem as a sentence naming the unit, indicator and cadre by name and code.

    ``units`` maps unit codes to names, ``indicators`` (category code, indicator code) to
    names, ``categories`` (optional) category codes to names.
    """
    category = problem.category or ""
    context = {
        "unit": unit_label(problem.unit, units),
        "indicator": indicator_label(problem.category, problem.indicator, indicators),
        "indicator_code": problem.indicator or "—",
        "category": (categories or {}).get(category, category) or "—",
        "cadre": problem.cadre or "—",
        "value": format_value(problem.value),
    }
    special = _SPECIAL.get(problem.code)
    if special is not None:
        return special(problem, context)
    return str(_TEMPLATES[problem.code]) % context


def problem_messages(
    problems: list[Problem],
    *,
    units: UnitNames,
    indicators: IndicatorNames,
    categories: Mapping[str, str] | None = None,
) -> list[str]:
    return [
        problem_message(p, units=units, indicators=indicators, categories=categories)
        for p in problems
    ]


_PROBLEM_FIELDS = ("category", "unit", "indicator", "cadre", "value")


def problem_from_data(data: Mapping[str, Any]) -> Problem | None:
    """A stored problem (a JSON object with the fields of ``Problem``) back as a ``Problem``.

    Returns None for anything that is not one (an unknown code, a plain string), so a page
    can fall back to showing the stored text as it is.
    """
    try:
        code = ProblemCode(data["code"])
    except (KeyError, TypeError, ValueError):
        return None
    return Problem(code, **{name: data.get(name) for name in _PROBLEM_FIELDS})


def stored_messages(stored: Sequence[Any], **names: Any) -> list[str]:
    """Stored warnings (problems as JSON objects, or plain text) in the reader's language;
    ``names`` as ``problem_message`` takes them."""
    messages = []
    for item in stored:
        problem = problem_from_data(item) if isinstance(item, dict) else None
        messages.append(str(item) if problem is None else problem_message(problem, **names))
    return messages
