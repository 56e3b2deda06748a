"""Tamper evidence for the audit history: an append-only hash chain over every history row.

Every row django-simple-history writes gets a seal (``units.models.AuditSeal``): the SHA-256
of the row's canonical content (``row_hash``) and ``chain_hash = sha256(previous chain_hash +
row_hash)``. A single save is sealed by the ``post_create_historical_record`` signal, that row
exactly (``units.audit_row.seal_rows``); the bulk writers (``bulk_create_with_history``,
``bulk_update_with_history``, the import layer's ``insert_history``) send no signal and call
``seal_pending()`` at their end instead, inside their transaction: it seals, per table, the
rows above the last sealed ``history_id``, in id order, so a bulk writer takes the chain
(``lock_chain()``) before it writes them. A history row amended through the ORM afterwards
(``update_change_reason`` saves it again) is sealed again by ``post_save``: the later seal
supersedes the earlier, and only raw SQL — which sends no signal — leaves a row unmatched.

Sealing is serialised so that two transactions never fork the chain: PostgreSQL by a
transaction-level advisory lock of its database, SQLite by its write lock (the project opens
transactions IMMEDIATE). A single save takes the lock only to seal its row, after writing it
(``units.audit_row``); a bulk writer, before it writes.
``units.audit_verify`` (``manage.py verify_audit``) walks the chain and recomputes every hash
from the history rows as they are now.
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import json
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, cast

from django.apps import apps
from django.db import connections, models, transaction
from django.utils import timezone
from simple_history.models import HistoricalChanges

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.options import Options


GENESIS = "0" * 64  # the "previous chain hash" of the first seal
CHUNK = 5_000  # history rows read, hashed and sealed at a time
# PostgreSQL's advisory locks are the server's, shared by all its databases; the chain is one
# database's. The lock is therefore keyed by both: this class ("audt") and the database's name,
# so that two databases on one server (a test run's workers, a benchmark beside the site) never
# wait for each other's sealing.
LOCK_CLASS = 0x6175_6474


# --- canonical content ------------------------------------------------------------------------


_PLAIN = frozenset({type(None), bool, int, str})


def canonical(value: object) -> object:
    """A value as the JSON the hash is taken of: the same whichever database it was read from."""
    if type(value) in _PLAIN:
        return value
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(datetime.UTC)
        return value.isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return str(value.total_seconds())
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    # Plain items as they are, without a call each (a result row's scores are 60 texts)
    if isinstance(value, dict):
        return {
            str(key): item if type(item) in _PLAIN else canonical(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [item if type(item) in _PLAIN else canonical(item) for item in value]
    return str(value)


def _columns(history: type[models.Model]) -> list[str]:
    """The columns a row's hash covers: all of a history row's; a written-once row's but those
    it names in ``audit_unhashed`` (derived text, such as a score's worded explanation)."""
    skip = set(getattr(history, "audit_unhashed", ()))
    return [f.attname for f in history._meta.concrete_fields if f.attname not in skip]


def _added_later(history: type[models.Model]) -> dict[str, object]:
    """Columns added to a sealed table after rows were sealed, with the value the rows sealed
    before took (``audit_added_columns`` on the live model): a row holding that value hashes as
    if the column did not exist, so an upgrade keeps every earlier seal valid."""
    live = getattr(history, "instance_type", history)
    return dict(getattr(live, "audit_added_columns", {}))


def row_hash(
    label: str,
    columns: list[str],
    values: Iterable[object],
    added_later: dict[str, object] | None = None,
) -> str:
    """SHA-256 of a history row: its table and all its columns, values rendered canonically
    (a column added later is left out while it holds the value it was added with)."""
    content = {
        column: value if type(value) in _PLAIN else canonical(value)
        for column, value in zip(columns, values, strict=True)
        if not added_later or column not in added_later or added_later[column] != value
    }
    text = _to_json([label, content])
    return hashlib.sha256(text.encode()).hexdigest()


# json.dumps(…, sort_keys=True, separators=(",", ":"), ensure_ascii=False), without building
# an encoder for every row (a computation seals 5,000)
_to_json = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode


def link(previous: str, row: str) -> str:
    return hashlib.sha256((previous + row).encode()).hexdigest()


# --- the history tables -----------------------------------------------------------------------


def history_models() -> list[type[models.Model]]:
    """Every django-simple-history table, in a fixed order (by label)."""
    found = [m for m in apps.get_models() if issubclass(m, HistoricalChanges)]
    return sorted(found, key=lambda m: m._meta.label_lower)


def written_once_models() -> list[type[models.Model]]:
    """The tables whose rows are written once and never changed (publications, the stored
    results of a computation, …): they mark themselves ``audit_written_once = True`` and their
    rows are sealed into the chain themselves, as history rows are."""
    found = [m for m in apps.get_models() if getattr(m, "audit_written_once", False)]
    return sorted(found, key=lambda m: m._meta.label_lower)


def sealed_models() -> list[type[models.Model]]:
    return sorted([*history_models(), *written_once_models()], key=lambda m: m._meta.label_lower)


def _key(history: type[models.Model]) -> str:
    """The history row's own id: ``history_id``, ``m2m_history_id`` for a many-to-many table
    (whose ``history_id`` is its parent history row)."""
    return history._meta.pk.attname


def _seal_model() -> type[models.Model]:
    return apps.get_model("units", "AuditSeal")


# --- sealing ----------------------------------------------------------------------------------


def lock_chain(using: str = "default") -> None:
    """Serialise with every other sealer until this transaction ends (PostgreSQL only; SQLite's
    write lock already does). Outside a transaction it is released at once, harmlessly."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    if holds_chain(connection):
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, hashtext(current_database()))", [LOCK_CLASS]
        )
    note_chain_held(connection)


def holds_chain(connection: BaseDatabaseWrapper) -> bool:
    """Whether this connection's transaction has taken the chain's lock already. Taken once a
    transaction: the marker lives in the transaction's on-commit callbacks, which Django
    empties at its commit or rollback, when the lock is released too. (Each entry is (savepoint
    ids, function, robust); the stubs know only the first two.)"""
    marker = _locked_marker(connection)
    return connection.in_atomic_block and any(
        entry[1] is marker for entry in connection.run_on_commit
    )


def note_chain_held(connection: BaseDatabaseWrapper) -> None:
    """Note that this connection's transaction now holds the chain's lock (outside a
    transaction it is released at once: nothing to note)."""
    if connection.in_atomic_block and not holds_chain(connection):
        transaction.on_commit(_locked_marker(connection), using=connection.alias)


SEAL_COLUMNS = ("table", "history_id", "row_hash", "chain_hash", "sealed_at")  # as inserted


def seal_columns(connection: BaseDatabaseWrapper) -> str:
    """The seal table's columns a seal is inserted with, quoted, in ``SEAL_COLUMNS`` order."""
    meta = _seal_model()._meta
    return ", ".join(connection.ops.quote_name(_column(meta, name)) for name in SEAL_COLUMNS)


_MARKER_ATTRIBUTE = "_audit_chain_locked"  # on the connection object, one marker per connection


def _locked_marker(connection: BaseDatabaseWrapper) -> Callable[[], None]:
    marker: Callable[[], None] | None = getattr(connection, _MARKER_ATTRIBUTE, None)
    if marker is None:

        def marker() -> None:
            """Marks that this connection's transaction holds the chain lock."""

        setattr(connection, _MARKER_ATTRIBUTE, marker)
    return marker


def _column(meta: Options[Any], name: str) -> str:
    """The database column of a concrete field of the model (never a relation's other end)."""
    return cast("models.Field[Any, Any]", meta.get_field(name)).column


class _Chain:
    """The seals being appended: the head's hash, written ``CHUNK`` at a time."""

    def __init__(self, using: str, head: str | None = None) -> None:
        model = _seal_model()
        self.connection = connections[using]
        self.seals = model._base_manager.using(using)
        if head is None:
            head = self.seals.order_by("-pk").values_list("chain_hash", flat=True).first()
        self.head = head or GENESIS
        self.now = self.connection.ops.adapt_datetimefield_value(timezone.now())
        self.batch: list[tuple] = []
        self.count = 0
        # One executemany a chunk, in order (the ids follow it): no model instance per seal.
        quote = self.connection.ops.quote_name
        columns = seal_columns(self.connection)
        self.sql = (
            f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES (%s, %s, %s, %s, %s)"
        )
        self.copy_sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"

    def append(self, label: str, history_id: int, digest: str) -> None:
        self.head = link(self.head, digest)
        self.batch.append((label, history_id, digest, self.head, self.now))
        if len(self.batch) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if not self.batch:
            return
        if self.connection.vendor == "postgresql" and len(self.batch) > 1:
            # COPY: one round trip for the chunk, where executemany makes one a seal. The ids
            # are drawn in the order the rows arrive, as with the inserts.
            self.connection.ensure_connection()
            started = time.perf_counter()
            with self.connection.connection.cursor() as cursor:
                with cursor.copy(self.copy_sql) as copy:
                    for seal in self.batch:
                        copy.write_row(seal)
            if self.connection.queries_logged:  # counted as the insert it replaces was
                self.connection.queries_log.append(
                    {
                        "sql": f"{self.copy_sql} ({len(self.batch)} rows)",
                        "time": f"{time.perf_counter() - started:.3f}",
                    }
                )
        else:
            with self.connection.cursor() as cursor:
                cursor.executemany(self.sql, self.batch)
        self.count += len(self.batch)
        self.batch = []


def _seal_rows(chain: _Chain, model: type[models.Model], rows: models.QuerySet) -> None:
    label = model._meta.label_lower
    columns = _columns(model)
    key = _key(model)
    id_index = columns.index(key)
    added = _added_later(model)
    for batch in _pages(rows.values_list(*columns), key, id_index):
        for values in batch:
            chain.append(label, values[id_index], row_hash(label, columns, values, added))


def _pages(rows: models.QuerySet, key: str, id_index: int) -> Iterator[list[tuple]]:
    """``rows`` in ``key`` order, ``CHUNK`` at a time: each page one plain query continuing
    after the last id read. (``iterator()`` would open a server-side cursor on PostgreSQL,
    three or four round trips for what is most often a single row.)"""
    page = rows.order_by(key)
    while True:
        batch = list(page[:CHUNK])
        if batch:
            yield batch
        if len(batch) < CHUNK:
            return
        page = rows.filter(**{f"{key}__gt": batch[-1][id_index]}).order_by(key)


def _pending(
    tables: list[type[models.Model]], using: str
) -> tuple[list[tuple[type[models.Model], int]], str | None]:
    """The tables with rows above their last sealed ``history_id``, with that id, and the
    chain's head: one query, two index lookups a table (its newest history row and seal)."""
    connection = connections[using]
    quote = connection.ops.quote_name
    seal = _seal_model()._meta
    seals = quote(seal.db_table)
    sealed_id = quote(_column(seal, "history_id"))
    table = quote(_column(seal, "table"))
    parts, params = [], []
    head = (
        f"(SELECT {quote(_column(seal, 'chain_hash'))} FROM {seals}"
        f" ORDER BY {quote(seal.pk.column)} DESC LIMIT 1)"
    )
    for index, model in enumerate(tables):
        history = quote(model._meta.db_table)
        parts.append(
            f"SELECT {index}, (SELECT MAX({quote(model._meta.pk.column)}) FROM {history}),"
            f" (SELECT MAX({sealed_id}) FROM {seals} WHERE {table} = %s),"
            f" {head if index == 0 else 'NULL'}"
        )
        params.append(model._meta.label_lower)
    if not parts:
        return [], None
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        found = sorted(cursor.fetchall())
    pending = [
        (tables[index], last or 0)
        for index, newest, last, _head in found
        if newest is not None and newest > (last or 0)
    ]
    return pending, found[0][3]


def seal_pending(
    history: Iterable[type[models.Model]] | None = None, *, using: str = "default"
) -> int:
    """Seal every row not sealed yet (of ``history``'s tables, or all); returns how many.

    Per table, the rows above the last sealed ``history_id``, in id order; hashed in chunks
    and the seals written a chunk at a time. Call it inside the transaction that wrote the
    rows, which took the chain (``lock_chain``) before writing them: while it holds the chain
    no one else seals, so its rows are all above the last sealed id when it seals them.
    """
    tables = sealed_models() if history is None else list(history)
    with transaction.atomic(using=using, savepoint=False):
        lock_chain(using)
        pending, head = _pending(tables, using)
        if not pending:
            return 0
        chain = _Chain(using, head or GENESIS)
        for model, last in pending:
            _seal_rows(chain, model, model._base_manager.using(using).filter(pk__gt=last))
        chain.flush()
    return chain.count


def seal_these(querysets: Iterable[models.QuerySet], *, using: str = "default") -> int:
    """Seal exactly these rows (each queryset of one sealed table), in id order; returns how
    many. For a bulk writer that can name its rows (a computation's results, by their run): it
    takes the chain only to seal them, not while writing them."""
    with transaction.atomic(using=using, savepoint=False):
        lock_chain(using)
        chain = _Chain(using)
        for rows in querysets:
            _seal_rows(chain, rows.model, rows.using(using))
        chain.flush()
    return chain.count


def _after_history_row(
    sender: type[models.Model],
    history_instance: models.Model,
    using: str | None = "default",
    **kwargs: Any,
) -> None:
    from units.audit_row import seal_rows

    seal_rows(type(history_instance), [history_instance.pk], using=using or "default")


def _after_m2m_rows(
    sender: type[models.Model], created_rows: list[models.Model] | None = None, **kwargs: Any
) -> None:
    """The many-to-many rows of a history row, bulk-created (their ids read back)."""
    from units.audit_row import seal_rows

    pks = [row.pk for row in created_rows or ()]
    if None in pks:  # a database that does not return ids from a bulk insert
        seal_pending([sender])
    else:
        seal_rows(sender, pks)


def _history_row_saved(
    sender: type[models.Model],
    instance: models.Model,
    created: bool,
    using: str | None = "default",
    **kwargs: Any,
) -> None:
    """A history row amended through the ORM (``update_change_reason`` saves the row again):
    sealed again, a new link whose hash supersedes the earlier seal's. Raw SQL sends nothing."""
    if created or not isinstance(instance, HistoricalChanges):
        return
    from units.audit_row import seal_rows

    seal_rows(sender, [instance.pk], using=using or "default")


def _written_once_saved(
    sender: type[models.Model],
    instance: models.Model,
    created: bool,
    using: str | None = "default",
    **kwargs: Any,
) -> None:
    if created and getattr(sender, "audit_written_once", False):
        from units.audit_row import seal_rows

        seal_rows(sender, [instance.pk], using=using or "default")


def _receivers() -> list[tuple[Any, Callable[..., None], str]]:
    """(signal, receiver, dispatch uid) of every signal the chain is kept by."""
    from django.db.models.signals import post_save
    from simple_history.signals import (
        post_create_historical_m2m_records,
        post_create_historical_record,
    )

    return [
        (post_create_historical_record, _after_history_row, "units.audit.seal"),
        (post_create_historical_m2m_records, _after_m2m_rows, "units.audit.m2m"),
        (post_save, _history_row_saved, "units.audit.reseal"),
        (post_save, _written_once_saved, "units.audit.written_once"),
    ]


def connect_signals() -> None:
    for signal, receiver, uid in _receivers():
        signal.connect(receiver, dispatch_uid=uid)


def disconnect_signals() -> None:
    """In this process only, write history rows without sealing them: for the benchmark that
    measures what sealing costs (``benchmarks/sealing.py``); the site never calls it."""
    for signal, _receiver, uid in _receivers():
        signal.disconnect(dispatch_uid=uid)
