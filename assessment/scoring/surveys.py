"""The satisfaction-survey tally: exact fractions, no Django.

Spec, method `survey`: the score is points × rate, the rate in [0, 1]. A survey gives a unit
its rate as the mean, over the valid responses, of each response's own mean over the questions
it answers, each answer worth its choice's value (满意 1, 基本满意 0.6, 不满意 0 by default).
Several surveys of one unit and indicator (one per service) pool their valid responses: each
response counts once, whichever survey it answered and however many questions that had.

    >>> response_score([Fraction(1), Fraction(3, 5)])
    Fraction(4, 5)
    >>> tally([[1, Fraction(3, 5)], [0, 0]]).rate
    Fraction(2, 5)

The rate is stored with 6 decimal places, rounded once, halves up (``rate_decimal``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from .numbers import Number, exact

RATE_PLACES = 6


@dataclass(frozen=True)
class SurveyTally:
    """The valid responses counted and the sum of their scores; ``rate`` is their mean."""

    responses: int
    total: Fraction

    @property
    def rate(self) -> Fraction | None:
        """The mean response score, or None when no response counts."""
        if self.responses == 0:
            return None
        return self.total / self.responses


def response_score(values: Sequence[Number | Fraction]) -> Fraction:
    """One response's score: the mean of the values of its answers (at least one)."""
    if not values:
        raise ValueError("a response answers at least one question")
    numbers = [value if isinstance(value, Fraction) else exact(value) for value in values]
    for number in numbers:
        if not 0 <= number <= 1:
            raise ValueError(f"a choice's value lies in [0, 1], not {number}")
    return sum(numbers, Fraction(0)) / len(numbers)


def tally(responses: Iterable[Sequence[Number | Fraction]]) -> SurveyTally:
    """The tally of valid responses, each given as the values of its answers."""
    count = 0
    total = Fraction(0)
    for values in responses:
        total += response_score(values)
        count += 1
    return SurveyTally(responses=count, total=total)


def rate_decimal(rate: Fraction) -> Decimal:
    """``rate`` with 6 decimal places, halves rounded up (the rate lies in [0, 1])."""
    if not 0 <= rate <= 1:
        raise ValueError(f"a rate lies in [0, 1], not {rate}")
    scale = 10**RATE_PLACES
    scaled = rate * scale
    units = (scaled.numerator * 2 + scaled.denominator) // (scaled.denominator * 2)
    return Decimal(units).scaleb(-RATE_PLACES).quantize(Decimal(1).scaleb(-RATE_PLACES))
