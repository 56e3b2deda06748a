"""``make bench``: how long the three-colour warnings of a city-scale year take, against the goal.

    python -m benchmarks.warnings [--units N] [--evidence N] [--repeat N]

Builds the city of ``benchmarks.compute`` (1,000 units, 60 indicators per category) in a
throwaway database, sets the year's quarters, and times the colours of every unit × indicator
at the end of Q3 as the warnings page reads them (``colours_now`` on 1 October: the standings
from the database, then the colours), with the number of queries. The goal is under 2 s.
Prints only; asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime

from benchmarks.compute import build_in_child, in_throwaway_database, server_version
from benchmarks.whatif import timed

GOAL_SECONDS = 2.0


def run(args: argparse.Namespace) -> None:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from assessment.models import AssessmentYear
    from assessment.selectors.warnings import colours_now
    from assessment.services.warnings import periods_create
    from benchmarks.dataset import Shape

    print(f"Warnings benchmark on {connection.display_name} {server_version()}")
    call_command("migrate", verbosity=0)
    built = build_in_child(Shape(units=args.units, evidence=args.evidence, projects=2))
    print(f"  built in {built:.1f} s; measuring …", flush=True)
    year = AssessmentYear.objects.get()
    User = get_user_model()
    office = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        "bench-office", password=None
    )
    periods_create(year=year, by=office)
    today = datetime.date(year.year, 10, 1)  # Q3 has ended: its targets apply
    with CaptureQueriesContext(connection) as queries:
        colours_now(year, today)
    seconds, grid = timed(lambda: colours_now(year, today), args.repeat)
    verdict = "OK" if seconds < GOAL_SECONDS else "SLOWER THAN THE GOAL"
    print()
    print(f"  {len(grid):,} coloured unit × indicator pairs")  # type: ignore[arg-type]
    print(
        f"  {'colours at the end of Q3 (standings + colours)':<50} {seconds:7.2f} s   "
        f"{len(queries.captured_queries)} queries   goal < {GOAL_SECONDS:.0f} s   {verdict}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1000, help="units in the city")
    parser.add_argument("--evidence", type=int, default=100_000, help="evidence records")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs")
    in_throwaway_database(run, parser.parse_args())


if __name__ == "__main__":
    main()
