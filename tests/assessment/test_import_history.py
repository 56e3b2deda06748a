"""The import layer's fast history rows equal those django-simple-history writes itself."""

import datetime
from decimal import Decimal

import pytest
from simple_history.utils import bulk_create_with_history

from assessment.imports import writes
from assessment.models import Evidence
from tests.assessment.factories import IndicatorFactory, YearFactory
from tests.imports_helpers import import_context, unsaved_evidence

pytestmark = pytest.mark.django_db


def _history(records) -> list[dict]:
    """Each record's history rows, without the columns that differ by nature (ids, times)."""
    skip = {"id", "history_id", "history_date", "recorded_at", "description"}
    rows = Evidence.history.filter(id__in=[r.pk for r in records]).order_by("date").values()
    return [{k: v for k, v in row.items() if k not in skip} for row in rows]


def test_created_rows_get_the_history_rows_simple_history_would_write(
    monkeypatch, office_user, town, unit_a
):
    indicator = IndicatorFactory(year=YearFactory(year=2026), category=town, code="GDP")
    monkeypatch.setattr(writes, "CHUNK", 2)  # several chunks, with a short last one
    ctx = import_context(office_user, "目标.xlsx")
    ours = writes.create_with_history(Evidence, unsaved_evidence(unit_a, indicator, 5, "ours"), ctx)
    theirs = bulk_create_with_history(
        unsaved_evidence(unit_a, indicator, 5, "theirs"),
        Evidence,
        default_user=office_user,
        default_change_reason="导入 目标.xlsx",
    )
    assert len(_history(ours)) == 5
    assert _history(ours) == _history(theirs)
    first = Evidence.history.get(id=ours[0].pk)
    assert (first.history_type, first.history_user, first.history_change_reason) == (
        "+",
        office_user,
        "导入 目标.xlsx",
    )
    assert first.description == "ours 0" and first.value == Decimal("0.5")


def test_no_history_rows_when_history_is_turned_off(settings, town, unit_a):
    settings.SIMPLE_HISTORY_ENABLED = False
    indicator = IndicatorFactory(year=YearFactory(year=2026), category=town, code="GDP")
    records = Evidence.objects.bulk_create(unsaved_evidence(unit_a, indicator, 2, "x"))
    writes.insert_history(
        Evidence,
        [r.pk for r in records],
        user=None,
        reason="",
        when=datetime.datetime.now(datetime.UTC),
    )
    assert not Evidence.history.exists()
