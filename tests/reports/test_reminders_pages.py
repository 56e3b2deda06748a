"""The reminders pages and the home page's panel, per role, on the hand-worked district of
``test_reminders_work`` (20 April 2026)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assessment.models import YearStatus
from reports.models import Phase, PhaseDeadline
from tests.factories import UnitFactory, UserFactory
from tests.reports import test_reminders_work as work
from tests.test_csp_pages import _assert_keeps_to_the_policy
from units.roles import Role

pytestmark = pytest.mark.django_db

reminders_district = work.reminders_district
unit_c = work.unit_c
TODAY = work.TODAY


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args: TODAY)


def items(response, attribute="data-unit"):
    """(phase, actor, unit) of each row of the page's reminder tables."""
    found = []
    for row in response.context["groups"].values():
        for party in row:
            found += [
                (i.phase, i.actor.value, i.unit.code if i.unit else None) for i in party.items
            ]
    return found


def page(client, user, query=""):
    client.force_login(user)
    response = client.get(reverse("reminders:year", args=[2026]) + query)
    assert response.status_code == 200
    return response


def test_the_office_sees_every_roles_reminders_grouped_per_role(
    client, reminders_district, office_user
):
    response = page(client, office_user)

    groups = response.context["groups"]
    assert [(p.unit, len(p.items)) for p in groups["office"]] == [(None, 5)]
    assert [p.unit.code for p in groups["lead"]] == ["JJ01"]
    assert [p.unit.code for p in groups["unit"]] == ["B01", "C01", "JJ01"]
    assert response.context["count"] == 10 and response.context["overdue_count"] == 10
    html = response.content.decode()
    assert 'id="edit-deadlines"' in html
    assert reverse("assessment:targets", args=[2026, "C01"]) in html


def test_a_reporter_sees_only_their_own_units_reminders(client, reminders_district, reporter_b):
    response = page(client, reporter_b)

    assert items(response) == [("monthly", "unit", "B01")]
    html = response.content.decode()
    assert "丙镇" not in html and 'id="edit-deadlines"' not in html
    assert 'name="unit"' not in html  # no filter on other units


def test_a_lead_department_sees_its_indicators_and_its_own_units_reporting(
    client, reminders_district, lead_user
):
    response = page(client, lead_user)

    assert items(response) == [
        ("grading", "lead", None),
        ("verification", "lead", "B01"),
        ("monthly", "unit", "JJ01"),
    ]


def test_leaders_and_supervision_follow_every_role_up_but_set_no_deadline(
    client, reminders_district, leader_user, supervision_user
):
    for user in (leader_user, supervision_user):
        response = page(client, user)
        assert response.context["count"] == 10
        assert 'id="edit-deadlines"' not in response.content.decode()


def test_the_filters_narrow_the_list(client, reminders_district, office_user):
    by_unit = page(client, office_user, "?unit=JJ01")
    assert items(by_unit) == [
        ("grading", "office", "JJ01"),
        ("verification", "office", "JJ01"),
        ("grading", "lead", None),
        ("verification", "lead", "B01"),
        ("monthly", "unit", "JJ01"),
    ]
    by_phase = page(client, office_user, "?phase=monthly&actor=unit")
    assert [unit for _p, _a, unit in items(by_phase)] == ["B01", "C01", "JJ01"]
    assert items(page(client, office_user, "?state=due_soon")) == []
    assert page(client, office_user, "?phase=nonsense").context["count"] == 10  # ignored


def test_a_published_year_asks_nothing(client, reminders_district, office_user):
    reminders_district.status = YearStatus.PUBLISHED
    reminders_district.save(update_fields=["status"])

    response = page(client, office_user)

    assert response.context["count"] == 0
    assert 'id="year-closed"' in response.content.decode()


def test_the_latest_page_opens_the_latest_year_not_yet_published(
    client, reminders_district, reporter_a
):
    client.force_login(reporter_a)
    response = client.get(reverse("reminders:latest"))
    assert response["Location"] == reverse("reminders:year", args=[2026])


def test_the_page_makes_a_fixed_number_of_queries(
    client, reminders_district, office_user, town, django_assert_max_num_queries
):
    client.force_login(office_user)
    url = reverse("reminders:year", args=[2026])
    client.get(url)
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    for n in range(12):
        UnitFactory(code=f"T{n:02d}", category=town)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["groups"]["unit"]) == 15


# --- the deadlines form -------------------------------------------------------------------


def form_data(**changes):
    data = {
        "targets-due_on": "2026-03-31", "targets-notice_days": "3", "targets-note": "",
        "monthly-day_of_month": "5", "monthly-first_month": "1", "monthly-notice_days": "3",
        "monthly-note": "",
        "grading-due_on": "2026-04-15", "grading-notice_days": "3", "grading-note": "",
        "evaluation-due_on": "2026-05-31", "evaluation-notice_days": "3", "evaluation-note": "",
        "publicity-due_on": "", "publicity-notice_days": "3", "publicity-note": "",
    }  # fmt: skip
    data.update(changes)
    return data


def test_the_office_sets_the_deadlines(client, reminders_district, office_user):
    client.force_login(office_user)
    url = reverse("reminders:deadlines", args=[2026])
    opened = client.get(url)
    assert opened.status_code == 200
    state = opened.context["form"].state

    response = client.post(
        url,
        form_data(**{
            "state": state, "grading-due_on": "2026-05-10", "grading-notice_days": "7",
            "grading-note": "牵头单位完成评价", "evaluation-due_on": "",
            "publicity-due_on": "2026-06-20",
        }),
    )  # fmt: skip

    assert response.status_code == 302, response.content.decode()[:3000]
    deadlines = {d.phase: d for d in PhaseDeadline.objects.filter(year=reminders_district)}
    assert set(deadlines) == {"targets", "monthly", "grading", "publicity"}
    grading = deadlines["grading"]
    assert (grading.due_on, grading.notice_days, grading.note, grading.updated_by) == (
        datetime.date(2026, 5, 10), 7, "牵头单位完成评价", office_user,
    )  # fmt: skip
    assert grading.history.first().history_user == office_user
    assert deadlines["targets"].history.count() == 1  # unchanged: not written again


