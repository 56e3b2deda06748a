"""The audit history is tamper-evident: every history row is sealed into a hash chain, and
``manage.py verify_audit`` recomputes it and names the first row changed behind the app's back."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from simple_history.utils import bulk_create_with_history

from assessment.imports import workbook_import, writes
from assessment.models import Evidence, KeyProject, Publication
from assessment.services.publication import publish
from tests.assessment.factories import IndicatorFactory, YearFactory
from tests.assessment.workflow import build_district, open_publicity
from tests.example_district import EXAMPLE_DIR
from tests.imports_helpers import import_context, unsaved_evidence
from units import audit, audit_verify
from units.models import AuditSeal, Unit
from units.services import unit_set_active

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

UNIT_HISTORY = "units.historicalunit"


def _verify() -> tuple[int, str]:
    """The command's exit (0 or 1, as ``manage.py`` would) and its output."""
    out = io.StringIO()
    try:
        call_command("verify_audit", stdout=out)
    except CommandError as error:
        return 1, out.getvalue() + str(error)
    return 0, out.getvalue()


def _sql(statement: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_a_normal_save_is_sealed_and_chained(unit_a):
    unit_a.headcount = 51
    unit_a.save()
    latest = unit_a.history.latest()
    seal = AuditSeal.objects.get(table=UNIT_HISTORY, history_id=latest.history_id)
    previous = AuditSeal.objects.filter(pk__lt=seal.pk).order_by("-pk").first()
    assert seal.chain_hash == audit.link(
        previous.chain_hash if previous else audit.GENESIS, seal.row_hash
    )
    assert audit_verify.verify().ok


def test_every_history_row_of_a_bulk_import_is_sealed(office_user, town, unit_a):
    indicator = IndicatorFactory(year=YearFactory(year=2026), category=town, code="GDP")
    records = writes.create_with_history(
        Evidence, unsaved_evidence(unit_a, indicator, 7), import_context(office_user, "证据.xlsx")
    )
    ids = Evidence.history.filter(id__in=[r.pk for r in records]).values_list(
        "history_id", flat=True
    )
    sealed = AuditSeal.objects.filter(table="assessment.historicalevidence", history_id__in=ids)
    assert sealed.count() == 7
    result = workbook_import(
        kind="units",
        data=(EXAMPLE_DIR / "units.xlsx").read_bytes(),
        file_name="units.xlsx",
        user=None,
    )
    assert result.committed
    assert Unit.history.count() == AuditSeal.objects.filter(table=UNIT_HISTORY).count()
    assert audit_verify.verify().ok


def test_bulk_writes_elsewhere_are_sealed_by_seal_pending(office_user, town, unit_a):
    indicator = IndicatorFactory(year=YearFactory(year=2026), category=town, code="GDP")
    bulk_create_with_history(
        unsaved_evidence(unit_a, indicator, 3), Evidence, default_user=office_user
    )
    assert list(audit_verify.verify().unsealed) == ["assessment.historicalevidence"]
    assert audit.seal_pending() == 3
    assert audit.seal_pending() == 0
    assert audit_verify.verify().ok


def test_verify_passes_on_a_clean_chain(unit_a, unit_b, cadres):
    unit_b.name = "新名称"
    unit_b.save()
    code, output = _verify()
    assert code == 0
    assert "Audit chain intact: every history row is sealed, every row as recorded." in output


def test_a_history_row_edited_by_raw_sql_is_caught_at_that_row(unit_a, unit_b):
    unit_a.headcount = 60
    unit_a.save()
    unit_b.headcount = 70
    unit_b.save()
    target = unit_a.history.latest()
    table = Unit.history.model._meta.db_table
    _sql(f"UPDATE {table} SET headcount = %s WHERE history_id = %s", [6000, target.history_id])

    report = audit_verify.verify()
    assert [(b.kind, b.table, b.history_id) for b in report.breaks] == [
        (audit_verify.CONTENT_CHANGED, UNIT_HISTORY, target.history_id)
    ]
    code, output = _verify()
    assert code == 1
    assert f"{UNIT_HISTORY}, history row {target.history_id}" in output
    assert "the history row's content was changed" in output
    assert "The audit trail failed verification." in output


def test_a_deleted_history_row_is_caught(unit_a, unit_b):
    target = unit_a.history.latest()
    table = Unit.history.model._meta.db_table
    _sql(f"DELETE FROM {table} WHERE history_id = %s", [target.history_id])

    report = audit_verify.verify()
    assert [(b.kind, b.history_id) for b in report.breaks] == [
        (audit_verify.ROW_DELETED, target.history_id)
    ]
    code, output = _verify()
    assert code == 1 and "the history row was deleted" in output


def test_an_edited_seal_is_caught(unit_a, unit_b):
    seal = AuditSeal.objects.get(table=UNIT_HISTORY, history_id=unit_a.history.latest().history_id)
    _sql(f"UPDATE {AuditSeal._meta.db_table} SET row_hash = %s WHERE id = %s", ["0" * 64, seal.pk])
    report = audit_verify.verify()
    assert report.breaks[0].kind == audit_verify.SEAL_BROKEN
    assert report.breaks[0].seal == seal.pk
    assert _verify()[0] == 1


def test_a_deleted_seal_breaks_the_chain_and_leaves_its_row_unsealed(unit_a, unit_b):
    seal = AuditSeal.objects.get(table=UNIT_HISTORY, history_id=unit_a.history.latest().history_id)
    _sql(f"DELETE FROM {AuditSeal._meta.db_table} WHERE id = %s", [seal.pk])
    report = audit_verify.verify()
    assert report.breaks[0].kind == audit_verify.SEAL_BROKEN  # the next seal no longer links
    assert report.unsealed == {UNIT_HISTORY: [seal.history_id]}
    code, output = _verify()
    assert code == 1 and f"Not sealed: {UNIT_HISTORY}, 1 history rows" in output


def test_a_publication_document_edited_by_raw_sql_is_caught(town, unit_a, unit_b, office_user):
    year = build_district(town, unit_a, unit_b, office_user)
    open_publicity(year, office_user)
    publication = publish(year=year, by=office_user, confirm_early=True)
    code, output = _verify()
    assert code == 0 and f"Publication {publication}: SHA-256 intact." in output, output

    # The guard trigger refuses any UPDATE; dropped inside the test's transaction (rolled back
    # with it) to play someone who bypasses it.
    table = Publication._meta.db_table
    if connection.vendor == "postgresql":
        _sql(f"DROP TRIGGER assessment_publication_immutable ON {table}", [])
        _sql(f"UPDATE {table} SET document = jsonb_set(document, '{{tampered}}', '1')", [])
    else:
        _sql("DROP TRIGGER assessment_publication_no_update", [])
        _sql(f"UPDATE {table} SET document = json_set(document, '$.tampered', 1)", [])

    assert not Publication.objects.get(pk=publication.pk).intact
    code, output = _verify()
    assert code == 1
    assert f"Publication {publication}: SHA-256 does not match its document." in output


def test_a_reason_added_through_the_app_is_sealed_again_and_raw_sql_still_caught(unit_a):
    unit_set_active(unit=unit_a, active=False, reason="撤并")
    latest = unit_a.history.latest()
    assert latest.history_change_reason == "撤并"
    assert AuditSeal.objects.filter(table=UNIT_HISTORY, history_id=latest.history_id).count() == 2
    assert audit_verify.verify().ok

    table = Unit.history.model._meta.db_table
    _sql(
        f"UPDATE {table} SET history_change_reason = %s WHERE history_id = %s",
        ["x", latest.history_id],
    )
    report = audit_verify.verify()
    assert [(b.kind, b.history_id) for b in report.breaks] == [
        (audit_verify.CONTENT_CHANGED, latest.history_id)
    ]


def test_many_to_many_history_rows_are_sealed_by_their_own_id(unit_a, cadres):
    lead, member = cadres[0], cadres[1]
    project = KeyProject.objects.create(
        year=YearFactory(year=2026), name="新城建设", unit=unit_a, lead_cadre=lead
    )
    project.members.add(member)  # a history row of the project and one of its members
    project.save()
    report = audit_verify.verify()
    assert report.ok, report
    assert AuditSeal.objects.filter(table="assessment.historicalkeyproject_members").exists()


def test_a_bulk_verification_is_sealed_at_once(office_user, reporter_a, town, unit_a):
    """Verifying several records at once writes their history in bulk: sealed in the same
    transaction, so the chain verifies right after."""
    from assessment.models import YearStatus
    from assessment.services.evidence import evidence_record, evidence_verify_many
    from tests.assessment.factories import IndicatorFactory, YearFactory

    year = YearFactory(year=2026, status=YearStatus.COLLECTING)
    indicator = IndicatorFactory(year=year, category=town, code="GDP", lead_unit=None)
    records = [
        evidence_record(
            unit=unit_a, indicator=indicator, date=datetime.date(2026, 3, day),
            value=Decimal(day), description=f"第{day}条", by=reporter_a,
        )
        for day in (1, 2)
    ]  # fmt: skip
    evidence_verify_many(records=records, by=office_user, accept=True)
    report = audit_verify.verify()
    assert report.ok, report


def test_a_column_added_later_keeps_earlier_seals_and_its_raw_edit_is_still_caught(
    office_user, town, unit_a
):
    # A row holding the value the column was added with hashes as before the column existed,
    # so an upgrade that adds it leaves every earlier seal valid.
    columns, values = ["history_id", "value"], [7, "1"]
    before = audit.row_hash("t", columns, values)
    assert audit.row_hash("t", [*columns, "document"], [*values, ""], {"document": ""}) == before
    assert audit.row_hash("t", [*columns, "document"], [*values, "x号"], {"document": ""}) != before

    indicator = IndicatorFactory(year=YearFactory(year=2026), category=town, code="AW")
    record = Evidence.objects.create(
        unit=unit_a, indicator=indicator, date=datetime.date(2026, 3, 1), value=Decimal(1),
        description="表彰",
    )  # fmt: skip
    assert audit_verify.verify().ok
    table = Evidence.history.model._meta.db_table
    _sql(
        f"UPDATE {table} SET is_waived = %s WHERE history_id = %s",
        [True, record.history.latest().history_id],
    )
    assert [b.kind for b in audit_verify.verify().breaks] == [audit_verify.CONTENT_CHANGED]
