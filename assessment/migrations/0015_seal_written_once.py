"""The audit chain takes in what it did not cover before, from now on:

- rows written once (publications, their downloads, the stored results of each computation)
  are sealed into the chain themselves, as history rows are;
- ``verify_audit`` now compares every live row with its newest history row, so the rows that
  have none (written by an earlier data migration, such as the default unit categories) get a
  first history row now, the baseline from which every later change is recorded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import migrations

if TYPE_CHECKING:
    from django.db.backends.base.schema import BaseDatabaseSchemaEditor
    from django.db.migrations.state import StateApps


def take_in(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    # The chain is kept by the running code's models (units.audit), not by migration states.
    from units.audit import history_models, seal_pending, written_once_models

    using = schema_editor.connection.alias
    # Only the tables that exist at this point: a later migration may add models.
    tables = set(schema_editor.connection.introspection.table_names())
    histories = [
        h for h in history_models() if {h._meta.db_table, h.instance_type._meta.db_table} <= tables
    ]
    for history in histories:
        if "history_type" not in {f.name for f in history._meta.concrete_fields}:
            continue
        live = history.instance_type
        recorded = history._base_manager.using(using).values(live._meta.pk.attname)
        rows = live._base_manager.using(using).exclude(pk__in=recorded)
        if not rows.exists():
            continue
        # The running code's model may have columns a later migration adds: read the row
        # without them and take the value they are added with (``units.audit``).
        added = dict(getattr(live, "audit_added_columns", {}))
        missing = list(rows.defer(*added)) if added else list(rows)
        for instance in missing:
            for column, value in added.items():
                setattr(instance, column, value)
        if missing:
            live.history.bulk_history_create(
                missing, default_change_reason="audit baseline", default_date=None
            )
    seal_pending(histories, using=using)
    seal_pending([m for m in written_once_models() if m._meta.db_table in tables], using=using)


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0014_import_job_worker"),
        ("reports", "0003_published_files"),
        ("units", "0003_audit_seal"),
    ]

    operations = [migrations.RunPython(take_in, migrations.RunPython.noop, elidable=True)]
