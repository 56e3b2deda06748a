"""Rows that a module's (or a class's) tests share, built once inside a transaction that is
rolled back at its end (``shared_world``), their foreign keys checked once they are built
(``settle_foreign_keys``).

Django makes every foreign key ``DEFERRABLE INITIALLY DEFERRED`` on PostgreSQL, and a test case
checks the pending ones at each test's end (``SET CONSTRAINTS ALL IMMEDIATE``) before it rolls
the test's savepoint back. Rows built in the enclosing transaction were still pending, and the
rollback of the savepoint left them pending: every test checked every foreign key of the shared
rows again (a quarter of a second a test with the seeded demo). Checked once when they are
built, they are no longer pending, and each test checks only its own rows. On SQLite the check
is one ``PRAGMA foreign_key_check``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import TypeVar

from django.db import connection, transaction
from django.test.utils import override_settings

T = TypeVar("T")


def settle_foreign_keys() -> None:
    """Check the foreign keys of the rows written so far in this transaction, now."""
    connection.check_constraints()


@contextlib.contextmanager
def shared_world(django_db_blocker, tmp_path_factory, build: Callable[[], T]) -> Iterator[T]:
    """What ``build()`` returns, built once for the tests of a module-scoped (or class-scoped)
    fixture, with its uploads in a folder of its own, and rolled back when they are done; each
    test runs in a savepoint inside this transaction."""
    media = tmp_path_factory.mktemp("media")
    with override_settings(MEDIA_ROOT=media), django_db_blocker.unblock():
        with transaction.atomic():
            built = build()
            settle_foreign_keys()
            yield built
            transaction.set_rollback(True)
