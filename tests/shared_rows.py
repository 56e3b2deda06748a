"""Rows that a module's (or a class's) tests share, built once inside a transaction that is
rolled back at its end: ``settle_foreign_keys`` once they are built.

Django makes every foreign key ``DEFERRABLE INITIALLY DEFERRED`` on PostgreSQL, and a test case
checks the pending ones at each test's end (``SET CONSTRAINTS ALL IMMEDIATE``) before it rolls
the test's savepoint back. Rows built in the enclosing transaction were still pending, and the
rollback of the savepoint left them pending: every test checked every foreign key of the shared
rows again (a quarter of a second a test with the seeded demo). Checked once when they are
built, they are no longer pending, and each test checks only its own rows. On SQLite the check
is one ``PRAGMA foreign_key_check``.
"""

from __future__ import annotations

from django.db import connection


def settle_foreign_keys() -> None:
    """Check the foreign keys of the rows written so far in this transaction, now."""
    connection.check_constraints()
