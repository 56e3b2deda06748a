"""New records of an import are written in one go (``assessment.imports.writes._create``): on
PostgreSQL their ids come from the table's sequence and the rows go by COPY, elsewhere by
``bulk_create``. Either way each record comes back with its id, and the database holds exactly
the values it was given, the automatic ones (creation time, defaults) included."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from assessment.imports.writes import _create
from assessment.models import ImportJob
from units.models import Unit


@pytest.mark.django_db
def test_new_records_come_back_with_ids_and_are_stored_as_given(town, unit_a):
    before = timezone.now()
    records = [
        Unit(code="C01", name="丙镇", category=town, headcount=12),
        Unit(code="C02", name="丁镇", category=town, headcount=0, parent=unit_a, is_active=False),
    ]
    created = _create(Unit, records)

    assert [unit.pk for unit in created] == [unit.pk for unit in records]
    assert len({unit_a.pk, *(unit.pk for unit in created)}) == 3  # new ids, none reused
    stored = {u.code: u for u in Unit.objects.filter(pk__in=[u.pk for u in created])}
    assert stored["C01"].name == "丙镇" and stored["C01"].headcount == 12
    assert stored["C01"].parent_id is None and stored["C01"].is_active is True  # the default
    assert stored["C02"].parent_id == unit_a.pk and stored["C02"].is_active is False
    assert stored["C02"].category_id == town.pk
    for unit in stored.values():  # auto_now_add and auto_now were set on the way in
        assert before <= unit.created_at <= timezone.now()
        assert isinstance(unit.updated_at, datetime.datetime)
    # The records are saved ones now: a later save updates them instead of inserting again.
    created[0].headcount = 13
    created[0].save()
    assert Unit.objects.get(code="C01").headcount == 13
    assert Unit.objects.filter(code="C01").count() == 1


@pytest.mark.django_db
def test_nothing_to_write_writes_nothing():
    assert _create(Unit, []) == []


@pytest.mark.django_db
def test_a_table_not_numbered_by_a_sequence_is_written_by_bulk_create(office_user):
    job = ImportJob(kind="evidence", file_name="平时记录.xlsx", sha256="0" * 64, size=1)
    job.user = office_user
    (created,) = _create(ImportJob, [job])
    assert ImportJob.objects.get(pk=created.pk).file_name == "平时记录.xlsx"


@pytest.mark.django_db
def test_a_record_given_its_id_keeps_it(town):
    (created,) = _create(
        Unit, [Unit(pk=9_000_001, code="D01", name="戊镇", category=town, headcount=5)]
    )
    assert created.pk == 9_000_001
    assert Unit.objects.get(pk=9_000_001).code == "D01"
