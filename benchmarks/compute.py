"""``make bench``: how long computing a city-scale year takes, against the goals.

    python -m benchmarks.compute [--profile]

Builds a city (1,000 units, 60 indicators per category, 1,000,000 evidence records) in a
throwaway database — a temporary SQLite file under /tmp by default, or, when DATABASE_URL is
set, a separate PostgreSQL database ``district_bench`` on that server (created and dropped here;
the database named in DATABASE_URL is never touched) — then measures, from this one run:

1. the floor: one aggregate query summing the verified evidence per unit and indicator;
2. ``results_compute`` for the whole city: wall time, queries, tracemalloc peak, max RSS;
3. the verification queue of the city: its first page and count (``benchmarks/queue.py``);
4. ``results_compute`` for a 50-unit district (the same database, flushed and rebuilt).

It prints a table with the goals beside the figures and asserts nothing. The data set is
built in a child process, so the parent's memory figures are those of the computation (plus
Django and the migrations), not of the million generated rows. ``--profile`` adds a cProfile
listing of one full computation.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import importlib
import io
import multiprocessing
import os
import pstats
import resource
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from benchmarks.queue import GOAL as QUEUE_GOAL
from benchmarks.queue import QueueFigures, measure_queue

# BENCH_DATABASE names another throwaway database, for benchmarks run side by side on one server
BENCH_DATABASE = os.environ.get("BENCH_DATABASE", "district_bench")
POOL = 100_000_000  # yuan
GB = 1024**3
MB = 1024**2


# --- the throwaway database ------------------------------------------------------------------


def bench_database() -> tuple[dict[str, Any], Callable[[], None]]:
    """The settings of the throwaway database, and how to remove it afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    if url and not url.startswith("sqlite"):
        return _postgres(url)
    # SQLite: always a file of its own, never the one DATABASE_URL or the settings point at
    folder = tempfile.mkdtemp(prefix="district-bench-", dir="/tmp")
    config = {
        "ENGINE": "config.sqlite",  # the project's SQLite backend, as in production
        "NAME": os.path.join(folder, "bench.sqlite3"),
        # as config/settings.py has it for the embedded default
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
    }
    return config, lambda: shutil.rmtree(folder, ignore_errors=True)


def _postgres(url: str) -> tuple[dict[str, Any], Callable[[], None]]:
    import environ
    import psycopg
    from psycopg import sql

    server = environ.Env.db_url_config(url)
    if "postgresql" not in server["ENGINE"]:
        sys.exit(f"DATABASE_URL: only PostgreSQL (or no DATABASE_URL for SQLite), not {url!r}")
    if server["NAME"] == BENCH_DATABASE:
        sys.exit(f"DATABASE_URL names {BENCH_DATABASE!r}: the benchmark would drop it; use another")
    params = {
        "host": server.get("HOST") or None,
        "port": server.get("PORT") or None,
        "user": server.get("USER") or None,
        "password": server.get("PASSWORD") or None,
        "dbname": server["NAME"],  # only to connect: CREATE/DROP DATABASE run from there
    }
    params = {key: value for key, value in params.items() if value is not None}
    name = sql.Identifier(BENCH_DATABASE)

    def run(statement: sql.Composed) -> None:
        with psycopg.connect(**params, autocommit=True) as admin:
            admin.execute(statement)

    run(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
    run(sql.SQL("CREATE DATABASE {}").format(name))
    config = dict(server, NAME=BENCH_DATABASE, CONN_MAX_AGE=0)
    return config, lambda: run(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))


def setup_django(database: dict[str, Any]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "true")  # the settings need it for a development key
    import django
    from django.conf import settings

    settings.DATABASES = {"default": database}  # before setup: nothing has connected yet
    django.setup()
    # DEBUG was only needed to load the settings: measure as production runs, without the debug
    # cursor (CaptureQueriesContext switches it on for the one run that counts queries).
    settings.DEBUG = False


# --- building (in a child process) -----------------------------------------------------------


def build_in_child(shape) -> float:
    """Build ``shape`` in a forked child; return the seconds it took."""
    started = time.perf_counter()
    in_child(_build, shape, doing="building the data set")
    return time.perf_counter() - started


def in_child(target: Callable[..., Any], *args: Any, doing: str = "") -> Any:
    """``target(*args)`` in a forked child (its own connection, its own peak memory); its result.

    The result travels back pickled; a child that fails ends the benchmark.
    """
    from django.db import connections

    connections.close_all()  # the child must not share the parent's connection
    receiver, sender = multiprocessing.Pipe(duplex=False)
    child = multiprocessing.get_context("fork").Process(target=_child, args=(sender, target, args))
    child.start()
    sender.close()
    try:
        result = receiver.recv()
    except EOFError:  # the child died before sending anything
        result = None
    child.join()
    if child.exitcode != 0:
        sys.exit(f"{doing or target.__name__} failed (exit code {child.exitcode})")
    return result


