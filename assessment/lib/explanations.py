"""Score explanations in words (计分说明): each stored score's rule with its numbers, worded when
it is shown, exported or published.

A computation stores each explanation's numbers only (built by
``assessment.services.explanations``)::

    {"GDP": {"method": "completion", "points": "20.00", "target": "500", "actual": "460"}}

the numbers every unit of a category shares once on the run (``ComputationRun.explained``),
each unit's own on its row (``UnitResult.details``): ``stored_explanations`` joins them.

and this module words them: ``completion rate = 460 ÷ 500 = 92%; 20 × 92% = 18.40``. Worded
in the site's language (``settings.LANGUAGE_CODE``) whoever reads, as the texts were when they
were stored, so that the results page, the score sheet and a published document say the same
thing. Results stored before explanations were kept as numbers carry their ``text``: it is
shown as it was stored. A published document keeps the worded text (``full_detail``), so a
publication never depends on the wording of a later version.

The percentages are rounded for reading; the score is the engine's exact one, rounded once,
read from the result's ``scores``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

# An explanation's keys in a published document, in this order (``full_detail``).
DETAIL_KEYS = (
    "method", "points", "target", "base", "actual", "rank", "ranked", "grade", "rate", "text",
)  # fmt: skip
ZERO = Decimal(0)
HUNDRED = Decimal(100)
CENTS = Decimal("0.01")

Detail = Mapping[str, Any]


def plain(value: Any) -> str | None:
    """500.000000 → "500", 0.8500 → "0.85", None → None (no exponent, no trailing zeros)."""
    if value is None:
        return None
    number = value if type(value) is Decimal else Decimal(str(value))
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
    """The rule texts, translated once per language."""

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


@cache
def _words_in(language: str) -> Words:
    with translation.override(language):
        return Words.load()


def load_words() -> Words:
    """The rule texts in the site's language, whatever language the request chose."""
    return _words_in(settings.LANGUAGE_CODE)


# --- a stored result's explanations -----------------------------------------------------------


def stored_explanations(
    details: Mapping[str, Detail] | None,
    explained: Mapping[str, Mapping[str, Detail]] | None,
    category_id: int,
) -> dict[str, Detail]:
    """A unit result's explanations whole, by indicator code: its own numbers
    (``UnitResult.details``) after what its run stored once for every unit of its category
    (``ComputationRun.explained``, by category id). Runs stored before kept everything on each
    row."""
    if not details:
        return {}
    shared = (explained or {}).get(str(category_id))
    if not shared:
        return dict(details)
    return {code: {**shared.get(code, {}), **detail} for code, detail in details.items()}


# --- wording one explanation ------------------------------------------------------------------


def explanation_text(detail: Detail | None, score: Any, words: Words | None = None) -> str:
    """The rule of one stored explanation with its numbers, in words; ``score`` is the stored
    score of the indicator (``UnitResult.scores``). A text stored with the explanation (results
    computed before explanations were kept as numbers) is shown as it was stored."""
    if not detail:
        return ""
    stored = detail.get("text")
    if stored is not None:
        return str(stored)
    wording = _BY_METHOD.get(detail.get("method"))  # type: ignore[arg-type]
    if wording is None:
        return ""
    words = words or load_words()
    text = wording(words, detail, score)
    if reasons := detail.get("waived"):
        waived = words.waived % {"count": len(reasons), "reasons": "；".join(reasons)}
        text = f"{text}{words.separator}{waived}"
    return text


def explanation_texts(
    details: Mapping[str, Detail] | None,
    scores: Mapping[str, Any] | None,
    words: Words | None = None,
) -> dict[str, str]:
    """Every explanation of one unit result in words, by indicator code."""
    if not details:
        return {}
    words = words or load_words()
    scores = scores or {}
    return {
        code: explanation_text(detail, scores.get(code), words) for code, detail in details.items()
    }


def full_detail(detail: Detail, score: Any, words: Words | None = None) -> dict[str, Any]:
    """A stored explanation in the published format: every key of ``DETAIL_KEYS`` in its
    order (a key that is not stored is null), the rule worded as ``text``."""
    published = {key: detail.get(key) for key in DETAIL_KEYS}
    published["text"] = explanation_text(detail, score, words)
    return published


def _points(detail: Detail) -> str:
    return plain(Decimal(detail["points"])) or "0"


def _completion(words: Words, detail: Detail, score: Any) -> str:
    actual, target = detail["actual"], detail["target"]
    ratio = Decimal(actual) / Decimal(target)
    ceiling = detail["method"] == "ceiling"
    if ceiling:
        ratio = 2 - ratio
    values = {
        "actual": actual, "target": target, "rate": percent(ratio), "points": _points(detail),
        "score": score,
    }  # fmt: skip
    counted = detail.get("counted")
    if counted is None:
        return (words.ceiling if ceiling else words.completion) % values
    template = words.ceiling_counted if ceiling else words.completion_counted
    return template % {**values, "counted": percent(Decimal(counted))}


