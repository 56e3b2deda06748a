"""Score explanations (计分说明): each indicator score with its rule's inputs and the rule in words.

Built at computation time from the engine's inputs and scores already in memory (no query), one
``details`` mapping per unit result and, later, the ``explanations`` of a published document
(``assessment.models.publication``)::

    {"GDP": {"method": "completion", "points": "20.00", "target": "500", "base": null,
             "actual": "460", "rank": null, "ranked": null, "grade": null, "rate": null,
             "text": "completion rate = 460 ÷ 500 = 92%; 20 × 92% = 18.40"}}

Numbers are decimal strings as recorded (``500``, not ``500.000000``); ``rate`` is a survey
rate in [0, 1]; ``actual`` of a veto item is the number of verified veto records. The text is
worded once, in the site's language (``settings.LANGUAGE_CODE``), so that the results page and
the published document say the same thing whoever computed. The percentages in the text are
rounded for reading; the score is the engine's exact one, rounded once.

Fast on purpose: a city computes 60,000 of these, so the wording is looked up once per
computation and each explanation is a few Decimal operations and one ``%`` format.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

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

DETAIL_KEYS = (
    "method", "points", "target", "base", "actual", "rank", "ranked", "grade", "rate", "text",
)  # fmt: skip
ZERO = Decimal(0)
HUNDRED = Decimal(100)
CENTS = Decimal("0.01")


def plain(value: Any) -> str | None:
    """500.000000 → "500", 0.8500 → "0.85", None → None (no exponent, no trailing zeros)."""
    if value is None:
        return None
    number = value if type(value) is Decimal else to_decimal(value)
    text = str(number)
    if "E" in text:  # str() writes 1E+2 for some results of arithmetic
        text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def percent(ratio: Decimal) -> str:
    """0.92 → "92%", 0.916666… → "91.67%" (for reading; the score is computed exactly)."""
    text = str((ratio * HUNDRED).quantize(CENTS, ROUND_HALF_UP))
    if "E" in text:
        text = format(Decimal(text), "f")
    if text.endswith(".00"):
        text = text[:-3]
    elif text.endswith("0"):
        text = text[:-1]
    return ("0" if text == "-0" else text) + "%"


@dataclass(frozen=True)
class Words:
    """The rule texts, translated once per computation."""

    completion: str
    completion_counted: str
    ceiling: str
    ceiling_counted: str
    increment: str
    base_ratio: str
    base_ratio_none: str
    city_rank: str
    city_rank_floor: str
    graded: str
    survey: str
    missing_rank: str
    missing_grade: str
    missing_rate: str
    bonus: str
    deduction: str
    veto: str
    no_veto: str
    disqualify: str
    no_disqualify: str
    item_record: str
    item_document: str
    item_once: str
    item_capped: str
    items_total: str
    no_items: str
    waived: str
    separator: str

    @classmethod
    def load(cls) -> Words:
        return cls(
            completion=_(
                "completion rate = %(actual)s ÷ %(target)s = %(rate)s; "
                "%(points)s × %(rate)s = %(score)s"
            ),
            completion_counted=_(
                "completion rate = %(actual)s ÷ %(target)s = %(rate)s, counted as %(counted)s; "
                "%(points)s × %(counted)s = %(score)s"
            ),
            ceiling=_(
                "under the ceiling: 2 − %(actual)s ÷ %(target)s = %(rate)s; "
                "%(points)s × %(rate)s = %(score)s"
            ),
            ceiling_counted=_(
                "under the ceiling: 2 − %(actual)s ÷ %(target)s = %(rate)s, counted as "
                "%(counted)s; %(points)s × %(counted)s = %(score)s"
            ),
            increment=_(
                "total %(actual)s ÷ %(target)s = %(total_rate)s, increment "
                "(%(actual)s − %(base)s) ÷ (%(target)s − %(base)s) = %(increment_rate)s; "
                "%(points)s × (%(share)s × %(total_counted)s + %(rest)s × "
                "%(increment_counted)s) = %(score)s"
            ),
            base_ratio=_(
                "%(actual)s ÷ base %(base)s = %(rate)s, the best of the category %(best)s; "
                "%(points)s × %(counted)s ÷ %(best)s = %(score)s"
            ),
            base_ratio_none=_(
                "%(actual)s ÷ base %(base)s = %(rate)s; no unit of the category is above 0, so "
                "every unit scores %(score)s"
            ),
            city_rank=_(
                "rank %(rank)s of %(ranked)s: %(points)s − %(step)s × (%(rank)s − 1) = %(score)s"
            ),
            city_rank_floor=_(
                "rank %(rank)s of %(ranked)s: %(points)s − %(step)s × (%(rank)s − 1) is below "
                "0, so %(score)s"
            ),
            graded=_("grade %(grade)s: %(points)s × %(factor)s = %(score)s"),
            survey=_("rate %(rate)s: %(points)s × %(rate)s = %(score)s"),
            missing_rank=_("no city rank was entered: %(score)s"),
            missing_grade=_("no grade was entered: %(score)s"),
            missing_rate=_("no survey rate was entered: %(score)s"),
            bonus=_("verified bonus points %(actual)s, at most %(points)s: +%(score)s"),
            deduction=_("verified points lost %(actual)s, at most %(points)s: %(score)s"),
            veto=_("verified veto events: %(count)s; the unit is vetoed (一票否决)"),
            no_veto=_("no verified veto event"),
            disqualify=_(
                "verified records: %(count)s; the unit may not be rated excellent (取消评优资格)"
            ),
            no_disqualify=_("no verified record: no disqualification"),
            item_record=_("%(code)s %(name)s × %(count)s%(document)s = %(points)s"),
            item_document=_(" (document %(document)s)"),
            item_once=_(
                "%(code)s %(name)s × %(count)s (document %(document)s) does not count: the "
                "same document counts once, as %(winner)s"
            ),
            item_capped=_("%(code)s %(name)s %(raw)s, capped at %(cap)s by the item cap"),
            items_total=_("items %(total)s, at most %(points)s: %(score)s"),
            no_items=_("no verified item: %(score)s"),
            waived=_("waived (容错免责), not counted: %(count)s record(s), %(reasons)s"),
            # between the parts of one explanation
            separator=_("; "),
        )


def load_words() -> Words:
    """The rule texts in the site's language, whatever language the request chose."""
    with translation.override(settings.LANGUAGE_CODE):
        return Words.load()


