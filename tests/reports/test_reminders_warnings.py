"""The warnings' follow-up in the reminders (panel, page and e-mail digest), for each role, and
the workbench counting the same work: a unit's notices, reports and instructions, the office's
reports to review and talks to hold, a leader's answers to read."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from assessment.models import WarningNotice
from assessment.services import warnings as service
from reports.reminders.audience import acting
from reports.reminders.digest import digest_for
from reports.reminders.panel import reminders_panel
from reports.waiting import Waiting
from tests.assessment.warnings_world import day
from tests.reports import test_workbench_warnings as bench_world

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

# the world of the workbench's warnings tests: Q1 closed on 1 April, today 20 April
TODAY = bench_world.TODAY
_today = bench_world._today
year = bench_world.year
closed_q1 = bench_world.closed_q1


def warning_items(user, year, *, overdue: bool):
    found = Waiting(year, TODAY).reminders
    items = acting(user, found.overdue if overdue else found.due_soon)
    return [(item.kind, item.unit.code if item.unit else None, item.due) for item in items]


def bench_tasks(client, user):
    client.force_login(user)
    bench = client.get(reverse("home")).context["bench"]
    return {task.key: task.count for section in bench.sections for task in section.tasks}


def test_a_red_unit_is_reminded_of_its_overdue_notice_and_only_of_its_own(
    closed_q1, year, reporter_a, reporter_b
):
    assert warning_items(reporter_a, year, overdue=True) == [("notice", "A01", day(4, 16))]
    assert warning_items(reporter_b, year, overdue=True) == [("notice", "B01", day(4, 16))]
    notice_a = WarningNotice.objects.get(unit__code="A01")
    service.notice_acknowledge(notice=notice_a, by=reporter_a)
    # acknowledged, the report is still due
    assert warning_items(reporter_a, year, overdue=True) == [("report_due", "A01", day(4, 16))]


def test_the_panel_the_digest_and_the_workbench_count_the_units_notice_alike(
    client, closed_q1, year, reporter_a
):
    [panel_year] = reminders_panel(reporter_a, TODAY).years
    digest = digest_for(reporter_a, [Waiting(year, TODAY).reminders], "")
    assert [item.kind for item in panel_year.overdue] == ["notice"]
    assert [item.kind for item in digest.years[0].overdue] == ["notice"]
    assert "待签收的预警通知单，须提交整改报告" in digest.body  # the digest is in Chinese
    assert bench_tasks(client, reporter_a)["notices"] == 1
    page = client.get(reverse("reminders:year", args=[2026])).content.decode()
    assert 'data-phase="warnings"' in page


def test_a_filed_report_becomes_the_offices_to_review_within_the_years_days(
    client, closed_q1, year, reporter_a, office_user
):
    notice_a = WarningNotice.objects.get(unit__code="A01")
    service.report_file(
        notice=notice_a, measures="加快进度", done_by=day(5, 31), uploads=[], by=reporter_a
    )
    assert warning_items(reporter_a, year, overdue=True) == []
    # filed today (20 April): to review within the year's 15 days, by 5 May
    assert warning_items(office_user, year, overdue=False) == [("report_review", "A01", day(5, 5))]
    assert bench_tasks(client, office_user)["reports_review"] == 1


def test_repeated_reds_put_a_talk_on_the_offices_reminders_until_it_is_recorded(
    client, closed_q1, year, unit_a, office_user
):
    q2 = closed_q1["periods"][1]
    service.period_close(period=q2, by=office_user, today=day(7, 1))
    # the close's day is read as today (20 April) by the patched calendar: due 5 May
    talks = [i for i in warning_items(office_user, year, overdue=False) if i[0] == "talk"]
    assert talks == [("talk", "A01", day(5, 5)), ("talk", "B01", day(5, 5))]
    assert bench_tasks(client, office_user)["talks"] == 2
    service.talk_record(
        period=q2, unit=unit_a, held_on=day(7, 10), attendees="镇长", commitments="补足",
        by=office_user,
    )  # fmt: skip
    talks = [i for i in warning_items(office_user, year, overdue=False) if i[0] == "talk"]
    assert talks == [("talk", "B01", day(5, 5))]


def test_an_instruction_waits_for_the_unit_and_its_answer_for_the_leader_who_wrote_it(
    client, closed_q1, year, unit_a, reporter_a, leader_user
):
    instruction = service.instruction_write(
        year=year, unit=unit_a, text="请限期补足差距", by=leader_user
    )
    assert warning_items(reporter_a, year, overdue=False) == [("instruction", "A01", day(5, 5))]
    assert bench_tasks(client, reporter_a)["instructions"] == 1
    assert warning_items(leader_user, year, overdue=False) == []
    service.instruction_answer(instruction=instruction, answer="已落实", by=reporter_a)
    assert warning_items(reporter_a, year, overdue=False) == []
    assert warning_items(leader_user, year, overdue=False) == [("answer", "A01", day(5, 5))]
    assert bench_tasks(client, leader_user)["answers"] == 1
    other = get_user_model().objects.create(username="leader2")
    other.groups.set(leader_user.groups.all())
    assert warning_items(other, year, overdue=False) == []
    # an answer that came more than the year's 15 days ago has been there long enough
    answered = timezone.make_aware(datetime.datetime(2026, 4, 4, 10))
    type(instruction).objects.filter(pk=instruction.pk).update(answered_at=answered)
    assert Waiting(year, TODAY).answers_to_read == []  # 4 April: before 5 April
