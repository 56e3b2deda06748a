"""Signals of falsification in the digits of a unit's figures (part of ``signals``): last-digit
heaping and an excess of round numbers, each with its test and p-value, where there are enough
records to tell. Pure functions, no Django."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction

from .signals import Fact, Signal, SignalKind, Thresholds, unit_signal

DEFAULTS = Thresholds()


def chi_square_p(statistic: float, degrees: int) -> float:
    """P(χ² with ``degrees`` degrees of freedom ≥ statistic): the upper tail.

    That is the regularised upper incomplete gamma function Q(k/2, x/2): below a + 1 as the
    complement of the lower function's power series, above it by its continued fraction
    (evaluated by the modified Lentz method), which keeps tiny tails accurate.
    """
    if statistic <= 0:
        return 1.0
    a, x = degrees / 2, statistic / 2
    log_front = -x + a * math.log(x) - math.lgamma(a)
    if x < a + 1:
        term = total = 1.0 / a
        n = 1
        while term > total * 1e-15:
            term *= x / (a + n)
            total += term
            n += 1
        return max(0.0, 1.0 - math.exp(log_front) * total)
    tiny = 1e-300
    b = x + 1 - a
    c = 1 / tiny
    d = 1 / b
    fraction = d
    for n in range(1, 1000):
        an = -n * (n - a)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        step = d * c
        fraction *= step
        if abs(step - 1) < 1e-15:
            break
    return math.exp(log_front) * fraction


def binomial_upper_p(successes: int, trials: int, probability: Fraction) -> float:
    """P(X ≥ successes) for X binomial(trials, probability), summed exactly."""
    numerator, denominator = probability.numerator, probability.denominator
    tail = sum(
        math.comb(trials, k) * numerator**k * (denominator - numerator) ** (trials - k)
        for k in range(successes, trials + 1)
    )
    return float(Fraction(tail, denominator**trials))


def last_digit(value: Decimal) -> int | None:
    """The last digit of the whole part, for figures of two whole digits or more."""
    whole = abs(int(value))
    return whole % 10 if whole >= 10 else None


def digit_heaping(facts: Iterable[Fact], thresholds: Thresholds = DEFAULTS) -> list[Signal]:
    """Per unit: last digits of its figures far from uniform (χ² test, 9 degrees of freedom).

    Honest figures of two digits or more end in each digit about equally often; invented
    ones favour some (0 and 5 most of all).
    """
    by_unit: dict[str, list[tuple[Fact, int]]] = defaultdict(list)
    for fact in facts:
        digit = last_digit(fact.value) if fact.counts else None
        if digit is not None:
            by_unit[fact.unit].append((fact, digit))
    signals = []
    for unit, entries in sorted(by_unit.items()):
        counts = [0] * 10
        for _fact, digit in entries:
            counts[digit] += 1
        found = heaping_test(counts, thresholds)
        if found is None:
            continue
        statistic, p = found
        n = len(entries)
        signals.append(
            unit_signal(
                SignalKind.DIGIT_HEAPING,
                unit,
                [fact for fact, _ in entries],
                {"counts": counts, "records": n, "statistic": round(statistic, 1)},
                test="chi-square, 9 degrees of freedom",
                p_value=p,
            )
        )
    return signals


def heaping_test(
    counts: list[int], thresholds: Thresholds = DEFAULTS
) -> tuple[float, float] | None:
    """The χ² statistic and p-value of a unit's last-digit ``counts`` (one per digit 0–9), or
    None when there are too few figures or the digits are not far enough from uniform."""
    n = sum(counts)
    if n < thresholds.digit_min_records:
        return None
    expected = n / 10
    statistic = sum((count - expected) ** 2 / expected for count in counts)
    p = chi_square_p(statistic, 9)
    return None if p >= thresholds.p_value else (statistic, p)


def round_test(round_ones: int, n: int, thresholds: Thresholds = DEFAULTS) -> float | None:
    """The p-value of ``round_ones`` whole hundreds among a unit's ``n`` figures of 100 or
    more, or None when there are too few figures or no more round ones than chance allows."""
    if n < thresholds.round_min_records:
        return None
    # no more than chance's median share (n / 100) leaves the tail at 1/2 or more: no test
    if round_ones <= n // 100:
        return None
    p = binomial_upper_p(round_ones, n, Fraction(1, 100))
    return None if p >= thresholds.p_value else p


def round_numbers(facts: Iterable[Fact], thresholds: Thresholds = DEFAULTS) -> list[Signal]:
    """Per unit: more figures that are whole hundreds than chance allows (binomial test).

    Of figures of 100 or more, about one in a hundred is a whole multiple of 100.
    """
    by_unit: dict[str, list[Fact]] = defaultdict(list)
    for fact in facts:
        if fact.counts and abs(fact.value) >= 100:
            by_unit[fact.unit].append(fact)
    signals = []
    for unit, records in sorted(by_unit.items()):
        n = len(records)
        if n < thresholds.round_min_records:
            continue  # the cheap test first
        round_ones = [fact for fact in records if fact.value % 100 == 0]
        p = round_test(len(round_ones), n, thresholds)
        if p is None:
            continue
        signals.append(
            unit_signal(
                SignalKind.ROUND_NUMBERS,
                unit,
                round_ones,
                {"round": len(round_ones), "records": n, "expected_share": 0.01},
                test="binomial, one-sided (share of whole hundreds 1/100)",
                p_value=p,
            )
        )
    return signals
