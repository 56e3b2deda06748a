"""Exact arithmetic for the engine (spec/scoring.md, "Arithmetic").

Inputs arrive as `Decimal` (or `int`; a binary float is accepted and read as its shortest
decimal representation). Every formula is evaluated as a `Fraction` and rounded once, to
2 places, halves away from zero.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

Number = Decimal | int
"""What the engine's typed inputs hold. Floats are tolerated at run time via `to_decimal`."""

ZERO = Fraction(0)
ONE = Fraction(1)


def to_decimal(value: Decimal | int | float | str) -> Decimal:
    """Spec, Arithmetic: a float is taken as `Decimal(repr(x))`, never `Decimal(x)`.

    Ints, numeric strings and Decimals convert exactly. NaN and infinities are refused.
    """
    if type(value) is Decimal and value.is_finite():
        return value  # the common case, first
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
    if type(value) is Decimal:
        return _exact_decimal(value)
    if isinstance(value, Fraction):
        return value
    return Fraction(to_decimal(value))


@lru_cache(maxsize=1 << 16)
def _exact_decimal(value: Decimal) -> Fraction:
    # Points, caps, shares and many targets repeat across a year's units: building the same
    # Fraction once is most of the engine's conversion cost. Equal Decimals (1.0 and 1.00)
    # share an entry, which is right: they are the same number.
    return Fraction(to_decimal(value))


def round2(value: Fraction | Ratio) -> Decimal:
    """Spec, Arithmetic: round once to 2 places, halves away from zero (ROUND_HALF_UP).

    Works on the exact value, so 3 × 29 / 24 = 3.625 becomes 3.63. Zero is never "-0.00".
    In integers: with |value| = n / d, the hundredths are floor(100 n / d + 1/2), that is
    (200 n + d) // (2 d).
    """
    if isinstance(value, tuple):  # a Ratio (tested first: Fraction's isinstance goes through abc)
        numerator, denominator = value
    else:
        numerator, denominator = value.numerator, value.denominator
    hundredths = (200 * abs(numerator) + denominator) // (2 * denominator)
    if numerator < 0:
        hundredths = -hundredths
    found = _CENTS.get(hundredths)
    if found is None:
        found = Decimal(hundredths).scaleb(-2)
        if len(_CENTS) < _CENTS_KEPT:
            _CENTS[hundredths] = found
    return found


# The scores made so far, by hundredths: a year's 60,000 scores are a few thousand values
# (a Decimal is immutable, so one object serves every score of that value).
_CENTS: dict[int, Decimal] = {}
_CENTS_KEPT = 100_000


# --- Ratios: exact rationals as integer pairs, for the methods scored once per unit ----------
# A `Ratio` (n, d) is the exact number n / d with d > 0, not reduced. The arithmetic below is
# the textbook one (a/b × c/d = ac/bd, …), so every result is exactly the Fraction result;
# skipping Fraction's gcd reduction and type dispatch makes the per-unit methods several
# times faster, and the values are rounded once by `round2` as before.
Ratio = tuple[int, int]
R0: Ratio = (0, 1)


def ratio(value: Decimal | int | float | str | Fraction) -> Ratio:
    """The exact value of an input as a `Ratio`."""
    if type(value) is Decimal:
        return value.as_integer_ratio()  # exact; NaN and infinities raise
    if isinstance(value, Fraction):
        return value.numerator, value.denominator
    if type(value) is int:
        return value, 1
    return to_decimal(value).as_integer_ratio()


def r_mul(a: Ratio, b: Ratio) -> Ratio:
    return a[0] * b[0], a[1] * b[1]


def r_div(a: Ratio, b: Ratio) -> Ratio:
    """a / b for b ≠ 0, keeping the denominator positive."""
    numerator, denominator = a[0] * b[1], a[1] * b[0]
    return (-numerator, -denominator) if denominator < 0 else (numerator, denominator)


def r_add(a: Ratio, b: Ratio) -> Ratio:
    return a[0] * b[1] + b[0] * a[1], a[1] * b[1]


def r_sub(a: Ratio, b: Ratio) -> Ratio:
    return a[0] * b[1] - b[0] * a[1], a[1] * b[1]


def r_less(a: Ratio, b: Ratio) -> bool:
    return a[0] * b[1] < b[0] * a[1]


def r_clamp(value: Ratio, low: Ratio, high: Ratio) -> Ratio:
    """Spec, Arithmetic: clamp(x, lo, hi) keeps x inside [lo, hi]."""
    if r_less(value, low):
        return low
    if r_less(high, value):
        return high
    return value


def clamp(value: Fraction, low: Fraction, high: Fraction) -> Fraction:
    """Spec, Arithmetic: clamp(x, lo, hi) keeps x inside [lo, hi]."""
    return max(low, min(value, high))
