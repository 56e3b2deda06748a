"""On SQLite too, a row written once is never deleted (PostgreSQL's guards already refuse
UPDATE and DELETE): publications, their public downloads, cast ballots and survey answers.

Django's test ``flush`` empties tables with DELETE; the test suite lifts these triggers inside
its own flush (``tests/sqlite_flush.py``) and nowhere else. Production never does.
"""

from django.db import migrations

from assessment.lib.db_guards import guard_operation

TABLES = {
    "assessment_publication": "A publication cannot be changed or deleted.",
    "reports_publishedfile": "A published file cannot be changed or deleted.",
    "assessment_ballot": "A cast ballot cannot be changed or deleted.",
    "assessment_ballotmark": "A cast ballot cannot be changed or deleted.",
    "assessment_surveyresponse": "A survey response cannot be changed or deleted.",
    "assessment_surveyanswer": "A survey response cannot be changed or deleted.",
}

NO_DELETE = guard_operation(
    {
        "sqlite": (
            [
                f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END;"
                for table, message in TABLES.items()
            ],
            [f"DROP TRIGGER IF EXISTS {table}_no_delete;" for table in TABLES],
        )
    }
)


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0015_seal_written_once"),
        ("reports", "0003_published_files"),
    ]

    operations = [NO_DELETE]
