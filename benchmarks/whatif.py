"""``make bench``: how long a what-if on a city-scale year takes, against its goal.

    python -m benchmarks.whatif [--units N] [--evidence N] [--repeat N]

Builds the city of ``benchmarks.compute`` (1,000 units, 60 indicators per category) in a
throwaway database, reads the year's inputs once (``year_data``, timed for information), then
times the what-if itself: a draft that moves up to 5 points from one indicator to another in
every category, scored beside the year's own scheme and compared unit by unit (both engine
runs and the comparison). The goal is under 2 s. Also shown, for information: what decided the
tier of one unit (as its score sheet shows it), and the balance of every category. The
evidence only shapes the values read, not the what-if's work, so fewer records than the
computation benchmark's million are built by default. Prints only; asserts nothing.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import time
from collections.abc import Callable
from decimal import Decimal

from benchmarks.compute import build_in_child, in_throwaway_database, server_version

GOAL_SECONDS = 2.0
MOVED = Decimal(5)


def timed(action: Callable[[], object], repeat: int) -> tuple[float, object]:
    """The median wall time of ``repeat`` runs, and the last run's result."""
    times = []
    result: object = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def five_points_moved(inputs):  # type: ignore[no-untyped-def]
    """A draft moving up to 5 points (all it has, if less) from the heaviest regular indicator
    to another, in every category."""
    from assessment.scoring import REGULAR_METHODS
    from assessment.scoring.whatif import Draft

    schemes = {}
    for category, specs in inputs.indicators.items():
        regular = [i for i, spec in enumerate(specs) if spec.method in REGULAR_METHODS]
        changed = list(specs)
        first = max(regular, key=lambda i: specs[i].points)
        second = next(i for i in regular if i != first)
        moved = min(MOVED, Decimal(specs[first].points))
        changed[first] = dataclasses.replace(specs[first], points=specs[first].points - moved)
        changed[second] = dataclasses.replace(specs[second], points=specs[second].points + moved)
        schemes[category] = changed
    return Draft(indicators=schemes)


def run(args: argparse.Namespace) -> None:
    from django.core.management import call_command
    from django.db import connection

    from assessment.models import AssessmentYear
    from assessment.scoring import compute
    from assessment.scoring.balance import balance
    from assessment.scoring.deciders import decide
    from assessment.scoring.whatif import what_if
    from assessment.services.compute import year_data
    from benchmarks.dataset import Shape

    print(f"What-if benchmark on {connection.display_name} {server_version()}")
    call_command("migrate", verbosity=0)
    shape = Shape(units=args.units, evidence=args.evidence, projects=2)
    built = build_in_child(shape)
    print(f"  built in {built:.1f} s; measuring …", flush=True)

    year = AssessmentYear.objects.get()
    started = time.perf_counter()
    data = year_data(year, bonus_pool=year.bonus_pool)
    read = time.perf_counter() - started
    inputs = data.inputs
    draft = five_points_moved(inputs)
    seconds, found = timed(lambda: what_if(inputs, draft), args.repeat)
    comparison = found.comparison  # type: ignore[attr-defined]
    result = compute(inputs)
    sample = list(result.units)[:: max(1, len(result.units) // 10)]
    per_sheet, _ = timed(lambda: [decide(inputs, result, code) for code in sample], 1)
    deciders = per_sheet / len(sample)
    balances, _ = timed(lambda: balance(inputs, result), 1)

    units = len(inputs.units)
    indicators = max(len(specs) for specs in inputs.indicators.values())
    verdict = "OK" if seconds < GOAL_SECONDS else "SLOWER THAN THE GOAL"
    rows = [
        ("reading the inputs once (year_data)", read, "(for information)"),
        (
            "what-if: a draft scored beside the year, compared",
            seconds,
            f"goal < {GOAL_SECONDS:.0f} s   {verdict}",
        ),
        ("what decided the tier, one unit's sheet", deciders, "(for information)"),
        ("balance of every category", balances, "(for information)"),
    ]
    print()
    print(f"  {units:,} units, up to {indicators} indicators a category")
    for label, figure, note in rows:
        print(f"  {label:<50} {figure:7.2f} s   {note}")
    print(f"  units whose tier the draft changes: {len(comparison.tier_changes):,}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1000, help="units in the city")
    parser.add_argument("--evidence", type=int, default=100_000, help="evidence records")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of the what-if")
    in_throwaway_database(run, parser.parse_args())


if __name__ == "__main__":
    main()
