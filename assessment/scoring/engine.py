"""`compute`: one assessment year from inputs to scores, ranks, tiers and bonuses."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from .bonus import BonusClaim, BonusResult, distribute_bonus
from .checks import collect_problems
from .inputs import (
    FLAG_METHODS,
    NO_EVIDENCE,
    IndicatorSpec,
    Method,
    Tier,
    UnitSpec,
    YearInputs,
)
from .items import catalogue_outcome
from .methods import (
    base_ratio_scores,
    bonus_score,
    cadre_score,
    ceiling_scores,
    city_rank_score,
    completion_scores,
    deduction_score,
    graded_score,
    increment_scores,
    survey_score,
    team_score,
)
from .numbers import ZERO, Number, exact, round2, to_decimal
from .problems import Problem, ProblemCode, SetupError
from .ranking import assign_tiers, competition_ranks
from .results import CadreResult, TeamResult, UnitResult, YearResult

ZERO_SCORE = round2(ZERO)
K = TypeVar("K", bound=Hashable)


def compute(inputs: YearInputs) -> YearResult:
    """Score one year as spec/scoring.md says, or raise `SetupError` listing every problem.

    Nothing partial is returned: the setup checks run over the whole year first.
    """
    errors, warnings = collect_problems(inputs)
    if errors:
        raise SetupError(errors)
    scored = _score_units(inputs, warnings)
    teams, missing_teams = _score_teams(inputs, scored)
    cadres, missing_cadres = _score_cadres(inputs, scored)
    bonus = None
    if inputs.bonus_pool is not None:
        bonus = _distribute(inputs.bonus_pool, inputs, scored)
    units = {
        code: UnitResult(
            code=code,
            category=unit.category,
            scores=unit.scores,
            group_totals=unit.group_totals,
            total=unit.total,
            rank=unit.rank,
            tier=unit.tier,
            veto=unit.veto,
            bonus=None if bonus is None else bonus.amounts[code],
            disqualified=unit.disqualified,
        )
        for code, unit in scored.items()
    }
    return YearResult(
        units=units,
        teams=teams,
        cadres=cadres,
        missing_team_evaluations=missing_teams,
        missing_cadre_evaluations=missing_cadres,
        warnings=tuple(warnings),
        bonus=bonus,
    )


@dataclass
class _Scored:
    """A unit while it is being scored; becomes a `UnitResult` once the bonus is known."""

    category: str
    headcount: int
    scores: dict[str, Decimal]
    group_totals: dict[str, Decimal]
    total: Decimal
    veto: bool
    disqualified: bool = False
    rank: int = 0
    tier: Tier = Tier.POOR


def _score_units(inputs: YearInputs, warnings: list[Problem]) -> dict[str, _Scored]:
    """Spec, "Methods" and "Total, rank and tier", category by category."""
    by_category: dict[str, list[UnitSpec]] = defaultdict(list)
    for unit in inputs.units:
        by_category[unit.category].append(unit)
    scored: dict[str, _Scored] = {}
    for category, units in by_category.items():
        scheme = inputs.indicators[category]
        scored.update(_score_category(scheme, units, inputs, warnings))
    return {unit.code: scored[unit.code] for unit in inputs.units}  # in the order given


def _score_category(
    scheme: Sequence[IndicatorSpec],
    units: Sequence[UnitSpec],
    inputs: YearInputs,
    warnings: list[Problem],
) -> dict[str, _Scored]:
    codes = [unit.code for unit in units]
    scores: dict[str, dict[str, Decimal]] = {code: {} for code in codes}
    for spec in scheme:
        if spec.method not in FLAG_METHODS:
            for code, score in _indicator_scores(spec, units, inputs, warnings).items():
                scores[code][spec.code] = score
    scored = {
        unit.code: _Scored(
            category=unit.category,
            headcount=unit.headcount,
            scores=scores[unit.code],
            group_totals=_group_totals(scheme, scores[unit.code]),
            total=sum(scores[unit.code].values(), ZERO_SCORE),
            veto=_flagged(scheme, unit.code, inputs, Method.VETO),
            disqualified=_flagged(scheme, unit.code, inputs, Method.DISQUALIFY),
        )
        for unit in units
    }
    totals = {code: unit.total for code, unit in scored.items()}
    ranks = competition_ranks(totals)
    tiers = _tiers(totals, scored, lambda code: code, inputs.params.excellent_quota, inputs)
    for code, unit in scored.items():
        unit.rank, unit.tier = ranks[code], tiers[code]
    return scored


def _group_totals(
    scheme: Sequence[IndicatorSpec], scores: Mapping[str, Decimal]
) -> dict[str, Decimal]:
    """Per indicator group, the sum of its rounded scores (spec: totals add up as printed)."""
    totals: dict[str, Decimal] = {}
    for spec in scheme:
        if spec.code in scores:
            totals[spec.group] = totals.get(spec.group, ZERO_SCORE) + scores[spec.code]
    return totals


def _flagged(
    scheme: Sequence[IndicatorSpec], unit: str, inputs: YearInputs, method: Method
) -> bool:
    """Spec, methods `veto` and `disqualify`: any verified record sets the unit's flag."""
    return any(
        inputs.evidence_of(unit, spec.code).records > 0 for spec in scheme if spec.method == method
    )


