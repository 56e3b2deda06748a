"""Database guards for rows written once (cast ballots, survey responses) and codes used once.

The models refuse to change such rows (``models.written_once``); these triggers refuse the same
below the ORM, for raw SQL and any other program writing to the database. Migrations install
them with ``guard_operation``. As for publications (migration 0008): SQLite refuses updates only,
since its ``flush`` (between transactional tests) empties tables with DELETE in no fixed order;
PostgreSQL refuses updates and deletes (its ``flush`` truncates, which row triggers do not see).

    guard_operation(
        written_once("assessment_ballot_immutable", ["assessment_ballot"], "A cast ballot …"),
        used_once("assessment_ballotcode", "A used ballot code cannot be changed."),
    )
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import migrations

if TYPE_CHECKING:
    from django.db.backends.base.schema import BaseDatabaseSchemaEditor
    from django.db.migrations.state import StateApps

# vendor → (statements to install, statements to remove)
Statements = dict[str, tuple[list[str], list[str]]]


def written_once(function: str, tables: Sequence[str], message: str) -> Statements:
    """Refuse every UPDATE (and, on PostgreSQL, DELETE) of the rows of ``tables``."""
    postgresql_up = [
        f"""
        CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION '{message}' USING ERRCODE = 'integrity_constraint_violation';
        END;
        $$ LANGUAGE plpgsql;
        """,
        *[
            f"""
            CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION {function}();
            """
            for table in tables
        ],
    ]
    postgresql_down = [
        *[f"DROP TRIGGER IF EXISTS {table}_immutable ON {table};" for table in tables],
        f"DROP FUNCTION IF EXISTS {function}();",
    ]
    sqlite_up = [
        f"""
        CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
        BEGIN
            SELECT RAISE(ABORT, '{message}');
        END;
        """
        for table in tables
    ]
    sqlite_down = [f"DROP TRIGGER IF EXISTS {table}_no_update;" for table in tables]
    return {
        "postgresql": (postgresql_up, postgresql_down),
        "sqlite": (sqlite_up, sqlite_down),
    }


def used_once(table: str, message: str) -> Statements:
    """Refuse an UPDATE of a code row once it is used (``used_on`` set), or of its digest."""
    condition = "OLD.used_on IS NOT NULL OR NEW.digest <> OLD.digest"
    function = f"{table}_used"
    postgresql_up = [
        f"""
        CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
        BEGIN
            IF {condition} THEN
                RAISE EXCEPTION '{message}' USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN NEW;
        END;
        $$ LANGUAGE plpgsql;
        """,
        f"""
        CREATE TRIGGER {function} BEFORE UPDATE ON {table}
        FOR EACH ROW EXECUTE FUNCTION {function}();
        """,
    ]
    postgresql_down = [
        f"DROP TRIGGER IF EXISTS {function} ON {table};",
        f"DROP FUNCTION IF EXISTS {function}();",
    ]
    sqlite_up = [
        f"""
        CREATE TRIGGER {function} BEFORE UPDATE ON {table}
        WHEN {condition}
        BEGIN
            SELECT RAISE(ABORT, '{message}');
        END;
        """
    ]
    sqlite_down = [f"DROP TRIGGER IF EXISTS {function};"]
    return {
        "postgresql": (postgresql_up, postgresql_down),
        "sqlite": (sqlite_up, sqlite_down),
    }


def guard_operation(*guards: Statements) -> migrations.RunPython:
    """One migration operation installing (and on the way back removing) the guards; on
    another database it does nothing (the models' own refusals still hold)."""

    def run(schema_editor: BaseDatabaseSchemaEditor, index: int) -> None:
        for guard in guards if index == 0 else reversed(guards):
            statements = guard.get(schema_editor.connection.vendor)
            if statements is not None:
                for sql in statements[index]:
                    schema_editor.execute(sql)

    def install(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        run(schema_editor, 0)

    def remove(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        run(schema_editor, 1)

    return migrations.RunPython(install, remove, elidable=False)
