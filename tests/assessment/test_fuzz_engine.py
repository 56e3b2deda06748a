"""Fuzzing the scoring engine: any year, valid or not, gives a result or a `SetupError`.

The engine's contract (``assessment.scoring.compute``): it returns a ``YearResult`` or raises
``SetupError`` whose ``problems`` list what is wrong, every one of them. Nothing else may
escape, whatever the inputs: negative, zero or missing targets, huge (finite) decimals, empty
schemes, duplicate codes, unknown methods, invalid ranks, grades, rates and parameters.
The value strategies of ``test_scoring_properties`` are reused for the well-formed numbers.
"""

from __future__ import annotations

from decimal import Decimal as D

from hypothesis import event, given, settings
from hypothesis import strategies as st

from assessment.scoring import (
    DEFAULT_GRADE_FACTORS,
    DEFAULT_TIER_COEFFICIENTS,
    Aggregation,
    CadreSpec,
    EvidenceTotal,
    IndicatorSpec,
    Method,
    Params,
    Problem,
    SetupError,
    Tier,
    UnitSpec,
    YearInputs,
    YearResult,
    collect_problems,
    compute,
)
from tests.assessment.test_scoring_properties import caps, hundredths, points, positive

FUZZ = settings(max_examples=120, deadline=None)

UNIT_CODES = ["U1", "U2", "U3", "U4", "U5"]
INDICATOR_CODES = ["X", "Y", "Z", "W"]
CATEGORIES = ["town", "economic", "empty"]

# finite decimals far outside any real range, both signs, many digits or large exponents
huge = st.one_of(
    st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**30), max_value=10**30),
    st.integers(min_value=-60, max_value=60).map(lambda e: D(7).scaleb(e)),
    st.integers(min_value=-60, max_value=60).map(lambda e: -D(3).scaleb(e)),
)
amounts = st.one_of(hundredths, positive, points, st.just(D(0)), st.just(D(-1)), huge)
small_ints = st.integers(min_value=-3, max_value=12)

methods = st.one_of(st.sampled_from([m.value for m in Method]), st.sampled_from(["", "bogus"]))
aggregations = st.sampled_from([Aggregation.SUM, Aggregation.LATEST, "mean"])


@st.composite
def indicator_specs(draw) -> IndicatorSpec:
    code = draw(st.sampled_from(INDICATOR_CODES))
    return IndicatorSpec(
        code=code,
        name=code,
        group=draw(st.sampled_from(["g1", "g2", ""])),
        points=draw(st.one_of(points, amounts)),
        method=draw(methods),
        aggregation=draw(aggregations),
        cap=draw(st.one_of(caps, amounts)),
        total_share=draw(st.one_of(st.sampled_from([D(0), D("0.5"), D(1)]), amounts)),
        step=draw(st.one_of(st.none(), points, amounts)),
    )


@st.composite
def params(draw) -> Params:
    if draw(st.booleans()):
        return Params()
    thresholds = draw(st.lists(st.integers(-10, 110).map(D), min_size=3, max_size=3))
    if draw(st.booleans()):
        thresholds.sort()
    shares = st.one_of(st.integers(0, 100).map(lambda n: D(n).scaleb(-2)), amounts)
    coefficients = dict(DEFAULT_TIER_COEFFICIENTS)
    if draw(st.booleans()):
        coefficients = draw(
            st.dictionaries(st.sampled_from([t.value for t in Tier] + ["best"]), amounts)
        )
    return Params(
        average_threshold=thresholds[0],
        good_threshold=thresholds[1],
        excellent_threshold=thresholds[2],
        excellent_quota=draw(shares),
        team_excellent_quota=draw(shares),
        cadre_excellent_quota=draw(shares),
        grade_factors=draw(
            st.one_of(
                st.just(dict(DEFAULT_GRADE_FACTORS)),
                st.dictionaries(st.sampled_from(["A", "B", "C", "D", "E"]), amounts, max_size=5),
            )
        ),
        team_unit_weight=draw(shares),
        team_evaluation_weight=draw(shares),
        cadre_unit_weight=draw(shares),
        cadre_evaluation_weight=draw(shares),
        contribution_cap=draw(amounts),
        tier_coefficients=coefficients,
    )


unit_codes = st.sampled_from(UNIT_CODES)
pairs = st.tuples(unit_codes, st.sampled_from(INDICATOR_CODES))
cadre_keys = st.tuples(unit_codes, st.sampled_from(["张三", "李四"]))