def _tiers(
    scores: Mapping[K, Decimal],
    scored: Mapping[str, _Scored],
    unit_of: Callable[[K], str],
    quota_share: Decimal,
    inputs: YearInputs,
) -> dict[K, Tier]:
    """Spec, "tiers": the unit's veto and disqualified flags hold for whatever is scored on
    it (the unit itself, its team, its cadres)."""
    vetoed = {key for key in scores if scored[unit_of(key)].veto}
    disqualified = {key for key in scores if scored[unit_of(key)].disqualified}
    return assign_tiers(
        scores,
        vetoed=vetoed,
        disqualified=disqualified,
        quota_share=quota_share,
        params=inputs.params,
    )


# --- one adapter per method: the unit's inputs into the method's score function ---

UnitScorer = Callable[[IndicatorSpec, str, YearInputs], Decimal | None]


def _actual(spec: IndicatorSpec, unit: str, inputs: YearInputs) -> Decimal:
    return to_decimal(inputs.evidence_of(unit, spec.code).value)


def _unit_values(
    spec: IndicatorSpec,
    units: Sequence[UnitSpec],
    inputs: YearInputs,
    *tables: Mapping[tuple[str, str], Number],
) -> dict[str, Any]:
    """Per unit, its actual and then its value of the indicator in each of ``tables``
    (targets, bases): what the methods scored for a whole category at once take."""
    code = spec.code
    evidence = inputs.evidence
    if len(tables) == 1:  # most indicators: written out, a city has 32,000 such values
        (table,) = tables
        return {
            unit.code: (
                to_decimal(evidence.get((unit.code, code), NO_EVIDENCE).value),
                table[(unit.code, code)],
            )
            for unit in units
        }
    return {
        unit.code: (
            to_decimal(evidence.get((unit.code, code), NO_EVIDENCE).value),
            *[table[(unit.code, code)] for table in tables],
        )
        for unit in units
    }


def _city_rank(spec: IndicatorSpec, unit: str, inputs: YearInputs) -> Decimal | None:
    ranked = inputs.city_ranks.get((unit, spec.code))
    if ranked is None:
        return None
    rank, total = ranked
    return city_rank_score(points=spec.points, rank=rank, total=total, step=spec.step)


def _graded(spec: IndicatorSpec, unit: str, inputs: YearInputs) -> Decimal | None:
    grade = inputs.grades.get((unit, spec.code))
    if grade is None:
        return None
    return graded_score(points=spec.points, grade=grade, factors=inputs.params.grade_factors)


def _survey(spec: IndicatorSpec, unit: str, inputs: YearInputs) -> Decimal | None:
    rate = inputs.survey_rates.get((unit, spec.code))
    if rate is None:
        return None
    return survey_score(points=spec.points, rate=rate)


def _catalogued(spec: IndicatorSpec, unit: str, inputs: YearInputs) -> Decimal:
    return catalogue_outcome(
        items=spec.items,
        records=inputs.item_records.get((unit, spec.code), ()),
        points=spec.points,
        deduction=spec.method == Method.DEDUCTION,
    ).score


def _bonus(spec: IndicatorSpec, unit: str, inputs: YearInputs) -> Decimal:
    if spec.items:
        return _catalogued(spec, unit, inputs)
    return bonus_score(points=spec.points, value=_actual(spec, unit, inputs))


def _deduction(spec: IndicatorSpec, unit: str, inputs: YearInputs) -> Decimal:
    if spec.items:
        return _catalogued(spec, unit, inputs)
    return deduction_score(points=spec.points, value=_actual(spec, unit, inputs))


_UNIT_SCORERS: dict[str, UnitScorer] = {
    Method.CITY_RANK: _city_rank,
    Method.GRADED: _graded,
    Method.SURVEY: _survey,
    Method.BONUS: _bonus,
    Method.DEDUCTION: _deduction,
}

# The methods against a target, scored for all the units of an indicator at once.
_AGAINST_TARGET: dict[str, Callable[..., dict[str, Decimal]]] = {
    Method.COMPLETION: completion_scores,
    Method.CEILING: ceiling_scores,
}