def full_detail(stored: dict[str, Any]) -> dict[str, Any]:
    """A stored explanation with every key of the published format, in its order (a key that is
    not stored is null)."""
    return {key: stored.get(key) for key in DETAIL_KEYS}


@dataclass
class _Spec:
    """What every unit's explanation of one indicator shares: worked out once."""

    spec: IndicatorSpec
    method: str
    points: Decimal
    points_text: str  # "20", for the text
    points_field: str  # "20.00", for the format
    cap: Decimal
    share: Decimal
    cap_text: str = ""
    share_text: str = ""
    rest_text: str = ""
    template: str = ""
    counted_template: str = ""

    def line(self, text: str, **values: Any) -> dict[str, Any]:
        """One unit's explanation of this indicator: method, points, ``values`` and the text."""
        return {"method": self.method, "points": self.points_field, **values, "text": text}


class _Explainer:
    """Words the explanations of one computation; the per-indicator parts once each."""

    def __init__(self, inputs: YearInputs) -> None:
        self.inputs = inputs
        self.words = load_words()
        self.best = _best_ratios(inputs)
        self.category = {unit.code: unit.category for unit in inputs.units}
        self.specs: dict[tuple[str, str], _Spec] = {}
        words = self.words
        templates = {
            Method.COMPLETION: (words.completion, words.completion_counted),
            Method.CEILING: (words.ceiling, words.ceiling_counted),
            Method.INCREMENT: (words.increment, ""),
            Method.BONUS: (words.bonus, ""),
            Method.DEDUCTION: (words.deduction, ""),
        }
        for category, scheme in inputs.indicators.items():
            for spec in scheme:
                points = _decimal(spec.points)
                template, counted = templates.get(Method(spec.method), ("", ""))
                cap, share = _decimal(spec.cap), _decimal(spec.total_share)
                self.specs[(category, spec.code)] = _Spec(
                    spec=spec,
                    method=str(spec.method),
                    points=points,
                    points_text=plain(points) or "0",
                    points_field=format(points.quantize(CENTS, ROUND_HALF_UP), "f"),
                    cap=cap,
                    share=share,
                    cap_text=percent(cap),
                    share_text=percent(share),
                    rest_text=percent(1 - share),
                    template=template,
                    counted_template=counted,
                )
        self.by_method: dict[str, Callable[[_Spec, str, str | None], dict[str, Any]]] = {
            Method.COMPLETION: self._completion,
            Method.CEILING: self._completion,
            Method.INCREMENT: self._increment,
            Method.BASE_RATIO: self._base_ratio,
            Method.CITY_RANK: self._city_rank,
            Method.GRADED: self._graded,
            Method.SURVEY: self._survey,
            Method.BONUS: self._points_item,
            Method.DEDUCTION: self._points_item,
            Method.VETO: self._veto,
            Method.DISQUALIFY: self._veto,
        }

        # Per category, the scheme as (code, shared part, explainer): looked up once.
        self.schemes = {
            category: [
                (spec.code, self.specs[(category, spec.code)], self.by_method[str(spec.method)])
                for spec in scheme
            ]
            for category, scheme in inputs.indicators.items()
        }

    def unit(self, unit: UnitSpec, scores: Any) -> dict[str, dict[str, Any]]:
        code = unit.code
        details = {
            indicator: explain(
                item, code, None if (score := scores.get(indicator)) is None else str(score)
            )
            for indicator, item, explain in self.schemes[unit.category]
        }
        if self.inputs.waived:
            for indicator, detail in details.items():
                if reasons := self.inputs.waived.get((code, indicator)):
                    waived = self.words.waived % {
                        "count": len(reasons), "reasons": "；".join(reasons),
                    }  # fmt: skip
                    detail["text"] = f"{detail['text']}{self.words.separator}{waived}"
        return details

    def _actual(self, item: _Spec, unit: str) -> Decimal:
        total = self.inputs.evidence.get((unit, item.spec.code))
        return ZERO if total is None else _decimal(total.value)

    # Each returns the stored explanation: the keys that have a value (the others are null in
    # the published format, see ``full_detail``).

    def _completion(self, item: _Spec, unit: str, score: str | None) -> dict[str, Any]:
        actual = self._actual(item, unit)
        target = _decimal(self.inputs.targets[(unit, item.spec.code)])
        ratio = (2 - actual / target) if item.method == Method.CEILING else actual / target
        counted = item.cap if ratio > item.cap else (ZERO if ratio < ZERO else ratio)
        actual_text, target_text, rate = plain(actual), plain(target), percent(ratio)
        if counted == ratio:
            text = item.template % {
                "actual": actual_text, "target": target_text, "rate": rate,
                "points": item.points_text, "score": score,
            }  # fmt: skip
        else:
            text = item.counted_template % {
                "actual": actual_text, "target": target_text, "rate": rate,
                "counted": item.cap_text if counted == item.cap else percent(counted),
                "points": item.points_text, "score": score,
            }  # fmt: skip
        return item.line(text, target=target_text, actual=actual_text)

    def _increment(self, item: _Spec, unit: str, score: str | None) -> dict[str, Any]:
        key = (unit, item.spec.code)
        actual = self._actual(item, unit)
        target, base = _decimal(self.inputs.targets[key]), _decimal(self.inputs.bases[key])
        total_rate = actual / target
        increment_rate = (actual - base) / (target - base)
        total_text, increment_text = percent(total_rate), percent(increment_rate)
        total_counted = _counted(total_rate, item.cap)
        increment_counted = _counted(increment_rate, item.cap)
        values = {"actual": plain(actual), "target": plain(target), "base": plain(base)}
        text = item.template % {
            **values,
            "total_rate": total_text,
            "increment_rate": increment_text,
            "total_counted": total_text if total_counted == total_rate else percent(total_counted),
            "increment_counted": increment_text
            if increment_counted == increment_rate
            else percent(increment_counted),
            "share": item.share_text,
            "rest": item.rest_text,
            "points": item.points_text,
            "score": score,
        }
        return item.line(text, **values)

    def _base_ratio(self, item: _Spec, unit: str, score: str | None) -> dict[str, Any]:
        actual = self._actual(item, unit)
        base = _decimal(self.inputs.bases[(unit, item.spec.code)])
        ratio = actual / base
        best = self.best[(self.category[unit], item.spec.code)]
        values = {"base": plain(base), "actual": plain(actual)}
        template = self.words.base_ratio if best > 0 else self.words.base_ratio_none
        text = template % {
            **values,
            "rate": percent(ratio),
            "counted": percent(max(ratio, ZERO)),
            "best": percent(best),
            "points": item.points_text,
            "score": score,
        }
        return item.line(text, **values)

    def _city_rank(self, item: _Spec, unit: str, score: str | None) -> dict[str, Any]:
        ranked = self.inputs.city_ranks.get((unit, item.spec.code))
        if ranked is None:
            text = self.words.missing_rank % {"score": score}
            return item.line(text)
        rank, total = ranked
        step = item.spec.step
        if step is not None:
            step_text, lost = plain(step), _decimal(step) * (rank - 1)
        else:
            step_text, lost = f"{item.points_text} ÷ {total}", item.points * (rank - 1) / total
        template = self.words.city_rank_floor if lost > item.points else self.words.city_rank
        text = template % {
            "rank": rank, "ranked": total, "points": item.points_text, "step": step_text,
            "score": score,
        }  # fmt: skip
        return item.line(text, rank=rank, ranked=total)

    def _graded(self, item: _Spec, unit: str, score: str | None) -> dict[str, Any]:
        grade = self.inputs.grades.get((unit, item.spec.code))
        if grade is None:
            text = self.words.missing_grade % {"score": score}
            return item.line(text)
        grade = normalize_grade(grade)
        factor = plain(self.inputs.params.grade_factors[grade])
        text = self.words.graded % {
            "grade": grade, "points": item.points_text, "factor": factor, "score": score,
        }  # fmt: skip
        return item.line(text, grade=grade)

    def _survey(self, item: _Spec, unit: str, score: str | None) -> dict[str, Any]:
        value = self.inputs.survey_rates.get((unit, item.spec.code))
        if value is None:
            text = self.words.missing_rate % {"score": score}
            return item.line(text)
        rate = _decimal(value)
        if rate > 1:
            rate = rate / HUNDRED  # a percentage (spec, method `survey`)
        shown = percent(rate)
        text = self.words.survey % {"rate": shown, "points": item.points_text, "score": score}
        return item.line(text, rate=plain(rate))

    def _points_item(self, item: _Spec, unit: str, score: str | None) -> dict[str, Any]:
        if item.spec.items:
            return self._catalogued(item, unit, score)
        actual = plain(self._actual(item, unit))
        text = item.template % {"actual": actual, "points": item.points_text, "score": score}
        return item.line(text, actual=actual)

    def _catalogued(self, item: _Spec, unit: str, score: str | None) -> dict[str, Any]:
        """Spec, "Catalogued bonus and deduction items": each record with its item, count and
        document, the records the once-per-document rule left out, the item caps that bound,
        and the indicator's cap."""
        outcome = catalogue_outcome(
            items=item.spec.items,
            records=self.inputs.item_records.get((unit, item.spec.code), ()),
            points=item.points,
            deduction=item.method == Method.DEDUCTION,
        )
        words = self.words
        names = {entry.code: entry.name for entry in item.spec.items}
        parts: list[str] = []
        for counted in outcome.records:
            record = counted.record
            values = {"code": record.item, "name": names[record.item], "count": record.count}
            if counted.counted_instead is not None:
                parts.append(
                    words.item_once
                    % {**values, "document": record.document_key,
                       "winner": counted.counted_instead.item}
                )  # fmt: skip
                continue
            document = (
                words.item_document % {"document": record.document_key}
                if record.document_key
                else ""
            )
            points = _fraction(counted.points)
            parts.append(words.item_record % {**values, "document": document, "points": points})
        for total in outcome.items:
            if total.capped:
                parts.append(
                    words.item_capped
                    % {"code": total.item.code, "name": total.item.name,
                       "raw": _fraction(total.raw), "cap": _fraction(total.counted)}
                )  # fmt: skip
        if not outcome.records:
            parts.append(words.no_items % {"score": score})
        else:
            parts.append(
                words.items_total
                % {"total": _fraction(outcome.total), "points": item.points_text, "score": score}
            )
        return item.line(words.separator.join(parts), actual=_fraction(outcome.counted))

    def _veto(self, item: _Spec, unit: str, score: str | None) -> dict[str, Any]:
        total = self.inputs.evidence.get((unit, item.spec.code))
        records = 0 if total is None else total.records
        if item.method == Method.DISQUALIFY:
            words = self.words
            text = words.disqualify % {"count": records} if records else words.no_disqualify
        else:
            text = self.words.veto % {"count": records} if records else self.words.no_veto
        return item.line(text, actual=str(records))


def _fraction(value: Fraction) -> str:
    """An exact sum of item points as text: 2.5, not 5/2 (item points are decimals, so the
    sums are too: a fixed 28-digit division is exact for them)."""
    return plain(Decimal(value.numerator) / Decimal(value.denominator)) or "0"


def _decimal(value: Any) -> Decimal:
    return value if type(value) is Decimal else to_decimal(value)


def _counted(ratio: Decimal, cap: Decimal) -> Decimal:
    return cap if ratio > cap else (ZERO if ratio < 0 else ratio)


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


def year_details(inputs: YearInputs, result: YearResult) -> dict[str, dict[str, dict[str, Any]]]:
    """Every unit's explanations, by unit code then indicator code.

    Stored sparsely: an explanation holds the keys that have a value (``full_detail`` gives
    the published format, with nulls).
    """
    explainer = _Explainer(inputs)
    return {
        unit.code: explainer.unit(unit, result.units[unit.code].scores) for unit in inputs.units
    }
