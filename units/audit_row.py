"""A single save's seal: the row just written, sealed in two statements (issue #20).

Every audited save (a history row, a written-once row) is sealed in its own transaction,
exactly that row. On PostgreSQL the first statement takes the chain's lock and reads the row
(the transaction's own, so the statement's snapshot shows it, whenever the lock is granted);
the second appends the seal, its chain hash worked out by the server from the head it reads
then, after the lock is held, so no other sealer's seal can be missed. Elsewhere (SQLite, whose
write lock already serialises writers) the first statement reads the row with the head.

The lock is taken at the seal, not before the history row is written: a writer waits for
another only from its seal to its commit. So rows are sealed in the order their writers got the
chain, not always their ids' order; ``verify_audit`` walks the seals, not the ids. The bulk
writers still take the chain before they write (``units.audit.seal_pending``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connections, models, transaction
from django.db.models import BooleanField, Subquery
from django.db.models.expressions import RawSQL
from django.utils import timezone

from units.audit import (
    GENESIS,
    LOCK_CLASS,
    _added_later,
    _Chain,
    _column,
    _columns,
    _seal_model,
    note_chain_held,
    row_hash,
    seal_columns,
    seal_these,
)


def seal_rows(model: type[models.Model], pks: Sequence[int], *, using: str = "default") -> None:
    """Seal these rows of ``model``, just written by this transaction, into the chain."""
    if len(pks) == 1:
        with transaction.atomic(using=using, savepoint=False):
            _seal_one(model, pks[0], using)
    elif pks:  # a save's many-to-many rows
        seal_these([model._base_manager.filter(pk__in=list(pks))], using=using)


def _seal_one(model: type[models.Model], pk: int, using: str) -> None:
    connection = connections[using]
    found = _one_row(model, pk, using)
    if found is None:  # gone before its seal (deleted in the same transaction): nothing to seal
        return
    label = model._meta.label_lower
    values, extra = found[:-1], found[-1]
    digest = row_hash(label, _columns(model), values, _added_later(model))
    if connection.vendor != "postgresql":
        chain = _Chain(using, extra or GENESIS)
        chain.append(label, pk, digest)
        chain.flush()
        return
    note_chain_held(connection)  # taken by the statement that read the row
    sealed_at = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(_linked_insert(connection), [label, pk, digest, GENESIS, digest, sealed_at])


# (model, alias, vendor) -> one row's query: its SQL, its fixed parameters, its converters.
_ONE_ROW: dict[tuple[type[models.Model], str, str], tuple[str, list, dict]] = {}


def _one_row(model: type[models.Model], pk: int, using: str) -> tuple | None:
    """One row's values, converted as the ORM converts them (dates, decimals, …), then on
    PostgreSQL ``True`` once the chain's lock is held (taken in the same statement), elsewhere
    the chain's head. The query is compiled once a process: through the ORM, compiling it
    cost more than running it."""
    connection = connections[using]
    cache_key = (model, using, connection.vendor)
    compiled = _ONE_ROW.get(cache_key)
    if compiled is None:
        extra: Any
        if connection.vendor == "postgresql":
            # pg_advisory_xact_lock returns void, which reads as '' in text
            extra = RawSQL(
                "(pg_advisory_xact_lock(%s, hashtext(current_database()))::text = '')",
                (LOCK_CLASS,),
                output_field=BooleanField(),
            )
        else:
            seals = _seal_model()._base_manager.using(using)
            extra = Subquery(seals.order_by("-pk").values("chain_hash")[:1])
        rows = model._base_manager.using(using).annotate(audit_extra=extra)
        query = rows.filter(pk=0).values_list(*_columns(model), "audit_extra").query
        compiler = query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        if not params or params[-1] != 0:  # the row's id must be the last parameter
            raise ImproperlyConfigured(f"unexpected parameters sealing {model._meta.label}")
        converters = compiler.get_converters([column for column, _, _ in compiler.select])
        compiled = _ONE_ROW[cache_key] = (sql, list(params[:-1]), converters)
    sql, fixed, converters = compiled
    with connection.cursor() as cursor:
        cursor.execute(sql, [*fixed, pk])
        found = cursor.fetchone()
    if found is None:
        return None
    row = list(found)
    for position, (functions, expression) in converters.items():
        for convert in functions:
            row[position] = convert(row[position], expression, connection)
    return tuple(row)


_LINKED: dict[str, str] = {}  # alias -> the statement appending one seal linked by the server


def _linked_insert(connection: Any) -> str:
    """``INSERT`` of one seal whose chain hash PostgreSQL works out from the head it reads:
    ``sha256(head + row hash)`` in hex, as ``units.audit.link`` does."""
    sql = _LINKED.get(connection.alias)
    if sql is None:
        meta = _seal_model()._meta
        quote = connection.ops.quote_name
        table = quote(meta.db_table)
        chain_hash = quote(_column(meta, "chain_hash"))
        head = f"(SELECT {chain_hash} FROM {table} ORDER BY {quote(meta.pk.column)} DESC LIMIT 1)"
        link = f"encode(sha256(convert_to(COALESCE({head}, %s) || %s, 'UTF8')), 'hex')"
        sql = _LINKED[connection.alias] = (
            f"INSERT INTO {table} ({seal_columns(connection)}) SELECT %s, %s, %s, {link}, %s"
        )
    return sql
