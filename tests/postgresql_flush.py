"""A cheaper ``flush`` on PostgreSQL, for the transactional (browser, live-server, race) tests.

Django empties every table after such a test with one ``TRUNCATE`` of all of them. PostgreSQL
gives each truncated table, each of its indexes and its TOAST table new files, builds every
index again and syncs the new files to disk: several hundred files each time, however few
tables held rows. That took 3 to 4 seconds a test here (the statement and its commit), longer
than most of the browser tests themselves. A test leaves rows in a few dozen small tables, so
this flush deletes the rows of those tables only, in one server-side block (one round trip):

- ``DELETE`` in any order: Django creates every foreign key ``DEFERRABLE INITIALLY DEFERRED``,
  so the checks run once the referencing rows are gone too.
- The guard triggers of rows written once (``assessment.db_guards``, the publication guard)
  refuse a ``DELETE``; like a ``TRUNCATE``, which they never see, the flush passes them by.
  They are switched off inside the flush's own transaction and on again before it ends, so no
  other connection ever sees them off (the deferred checks are run first: ``ALTER TABLE``
  refuses a table with checks still pending).

The database ends exactly as empty as after Django's ``TRUNCATE``; sequences are not reset
(Django's test flush does not reset them either). Any other flush (``reset_sequences``,
``allow_cascade``) is left to Django.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

FLUSH = """
DO $flush$
DECLARE
    tables text[] := ARRAY[{tables}]::text[];
    filled text[] := '{{}}';
    guarded text[];
    name text;
    has_rows boolean;
BEGIN
    FOREACH name IN ARRAY tables LOOP
        EXECUTE format('SELECT EXISTS (SELECT FROM %I)', name) INTO has_rows;
        IF has_rows THEN
            filled := filled || name;
        END IF;
    END LOOP;
    SELECT coalesce(array_agg(DISTINCT c.relname::text), '{{}}') INTO guarded
    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
    WHERE NOT t.tgisinternal AND c.relname = ANY (filled) AND pg_table_is_visible(c.oid);
    FOREACH name IN ARRAY guarded LOOP
        EXECUTE format('ALTER TABLE %I DISABLE TRIGGER USER', name);
    END LOOP;
    FOREACH name IN ARRAY filled LOOP
        EXECUTE format('DELETE FROM %I', name);
    END LOOP;
    SET CONSTRAINTS ALL IMMEDIATE;
    FOREACH name IN ARRAY guarded LOOP
        EXECUTE format('ALTER TABLE %I ENABLE TRIGGER USER', name);
    END LOOP;
END
$flush$;
"""


def flush_sql(tables: list[str]) -> list[str]:
    """The one statement emptying ``tables`` (names as ``quote_literal`` would write them)."""
    if not tables:
        return []
    literals = ", ".join("'" + table.replace("'", "''") + "'" for table in tables)
    return [FLUSH.format(tables=literals)]


@contextmanager
def cheap_flush(operations: type) -> Iterator[None]:
    """Swap PostgreSQL's ``sql_flush`` on ``operations`` (the backend's DatabaseOperations
    class) for ``flush_sql`` while the context is open."""
    original: Callable = operations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or allow_cascade:
            return original(
                self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        return flush_sql(sorted(tables))

    operations.sql_flush = sql_flush
    try:
        yield
    finally:
        operations.sql_flush = original