def _child(sender: Connection, target: Callable[..., Any], args: tuple[Any, ...]) -> None:
    from django.db import connections

    sender.send(target(*args))
    sender.close()
    connections.close_all()


def _build(shape) -> None:
    from django.db import connection

    from benchmarks.dataset import build

    if connection.vendor == "sqlite":
        # Throwaway file only, and only this connection: the parent measures with the defaults.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.execute("PRAGMA journal_mode = MEMORY")
    built = build(shape)
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        connection.connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # what autovacuum does soon after a bulk load
    print(
        f"  built {built.units:,} units, {built.cadres:,} cadres, {built.indicators:,} "
        f"indicators, {built.targets:,} targets, {built.evidence:,} evidence records",
        flush=True,
    )
    connection.close()


# --- measuring -------------------------------------------------------------------------------


@dataclass
class Figures:
    floor: float = 0.0
    floor_groups: int = 0
    wall: list[float] = field(default_factory=list)
    phases: dict[str, list[float]] = field(default_factory=dict)
    queries: int = 0
    traced_peak: int = 0

    @property
    def median(self) -> float:
        return statistics.median(self.wall or [0.0])


def _timed(action: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


# The phases of ``results_compute``, timed inside the timed runs themselves: the module-level
# functions it calls are looked up when called, so wrapping them here measures each phase without
# touching the service (and costs two clock readings per phase).
PHASES = [
    ("read: year_data", "assessment.services.compute", "year_data"),
    ("  of which evidence totals", "assessment.services.compute", "evidence_from_totals"),
    ("engine: scoring.compute", "assessment.scoring", "compute"),
    ("digest: inputs_digest", "assessment.services.compute", "inputs_digest"),
    ("store: _store_results", "assessment.services.compute", "_store_results"),
]


@contextlib.contextmanager
def phase_timers(into: dict[str, list[float]]) -> Iterator[None]:
    originals = []
    for label, module_name, name in PHASES:
        module = importlib.import_module(module_name)
        original = getattr(module, name)
        originals.append((module, name, original))

        def timed(*args, _original=original, _label=label, **kwargs):
            started = time.perf_counter()
            try:
                return _original(*args, **kwargs)
            finally:
                into.setdefault(_label, []).append(time.perf_counter() - started)

        setattr(module, name, timed)
    try:
        yield
    finally:
        for module, name, original in originals:
            setattr(module, name, original)


def floor_query(year) -> list[dict[str, Any]]:
    """ONE aggregate query: the verified, current evidence of the year per unit and indicator."""
    import datetime

    from django.db.models import Sum

    from assessment.models import Evidence

    return list(
        Evidence.objects.counting()
        .filter(
            indicator__year=year,
            date__gte=datetime.date(year.year, 1, 1),
            date__lte=datetime.date(year.year, 12, 31),
        )
        .values("unit_id", "indicator_id")
        .annotate(total=Sum("value"))
        .order_by()
    )


def measure(*, repeat: int, with_floor: bool) -> Figures:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from assessment.models import AssessmentYear
    from assessment.services.compute import results_compute

    year = AssessmentYear.objects.get()
    figures = Figures()
    if with_floor:
        runs = [_timed(lambda: floor_query(year)) for _ in range(repeat)]
        figures.floor = statistics.median(seconds for seconds, _ in runs)
        figures.floor_groups = len(runs[0][1])
    with phase_timers(figures.phases):
        figures.wall = [
            _timed(lambda: results_compute(year=year, bonus_pool=POOL))[0] for _ in range(repeat)
        ]
    # One more run for the query count and the Python heap: both slow a run down, so their run
    # is not one of the timed ones.
    tracemalloc.start()
    tracemalloc.reset_peak()
    with CaptureQueriesContext(connection) as captured:
        results_compute(year=year, bonus_pool=POOL)
    figures.traced_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    figures.queries = len(captured.captured_queries)
    return figures


def profile(top: int = 30) -> str:
    from assessment.models import AssessmentYear
    from assessment.services.compute import results_compute

    year = AssessmentYear.objects.get()
    return profile_call(lambda: results_compute(year=year, bonus_pool=POOL), top)


def profile_call(action: Callable[[], object], top: int = 30) -> str:
    """A cProfile listing of ``action()``: the top functions by cumulative, then by own time."""
    profiler = cProfile.Profile()
    profiler.runcall(action)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("cumulative")
    stats.print_stats(top)
    out.write("\n--- by own time ---\n")
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


# --- report ----------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def report(city: Figures, district: Figures, max_rss: int, queue: QueueFigures) -> str:
    from django.db import connection

    ratio = city.median / city.floor if city.floor else float("inf")
    postgresql = connection.vendor == "postgresql"
    rows = [
        (f"floor: one aggregate query, {city.floor_groups:,} sums", f"{city.floor:.3f} s", "", ""),
        (
            f"full computation, 1,000 units (median of {len(city.wall or [])})",
            f"{city.median:.3f} s",
            "< 2.5 s",
            verdict(city.median < 2.5) if postgresql else "(PostgreSQL's goal: for information)",
        ),
        ("  runs", " ".join(f"{t:.2f}" for t in city.wall or []), "", ""),
        ("full computation ÷ floor", f"{ratio:.1f}×", "≤ 3×", verdict(ratio <= 3)),
        ("queries in the full computation", f"{city.queries}", "< 50", verdict(city.queries < 50)),
        (
            "tracemalloc peak, full computation",
            f"{city.traced_peak / MB:,.0f} MB",
            "< 1 GB",
            verdict(city.traced_peak < GB),
        ),
        ("process max RSS", f"{max_rss / MB:,.0f} MB", "< 1 GB", verdict(max_rss < GB)),
        (
            f"50-unit district (median of {len(district.wall or [])})",
            f"{district.median:.3f} s",
            "< 0.15 s",
            verdict(district.median < 0.15),
        ),
        ("  queries in the 50-unit computation", f"{district.queries}", "", ""),
        (
            f"verification queue, {queue.pending:,} of {queue.records:,} records pending:",
            "",
            "",
            "",
        ),
        (
            "  the office's first page and count (median of 5)",
            f"{queue.seconds:.3f} s",
            f"< {QUEUE_GOAL} s",
            verdict(queue.seconds < QUEUE_GOAL)
            if postgresql
            else "(PostgreSQL's goal: for information)",
        ),
    ]
    width = max(len(row[0]) for row in rows)
    lines = [f"{'measure':<{width}}  {'figure':>12}  {'goal':<7} verdict"]
    lines += [f"{a:<{width}}  {b:>12}  {c:<7} {d}".rstrip() for a, b, c, d in rows]
    lines += ["", "where the time of the full computation goes (medians of the timed runs):"]
    lines += _phase_lines(city)
    return "\n".join(lines)


def _phase_lines(figures: Figures) -> list[str]:
    medians = {
        label: statistics.median(figures.phases[label])
        for label, *_ in PHASES
        if label in figures.phases
    }
    top = [seconds for label, seconds in medians.items() if not label.startswith(" ")]
    rows = [*medians.items(), ("rest (lock, checks, run row, commit)", figures.median - sum(top))]
    return [
        f"  {label:<38} {seconds:7.3f} s  {seconds / figures.median:4.0%}"
        for label, seconds in rows
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", action="store_true", help="add a cProfile listing")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of the full computation")
    in_throwaway_database(run, parser.parse_args())


def in_throwaway_database(
    action: Callable[[argparse.Namespace], None], args: argparse.Namespace
) -> None:
    """``action(args)`` with Django set up on a throwaway database, removed afterwards."""
    database, remove = bench_database()
    try:
        setup_django(database)
        action(args)
    finally:
        from django.db import connections

        connections.close_all()
        remove()


def server_version() -> str:
    from django.db import connection

    if connection.vendor == "sqlite":
        return ".".join(map(str, connection.Database.sqlite_version_info))
    connection.ensure_connection()
    major, minor = divmod(connection.pg_version, 10000)
    return f"{major}.{minor}"


def run(args: argparse.Namespace) -> None:
    from django.core.management import call_command
    from django.db import connection

    from benchmarks.dataset import Shape

    print(f"District assessment benchmark on {connection.display_name} {server_version()}")
    print(f"  throwaway database: {connection.settings_dict['NAME']}")
    call_command("migrate", verbosity=0)

    city_build = build_in_child(Shape())
    print(f"  city built in {city_build:.1f} s; measuring …", flush=True)
    city = measure(repeat=args.repeat, with_floor=True)
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    queue = measure_queue()
    listing = profile() if args.profile else ""

    call_command("flush", interactive=False, verbosity=0)
    district_build = build_in_child(Shape(units=50, evidence=50_000, projects=2))
    print(f"  district built in {district_build:.1f} s; measuring …", flush=True)
    district = measure(repeat=5, with_floor=False)

    print()
    print(report(city, district, max_rss, queue))
    if listing:
        print("\ncProfile of one full computation (1,000 units):\n")
        print(listing)


if __name__ == "__main__":
    main()
