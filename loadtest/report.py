"""What ``make loadtest`` prints: nearest-rank percentiles and a row per page kind (the
month-end rush's report, with its goals, is ``loadtest.month_end.report``)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from loadtest.run import Stats


def percentile(ordered: list[float], fraction: float) -> float:
    """The nearest-rank percentile: the smallest value with ``fraction`` of them at or below
    it (the 19th of 20 for p95). Rounding half to even picked the 20th of 20 and the 18th of
    18 alike."""
    if not ordered:
        return 0.0
    rank = math.ceil(round(fraction * len(ordered), 9))
    return ordered[min(len(ordered), max(1, rank)) - 1]


def report(stats: Stats, elapsed: float, users: int, seconds: float) -> int:
    header = f"{'page kind':<16}{'requests':>9}{'errors':>8}{'req/s':>8}"
    header += f"{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}"
    print()
    print(f"{users} virtual users for {seconds:g} s (wall time {elapsed:.1f} s)")
    print(header)
    print("-" * len(header))
    everything: list[float] = []
    for kind in sorted(stats.latencies):
        values = sorted(stats.latencies[kind])
        everything += values
        print(row(kind, values, stats.errors.get(kind, 0), elapsed))
    print("-" * len(header))
    total_errors = sum(stats.errors.values())
    print(row("overall", sorted(everything), total_errors, elapsed))
    return footer(stats, everything, elapsed)


def footer(stats: Stats, everything: list[float], elapsed: float, more: str = "") -> int:
    """The totals' line and the first errors; the exit status (1 on any error, or none
    measured)."""
    total_errors = sum(stats.errors.values())
    print()
    print(
        f"total requests: {len(everything)}   errors: {total_errors}   "
        f"requests/s: {len(everything) / elapsed:.1f}{more}"
    )
    for sample in stats.samples:
        print(f"  error: {sample}")
    return 1 if total_errors or not everything else 0


def row(kind: str, values: list[float], errors: int, elapsed: float, goal: str = "") -> str:
    ms = [percentile(values, f) * 1000 for f in (0.50, 0.95, 0.99)]
    top = (values[-1] * 1000) if values else 0.0
    return (
        f"{kind:<16}{len(values):>9}{errors:>8}{len(values) / elapsed:>8.1f}"
        f"{ms[0]:>9.0f}{ms[1]:>9.0f}{ms[2]:>9.0f}{top:>9.0f}{goal}"
    ).rstrip()
