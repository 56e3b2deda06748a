"""The demo's phase deadlines (``reports.demo.reminders``): on the seeded demo district, in
late November 2026, the home page shows the office and the lead department their reminders."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessment.demo.scheme import DEMO_YEAR, OFFICE_USERNAME
from assessment.models import AssessmentYear
from reports.demo.reminders import seed_deadlines
from reports.models import PhaseDeadline
from reports.reminders.work import year_reminders
from tests.demo_seed import seeded_demo
from tests.test_csp_pages import _assert_keeps_to_the_policy

pytestmark = pytest.mark.django_db
DEMO_DAY = datetime.date(DEMO_YEAR, 11, 28)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    with seeded_demo(django_db_blocker, tmp_path_factory) as out:
        yield {"year": AssessmentYear.objects.get(year=DEMO_YEAR), "out": out}


@pytest.fixture(autouse=True)
def _demo_day(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args: DEMO_DAY)


def _client(username: str) -> Client:  # a demo account
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def test_seed_demo_writes_the_demo_deadlines_once(demo):
    assert f"assessment year {DEMO_YEAR}: 4 phase deadlines" in demo["out"]
    deadlines = PhaseDeadline.objects.filter(year=demo["year"])
    assert {d.updated_by.username for d in deadlines} == {OFFICE_USERNAME}
    assert seed_deadlines(demo["year"]) == 0
    assert PhaseDeadline.objects.filter(year=demo["year"]).count() == 4


def test_in_late_november_grading_and_the_evaluation_are_coming_up(demo):
    found = year_reminders(demo["year"], DEMO_DAY)

    states = {line.phase: line.state for line in found.schedule}
    assert states == {
        "targets": "passed",
        # the demo year collects: November's records are due in December, not yet
        "monthly": "later",
        "grading": "due_soon",
        "evaluation": "due_soon",
    }
    # Every grade and evaluation of the demo is in: nothing is left to remind of but the dates.
    assert {item.phase for item in found.items} <= {"grading", "evaluation", "verification"}


def test_the_home_page_shows_the_office_and_the_lead_department_their_reminders(demo):
    office = _client(OFFICE_USERNAME).get(reverse("home")).content.decode()
    assert 'id="reminders-panel"' in office and 'data-phase="grading"' in office

    lead = _client("qiantou").get(reverse("home")).content.decode()
    assert 'id="reminders-panel"' in lead and 'data-phase="grading"' in lead


def test_the_demo_reminders_pages_keep_to_the_policy(demo):
    client = _client(OFFICE_USERNAME)
    for url in (
        reverse("reminders:year", args=[DEMO_YEAR]),
        reverse("reminders:deadlines", args=[DEMO_YEAR]),
        reverse("reminders:year", args=[DEMO_YEAR - 1]),
    ):
        _assert_keeps_to_the_policy(client.get(url), url)
