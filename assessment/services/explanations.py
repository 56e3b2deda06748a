"""Score explanations (计分说明): each indicator score with the numbers its rule took, stored.

Built at computation time from the engine's inputs and scores already in memory (no query). An
explanation reads::

    {"GDP": {"method": "completion", "points": "20.00", "target": "500", "actual": "460"}}

A computation stores it in two parts: what every unit of a category shares — the method, the
points and the rule's constants (an increment's ``share`` and ``cap``, the best ratio of the
category ``best``, a rank ``step``) — once, on the run (``ComputationRun.explained``, by
category then indicator), and each unit's own numbers on its row
(``UnitResult.details``). ``assessment.lib.explanations.stored_explanations`` puts them back
together. Half of a city's 60,000 explanations were these shared numbers, written again for
each unit.

Numbers only: the rule is worded when it is shown, exported or published
(``assessment.lib.explanations``). Numbers are decimal strings as recorded (``500``, not
``500.000000``); ``rate`` is a survey rate in [0, 1]; ``actual`` of a veto item is the number of
verified veto records. A key without a value is left out. Besides the keys of the published
format (``assessment.lib.explanations.DETAIL_KEYS``) an explanation keeps what its words need
and the inputs alone do not say: the rate counted when the cap or 0 bound (``counted``), a
grade's ``factor``, a catalogue's records, capped items and ``total``, the reasons of waived
records (``waived``), and the shared constants above.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from assessment.lib.explanations import CENTS, ZERO, full_detail, percent, plain
from assessment.scoring import (
    IndicatorSpec,
    Method,
    UnitSpec,
    YearInputs,
    YearResult,
    catalogue_outcome,
    to_decimal,
)
from assessment.scoring.methods import normalize_grade

__all__ = [
    "full_detail", "percent", "plain", "run_explainer", "unit_explainer", "year_details",
]  # fmt: skip

Stored = dict[str, Any]


@dataclass
class _Spec:
    """What every unit's explanation of one indicator shares: worked out once."""

    spec: IndicatorSpec
    method: str
    points: Decimal
    cap: Decimal
    shared: Stored  # method, points and the rule's constants: the same for every unit
    apart: bool  # a unit's line leaves ``shared`` out (stored once on the run)
    ceiling: bool = False  # a completion rate counted down from twice the target

    def line(self, **values: Any) -> Stored:
        """One unit's explanation of this indicator: ``values``, after ``shared`` unless apart."""
        return values if self.apart else {**self.shared, **values}


_Explain = Callable[["_Explainer", "_Spec", str], "Stored"]


