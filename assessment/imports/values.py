"""Cell parsers of the workbooks: one function per kind of value, raising ``ValueError``.

Each takes a non-blank cell as calamine gives it (str, float, int, bool, date, datetime …) and
returns the value to store, or raises ``ValueError`` with a message for the clerk. Blank cells
never reach a parser: the column decides whether blank is allowed and what it means.

What is accepted (spec/workbooks.md, "Values"):
- numbers: Excel numbers, or text with thousands separators, full-width digits and
  non-breaking or ordinary spaces (``1,234.5``, ``１２３``, ``1 234``). A number from Excel is
  taken as its shortest decimal (``Decimal(repr(x))``), rounded to the 15 significant digits
  Excel itself keeps, so a formula's 0.30000000000000004 reads as the 0.3 Excel shows.
- ``85%`` (``８５％``) only where a share or rate belongs (得分率, 总量占比, 封顶系数): 0.85.
- a trailing ``分`` only where points belong (分值, 名次步长, 测评得分, and the values of bonus
  and deduction records): ``1.5分`` is 1.5.
- dates: Excel dates, or text ``YYYY-MM-DD`` (also ``YYYY/M/D``, ``YYYY.M.D``, ``YYYY年M月D日``).
  A plain number is refused: it is a date only if Excel formats it as one.
- what identifies (codes, cadre names looked up, enumerated values): text, trimmed, full-width
  forms made half-width, runs of spaces made one, so that ``ＴＯ01`` finds unit TO01.
- free text (descriptions, unit and indicator names, groups, positions): kept as typed, only
  the blanks around it trimmed; ``完成（一期）：１００％`` is stored so, never rewritten.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from assessment.models import (
    AggregationChoices,
    EvidenceStatus,
    GradeChoices,
    LevelChoices,
    MethodChoices,
)
from units.cells import clean_text, parse_decimal
from units.models import Cadre

EXCEL_DIGITS = 15  # significant digits Excel keeps and shows

# Chinese names of the codes, as spec/workbooks.md lists them.
METHOD_NAMES = {
    "完成率": MethodChoices.COMPLETION,
    "控制类": MethodChoices.CEILING,
    "增量": MethodChoices.INCREMENT,
    "基数比例": MethodChoices.BASE_RATIO,
    "全市排名": MethodChoices.CITY_RANK,
    "定性评价": MethodChoices.GRADED,
    "测评": MethodChoices.SURVEY,
    "加分": MethodChoices.BONUS,
    "扣分": MethodChoices.DEDUCTION,
    "一票否决": MethodChoices.VETO,
    "取消评优": MethodChoices.DISQUALIFY,
}
LEVEL_NAMES = {
    "国家级": LevelChoices.NATIONAL,
    "省级": LevelChoices.PROVINCIAL,
    "市级": LevelChoices.CITY,
    "区级": LevelChoices.DISTRICT,
}
AGGREGATION_NAMES = {"累计求和": AggregationChoices.SUM, "取最新值": AggregationChoices.LATEST}
STATUS_NAMES = {"已核实": EvidenceStatus.VERIFIED, "待核实": EvidenceStatus.PENDING}
RANK_KIND_NAMES = {"正职": Cadre.RankKind.PRINCIPAL, "副职": Cadre.RankKind.DEPUTY}

_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def text(value: object) -> str:
    return clean_text(value)


def free_text(value: object) -> str:
    """A cell of free text, as typed (see the module's docstring)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a number in a text column, e.g. 2026 read as 2026.0
    return str(value).strip()


def tidy(number: Decimal) -> Decimal:
    """Without trailing zeros and never in exponent form: 1.50 → 1.5, 1E+3 → 1000."""
    try:
        if number == number.to_integral_value():
            return number.quantize(Decimal(1))
        return number.normalize()
    except InvalidOperation:  # beyond 28 digits: left as is, the field refuses its size
        return number


def _excel_number(value: float) -> Decimal:
    number = Decimal(repr(value))
    if number.is_finite() and len(number.as_tuple().digits) > EXCEL_DIGITS:
        exponent = number.adjusted() - EXCEL_DIGITS + 1
        number = number.quantize(Decimal(1).scaleb(exponent))
    return number


def number(value: object, *, percent: bool = False, points: bool = False) -> Decimal:
    """A number cell (see the module's docstring for what is accepted)."""
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(_("“%(value)s” is not a number.") % {"value": value})
        return tidy(_excel_number(value))
    if isinstance(value, str):
        cleaned = clean_text(value).replace("−", "-")
        if points and cleaned.endswith("分"):
            cleaned = cleaned[:-1].rstrip()
        elif percent and cleaned.endswith("%"):
            inner = _plain_number(cleaned[:-1].rstrip(), original=value)
            return tidy(inner / 100)
        return tidy(_plain_number(cleaned, original=value))
    if isinstance(value, datetime.date | datetime.time | datetime.timedelta):
        raise ValueError(_("“%(value)s” is not a number.") % {"value": value})
    parsed = parse_decimal(value)
    if parsed is None:
        raise ValueError(_("“%(value)s” is not a number.") % {"value": value})
    return tidy(parsed)


def _plain_number(cleaned: str, *, original: object) -> Decimal:
    try:
        parsed = parse_decimal(cleaned) if cleaned else None
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValueError(_("“%(value)s” is not a number.") % {"value": original})
    return parsed


def amount(value: object) -> Decimal:
    return number(value)


@dataclass(frozen=True)
class Share:
    """A period's cumulative target typed as a share of the annual target, e.g. 45%."""

    value: Decimal

    def __str__(self) -> str:
        return f"{tidy(self.value * 100)}%"


def target(value: object) -> Decimal | Share:
    """A target: a number, or on a period's row a percentage of the annual target (text "45%")."""
    if isinstance(value, str) and clean_text(value).endswith("%"):
        return Share(number(value, percent=True))
    return number(value)


def points(value: object) -> Decimal:
    return number(value, points=True)


def share(value: object) -> Decimal:
    return number(value, percent=True)


def whole(value: object) -> int:
    parsed = number(value)
    if parsed != parsed.to_integral_value():
        raise ValueError(_("“%(value)s” is not a whole number.") % {"value": value})
    return int(parsed)


def count(value: object) -> int:
    """A whole number of at least 0 (headcount)."""
    parsed = whole(value)
    if parsed < 0:
        raise ValueError(_("“%(value)s” must not be negative.") % {"value": value})
    return parsed


def occurrences(value: object) -> Decimal:
    """A number of times (次/人次): a whole number of at least 1."""
    parsed = whole(value)
    if parsed < 1:
        raise ValueError(_("“%(value)s” must be a whole number of at least 1.") % {"value": value})
    return Decimal(parsed)


def year(value: object) -> int:
    try:
        parsed = whole(value)
    except ValueError:
        parsed = 0
    if not 2000 <= parsed <= 2100:
        raise ValueError(_("“%(value)s” is not a year.") % {"value": clean_text(value)})
    return parsed


def date(value: object) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    match = _DATE.match(clean_text(value)) if isinstance(value, str) else None
    if match:
        try:
            return datetime.date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    raise ValueError(
        _("“%(value)s” is not a date: use a date cell or YYYY-MM-DD.")
        % {"value": clean_text(value)}
    )


def _choice(
    names: Mapping[str, str], codes: list[str], refuse: Callable[[str], str]
) -> Callable[[object], str]:
    """A parser accepting a code (any case) or its Chinese name; ``refuse`` words the error."""
    accepted = {code.casefold(): str(code) for code in codes}
    accepted.update({name.casefold(): str(code) for name, code in names.items()})

    def parse(value: object) -> str:
        cleaned = clean_text(value)
        try:
            return accepted[cleaned.casefold()]
        except KeyError:
            raise ValueError(refuse(cleaned)) from None

    return parse


method = _choice(
    METHOD_NAMES,
    MethodChoices.values,
    lambda value: (
        _("“%(value)s” is not a scoring method. Use one of: %(known)s.")
        % {"value": value, "known": _known(METHOD_NAMES)}
    ),
)
aggregation = _choice(
    AGGREGATION_NAMES,
    AggregationChoices.values,
    lambda value: (
        _("“%(value)s” is not an aggregation. Use one of: %(known)s.")
        % {"value": value, "known": _known(AGGREGATION_NAMES)}
    ),
)
status = _choice(
    STATUS_NAMES,
    [EvidenceStatus.VERIFIED, EvidenceStatus.PENDING],
    lambda value: (
        _("“%(value)s” is not a status: use 已核实 (verified) or 待核实 (pending).")
        % {"value": value}
    ),
)
level = _choice(
    LEVEL_NAMES,
    LevelChoices.values,
    lambda value: (
        _("“%(value)s” is not a level. Use one of: %(known)s, or leave it blank.")
        % {"value": value, "known": _known(LEVEL_NAMES)}
    ),
)
rank_kind = _choice(
    RANK_KIND_NAMES,
    Cadre.RankKind.values,
    lambda value: (
        _("“%(value)s” is neither principal (正职) nor deputy (副职).") % {"value": value}
    ),
)


def grade(value: object) -> str:
    cleaned = clean_text(value).upper()
    if cleaned not in GradeChoices.values:
        raise ValueError(
            _("“%(value)s” is not a grade: use A, B, C or D.") % {"value": clean_text(value)}
        )
    return cleaned


def _known(names: Mapping[str, str]) -> str:
    return "、".join(f"{name} ({code})" for name, code in names.items())
