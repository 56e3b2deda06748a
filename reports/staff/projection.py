"""Where the units stand now: the engine run on today's inputs, without storing a run.

``project`` reads the year as ``results_compute`` does (``year_data``: verified, current
evidence only, a fixed number of queries) and scores it with ``scoring.compute``. Only the
units are projected: the three-in-one inputs and the bonus pool are left out, since a
projection is about standings.

Where the engine refuses (a setup problem: a missing target, an invalid base …), computing
would list every problem and store nothing. A projection goes on instead: the units named by
a problem are set aside with their problems, a category whose scheme is invalid is set aside
whole, and the rest is scored; ranks and tiers are then among the units that could be
projected. A problem of the year itself (its parameters) leaves nothing to project.

Also here, over every unit at once: ``overdue_by_unit`` (the rule of ``indicators_overdue``)
and ``at_risk`` (the dashboard's rule, see its docstring).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import TypeVar

from assessment import scoring
from assessment.lib import collector
from assessment.lib.digest import inputs_digest
from assessment.lib.problem_messages import problem_message
from assessment.models import AssessmentYear, TierChoices
from assessment.scoring import Aggregation, Method
from assessment.selectors.evidence import OverdueIndicator
from assessment.selectors.evidence import overdue_by_unit as evidence_overdue
from assessment.services.compute import YearData, year_data

V = TypeVar("V")

CENTS = Decimal("0.01")
MAX_ATTEMPTS = 3  # a second run always succeeds; the third is a guard


@dataclass(frozen=True)
class ProjectedUnit:
    code: str
    name: str
    category: str
    total: Decimal
    rank: int
    tier: str
    veto: bool
    disqualified: bool

    @property
    def tier_label(self) -> str:
        return str(TierChoices(self.tier).label)


@dataclass
class Projection:
    """The projected standings of a year, and what could not be projected and why."""

    data: YearData
    units: dict[str, ProjectedUnit] = field(default_factory=dict)  # in scheme order
    unprojected: dict[str, list[scoring.Problem]] = field(default_factory=dict)  # unit code
    problems: list[scoring.Problem] = field(default_factory=list)  # not about one unit
    warnings: list[scoring.Problem] = field(default_factory=list)
    digest: str = ""

    def by_category(self) -> dict[str, list[ProjectedUnit]]:
        """Projected units per category code, best first."""
        grouped: dict[str, list[ProjectedUnit]] = defaultdict(list)
        for unit in sorted(self.units.values(), key=lambda u: (u.rank, u.code)):
            grouped[unit.category].append(unit)
        return grouped


def average(totals: list[Decimal]) -> Decimal | None:
    """The mean of projected totals, rounded half up to 2 places; None for no unit."""
    if not totals:
        return None
    mean = sum((Fraction(t) for t in totals), Fraction(0)) / len(totals)
    return (Decimal(mean.numerator) / Decimal(mean.denominator)).quantize(CENTS, ROUND_HALF_UP)


def _units_only(inputs: scoring.YearInputs) -> scoring.YearInputs:
    return replace(
        inputs,
        team_evaluations={},
        cadres=(),
        cadre_evaluations={},
        contributions={},
        bonus_pool=None,
    )


def _without(
    inputs: scoring.YearInputs, units: set[str], categories: set[str]
) -> scoring.YearInputs:
    """The inputs less some units and whole categories (their schemes too)."""
    kept = [u for u in inputs.units if u.code not in units and u.category not in categories]
    codes = {u.code for u in kept}

    def pairs(mapping: Mapping[tuple[str, str], V]) -> dict[tuple[str, str], V]:
        return {key: value for key, value in mapping.items() if key[0] in codes}

    return replace(
        inputs,
        units=kept,
        indicators={c: s for c, s in inputs.indicators.items() if c not in categories},
        targets=pairs(inputs.targets),
        bases=pairs(inputs.bases),
        evidence=pairs(inputs.evidence),
        city_ranks=pairs(inputs.city_ranks),
        grades=pairs(inputs.grades),
        survey_rates=pairs(inputs.survey_rates),
    )


@collector.paused()  # the year's inputs read and scored (assessment/lib/collector.py)
def project(year: AssessmentYear) -> Projection:
    """Score the year's units on the data as it is now; store nothing."""
    data = year_data(year)
    inputs = _units_only(data.inputs)
    projection = Projection(data=data, digest=inputs_digest(inputs))
    category_of = {unit.code: unit.category for unit in inputs.units}
    for _attempt in range(MAX_ATTEMPTS):
        try:
            result = scoring.compute(inputs)
        except scoring.SetupError as error:
            units, categories = _set_aside(error.problems, projection, category_of)
            if projection.problems:
                # Parameters of the year: nothing can be scored until they are fixed.
                for code in category_of:
                    projection.unprojected.setdefault(code, [])
                return projection
            inputs = _without(inputs, units, categories)
            continue
        projection.warnings = list(result.warnings)
        for code, unit in result.units.items():
            projection.units[code] = ProjectedUnit(
                code=code,
                name=data.unit_names[code],
                category=unit.category,
                total=unit.total,
                rank=unit.rank,
                tier=str(unit.tier),
                veto=unit.veto,
                disqualified=unit.disqualified,
            )
        return projection
    raise AssertionError("the projection did not settle")  # pragma: no cover