class _Explainer:
    """The numbers of the explanations of one computation; the per-indicator parts once each."""

    def __init__(self, inputs: YearInputs, *, apart: bool = False) -> None:
        self.inputs = inputs
        self.best = _best_ratios(inputs)
        # The class's functions, not this object's bound methods: kept on the object, those
        # would make a cycle through it and the year's inputs, which only Python's cycle
        # collector could free (a city's inputs are 150,000 objects).
        by_method: dict[str, _Explain] = {
            Method.COMPLETION: _Explainer._completion,
            Method.CEILING: _Explainer._completion,
            Method.INCREMENT: _Explainer._increment,
            Method.BASE_RATIO: _Explainer._base_ratio,
            Method.CITY_RANK: _Explainer._city_rank,
            Method.GRADED: _Explainer._graded,
            Method.SURVEY: _Explainer._survey,
            Method.BONUS: _Explainer._points_item,
            Method.DEDUCTION: _Explainer._points_item,
            Method.VETO: _Explainer._veto,
            Method.DISQUALIFY: _Explainer._veto,
        }
        # Per category, the scheme as (code, shared part, explainer): looked up once.
        self.schemes: dict[str, list[tuple[str, _Spec, _Explain]]] = {}
        for category, scheme in inputs.indicators.items():
            lines = self.schemes[category] = []
            for spec in scheme:
                points = _decimal(spec.points)
                item = _Spec(
                    spec=spec,
                    method=str(spec.method),
                    points=points,
                    cap=_decimal(spec.cap),
                    shared=self._shared(category, spec, points),
                    apart=apart,
                    ceiling=spec.method == Method.CEILING,
                )
                lines.append((spec.code, item, by_method[str(spec.method)]))

    def _shared(self, category: str, spec: IndicatorSpec, points: Decimal) -> Stored:
        """What every unit's explanation of ``spec`` says alike."""
        shared: Stored = {
            "method": str(spec.method),
            "points": format(points.quantize(CENTS, ROUND_HALF_UP), "f"),  # "20.00", as published
        }
        if spec.method == Method.INCREMENT:
            shared["share"] = plain(spec.total_share)
            shared["cap"] = plain(spec.cap)
        elif spec.method == Method.BASE_RATIO and (category, spec.code) in self.best:
            shared["best"] = plain(self.best[(category, spec.code)])
        elif spec.method == Method.CITY_RANK and spec.step is not None:
            shared["step"] = plain(spec.step)
        return {key: value for key, value in shared.items() if value is not None}

    def shared(self) -> dict[str, dict[str, Stored]]:
        """By category code then indicator code, what every unit's explanation says alike."""
        return {
            category: {code: item.shared for code, item, _explain in lines}
            for category, lines in self.schemes.items()
        }

    def unit(self, unit: UnitSpec) -> dict[str, Stored]:
        code = unit.code
        details = {
            indicator: explain(self, item, code)
            for indicator, item, explain in self.schemes[unit.category]
        }
        if self.inputs.waived:
            for indicator, detail in details.items():
                if reasons := self.inputs.waived.get((code, indicator)):
                    detail["waived"] = list(reasons)
        return details

    # The methods most indicators use (completion, increment, base ratio) are written out
    # in full, without the helpers' calls: a city has 40,000 such explanations.

    def _actual(self, item: _Spec, unit: str) -> Decimal:
        total = self.inputs.evidence.get((unit, item.spec.code))
        return ZERO if total is None else _decimal(total.value)

    def _completion(self, item: _Spec, unit: str) -> Stored:
        key = (unit, item.spec.code)
        total = self.inputs.evidence.get(key)
        actual = ZERO if total is None else total.value
        if type(actual) is not Decimal:
            actual = to_decimal(actual)
        target = self.inputs.targets[key]
        if type(target) is not Decimal:
            target = to_decimal(target)
        ratio = (2 - actual / target) if item.ceiling else actual / target
        line = {"target": plain(target), "actual": plain(actual)}
        if ratio > item.cap or ratio < ZERO:  # counted as the cap, or as 0
            line["counted"] = plain(item.cap if ratio > item.cap else ZERO)
        return line if item.apart else {**item.shared, **line}

    def _increment(self, item: _Spec, unit: str) -> Stored:
        key = (unit, item.spec.code)
        total = self.inputs.evidence.get(key)
        line = {
            "target": plain(self.inputs.targets[key]),
            "base": plain(self.inputs.bases[key]),
            "actual": "0" if total is None else plain(total.value),
        }
        return line if item.apart else {**item.shared, **line}

    def _base_ratio(self, item: _Spec, unit: str) -> Stored:
        key = (unit, item.spec.code)
        total = self.inputs.evidence.get(key)
        line = {
            "base": plain(self.inputs.bases[key]),
            "actual": "0" if total is None else plain(total.value),
        }
        return line if item.apart else {**item.shared, **line}

    def _city_rank(self, item: _Spec, unit: str) -> Stored:
        ranked = self.inputs.city_ranks.get((unit, item.spec.code))
        if ranked is None:
            return item.line()
        rank, total = ranked
        return item.line(rank=rank, ranked=total)

    def _graded(self, item: _Spec, unit: str) -> Stored:
        grade = self.inputs.grades.get((unit, item.spec.code))
        if grade is None:
            return item.line()
        grade = normalize_grade(grade)
        return item.line(grade=grade, factor=plain(self.inputs.params.grade_factors[grade]))

    def _survey(self, item: _Spec, unit: str) -> Stored:
        value = self.inputs.survey_rates.get((unit, item.spec.code))
        if value is None:
            return item.line()
        rate = _decimal(value)
        if rate > 1:
            rate = rate / 100  # a percentage (spec, method `survey`)
        return item.line(rate=plain(rate))

    def _points_item(self, item: _Spec, unit: str) -> Stored:
        if item.spec.items:
            return self._catalogued(item, unit)
        return item.line(actual=plain(self._actual(item, unit)))

    def _catalogued(self, item: _Spec, unit: str) -> Stored:
        """Spec, "Catalogued bonus and deduction items": each record with its item, count and
        document (or the item that counted instead for its document), the item caps that
        bound, and the sum before the indicator's cap."""
        outcome = catalogue_outcome(
            items=item.spec.items,
            records=self.inputs.item_records.get((unit, item.spec.code), ()),
            points=item.points,
            deduction=item.method == Method.DEDUCTION,
        )
        names = {entry.code: entry.name for entry in item.spec.items}
        records: list[list[Any]] = []
        for counted in outcome.records:
            record = counted.record
            row = [record.item, names[record.item], record.count, record.document_key]
            if counted.counted_instead is not None:
                records.append([*row, None, counted.counted_instead.item])
            else:
                records.append([*row, _fraction(counted.points)])
        line = item.line(actual=_fraction(outcome.counted), items=records)
        if records:
            line["total"] = _fraction(outcome.total)
        capped = [
            [total.item.code, total.item.name, _fraction(total.raw), _fraction(total.counted)]
            for total in outcome.items
            if total.capped
        ]
        if capped:
            line["capped"] = capped
        return line

    def _veto(self, item: _Spec, unit: str) -> Stored:
        total = self.inputs.evidence.get((unit, item.spec.code))
        return item.line(actual=str(0 if total is None else total.records))


