"""Migration 0024: on PostgreSQL a unit result's explanations and scores are compressed with
lz4, and a server built without lz4 keeps its default, the migration going on."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.db import DatabaseError, connection

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="column compression is PostgreSQL's"
    ),
]

MIGRATION = importlib.import_module("assessment.migrations.0024_run_explained")


def _compression() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, attcompression FROM pg_attribute"
            " WHERE attrelid = 'assessment_unitresult'::regclass"
            " AND attname IN ('details', 'scores')"
        )
        return dict(cursor.fetchall())


def test_the_explanations_and_scores_are_compressed_with_lz4():
    assert _compression() == {"details": "l", "scores": "l"}


def test_a_server_without_lz4_keeps_its_default_and_the_migration_goes_on(monkeypatch):
    with connection.cursor() as cursor:
        cursor.execute(
            "ALTER TABLE assessment_unitresult ALTER COLUMN details SET COMPRESSION pglz"
        )
    real_cursor = connection.cursor

    class Refusing:
        def __init__(self) -> None:
            self.cursor = real_cursor()

        def __enter__(self):
            return self

        def __exit__(self, *exc: object) -> None:
            self.cursor.close()

        def execute(self, sql: str, params: object = None) -> None:
            # what a server built without lz4 answers, after running the statement
            self.cursor.execute(sql, params)
            raise DatabaseError("compression method lz4 not supported")

    monkeypatch.setattr(connection, "cursor", Refusing)
    with connection.schema_editor(atomic=False) as editor:
        MIGRATION.compress_with_lz4(apps, editor)  # no error
    monkeypatch.undo()
    # the statement was undone with its savepoint, and the transaction goes on
    assert _compression() == {"details": "p", "scores": "l"}
