"""What the attack on a running copy did behind the application's back, each reproduced: a
deleted publication, a forged one with a recomputed SHA-256, raw edits of an evidence value, of
a unit's name and of a stored total, and a chain cut at its end. ``verify_audit`` names each
and exits non-zero; on an untouched database it passes."""

from __future__ import annotations

import hashlib
import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from assessment.models import Evidence, EvidenceStatus, Publication, UnitResult
from assessment.services.publication import publish
from tests.assessment.workflow import build_district, open_publicity
from units.models import AuditSeal

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


@pytest.fixture
def published(town, unit_a, unit_b, office_user):
    year = build_district(town, unit_a, unit_b, office_user)
    open_publicity(year, office_user)
    return publish(year=year, by=office_user, confirm_early=True)


def verify(*options: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("verify_audit", *options, stdout=out)
    except CommandError as error:
        return 1, out.getvalue() + str(error)
    return 0, out.getvalue()


def sql(statement: str, params: list | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])


def without_guard(table: str) -> None:
    """Play someone who bypasses the database's guard (rolled back with the test)."""
    if connection.vendor == "postgresql":
        sql("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE refuses pending deferred checks
        sql(f"ALTER TABLE {table} DISABLE TRIGGER USER")
    else:
        sql(f"DROP TRIGGER IF EXISTS {table}_no_update")
        sql(f"DROP TRIGGER IF EXISTS {table}_no_delete")
        sql("DROP TRIGGER IF EXISTS assessment_publication_no_update")


def test_an_untouched_database_passes(published):
    code, output = verify()
    assert code == 0, output
    assert "every row as recorded" in output


def test_a_deleted_publication_is_caught(published):
    table = Publication._meta.db_table
    without_guard(table)
    sql(f"DELETE FROM {table} WHERE id = %s", [published.pk])
    code, output = verify()
    assert code == 1
    assert "assessment.publication" in output and "was deleted" in output


def test_a_forged_publication_with_a_recomputed_hash_is_caught(published):
    document = dict(published.document)
    document["units"] = [dict(u) for u in document["units"]]
    document["units"][0]["total"] = "99.00"
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    forged_sha = hashlib.sha256(text.encode()).hexdigest()
    table = Publication._meta.db_table
    without_guard(table)
    sql(f"DELETE FROM {table} WHERE id = %s", [published.pk])
    columns = [f.column for f in Publication._meta.concrete_fields]
    values = {f.column: getattr(published, f.attname) for f in Publication._meta.concrete_fields}
    values["document"] = json.dumps(document, ensure_ascii=False)
    values["sha256"] = forged_sha
    values["changes"] = json.dumps(values["changes"], ensure_ascii=False)
    placeholders = ", ".join(["%s"] * len(columns))
    sql(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})",
        [values[c] for c in columns],
    )
    code, output = verify()
    assert code == 1
    assert "assessment.publication" in output and "content was changed" in output


def test_a_raw_edit_of_an_evidence_value_is_caught(published, unit_a):
    record = Evidence.objects.filter(unit=unit_a, status=EvidenceStatus.VERIFIED).first()
    sql(f"UPDATE {Evidence._meta.db_table} SET value = %s WHERE id = %s", [Decimal(999), record.pk])
    code, output = verify()
    assert code == 1
    assert f"assessment.evidence, row {record.pk}: the row differs from its last" in output


def test_a_raw_edit_of_a_units_name_is_caught(published, unit_a):
    sql("UPDATE units_unit SET name = %s WHERE id = %s", ["甲镇（改）", unit_a.pk])
    code, output = verify()
    assert code == 1
    assert f"units.unit, row {unit_a.pk}: the row differs from its last recorded change" in output


def test_a_raw_edit_of_a_stored_total_is_caught(published, unit_a):
    result = UnitResult.objects.filter(unit=unit_a).latest("pk")
    sql(f"UPDATE {UnitResult._meta.db_table} SET total = %s WHERE id = %s", ["99.00", result.pk])
    code, output = verify()
    assert code == 1
    assert "assessment.unitresult" in output and "content was changed" in output


def test_a_chain_cut_at_its_end_is_caught_given_the_head_kept_outside(published, unit_a):
    """The last change (a rename) is undone behind the app's back with its traces: the live
    name restored, its history row and its seal deleted. The chain is consistent again and
    matches every row; only the head noted outside after the rename shows what was cut."""
    name = unit_a.name
    unit_a.name = "甲镇街道"
    unit_a.save()
    head = AuditSeal.objects.latest("pk").chain_hash  # kept outside, e.g. printed daily
    assert verify("--expect-head", head)[0] == 0

    last = unit_a.history.latest("history_id")
    before = unit_a.history.filter(history_id__lt=last.history_id).latest("history_id")
    sql(
        "UPDATE units_unit SET name = %s, updated_at = %s WHERE id = %s",
        [name, before.updated_at, unit_a.pk],
    )
    AuditSeal.objects.filter(table="units.historicalunit", history_id=last.history_id).delete()
    sql("DELETE FROM units_historicalunit WHERE history_id = %s", [last.history_id])
    assert verify()[0] == 0  # consistent without the head kept outside
    code, output = verify("--expect-head", head)
    assert code == 1 and "does not reach the head" in output


def test_the_database_itself_refuses_to_delete_a_publication(published):
    """SQLite as PostgreSQL: below the ORM, a raw DELETE of a publication is refused."""
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError), transaction.atomic():
        sql(f"DELETE FROM {Publication._meta.db_table} WHERE id = %s", [published.pk])
    assert Publication.objects.filter(pk=published.pk).exists()