# Spec: "A city_rank, graded or survey indicator with no imported value for a unit scores 0
# and the result carries a warning naming the unit and indicator."
_MISSING_VALUE = {
    Method.CITY_RANK: ProblemCode.MISSING_CITY_RANK,
    Method.GRADED: ProblemCode.MISSING_GRADE,
    Method.SURVEY: ProblemCode.MISSING_SURVEY_RATE,
}


def _indicator_scores(
    spec: IndicatorSpec, units: Sequence[UnitSpec], inputs: YearInputs, warnings: list[Problem]
) -> dict[str, Decimal]:
    """The scores of one indicator for every unit of its category."""
    if spec.method == Method.BASE_RATIO:
        return base_ratio_scores(
            points=spec.points, values=_unit_values(spec, units, inputs, inputs.bases)
        )
    if spec.method in _AGAINST_TARGET:
        return _AGAINST_TARGET[spec.method](
            points=spec.points,
            cap=spec.cap,
            values=_unit_values(spec, units, inputs, inputs.targets),
        )
    if spec.method == Method.INCREMENT:
        return increment_scores(
            points=spec.points,
            cap=spec.cap,
            total_share=spec.total_share,
            values=_unit_values(spec, units, inputs, inputs.targets, inputs.bases),
        )
    scorer = _UNIT_SCORERS[spec.method]
    scores: dict[str, Decimal] = {}
    for unit in units:
        score = scorer(spec, unit.code, inputs)
        if score is None:
            code = _MISSING_VALUE[Method(spec.method)]
            warnings.append(Problem(code, unit.category, unit.code, spec.code))
            score = ZERO_SCORE
        scores[unit.code] = score
    return scores


# --- three in one ---


def _score_teams(
    inputs: YearInputs, scored: Mapping[str, _Scored]
) -> tuple[dict[str, TeamResult], tuple[str, ...]]:
    """Spec, "Three in one": team = 0.7 × unit total + 0.3 × team evaluation, rounded.

    Only teams with an evaluation are assessed; ranks and the quota are per category.
    """
    params = inputs.params
    missing = tuple(code for code in scored if code not in inputs.team_evaluations)
    by_category: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for code, unit in scored.items():
        if code in inputs.team_evaluations:
            by_category[unit.category][code] = team_score(
                unit_total=unit.total, evaluation=inputs.team_evaluations[code], params=params
            )
    teams: dict[str, TeamResult] = {}
    for category, scores in by_category.items():
        ranks = competition_ranks(scores)
        tiers = _tiers(scores, scored, lambda code: code, params.team_excellent_quota, inputs)
        for code, score in scores.items():
            teams[code] = TeamResult(code, category, score, ranks[code], tiers[code])
    ordered = {code: teams[code] for code in scored if code in teams}
    return ordered, missing


def _score_cadres(
    inputs: YearInputs, scored: Mapping[str, _Scored]
) -> tuple[dict[tuple[str, str], CadreResult], tuple[tuple[str, str], ...]]:
    """Spec, "Three in one": cadre = 0.6 × unit total + 0.4 × personal evaluation
    + key-project contribution points (capped at 5), rounded.

    Only cadres with an evaluation are assessed; ranks and the quota run over all of them.
    """
    params = inputs.params
    keys = [(cadre.unit, cadre.name) for cadre in inputs.cadres]
    missing = tuple(key for key in keys if key not in inputs.cadre_evaluations)
    contributions: dict[tuple[str, str], Decimal] = {}
    scores: dict[tuple[str, str], Decimal] = {}
    for key in keys:
        if key not in inputs.cadre_evaluations:
            continue
        points = inputs.contributions.get(key, 0)
        contributions[key] = round2(min(exact(points), exact(params.contribution_cap)))
        scores[key] = cadre_score(
            unit_total=scored[key[0]].total,
            evaluation=inputs.cadre_evaluations[key],
            contribution=points,
            params=params,
        )
    ranks = competition_ranks(scores)
    tiers = _tiers(scores, scored, lambda key: key[0], params.cadre_excellent_quota, inputs)
    cadres = {
        key: CadreResult(key[0], key[1], score, contributions[key], ranks[key], tiers[key])
        for key, score in scores.items()
    }
    return cadres, missing


def _distribute(pool: int, inputs: YearInputs, scored: Mapping[str, _Scored]) -> BonusResult:
    """Spec, "Bonus distribution": c × h by tier coefficient and headcount."""
    coefficients = inputs.params.tier_coefficients
    claims = [
        BonusClaim(code, coefficients[unit.tier], unit.headcount, unit.rank)
        for code, unit in scored.items()
    ]
    return distribute_bonus(pool, claims)
