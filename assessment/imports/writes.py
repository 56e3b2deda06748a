"""Bulk writes that keep the audit history (never ``.update()`` on an audited model).

New records of a large file are written in chunks: ``bulk_create`` of a chunk (on
PostgreSQL, ids drawn from the sequence and the rows streamed by ``COPY``), then its history
rows copied from the rows just written by one ``INSERT … SELECT`` (``insert_history``)
— the same history rows ``bulk_create_with_history`` writes, without building a historical
model instance per row, so a 100,000-row workbook is written at close to the speed of a bare
``bulk_create`` and within a bounded memory.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection, models
from django.utils import timezone
from simple_history.utils import bulk_update_with_history, get_history_model_for_model

from assessment.imports.rows import Context, Planned
from assessment.models import Evidence, RunningTotal
from units.access import account
from units.audit import lock_chain, seal_pending


def history_user(ctx: Context) -> User | None:
    user = ctx.user
    return account(user) if user is not None and user.is_authenticated else None


def _by_model(plans: Iterable[Planned]) -> dict[type[models.Model], list[Planned]]:
    grouped: dict[type[models.Model], list[Planned]] = defaultdict(list)
    for plan in plans:
        grouped[plan.model].append(plan)
    return grouped


CHUNK = 5_000  # records built, written and dropped at a time
UPDATED_AT = "updated_at"  # the column of the models that have one, set on every change


def insert_history(
    model: type[models.Model],
    ids: Sequence[int],
    *,
    user: User | None,
    reason: str,
    when: datetime.datetime,
) -> None:
    """Write a "created" history row (``+``) for each of ``ids``, copied from the table itself.

    The columns are those django-simple-history tracks for the model, so the rows equal what
    ``bulk_create_with_history`` writes; ``SIMPLE_HISTORY_ENABLED = False`` turns it off too.
    """
    if not ids or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    history = get_history_model_for_model(model)
    quote = connection.ops.quote_name
    tracked = [quote(field.attname) for field in history.tracked_fields]
    meta = ", ".join(
        quote(name)
        for name in ("history_date", "history_change_reason", "history_type", "history_user_id")
    )
    date = connection.ops.adapt_datetimefield_value(when)
    user_id = user.pk if user is not None else None
    lock_chain()  # history ids are taken in the order the audit chain seals them
    for start in range(0, len(ids), CHUNK):
        chunk = list(ids[start : start + CHUNK])
        marks = ", ".join(["%s"] * len(chunk))
        sql = (
            f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(tracked)}, {meta}) "
            f"SELECT {', '.join(tracked)}, %s, %s, '+', %s "
            f"FROM {quote(model._meta.db_table)} WHERE {quote(model._meta.pk.column)} IN ({marks})"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [date, reason or None, user_id, *chunk])


def create_with_history(
    model: type[models.Model], records: Sequence[models.Model], ctx: Context
) -> list[models.Model]:
    """``bulk_create`` in chunks, each followed by its history rows (``insert_history``)."""
    now = timezone.now()
    created: list[models.Model] = []
    for start in range(0, len(records), CHUNK):
        chunk = _create(model, records[start : start + CHUNK])
        insert_history(
            model,
            [record.pk for record in chunk],
            user=history_user(ctx),
            reason=ctx.change_reason,
            when=now,
        )
        created += chunk
    seal_pending()  # the rows just copied carry no signal: sealed into the audit chain here
    return created


# Fields whose Python value COPY can send as it is (exact classes: a DateTimeField is a
# DateField, but an aware or naive time needs the field's preparation).
_PLAIN_FIELDS = {
    models.AutoField, models.BigAutoField, models.BooleanField, models.CharField,
    models.DateField, models.DecimalField, models.ForeignKey, models.IntegerField,
    models.BigIntegerField, models.PositiveIntegerField, models.PositiveSmallIntegerField,
    models.SmallIntegerField, models.TextField,
}  # fmt: skip


def _create(model: type[models.Model], records: Sequence[models.Model]) -> list[models.Model]:
    """``bulk_create``; on PostgreSQL the records' ids are drawn from the table's sequence first
    and the rows streamed by ``COPY``, where ``bulk_create`` builds one statement with a
    placeholder for every value of the chunk (most of a large import's writing time)."""
    meta = model._meta
    numbered = isinstance(meta.pk, models.AutoField) and not meta.parents
    new = all(record.pk is None for record in records)  # ids to draw, none given
    if connection.vendor != "postgresql" or not records or not numbered or not new:
        return model._default_manager.bulk_create(records)
    fields = list(meta.concrete_fields)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(records)],
        )
        ids = [pk for (pk,) in cursor.fetchall()]
    for record, pk in zip(records, ids, strict=True):
        record.pk = pk
    # COPY sends text that the database reads by each column's type: the values of plain
    # fields go as they are; the others (JSON, files, times) through the field's own preparation.
    prepare = [None if type(field) in _PLAIN_FIELDS else field for field in fields]
    rows = [
        [
            value if field is None else field.get_db_prep_save(value, connection)
            for field, value in zip(
                prepare, [f.pre_save(record, True) for f in fields], strict=True
            )
        ]
        for record in records
    ]
    names = ", ".join(quote(field.column) for field in fields)
    connection.ensure_connection()  # the psycopg connection, inside the same transaction
    with connection.connection.cursor() as cursor:
        with cursor.copy(f"COPY {quote(meta.db_table)} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    for record in records:
        record._state.adding = False
        record._state.db = connection.alias
    if model is Evidence:  # past the queryset's bulk_create, which would keep them itself
        RunningTotal.objects.refresh(
            {(record.unit_id, record.indicator_id) for record in records}  # type: ignore[attr-defined]
        )
    return list(records)


def write_new(plans: Iterable[Planned], ctx: Context) -> list[models.Model]:
    """Create a record per plan (its identity and field values), with a history record each."""
    created: list[models.Model] = []
    for model, group in _by_model(plans).items():
        records = [model(**plan.create, **plan.fields) for plan in group]
        created += create_with_history(model, records, ctx)
    return created


def write_changed(plans: Iterable[Planned], ctx: Context) -> None:
    """Set the changed fields on the matched records and save them, with a history record each."""
    lock_chain()  # history ids are taken in the order the audit chain seals them
    now = timezone.now()
    for model, group in _by_model(plans).items():
        names: set[str] = set()
        records = []
        for plan in group:
            record = plan.existing
            assert record is not None
            for name in plan.changed:
                setattr(record, name, plan.fields[name])
            names.update(plan.changed)
            records.append(record)
        if any(field.name == UPDATED_AT for field in model._meta.concrete_fields):
            for record in records:
                setattr(record, UPDATED_AT, now)  # bulk_update skips auto_now
            names.add(UPDATED_AT)
        bulk_update_with_history(
            records,
            model,
            fields=sorted(names),
            default_user=history_user(ctx),
            default_change_reason=ctx.change_reason,
        )
    seal_pending()  # bulk_update_with_history sends no signal: sealed into the audit chain here
