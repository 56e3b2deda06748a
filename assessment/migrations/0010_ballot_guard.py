"""A database guard under cast ballots: a ballot and its marks are never updated or deleted,
and a used code is never made usable again.

The models already refuse (``Ballot``/``BallotMark`` ``save`` and ``delete``, their querysets'
``update()`` and ``delete()``); these triggers refuse the same below the ORM. As for
publications (migration 0008), SQLite refuses updates only, since its ``flush`` empties tables
with DELETE in no fixed order; PostgreSQL refuses updates and deletes.
"""

from django.db import migrations

BALLOT_TABLES = ("assessment_ballot", "assessment_ballotmark")
MESSAGE = "A cast ballot cannot be changed or deleted."
CODE_MESSAGE = "A used ballot code cannot be changed."

POSTGRESQL_UP = [
    f"""
    CREATE OR REPLACE FUNCTION assessment_ballot_immutable() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
    END;
    $$ LANGUAGE plpgsql;
    """,
    *[
        f"""
        CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION assessment_ballot_immutable();
        """
        for table in BALLOT_TABLES
    ],
    f"""
    CREATE OR REPLACE FUNCTION assessment_ballotcode_used() RETURNS trigger AS $$
    BEGIN
        IF OLD.used_on IS NOT NULL OR NEW.digest <> OLD.digest THEN
            RAISE EXCEPTION '{CODE_MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER assessment_ballotcode_used BEFORE UPDATE ON assessment_ballotcode
    FOR EACH ROW EXECUTE FUNCTION assessment_ballotcode_used();
    """,
]
POSTGRESQL_DOWN = [
    *[f"DROP TRIGGER IF EXISTS {table}_immutable ON {table};" for table in BALLOT_TABLES],
    "DROP TRIGGER IF EXISTS assessment_ballotcode_used ON assessment_ballotcode;",
    "DROP FUNCTION IF EXISTS assessment_ballot_immutable();",
    "DROP FUNCTION IF EXISTS assessment_ballotcode_used();",
]
SQLITE_UP = [
    *[
        f"""
        CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
        BEGIN
            SELECT RAISE(ABORT, '{MESSAGE}');
        END;
        """
        for table in BALLOT_TABLES
    ],
    f"""
    CREATE TRIGGER assessment_ballotcode_used BEFORE UPDATE ON assessment_ballotcode
    WHEN OLD.used_on IS NOT NULL OR NEW.digest <> OLD.digest
    BEGIN
        SELECT RAISE(ABORT, '{CODE_MESSAGE}');
    END;
    """,
]
SQLITE_DOWN = [
    *[f"DROP TRIGGER IF EXISTS {table}_no_update;" for table in BALLOT_TABLES],
    "DROP TRIGGER IF EXISTS assessment_ballotcode_used;",
]

STATEMENTS = {
    "postgresql": (POSTGRESQL_UP, POSTGRESQL_DOWN),
    "sqlite": (SQLITE_UP, SQLITE_DOWN),
}


def _run(schema_editor, index: int) -> None:  # type: ignore[no-untyped-def]
    statements = STATEMENTS.get(schema_editor.connection.vendor)
    if statements is None:  # another database: the models' own refusals still hold
        return
    for sql in statements[index]:
        schema_editor.execute(sql)


def install(apps, schema_editor):  # type: ignore[no-untyped-def]
    _run(schema_editor, 0)


def remove(apps, schema_editor):  # type: ignore[no-untyped-def]
    _run(schema_editor, 1)


class Migration(migrations.Migration):
    dependencies = [("assessment", "0009_evaluation_rounds")]

    operations = [migrations.RunPython(install, remove, elidable=False)]