def _counted(ratio: Decimal, cap: Decimal) -> Decimal:
    return cap if ratio > cap else (ZERO if ratio < 0 else ratio)


def _increment(words: Words, detail: Detail, score: Any) -> str:
    actual, target, base = (Decimal(detail[key]) for key in ("actual", "target", "base"))
    cap, share = Decimal(detail["cap"]), Decimal(detail["share"])
    total_rate = actual / target
    increment_rate = (actual - base) / (target - base)
    total_text, increment_text = percent(total_rate), percent(increment_rate)
    total_counted = _counted(total_rate, cap)
    increment_counted = _counted(increment_rate, cap)
    return words.increment % {
        "actual": detail["actual"],
        "target": detail["target"],
        "base": detail["base"],
        "total_rate": total_text,
        "increment_rate": increment_text,
        "total_counted": total_text if total_counted == total_rate else percent(total_counted),
        "increment_counted": increment_text
        if increment_counted == increment_rate
        else percent(increment_counted),
        "share": percent(share),
        "rest": percent(1 - share),
        "points": _points(detail),
        "score": score,
    }


def _base_ratio(words: Words, detail: Detail, score: Any) -> str:
    ratio = Decimal(detail["actual"]) / Decimal(detail["base"])
    best = Decimal(detail["best"])
    template = words.base_ratio if best > 0 else words.base_ratio_none
    return template % {
        "actual": detail["actual"],
        "base": detail["base"],
        "rate": percent(ratio),
        "counted": percent(max(ratio, ZERO)),
        "best": percent(best),
        "points": _points(detail),
        "score": score,
    }


def _city_rank(words: Words, detail: Detail, score: Any) -> str:
    rank, total = detail.get("rank"), detail.get("ranked")
    if rank is None:
        return words.missing_rank % {"score": score}
    points = Decimal(detail["points"])
    points_text = _points(detail)
    step = detail.get("step")
    if step is not None:
        step_text, lost = step, Decimal(step) * (rank - 1)
    else:
        step_text, lost = f"{points_text} ÷ {total}", points * (rank - 1) / total
    template = words.city_rank_floor if lost > points else words.city_rank
    return template % {
        "rank": rank, "ranked": total, "points": points_text, "step": step_text, "score": score,
    }  # fmt: skip


def _graded(words: Words, detail: Detail, score: Any) -> str:
    grade = detail.get("grade")
    if grade is None:
        return words.missing_grade % {"score": score}
    return words.graded % {
        "grade": grade, "points": _points(detail), "factor": detail["factor"], "score": score,
    }  # fmt: skip


def _survey(words: Words, detail: Detail, score: Any) -> str:
    rate = detail.get("rate")
    if rate is None:
        return words.missing_rate % {"score": score}
    shown = percent(Decimal(rate))
    return words.survey % {"rate": shown, "points": _points(detail), "score": score}


def _points_item(words: Words, detail: Detail, score: Any) -> str:
    if "items" in detail:
        return _catalogued(words, detail, score)
    template = words.deduction if detail["method"] == "deduction" else words.bonus
    return template % {"actual": detail["actual"], "points": _points(detail), "score": score}


def _catalogued(words: Words, detail: Detail, score: Any) -> str:
    """Spec, "Catalogued bonus and deduction items": each record with its item, count and
    document, the records the once-per-document rule left out, the item caps that bound,
    and the indicator's cap. Records are stored as ``[code, name, count, document, points]``
    (``points`` the code of the item that counted instead, for a record that did not count:
    ``[…, None, winner]``), capped items as ``[code, name, raw, cap]``."""
    parts: list[str] = []
    for code, name, count, document, points, *instead in detail["items"]:
        values = {"code": code, "name": name, "count": count}
        if instead:
            parts.append(words.item_once % {**values, "document": document, "winner": instead[0]})
            continue
        cited = words.item_document % {"document": document} if document else ""
        parts.append(words.item_record % {**values, "document": cited, "points": points})
    for code, name, raw, cap in detail.get("capped", ()):
        parts.append(words.item_capped % {"code": code, "name": name, "raw": raw, "cap": cap})
    if not detail["items"]:
        parts.append(words.no_items % {"score": score})
    else:
        parts.append(
            words.items_total
            % {"total": detail["total"], "points": _points(detail), "score": score}
        )
    return words.separator.join(parts)


def _veto(words: Words, detail: Detail, score: Any) -> str:
    count = int(detail.get("actual") or 0)
    if detail["method"] == "disqualify":
        return words.disqualify % {"count": count} if count else words.no_disqualify
    return words.veto % {"count": count} if count else words.no_veto


_BY_METHOD: dict[str, Callable[[Words, Detail, Any], str]] = {
    "completion": _completion,
    "ceiling": _completion,
    "increment": _increment,
    "base_ratio": _base_ratio,
    "city_rank": _city_rank,
    "graded": _graded,
    "survey": _survey,
    "bonus": _points_item,
    "deduction": _points_item,
    "veto": _veto,
    "disqualify": _veto,
}
