"""A copy of the whole database's rows, put back in a transactional test.

A transactional (browser) test cannot share a seeded demo the way ``tests/demo_seed.py`` does:
its flush empties the database after it. Seeding again takes 10 to 20 seconds; putting back
the rows of a seed takes about one. ``take`` reads every table with rows; ``put_back`` empties
those tables and writes the rows again, with their ids, in one transaction, then empties the
content-type cache (a flush makes the content types anew, with other ids).

- PostgreSQL: each table goes out and back by ``COPY`` in its text form, so every value comes
  back exactly as it was, whatever its type.
- SQLite: each table is read and written as the plain values SQLite stores (text, numbers,
  bytes), never as the Python objects Django's converters make of them.

Foreign keys are checked at commit (Django creates them deferred), so the tables may be written
in any order. The only tables emptied first are those a flush fills anew (content types,
permissions, categories), which have no guard; the guards of rows written once refuse updates
and deletes, never the inserts made everywhere else. A snapshot may come from another test worker's
database (``save`` and ``load`` pass it through a file), whose sequences numbered its rows: after
putting it back, PostgreSQL's sequences are set past the highest id, as ``loaddata`` does
(SQLite always numbers past the highest id).
"""

from __future__ import annotations

import pickle
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, transaction


@dataclass
class Snapshot:
    # table -> (columns, rows) on SQLite, or the table's COPY text on PostgreSQL
    tables: dict[str, object] = field(default_factory=dict)
    vendor: str = ""
    media: Path | None = None  # the folder of the files the rows name


def _tables() -> list[str]:
    return sorted(connection.introspection.django_table_names(only_existing=True))


def _has_rows(cursor, table: str) -> bool:
    cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {connection.ops.quote_name(table)})")
    return bool(cursor.fetchone()[0])


def take() -> Snapshot:
    """Every table's rows as they are now."""
    snapshot = Snapshot(vendor=connection.vendor)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in _tables():
            if not _has_rows(cursor, table):
                continue
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {quote(table)} TO STDOUT") as copy:
                    snapshot.tables[table] = b"".join(bytes(block) for block in copy)
            else:
                cursor.execute(f"SELECT * FROM {quote(table)} LIMIT 0")
                columns = [column[0] for column in cursor.description]
                # "+column" is the stored value itself: an expression, so no converter of the
                # column's declared type (dates, booleans) turns it into a Python object.
                plain = ", ".join(f"+{quote(column)}" for column in columns)
                cursor.execute(f"SELECT {plain} FROM {quote(table)}")
                snapshot.tables[table] = (columns, cursor.fetchall())
    return snapshot


def put_back(snapshot: Snapshot, media_root: Path | None = None) -> None:
    """The database as it was when ``snapshot`` was taken, committed; its files copied into
    ``media_root``."""
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        for table, content in snapshot.tables.items():
            if _has_rows(cursor, table):  # made anew since (content types, categories)
                cursor.execute(f"DELETE FROM {quote(table)}")
            if connection.vendor == "postgresql":
                assert isinstance(content, bytes)
                with cursor.cursor.copy(f"COPY {quote(table)} FROM STDIN") as copy:
                    copy.write(content)
            else:
                columns, rows = content  # type: ignore[misc]  # SQLite's (columns, rows)
                names = ", ".join(quote(column) for column in columns)
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})", rows)
        for statement in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
            cursor.execute(statement)
    ContentType.objects.clear_cache()
    if snapshot.media is not None and media_root is not None and snapshot.media.is_dir():
        shutil.copytree(snapshot.media, media_root, dirs_exist_ok=True)


def save(snapshot: Snapshot, path: Path) -> None:
    """Write ``snapshot`` to ``path`` whole or not at all (another worker may be reading)."""
    partial = path.with_suffix(".partial")
    partial.write_bytes(pickle.dumps(snapshot, protocol=pickle.HIGHEST_PROTOCOL))
    partial.replace(path)


def load(path: Path) -> Snapshot | None:
    """The snapshot ``save`` wrote at ``path`` for this database, if there is one."""
    if not path.is_file():
        return None
    snapshot = pickle.loads(path.read_bytes())
    return snapshot if snapshot.vendor == connection.vendor else None
