"""``make bench``: audited writes from concurrent writers, with and without the audit chain.

    python -m benchmarks.sealing [--writers N] [--records N]

PostgreSQL only (the site's database under load; SQLite serialises every writer anyway): on
the ``DATABASE_URL``'s server, in a throwaway database, ``--writers`` reporters of as many units
record evidence at once through the service the pages use (``evidence_record``), each record
its own transaction, as a request is. The same load runs twice, each writer a process of its
own started together:

- without sealing: the audit chain's signals are disconnected in the writers, so only the
  records and their history rows are written;
- with sealing, as the site runs.

The two alternate for ``--rounds`` rounds, which of them goes first turning each round, so that
a machine whose speed drifts during the run weighs on both alike. It prints the throughput of
both (all their rounds' records over all their rounds' time), their ratio against issue #20's
goal (with sealing at least 0.7× without) and what ``verify_audit`` finds in the chain
afterwards (no fork, no gap).
"""

from __future__ import annotations

import argparse
import datetime
import multiprocessing
import os
import sys
import time
from decimal import Decimal
from multiprocessing.synchronize import Barrier
from typing import Any

from benchmarks.compute import in_throwaway_database, server_version, verdict

YEAR = 2026
WRITERS = 8
RECORDS = 100  # per writer and run
ROUNDS = 3
GOAL = 0.7  # with sealing ÷ without


def _build(writers: int) -> list[tuple[int, int, int]]:
    """A collecting year, ``writers`` units each with a reporter; (unit, indicator, user) ids."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import transaction

    from assessment.models import AssessmentYear, Indicator, YearStatus
    from benchmarks.dataset import Shape, units_and_indicators
    from units.models import Membership
    from units.roles import GROUP_NAMES, Role

    with transaction.atomic():
        year = AssessmentYear.objects.create(year=YEAR, status=YearStatus.COLLECTING)
        units, _indicators = units_and_indicators(
            Shape(units=writers, cadres_per_unit=1), year, [("completion", "sum", 4, 25)]
        )
        reporters = Group.objects.get(name=GROUP_NAMES[Role.REPORTER])
        plan = []
        for unit in units:
            user = get_user_model().objects.create(username=f"reporter_{unit.code}", password="!")
            user.groups.add(reporters)
            Membership.objects.create(user=user, unit=unit)
            indicator = Indicator.objects.filter(year=year, category_id=unit.category_id).first()
            assert indicator is not None
            plan.append((unit.pk, indicator.pk, user.pk))
    return plan


def _writer(
    number: int,
    ids: tuple[int, int, int],
    records: int,
    sealed: bool,
    start: Barrier,
    results: Any,
) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connections

    from assessment.models import Indicator
    from assessment.services.evidence import evidence_record
    from units.audit import disconnect_signals
    from units.models import Unit

    connections.close_all()  # never the parent's connection
    if not sealed:
        disconnect_signals()  # history rows, no seals
    unit_id, indicator_id, user_id = ids
    unit, indicator = Unit.objects.get(pk=unit_id), Indicator.objects.get(pk=indicator_id)
    user = get_user_model().objects.get(pk=user_id)
    start.wait()
    began = time.perf_counter()
    for n in range(records):
        evidence_record(
            unit=unit,
            indicator=indicator,
            date=datetime.date(YEAR, 1, 1) + datetime.timedelta(days=n % 300),
            value=Decimal(n % 97 + 1),
            description=f"第{n + 1}条 ({'sealed' if sealed else 'unsealed'})",
            by=user,
        )
    results.put((number, began, time.perf_counter()))
    connections.close_all()


def _run(plan: list[tuple[int, int, int]], records: int, sealed: bool) -> float:
    """All writers at once; the seconds from the first start to the last end."""
    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    start = context.Barrier(len(plan))
    results = context.Queue()
    workers = [
        context.Process(target=_writer, args=(n, ids, records, sealed, start, results))
        for n, ids in enumerate(plan)
    ]
    for worker in workers:
        worker.start()
    times = [results.get(timeout=600) for _ in workers]
    for worker in workers:
        worker.join()
        if worker.exitcode != 0:
            sys.exit(f"a writer failed (exit code {worker.exitcode})")
    first = min(began for _n, began, _end in times)
    last = max(end for _n, _began, end in times)
    return last - first


def _clear_unsealed() -> None:
    """The records of a run without sealing and their history rows, gone (no seal refers to
    them): every run starts from the records the sealed runs left."""
    from django.db import connection

    from assessment.models import Evidence

    for model in (Evidence.history.model, Evidence):
        rows = model._base_manager.filter(description__endswith="(unsealed)")
        sql, params = rows.values("pk").query.sql_with_params()
        table = connection.ops.quote_name(model._meta.db_table)
        key = connection.ops.quote_name(model._meta.pk.column)
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE {key} IN ({sql})", params)


def run(args: argparse.Namespace) -> None:
    from django.core.management import call_command
    from django.db import connection

    from assessment.models import Evidence
    from units.audit_verify import verify

    if connection.vendor != "postgresql":
        print("Sealing benchmark: PostgreSQL only (set DATABASE_URL); skipped on SQLite.")
        return
    print(
        f"Audited writes on {connection.display_name} {server_version()}: {args.writers} "
        f"writers, {args.records} records each, one transaction a record"
    )
    call_command("migrate", verbosity=0)
    plan = _build(args.writers)
    seconds = {False: 0.0, True: 0.0}
    rounds = []
    for number in range(args.rounds):
        took = {}
        for sealing in (False, True) if number % 2 == 0 else (True, False):
            took[sealing] = _run(plan, args.records, sealed=sealing)
            if not sealing:
                _clear_unsealed()
        rounds.append(took[False] / took[True])
        seconds[False] += took[False]
        seconds[True] += took[True]
    records = args.writers * args.records * args.rounds
    unsealed, sealed = records / seconds[False], records / seconds[True]
    written = Evidence.objects.count()
    report = verify()
    ratio = sealed / unsealed
    width = 44
    print()
    print(f"{'measure':<{width}}  {'figure':>12}  {'goal':<8} verdict")
    print(f"{'records a second, without sealing':<{width}}  {unsealed:>12,.0f}")
    print(f"{'records a second, with sealing':<{width}}  {sealed:>12,.0f}")
    print(f"{'with ÷ without':<{width}}  {ratio:>11.2f}×  ≥ {GOAL}×   {verdict(ratio >= GOAL)}")
    each = ", ".join(f"{r:.2f}×" for r in rounds)
    print(f"{'  each round, for information':<{width}}  {each}")
    # The chain alone: the benchmark's district is written without history (benchmarks.dataset),
    # so the live rows' comparison with their history has nothing to compare them with.
    intact = not report.breaks and not report.unsealed
    chain = "no fork, no gap"
    if not intact:
        chain = f"{len(report.breaks)} breaks; unsealed: "
        chain += ", ".join(f"{t} {len(ids)}" for t, ids in report.unsealed.items()) or "none"
    print(
        f"{'records written in the sealed runs':<{width}}  {written:>12,}  "
        f"{records:<8,} {verdict(written == records)}"
    )
    print(
        f"{'verify_audit after the sealed runs':<{width}}  {report.seals:>6,} seals  "
        f"{'intact':<8} {verdict(intact)} ({chain})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=WRITERS)
    parser.add_argument("--records", type=int, default=RECORDS, help="per writer and run")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="of each, alternating")
    in_throwaway_database(run, parser.parse_args())


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    main()
