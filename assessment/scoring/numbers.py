"""Exact arithmetic for the engine (spec/scoring.md, "Arithmetic").

Inputs arrive as `Decimal` (or `int`; a binary float is accepted and read as its shortest
decimal representation). Every formula is evaluated as a `Fraction` and rounded once, to
2 places, halves away from zero.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

Number = Decimal | int
"""What the engine's typed inputs hold. Floats are tolerated at run time via `to_decimal`."""

ZERO = Fraction(0)
ONE = Fraction(1)


def to_decimal(value: Decimal | int | float | str) -> Decimal:
    """Spec, Arithmetic: a float is taken as `Decimal(repr(x))`, never `Decimal(x)`.

    Ints, numeric strings and Decimals convert exactly. NaN and infinities are refused.
    """
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(repr(value))
    elif isinstance(value, str):
        result = Decimal(value.strip())
    else:
        raise TypeError(f"cannot read {type(value).__name__} as a decimal number")
    if not result.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return result


def exact(value: Decimal | int | float | str | Fraction) -> Fraction:
    """The exact rational value of an input (spec, Arithmetic: evaluated exactly)."""
    if isinstance(value, Fraction):
        return value
    return Fraction(to_decimal(value))


def round2(value: Fraction) -> Decimal:
    """Spec, Arithmetic: round once to 2 places, halves away from zero (ROUND_HALF_UP).

    Works on the exact fraction, so 3 × 29 / 24 = 3.625 becomes 3.63. Zero is never "-0.00".
    """
    hundredths = math.floor(abs(value) * 100 + Fraction(1, 2))
    signed = -hundredths if value < 0 else hundredths
    return Decimal(f"{signed}E-2")


def clamp(value: Fraction, low: Fraction, high: Fraction) -> Fraction:
    """Spec, Arithmetic: clamp(x, lo, hi) keeps x inside [lo, hi]."""
    return max(low, min(value, high))