def _set_aside(
    problems: tuple[scoring.Problem, ...],
    projection: Projection,
    category_of: dict[str, str],
) -> tuple[set[str], set[str]]:
    """Sort the engine's problems: a unit's own, a category's, the year's."""
    units: set[str] = set()
    categories: set[str] = set()
    for problem in problems:
        if problem.unit and problem.unit in category_of:
            units.add(problem.unit)
            projection.unprojected.setdefault(problem.unit, []).append(problem)
        elif problem.category:
            categories.add(problem.category)
            for code, category in category_of.items():
                if category == problem.category:
                    projection.unprojected.setdefault(code, []).append(problem)
        else:
            projection.problems.append(problem)
    return units, categories


def unprojected_messages(
    projection: Projection, categories: dict[str, str] | None = None
) -> list[tuple[str, str, list[str]]]:
    """(unit code, name, its problems in words) of every unit that could not be projected;
    ``categories`` maps category codes to names."""
    data = projection.data
    return [
        (code, data.unit_names.get(code, code), [_word(p, data, categories) for p in problems])
        for code, problems in projection.unprojected.items()
        if problems
    ]


def general_messages(projection: Projection) -> list[str]:
    return [_word(p, projection.data) for p in projection.problems]


def _word(
    problem: scoring.Problem, data: YearData, categories: dict[str, str] | None = None
) -> str:
    return problem_message(
        problem, units=data.unit_names, indicators=data.indicator_names, categories=categories
    )


def problem_json(problem: scoring.Problem) -> dict[str, object]:
    """A problem as stored in a document (as a run stores its warnings): set fields only."""
    stored: dict[str, object] = {"code": str(problem.code)}
    for name in ("category", "unit", "indicator", "cadre", "value"):
        value = getattr(problem, name)
        if value is not None:
            stored[name] = value if isinstance(value, int | str) else str(value)
    return stored


# --- overdue reporting, for every unit at once --------------------------------------------------


def overdue_by_unit(
    year: AssessmentYear, data: YearData, today: datetime.date
) -> dict[int, list[OverdueIndicator]]:
    """``assessment.selectors.evidence.overdue_by_unit`` for every active unit of the year's
    data (unit id → its overdue indicators), as of ``today`` whatever the year's state."""
    units = {pk: data.unit_categories[code] for code, pk in data.unit_ids.items()}
    return evidence_overdue(year=year, today=today, units=units)


# --- indicators at risk of missing their target ------------------------------------------------

AT_RISK_SHARE = Decimal("0.8")
RISK_METHODS = frozenset({Method.COMPLETION, Method.INCREMENT})


@dataclass(frozen=True)
class Risk:
    unit: str  # code
    unit_name: str
    category: str  # code
    indicator: str  # code
    indicator_name: str
    target: Decimal
    expected: Decimal  # the pro-rata target, 2 places
    actual: Decimal
    ratio: Decimal  # actual / expected, 4 places

    @property
    def percent(self) -> Decimal:
        return (self.ratio * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)


def elapsed_share(year: int, today: datetime.date) -> Fraction:
    """The share of the year gone by at the end of ``today``: 0 before it, 1 after it."""
    start = datetime.date(year, 1, 1)
    days = (datetime.date(year, 12, 31) - start).days + 1
    gone = (today - start).days + 1
    return Fraction(min(max(gone, 0), days), days)


def at_risk(data: YearData, year: int, today: datetime.date) -> list[Risk]:
    """Indicators whose verified value so far is below 80% of the pro-rata target.

    The rule: for the indicators where more is better and the target is an amount to reach
    (methods ``completion`` and ``increment``), the pro-rata target is the target × the share
    of the year gone by for values summed over the year (``sum``), and the full target for a
    level read from the latest record (``latest``). An indicator is at risk when the verified
    value is below ``AT_RISK_SHARE`` (80%) of it. No query: it reads the projection's inputs.
    Worst first.
    """
    inputs = data.inputs
    share = elapsed_share(year, today)
    if share == 0:
        return []
    risks = []
    for unit in inputs.units:
        for spec in inputs.indicators.get(unit.category, ()):
            target = inputs.targets.get((unit.code, spec.code))
            if spec.method not in RISK_METHODS or target is None or target <= 0:
                continue
            due = Fraction(target) * (share if spec.aggregation == Aggregation.SUM else 1)
            actual = Decimal(inputs.evidence_of(unit.code, spec.code).value)
            ratio = Fraction(actual) / due
            if ratio < Fraction(AT_RISK_SHARE):
                risks.append(
                    Risk(
                        unit=unit.code,
                        unit_name=unit.name,
                        category=unit.category,
                        indicator=spec.code,
                        indicator_name=spec.name,
                        target=Decimal(target),
                        expected=_decimal(due, CENTS),
                        actual=actual,
                        ratio=_decimal(ratio, Decimal("0.0001")),
                    )
                )
    return sorted(risks, key=lambda r: (r.ratio, r.unit, r.indicator))


def _decimal(value: Fraction, places: Decimal) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(places, ROUND_HALF_UP)
