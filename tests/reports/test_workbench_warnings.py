"""The warnings' follow-up on the workbench: a unit's notice to answer (urgent once overdue),
the leader's instruction to answer, the reports the office reviews and those overdue."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assessment.models import WarningNotice, YearStatus
from assessment.services import warnings as service
from reports.waiting import Waiting
from tests.assessment.factories import YearFactory
from tests.assessment.warnings_world import build_world, day

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 4, 20)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args: TODAY)


@pytest.fixture
def year(db):
    return YearFactory(year=2026, status=YearStatus.COLLECTING)


@pytest.fixture
def closed_q1(year, town, unit_a, unit_b, office_user):
    """Q1 closed on 1 April with no records: both towns red on E01, reports due 16 April."""
    world = build_world(year, town, unit_a, unit_b, office_user)
    service.period_close(period=world["periods"][0], by=office_user, today=day(4, 1))
    return world


def section(client, user, key):
    client.force_login(user)
    response = client.get(reverse("home"))
    found = {s.key: s for s in response.context["bench"].sections}
    return {task.key: task for task in found[key].tasks}, response.content.decode()


def test_a_red_unit_sees_its_overdue_notice_on_its_workbench(client, closed_q1, reporter_a):
    tasks, html = section(client, reporter_a, "reporter")
    notice = tasks["notices"]
    assert notice.count == 1
    assert notice.urgent  # due 16 April, today is 20 April
    notice_a = WarningNotice.objects.get(unit__code="A01")
    assert reverse("assessment:notice_detail", kwargs={"pk": notice_a.pk}) in html
    assert "1 份整改报告逾期" in html


def test_a_filed_report_leaves_the_units_tasks_and_reaches_the_offices(
    client, closed_q1, reporter_a, office_user
):
    notice_a = WarningNotice.objects.get(unit__code="A01")
    service.report_file(
        notice=notice_a, measures="加快进度", done_by=day(5, 31), uploads=[], by=reporter_a
    )
    tasks, _html = section(client, reporter_a, "reporter")
    assert "notices" not in tasks
    office, _html = section(client, office_user, "office")
    assert office["reports_review"].count == 1
    # 乙镇 has filed nothing and its deadline has passed.
    assert office["reports_overdue"].count == 1
    assert office["reports_overdue"].details == ("乙镇 · Q1 · 2026-04-16",)


def test_an_instruction_waits_on_the_units_workbench_until_answered(
    client, closed_q1, year, unit_a, leader_user, reporter_a, reporter_b
):
    instruction = service.instruction_write(
        year=year, unit=unit_a, text="请限期补足差距", by=leader_user
    )
    tasks, html = section(client, reporter_a, "reporter")
    assert tasks["instructions"].count == 1
    assert reverse("assessment:instruction_detail", kwargs={"pk": instruction.pk}) in html
    other, _html = section(client, reporter_b, "reporter")
    assert "instructions" not in other
    service.instruction_answer(instruction=instruction, answer="已落实", by=reporter_a)
    tasks, _html = section(client, reporter_a, "reporter")
    assert "instructions" not in tasks


def test_waiting_counts_the_follow_up_once_for_every_page(closed_q1, year):
    waiting = Waiting(year, TODAY)
    assert [n.unit.code for n in waiting.open_notices] == ["A01", "B01"]
    assert len(waiting.reports_overdue) == 2
    assert Waiting(year, day(4, 16)).reports_overdue == []  # the due day itself is not late
