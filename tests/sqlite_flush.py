"""On SQLite, a transactional test's flush lifts the guards that refuse deleting rows written
once (``assessment`` migration 0016), inside the flush's own transaction, and puts them back
before it ends: the suite may empty the database; production code never can."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def guarded_flush(operations: type) -> Iterator[None]:
    original: Callable = operations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = original(
            self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        if not statements:
            return statements
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE '%\\_no\\_delete' ESCAPE '\\'"
            )
            guards = cursor.fetchall()
        return [
            *(f"DROP TRIGGER {name}" for name, _sql in guards),
            *statements,
            *(sql for _name, sql in guards),
        ]

    operations.sql_flush = sql_flush
    try:
        yield
    finally:
        operations.sql_flush = original
