"""Two first visits of one account's workbench at the same moment, on PostgreSQL: both pages
open (found by the month-end load test, where twenty leaders share one account: one of them was
answered 500, the row of the first visit being written twice)."""

from __future__ import annotations

import datetime
import threading
import time

import pytest
from django.db import connection, transaction
from django.utils import timezone

from reports.models import WorkbenchVisit
from reports.workbench.visits import workbench_visit
from tests.races import race

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def test_two_first_visits_at_once_both_open_and_the_second_sees_the_first(leader_user):
    first_at = timezone.now()
    second_at = first_at + datetime.timedelta(seconds=1)
    written = threading.Event()

    def visit(who: str) -> str:
        if who == "first":
            with transaction.atomic():
                found = workbench_visit(user=leader_user, figures={"year": 2026}, now=first_at)
                written.set()  # its row is written, not yet committed
                time.sleep(1.0)
            return f"previous={found}"
        written.wait(10)
        found = workbench_visit(user=leader_user, figures={"year": 2026}, now=second_at)
        return f"previous={found.seen_at == first_at if found else None}"

    outcomes = race(visit, ["first", "second"])
    assert outcomes == {"first": "previous=None", "second": "previous=True"}
    assert WorkbenchVisit.objects.get(user=leader_user).seen_at == second_at