def test_a_form_opened_before_another_save_is_refused(client, reminders_district, office_user):
    client.force_login(office_user)
    url = reverse("reminders:deadlines", args=[2026])
    state = client.get(url).context["form"].state
    PhaseDeadline.objects.filter(phase=Phase.TARGETS).update(note="改过")

    response = client.post(url, form_data(state=state, **{"targets-due_on": "2026-04-30"}))

    assert response.status_code == 200
    assert PhaseDeadline.objects.get(phase=Phase.TARGETS).due_on == datetime.date(2026, 3, 31)
    assert list(response.context["messages"])


def test_a_deadline_far_from_the_year_is_refused_on_its_row(
    client, reminders_district, office_user
):
    client.force_login(office_user)
    url = reverse("reminders:deadlines", args=[2026])

    response = client.post(url, form_data(**{"grading-due_on": "2029-01-10"}))

    assert response.status_code == 200
    [grading] = [row for row in response.context["form"].rows if row.phase == "grading"]
    assert grading.non_field_errors()
    assert PhaseDeadline.objects.get(phase=Phase.GRADING).due_on == datetime.date(2026, 4, 15)


def test_deadlines_no_longer_change_once_the_year_is_published(
    client, reminders_district, office_user
):
    reminders_district.status = YearStatus.PUBLISHED
    reminders_district.save(update_fields=["status"])
    client.force_login(office_user)
    url = reverse("reminders:deadlines", args=[2026])

    assert 'id="deadlines-locked"' in client.get(url).content.decode()
    response = client.post(url, form_data(**{"grading-due_on": "2026-05-10"}))

    assert response.status_code == 302
    assert PhaseDeadline.objects.get(phase=Phase.GRADING).due_on == datetime.date(2026, 4, 15)


def test_only_the_office_sets_deadlines(client, reminders_district, lead_user, leader_user):
    for user in (lead_user, leader_user):
        client.force_login(user)
        url = reverse("reminders:deadlines", args=[2026])
        assert client.get(url).status_code == 403
        assert client.post(url, form_data()).status_code == 403


def test_the_publicity_deadline_defaults_to_the_years_publicity_end(
    client, reminders_district, office_user
):
    reminders_district.publicity_ends_on = datetime.date(2026, 6, 30)
    reminders_district.save(update_fields=["publicity_ends_on"])
    client.force_login(office_user)

    form = client.get(reverse("reminders:deadlines", args=[2026])).context["form"]

    [publicity] = [row for row in form.rows if row.phase == "publicity"]
    assert publicity["due_on"].value() == datetime.date(2026, 6, 30)


# --- the home page's panel ------------------------------------------------------------------


def test_the_home_panel_lists_a_reporters_own_overdue_months(
    client, reminders_district, reporter_b
):
    client.force_login(reporter_b)
    html = client.get(reverse("home")).content.decode()

    assert 'id="reminders-panel"' in html
    assert html.count('class="reminder"') == 1
    assert reverse("assessment:evidence_unit_home", args=[2026, "B01"]) in html
    assert "district-overdue" not in html


def test_the_home_panel_of_a_unit_with_nothing_to_do_is_not_shown(
    client, reminders_district, reporter_a
):
    client.force_login(reporter_a)
    assert 'id="reminders-panel"' not in client.get(reverse("home")).content.decode()


def test_the_home_panel_of_the_office_counts_the_whole_district(
    client, reminders_district, office_user
):
    client.force_login(office_user)
    response = client.get(reverse("home"))
    html = response.content.decode()

    assert html.count('class="reminder"') == 5  # its own five, of the district's ten
    assert 'id="district-overdue"' in html
    assert reverse("reminders:year", args=[2026]) in html


def test_the_home_panel_shows_the_deadlines_coming_up_for_the_role(
    client, reminders_district, lead_user, reporter_a, monkeypatch
):
    monkeypatch.setattr(timezone, "localdate", lambda *args: datetime.date(2026, 4, 13))
    client.force_login(lead_user)
    html = client.get(reverse("home")).content.decode()
    assert 'data-phase="grading"' in html and "reminder-deadline" in html

    client.force_login(reporter_a)  # grading is not a unit's
    assert "reminder-deadline" not in client.get(reverse("home")).content.decode()


def test_the_home_page_makes_a_fixed_number_of_queries(
    client, reminders_district, reporter_b, town, django_assert_max_num_queries
):
    client.force_login(reporter_b)
    client.get(reverse("home"))
    with django_assert_max_num_queries(40) as few:
        client.get(reverse("home"))
    for n in range(12):
        unit = UnitFactory(code=f"T{n:02d}", category=town)
        UserFactory(role=Role.REPORTER, unit=unit)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("home"))


# --- the pages keep to the Content-Security-Policy ------------------------------------------


def test_the_reminders_pages_keep_to_the_policy(client, reminders_district, office_user):
    client.force_login(office_user)
    for url in (
        reverse("reminders:year", args=[2026]),
        reverse("reminders:deadlines", args=[2026]),
        reverse("home"),
    ):
        _assert_keeps_to_the_policy(client.get(url), url)
