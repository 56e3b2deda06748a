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
    for history in history_models():
        if "history_type" not in {f.name for f in history._meta.concrete_fields}:
            continue
        live = history.instance_type
        recorded = history._base_manager.using(using).values(live._meta.pk.attname)
        missing = list(live._base_manager.using(using).exclude(pk__in=recorded))
        if missing:
            live.history.bulk_history_create(
                missing, default_change_reason="audit baseline", default_date=None
            )
    seal_pending(using=using)
    seal_pending(written_once_models(), using=using)


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0014_import_job_worker"),
        ("reports", "0003_published_files"),
        ("units", "0003_audit_seal"),
    ]

    operations = [migrations.RunPython(take_in, migrations.RunPython.noop, elidable=True)]
