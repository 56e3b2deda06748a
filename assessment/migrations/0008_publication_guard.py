"""A database guard under ``Publication``: a published version is never updated or deleted.

The model and its queryset already refuse (``Publication.save``/``delete``, ``update()`` and
``delete()`` on a queryset); these triggers refuse the same below the ORM, for raw SQL and for
any other program writing to the database.

- PostgreSQL: one trigger function refusing UPDATE and DELETE. ``flush`` (used between
  transactional tests) empties tables with TRUNCATE, which row triggers do not see.
- SQLite: a trigger refusing UPDATE. Deletes are left to the model's refusal and the PROTECT
  foreign keys: SQLite's ``flush`` empties tables with DELETE, in no fixed order, and a delete
  trigger would stop it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import migrations

if TYPE_CHECKING:
    from django.db.backends.base.schema import BaseDatabaseSchemaEditor
    from django.db.migrations.state import StateApps

TABLE = "assessment_publication"
MESSAGE = "A publication cannot be changed or deleted; publish a new version."

POSTGRESQL_UP = [
    f"""
    CREATE OR REPLACE FUNCTION assessment_publication_immutable() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
    END;
    $$ LANGUAGE plpgsql;
    """,
    f"""
    CREATE TRIGGER assessment_publication_immutable
    BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION assessment_publication_immutable();
    """,
]
POSTGRESQL_DOWN = [
    f"DROP TRIGGER IF EXISTS assessment_publication_immutable ON {TABLE};",
    "DROP FUNCTION IF EXISTS assessment_publication_immutable();",
]
SQLITE_UP = [
    f"""
    CREATE TRIGGER assessment_publication_no_update
    BEFORE UPDATE ON {TABLE}
    BEGIN
        SELECT RAISE(ABORT, '{MESSAGE}');
    END;
    """,
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS assessment_publication_no_update;"]

STATEMENTS = {
    "postgresql": (POSTGRESQL_UP, POSTGRESQL_DOWN),
    "sqlite": (SQLITE_UP, SQLITE_DOWN),
}


def _run(schema_editor: BaseDatabaseSchemaEditor, index: int) -> None:
    statements = STATEMENTS.get(schema_editor.connection.vendor)
    if statements is None:  # another database: the model's own refusals still hold
        return
    for sql in statements[index]:
        schema_editor.execute(sql)


def install(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, 0)


def remove(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, 1)


class Migration(migrations.Migration):
    dependencies = [("assessment", "0007_results_workflow")]

    operations = [migrations.RunPython(install, remove, elidable=False)]
