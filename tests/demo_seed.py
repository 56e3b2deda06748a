"""The demo district, seeded once for a whole test module (``manage.py seed_demo`` takes tens of
seconds): inside a transaction that rolls back when the module is done, each test's own changes
rolling back to it in their savepoint."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator

from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings

from tests.conftest import clear_caches


@contextlib.contextmanager
def seeded_demo(django_db_blocker, tmp_path_factory) -> Iterator[str]:
    """The demo, seeded; gives what ``seed_demo`` printed. The demo accounts file and the demo
    attachment go to a folder of the test run, not into var/."""
    var = tmp_path_factory.mktemp("var")
    clear_caches()  # the demo's survey answers count in the cache: none from an earlier seed
    with (
        override_settings(VAR_DIR=var, MEDIA_ROOT=var / "media"),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        out = io.StringIO()
        call_command("seed_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)
