"""A single save's seal (``units.audit_row``): that row exactly, the chain's lock taken only
at the seal, so a writer waits for another only from its seal to its commit (issue #20)."""

import hashlib
import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, transaction

from tests.factories import UnitFactory
from tests.races import race
from units import audit
from units.audit_verify import verify
from units.models import AuditSeal, Unit

UNIT_HISTORY = "units.historicalunit"


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.mark.django_db
def test_a_single_save_is_linked_to_the_seal_before_it(unit_a):
    before = AuditSeal.objects.order_by("-pk").first()
    assert before is not None  # the unit's own creation

    unit_a.name = "甲镇（新）"
    unit_a.save()

    seal = AuditSeal.objects.order_by("-pk").first()
    assert seal.table == UNIT_HISTORY
    assert seal.history_id == unit_a.history.latest().history_id
    # sha256 of the previous chain hash followed by this row's hash, in hex — on PostgreSQL
    # worked out by the server, elsewhere by Python; the same text either way
    assert seal.chain_hash == _sha(before.chain_hash + seal.row_hash)
    assert verify().breaks == []


def _advisory_waiters() -> int:
    """Backends waiting for an advisory lock now (the chain's, in this test)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
        (count,) = cursor.fetchone()
    return count


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_writer_writes_its_history_row_while_another_holds_the_chain_and_waits_only_to_seal_it(
    unit_a, unit_b
):
    holding, done = threading.Event(), threading.Event()

    def attempt(name: str) -> str:
        if name == "holder":
            with transaction.atomic():
                audit.lock_chain()
                holding.set()
                # the other writer has written its history row and waits for the chain
                deadline = time.monotonic() + 20
                while _advisory_waiters() == 0 and time.monotonic() < deadline:
                    time.sleep(0.02)
                unit = Unit.objects.get(pk=unit_a.pk)
                unit.name = "甲镇（持锁者）"
                unit.save()  # its history row comes after the waiting writer's
            return "saved"
        holding.wait(20)
        unit = Unit.objects.get(pk=unit_b.pk)
        unit.name = "乙镇（等待者）"
        unit.save()
        done.set()
        return "saved"

    assert race(attempt, ["holder", "waiter"]) == {"holder": "saved", "waiter": "saved"}
    assert done.is_set()

    holder_row = Unit.objects.get(pk=unit_a.pk).history.latest().history_id
    waiter_row = Unit.objects.get(pk=unit_b.pk).history.latest().history_id
    assert waiter_row < holder_row  # written before the holder's, not held back by the lock
    seals = list(
        AuditSeal.objects.filter(table=UNIT_HISTORY, history_id__in=[holder_row, waiter_row])
        .order_by("pk")
        .values_list("history_id", flat=True)
    )
    assert seals == [holder_row, waiter_row]  # sealed in the order they got the chain
    report = verify()
    assert report.breaks == [] and report.unsealed == {}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_eight_writers_at_once_leave_one_unforked_chain(town):
    units = {f"W{n}": UnitFactory(code=f"W{n}", name=f"单位{n}", category=town) for n in range(8)}
    start = threading.Barrier(8, timeout=30)

    def attempt(code: str) -> str:
        start.wait()
        for round_ in range(5):
            unit = Unit.objects.get(pk=units[code].pk)
            unit.name = f"{code} 第{round_ + 1}次"
            unit.save()
        return "saved"

    sealed_before = AuditSeal.objects.filter(table=UNIT_HISTORY).count()
    outcomes = race(attempt, list(units))
    assert set(outcomes.values()) == {"saved"}
    # 8 writers × 5 saves, each sealed once, one after another
    assert AuditSeal.objects.filter(table=UNIT_HISTORY).count() == sealed_before + 40
    chain_hashes = list(AuditSeal.objects.values_list("chain_hash", flat=True))
    assert len(set(chain_hashes)) == len(chain_hashes)  # no two seals linked to one head
    report = verify()
    assert report.breaks == [] and report.unsealed == {}


@pytest.mark.django_db
def test_a_computation_seals_its_own_results_and_not_a_row_slipped_in_behind_the_app(
    town, unit_a, unit_b, office_user
):
    from assessment.models import UnitResult
    from assessment.services.compute import results_compute
    from tests.assessment.workflow import build_district

    year = build_district(town, unit_a, unit_b, office_user)
    first = UnitResult.objects.get(unit=unit_a)
    # a result for a unit the run never scored, written behind the app: no signal, no seal
    other = UnitFactory(code="C01", name="丙镇", category=town, is_active=False)
    row = {**_fields(first), "id": None, "unit_id": other.pk, "total": Decimal("99.00")}
    slipped = UnitResult._base_manager.bulk_create([UnitResult(**row)])[0]

    run = results_compute(year=year, by=office_user, reason="再算一次")

    sealed = set(
        AuditSeal.objects.filter(table="assessment.unitresult").values_list("history_id", flat=True)
    )
    ours = set(UnitResult.objects.filter(run=run).values_list("pk", flat=True))
    assert len(ours) == 2 and ours <= sealed  # the new run's two results, each sealed
    assert slipped.pk not in sealed  # the next computation does not seal it in passing
    assert verify().unsealed == {"assessment.unitresult": [slipped.pk]}


def _fields(row) -> dict:
    return {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields}
