"""A column added to a sealed table after rows were sealed must be named, with the value the
earlier rows take, in the model's ``audit_added_columns``: otherwise every row sealed before the
upgrade reads as edited and ``verify_audit`` fails on a database that nobody touched.

The baseline is the schema the chain was first sealed under in production (the migrations
below); every sealed table's hashed columns are compared with it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from units.audit import _added_later, _columns, sealed_models

SEALED_UNDER = [
    ("assessment", "0016_sqlite_delete_guard"),
    ("reports", "0003_published_files"),
    ("units", "0004_submissions"),
]


@pytest.mark.django_db
def test_every_column_added_to_a_sealed_table_says_what_earlier_rows_hold():
    before = MigrationLoader(connection).project_state(SEALED_UNDER).apps
    unlisted, listed_but_old = {}, {}
    for model in sealed_models():
        try:
            old = before.get_model(model._meta.app_label, model._meta.model_name)
        except LookupError:
            continue  # a table made after the baseline: all its rows are sealed as they are
        old_columns = {f.attname for f in old._meta.concrete_fields}
        added = set(_columns(model)) - old_columns
        declared = set(_added_later(model))
        if added - declared:
            unlisted[model._meta.label] = sorted(added - declared)
        if declared - added:
            listed_but_old[model._meta.label] = sorted(declared - added)
    assert unlisted == {}
    assert listed_but_old == {}
