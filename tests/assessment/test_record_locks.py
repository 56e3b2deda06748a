"""A decision and a new record at the same moment, on PostgreSQL: neither waits on the other's
indicator, and both are saved.

The month-end load test found it: the office verified a record while a town recorded another on
the same indicator. The decision locked the record's row together with the rows it joins (the
indicator, the year) and then waited for the audit chain, which the new record's transaction
held; that transaction, committing, checked its foreign key to the indicator and waited for the
decision's lock. PostgreSQL broke the deadlock by failing one of them. A decision now locks only
the record's own row.
"""

from __future__ import annotations

import datetime
import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, transaction

from assessment.models import Evidence, EvidenceStatus, YearStatus
from assessment.services.evidence import evidence_record, evidence_verify
from tests.assessment.factories import IndicatorFactory, YearFactory
from tests.races import race

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def test_a_decision_and_a_new_record_on_its_indicator_are_both_saved(
    town, unit_a, unit_b, reporter_a, reporter_b, office_user
):
    year = YearFactory(year=2026, status=YearStatus.COLLECTING)
    indicator = IndicatorFactory(year=year, category=town, code="GDP")

    def record(unit, day: int, value: int, by):
        return evidence_record(
            unit=unit,
            indicator=indicator,
            date=datetime.date(2026, 3, day),
            value=Decimal(value),
            description=f"{unit.name}报表",
            by=by,
        )

    waiting = record(unit_b, 1, 80, reporter_b)
    recorded, decided = threading.Event(), threading.Event()

    def attempt(who: str) -> str:
        if who == "town":
            with transaction.atomic():
                record(unit_a, 2, 120, reporter_a)
                recorded.set()  # the audit chain is this transaction's until it commits
                decided.wait(10)  # the decision has started and waits for the chain
                time.sleep(1.5)  # longer than PostgreSQL's deadlock_timeout (1 s)
            return "saved"
        recorded.wait(10)
        decided.set()
        evidence_verify(record=waiting, by=office_user, accept=True)
        return "saved"

    outcomes = race(attempt, ["town", "office"])
    assert outcomes == {"town": "saved", "office": "saved"}
    assert Evidence.objects.get(pk=waiting.pk).status == EvidenceStatus.VERIFIED
    assert Evidence.objects.filter(unit=unit_a, indicator=indicator).count() == 1
