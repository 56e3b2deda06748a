"""The suite's databases are built from the models (devtools/schema.py): they must look migrated,
and the check that compares them with a migrated database must read SQLite's CHECK clauses."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db.migrations.recorder import MigrationRecorder

from devtools.schema import _sqlite_checks


@pytest.mark.django_db
def test_the_test_database_counts_every_migration_as_applied():
    # `migrate --check` exits with an error while any migration is unapplied.
    call_command("migrate", check=True, plan=True, verbosity=0)
    applied = {
        (app, name) for app, name in MigrationRecorder.Migration.objects.values_list("app", "name")
    }
    assert ("assessment", "0022_data_sources") in applied
    assert ("units", "0002_default_categories") in applied


def test_check_clauses_are_read_with_their_nested_brackets():
    sql = (
        'CREATE TABLE "t" ("id" integer NOT NULL PRIMARY KEY, '
        '"share" decimal NOT NULL CHECK ((("share" >= 0) AND ("share" <= 1))), '
        '"size" integer unsigned NOT NULL CHECK ("size" >= 0))'
    )
    assert _sqlite_checks([f"t | {sql}"]) == [
        't | CHECK ("size" >= 0)',
        't | CHECK ((("share" >= 0) AND ("share" <= 1)))',
    ]