@st.composite
def year_inputs(draw) -> YearInputs:
    indicators = draw(
        st.dictionaries(
            st.sampled_from(CATEGORIES), st.lists(indicator_specs(), max_size=5), max_size=3
        )
    )
    units = draw(
        st.lists(
            st.builds(
                lambda code, category, headcount: UnitSpec(code, code, category, headcount),
                unit_codes,
                st.sampled_from([*CATEGORIES, "nowhere"]),
                st.integers(min_value=-2, max_value=500),
            ),
            max_size=7,
        )
    )
    return YearInputs(
        params=draw(params()),
        indicators=indicators,
        units=units,
        targets=draw(st.dictionaries(pairs, amounts, max_size=20)),
        bases=draw(st.dictionaries(pairs, amounts, max_size=20)),
        evidence=draw(
            st.dictionaries(
                pairs,
                st.builds(EvidenceTotal, amounts, st.integers(min_value=0, max_value=5)),
                max_size=20,
            )
        ),
        city_ranks=draw(st.dictionaries(pairs, st.tuples(small_ints, small_ints), max_size=10)),
        grades=draw(
            st.dictionaries(
                pairs, st.sampled_from(["A", "b", " C ", "D", "E", "", "优", "Ａ"]), max_size=10
            )
        ),
        survey_rates=draw(st.dictionaries(pairs, amounts, max_size=10)),
        team_evaluations=draw(
            st.dictionaries(st.sampled_from([*UNIT_CODES, "ZZ"]), amounts, max_size=6)
        ),
        cadres=[CadreSpec(unit, name) for unit, name in draw(st.lists(cadre_keys, max_size=5))],
        cadre_evaluations=draw(st.dictionaries(cadre_keys, amounts, max_size=5)),
        contributions=draw(st.dictionaries(cadre_keys, amounts, max_size=5)),
        bonus_pool=draw(
            st.one_of(st.none(), st.integers(min_value=-5, max_value=10**9), st.just(0))
        ),
    )


def _check_result(result: YearResult, inputs: YearInputs) -> None:
    assert set(result.units) == {unit.code for unit in inputs.units}
    for unit in result.units.values():
        assert unit.total == unit.total.quantize(D("0.01"))
        assert unit.tier in set(Tier)
        assert unit.rank >= 1
        if inputs.bonus_pool is None:
            assert unit.bonus is None
    if result.bonus is not None and result.bonus.paid:
        assert sum(result.bonus.amounts.values()) == inputs.bonus_pool


def _check_result_or_refusal(inputs: YearInputs) -> None:
    """The engine refuses the year naming every error ``collect_problems`` finds, or (when it
    finds none) gives a sound result."""
    errors, _warnings = collect_problems(inputs)
    try:
        result = compute(inputs)
    except SetupError as error:
        event("setup error")
        assert error.problems, "a SetupError must say what is wrong"
        assert all(isinstance(problem, Problem) for problem in error.problems)
        assert list(error.problems) == errors  # every problem, not only the first
        assert str(error)
        return
    event("result")
    assert not errors
    assert isinstance(result, YearResult)
    _check_result(result, inputs)


@FUZZ
@given(inputs=year_inputs())
def test_compute_returns_a_result_or_raises_setup_error_with_problems(inputs):
    _check_result_or_refusal(inputs)


@st.composite
def mostly_valid_years(draw) -> YearInputs:
    """A valid completion-only year with one input broken: the engine must name it."""
    codes = draw(st.lists(unit_codes, min_size=1, max_size=5, unique=True))
    scheme = [
        IndicatorSpec("X", "x", "g", D(60), "completion"),
        IndicatorSpec("Y", "y", "g", D(40), "ceiling", cap=draw(caps)),
    ]
    targets = {(code, ind): draw(positive) for code in codes for ind in ("X", "Y")}
    broken = draw(st.sampled_from(["none", "negative", "zero", "missing", "duplicate", "empty"]))
    key = (draw(st.sampled_from(codes)), draw(st.sampled_from(["X", "Y"])))
    units = [UnitSpec(code, code, "town", draw(st.integers(0, 100))) for code in codes]
    indicators = {"town": scheme}
    if broken == "negative":
        targets[key] = -draw(positive)
    elif broken == "zero":
        targets[key] = D(0)
    elif broken == "missing":
        del targets[key]
    elif broken == "duplicate":
        units.append(units[0])
    elif broken == "empty":
        indicators = {"town": []}
    return YearInputs(
        indicators=indicators,
        units=units,
        targets=targets,
        evidence={pair: EvidenceTotal(draw(hundredths), 1) for pair in targets},
        bonus_pool=draw(st.one_of(st.none(), st.integers(0, 10**6))),
    )


@FUZZ
@given(inputs=mostly_valid_years())
def test_one_broken_input_of_a_valid_year_is_named(inputs):
    _check_result_or_refusal(inputs)