def _fraction(value: Fraction) -> str:
    """An exact sum of item points as text: 2.5, not 5/2 (item points are decimals, so the
    sums are too: a fixed 28-digit division is exact for them)."""
    return plain(Decimal(value.numerator) / Decimal(value.denominator)) or "0"


def _decimal(value: Any) -> Decimal:
    return value if type(value) is Decimal else to_decimal(value)


def _best_ratios(inputs: YearInputs) -> dict[tuple[str, str], Decimal]:
    """Per category and base_ratio indicator: the highest actual / base of its units."""
    best: dict[tuple[str, str], Decimal] = {}
    for unit in inputs.units:
        for spec in inputs.indicators.get(unit.category, ()):
            if spec.method != Method.BASE_RATIO:
                continue
            key = (unit.category, spec.code)
            base = _decimal(inputs.bases[(unit.code, spec.code)])
            ratio = _decimal(inputs.evidence_of(unit.code, spec.code).value) / base
            if key not in best or ratio > best[key]:
                best[key] = ratio
    return best


def year_details(inputs: YearInputs, result: YearResult) -> dict[str, dict[str, Stored]]:
    """Every unit's explanations, by unit code then indicator code (numbers only: worded by
    ``assessment.lib.explanations``). ``result`` is the engine's outcome of ``inputs``."""
    explain = unit_explainer(inputs)
    return {unit.code: explain(unit) for unit in inputs.units if unit.code in result.units}


def unit_explainer(inputs: YearInputs) -> Callable[[UnitSpec], dict[str, Stored]]:
    """One unit's explanations at a time, whole (as ``year_details`` has them)."""
    return _Explainer(inputs).unit


def run_explainer(
    inputs: YearInputs,
) -> tuple[dict[str, dict[str, Stored]], Callable[[UnitSpec], dict[str, Stored]]]:
    """As a computation stores them: what every unit of a category shares (by category code
    then indicator code, for ``ComputationRun.explained``), and one unit's own numbers at a
    time (``UnitResult.details``), worked out as the database stores the rows before it."""
    explainer = _Explainer(inputs, apart=True)
    return explainer.shared(), explainer.unit
