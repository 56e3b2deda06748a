"""On the demo district, the workbench, the reminders (panel and e-mail digest) and the leaders'
dashboard give the same counts: they read one definition of what is waiting."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessment.demo.scheme import DEMO_YEAR, OFFICE_USERNAME, SUPERVISION_USERNAME
from assessment.models import AssessmentYear
from reports.reminders.digest import digest_for
from reports.reminders.panel import reminders_panel
from reports.waiting import Waiting
from tests.demo_seed import seeded_demo

pytestmark = pytest.mark.django_db
DEMO_DAY = datetime.date(DEMO_YEAR, 11, 28)
ACCOUNTS = [OFFICE_USERNAME, "qiantou", "tianbao", SUPERVISION_USERNAME, "lingdao"]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    with seeded_demo(django_db_blocker, tmp_path_factory):
        yield AssessmentYear.objects.get(year=DEMO_YEAR)


@pytest.fixture(autouse=True)
def _demo_day(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args: DEMO_DAY)


def _client(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


@pytest.mark.parametrize("username", ACCOUNTS)
def test_the_workbench_and_the_reminders_count_the_same_overdue_work(demo, username):
    user = get_user_model().objects.get(username=username)
    bench = _client(username).get(reverse("home")).context["bench"]
    assert bench.year == demo

    [panel_year] = [y for y in reminders_panel(user, DEMO_DAY).years if y.year == demo]
    digest = digest_for(user, [Waiting(demo, DEMO_DAY).reminders], "")
    in_digest = len(digest.years[0].overdue) if digest else 0

    assert bench.reminders_overdue == len(panel_year.overdue) == in_digest


@pytest.mark.parametrize("username", [OFFICE_USERNAME, "lingdao"])
def test_the_workbench_shows_the_dashboards_headline_figures(demo, username):
    client = _client(username)
    bench = client.get(reverse("home")).context["bench"]
    board = client.get(reverse("reports:dashboard", args=[DEMO_YEAR])).context["board"]

    figures = {figure.key: figure.value for figure in bench.figures}
    assert figures == {
        "risks": len(board.risks),
        "overdue": board.overdue_count,
        "objections": board.open_objections,
        "pending": board.pending.total,
    }
    assert board.pending.total > 0  # the demo has records waiting: the agreement means something


def test_the_reporters_overdue_count_is_its_unit_pages(demo):
    client = _client("tianbao")
    bench = client.get(reverse("home")).context["bench"]
    [section] = bench.sections
    overdue = next(task.count for task in section.tasks if task.key == "overdue")
    unit = bench.unit

    home = client.get(reverse("assessment:evidence_unit_home", args=[DEMO_YEAR, unit.code]))
    assert overdue == home.context["overdue_count"]


def test_every_demo_role_has_its_own_workbench(demo):
    sections = {
        username: [s.key for s in _client(username).get(reverse("home")).context["bench"].sections]
        for username in ACCOUNTS
    }
    assert sections == {
        OFFICE_USERNAME: ["office"],
        "qiantou": ["lead"],
        "tianbao": ["reporter"],
        SUPERVISION_USERNAME: ["supervision"],
        "lingdao": ["leader"],
    }


# The workbench tasks that count the warnings' follow-up each account acts on.
WARNING_TASKS = {"notices", "instructions", "reports_review", "talks", "answers"}


@pytest.mark.parametrize("username", ACCOUNTS)
def test_the_workbench_and_the_reminders_count_the_same_warnings_follow_up(demo, username):
    user = get_user_model().objects.get(username=username)
    bench = _client(username).get(reverse("home")).context["bench"]
    on_bench = sum(
        task.count or 0
        for section in bench.sections
        for task in section.tasks
        if task.key in WARNING_TASKS
    )
    [panel_year] = [y for y in reminders_panel(user, DEMO_DAY).years if y.year == demo]
    reminded = [
        item for item in panel_year.overdue + panel_year.due_soon if item.phase == "warnings"
    ]
    digest = digest_for(user, [Waiting(demo, DEMO_DAY).reminders], "")
    mailed = [
        item
        for year in (digest.years if digest else [])
        for item in year.overdue + year.due_soon
        if item.phase == "warnings"
    ]
    assert on_bench == len(reminded) == len(mailed)
    if username == "tianbao":  # 城关街道: its overdue Q3 notice and the instruction to answer
        assert sorted(item.kind for item in reminded) == ["instruction", "notice"]
    if username == "lingdao":
        assert [item.kind for item in reminded] == ["answer"]
