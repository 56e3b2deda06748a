"""The demo district, seeded once per test worker for all the modules that read it.

``manage.py seed_demo`` takes tens of seconds, so the modules named in ``SHARED_DEMO_MODULES``
share one seed: the first of them to ask seeds the demo inside a transaction that stays open
while they run; each module's own changes roll back to a savepoint at its end, each test's to
its own savepoint. The suite runs these modules one after another on one worker
(``group_demo_modules`` orders them, ``tests/scheduling.py`` keeps them together), and the
transaction rolls back before any other module starts (``close_seeded_demo``), so no other test
ever sees a demo row.

A module outside the list may still use ``seeded_demo``: it then seeds its own copy, which is
correct, only slower. A transactional test (browser, live server) must not: it commits.
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.cache import caches
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings

from tests import snapshot
from tests.shared_rows import settle_foreign_keys

SHARED_DEMO_MODULES = (
    "tests/assessment/test_demo.py",
    "tests/assessment/test_explanations_golden.py",
    "tests/assessment/test_signal_search.py",
    "tests/reports/test_reminders_demo.py",
    "tests/reports/test_workbench_demo.py",
    "tests/test_csp_pages.py",
    "tests/test_downloads.py",
    "tests/test_query_budgets.py",
    "tests/test_query_budgets_growth.py",
    "tests/units/test_seed_demo.py",
)

# The worker's open seed: the contexts to leave when it ends, and what seed_demo printed.
_seed: dict[str, Any] = {}


def clear_caches() -> None:
    for cache in caches.all():
        cache.clear()


def _open_seed(django_db_blocker, tmp_path_factory) -> None:
    var = tmp_path_factory.mktemp("var")
    clear_caches()  # the demo's survey answers count in the cache: none from an earlier seed
    stack = contextlib.ExitStack()
    # the demo accounts file and the demo attachment go to a folder of the test run, not var/
    stack.enter_context(override_settings(VAR_DIR=var, MEDIA_ROOT=var / "media"))
    stack.enter_context(django_db_blocker.unblock())
    stack.enter_context(transaction.atomic())
    try:
        out = io.StringIO()
        call_command("seed_demo", stdout=out)
        seed = snapshot.take()
        settle_foreign_keys()
    except BaseException:
        transaction.set_rollback(True)
        stack.close()
        raise
    _seed.update(stack=stack, out=out.getvalue())
    seed.media = var / "media"
    snapshot.save(seed, snapshot_path(tmp_path_factory))


def snapshot_path(tmp_path_factory) -> Path:
    """Where the seeded demo's rows are kept for the browser tests of any worker of this run
    (``tests/snapshot.py``): their flush rules out sharing the seed itself."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):  # the workers' folders share the run's folder
        base = base.parent
    return base / "seeded-demo.pickle"


def close_seeded_demo() -> None:
    """Roll the worker's seed back (nothing happens if none is open)."""
    if not _seed:
        return
    stack = _seed.pop("stack")
    _seed.clear()
    transaction.set_rollback(True)
    stack.close()
    clear_caches()


@contextlib.contextmanager
def seeded_demo(django_db_blocker, tmp_path_factory) -> Iterator[str]:
    """The demo, seeded (once per worker); gives what ``seed_demo`` printed. What the caller
    changes inside rolls back when it leaves."""
    if not _seed:
        _open_seed(django_db_blocker, tmp_path_factory)
    with django_db_blocker.unblock(), transaction.atomic():
        yield _seed["out"]
        transaction.set_rollback(True)


def shares_the_demo(module_path: str) -> bool:
    return module_path in SHARED_DEMO_MODULES


def group_demo_modules(items: list) -> None:
    """Move the tests of the sharing modules next to the first of them (in place). pytest-django
    has sorted the tests transactional last; these modules have none, so the group stays within
    the non-transactional tests."""
    shared = [item for item in items if shares_the_demo(item.nodeid.split("::", 1)[0])]
    if not shared:
        return
    first = items.index(shared[0])
    rest = [item for item in items if not shares_the_demo(item.nodeid.split("::", 1)[0])]
    items[:] = rest[:first] + shared + rest[first:]
