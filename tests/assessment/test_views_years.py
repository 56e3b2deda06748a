"""The years pages, role by role: list, create, parameters, state transitions."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from assessment.models import AssessmentYear, YearStatus
from assessment.services.compute import results_compute
from tests.assessment.factories import YearFactory
from tests.pages import messages_after

pytestmark = pytest.mark.django_db

READERS = ["lead_user", "reporter_a", "supervision_user", "leader_user"]
EVERY_ROLE = ["office_user", *READERS]


def _parameters(year: AssessmentYear, **changes) -> dict[str, str]:
    """The settings form as the page submits it, with some values changed."""
    from assessment.services.scheme import PARAMETER_FIELDS

    data = {}
    for name in PARAMETER_FIELDS:
        value = getattr(year, name)
        data[name] = "" if value is None else str(value)
    data.update({name: str(value) for name, value in changes.items()})
    return data


def _saved(client, year: AssessmentYear, **changes):
    """The settings page's answer to its form sent with some values changed."""
    return client.post(reverse("assessment:year_detail", args=[2026]), _parameters(year, **changes))


@pytest.fixture
def year(db):
    return YearFactory(year=2026)


@pytest.mark.parametrize("user_fixture", EVERY_ROLE)
def test_every_role_sees_the_list_of_years(request, client, user_fixture, year):
    client.force_login(request.getfixturevalue(user_fixture))
    response = client.get(reverse("assessment:year_list"))
    assert response.status_code == 200
    assert [y.year for y in response.context["page"]] == [2026]
    assert reverse("assessment:year_detail", args=[2026]) in response.content.decode()


@pytest.mark.usefixtures("english")
def test_the_list_shows_each_years_state_and_parameters(client, leader_user, year):
    client.force_login(leader_user)
    page = client.get(reverse("assessment:year_list")).content.decode()
    assert 'data-status="setup"' in page
    assert "excellent ≥ 90 · good ≥ 80 · average ≥ 60" in page
    assert "30%" in page


def test_an_account_without_a_role_may_not_see_the_years(client, nobody, year):
    client.force_login(nobody)
    assert client.get(reverse("assessment:year_list")).status_code == 403
    assert client.get(reverse("assessment:year_detail", args=[2026])).status_code == 403


def test_an_anonymous_visitor_is_sent_to_log_in(client, year):
    response = client.get(reverse("assessment:year_detail", args=[2026]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_office_creates_a_year(client, office_user):
    client.force_login(office_user)
    assert "create_form" in client.get(reverse("assessment:year_list")).context
    response = client.post(reverse("assessment:year_create"), {"year": "2027"})
    assert response.status_code == 302
    assert response["Location"] == reverse("assessment:year_detail", args=[2027])
    assert AssessmentYear.objects.get(year=2027).status == YearStatus.SETUP


def test_creating_an_existing_year_is_refused_on_the_form(client, office_user, year):
    client.force_login(office_user)
    response = client.post(reverse("assessment:year_create"), {"year": "2026"})
    assert response.status_code == 200
    assert response.context["create_form"].errors["year"]
    assert AssessmentYear.objects.count() == 1


@pytest.mark.parametrize("user_fixture", READERS)
def test_other_roles_cannot_create_a_year(request, client, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))
    assert client.get(reverse("assessment:year_list")).context["create_form"] is None
    assert client.post(reverse("assessment:year_create"), {"year": "2027"}).status_code == 403
    assert not AssessmentYear.objects.exists()


def test_the_office_edits_a_parameter_while_setting_up(client, office_user, year):
    client.force_login(office_user)
    page = client.get(reverse("assessment:year_detail", args=[2026]))
    assert "reason" not in page.context["form"].fields  # no amendment yet: no reason asked
    response = _saved(client, year, bonus_pool=1_200_000)
    assert response.status_code == 302
    year.refresh_from_db()
    assert year.bonus_pool == 1_200_000
    assert year.history.first().history_user == office_user


def test_once_collecting_a_parameter_change_needs_a_reason(client, office_user):
    year = YearFactory(status=YearStatus.COLLECTING)
    client.force_login(office_user)
    url = reverse("assessment:year_detail", args=[2026])
    assert "reason" in client.get(url).context["form"].fields

    response = client.post(url, _parameters(year, excellent_quota="0.25"))
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["此项为必填项。"]
    assert 'value="0.25"' in response.content.decode()  # what was typed stays
    year.refresh_from_db()
    assert year.excellent_quota == Decimal("0.30")

    data = _parameters(year, excellent_quota="0.25") | {"reason": "区委决定收紧优秀比例"}
    assert client.post(url, data).status_code == 302
    year.refresh_from_db()
    assert year.excellent_quota == Decimal("0.25")
    assert year.history.first().history_change_reason == "区委决定收紧优秀比例"


def test_a_negative_factor_is_refused_naming_the_field_in_chinese(client, office_user, year):
    client.force_login(office_user)
    response = _saved(client, year, grade_b="-0.85")
    assert response.status_code == 200
    assert response.context["form"].errors["grade_b"] == ["此项不能小于 0。"]
    page = response.content.decode()
    assert 'value="-0.85"' in page
    assert 'id="id_grade_b_error"' in page


@pytest.mark.usefixtures("english")
def test_a_quota_above_one_is_refused_naming_the_field(client, office_user, year):
    client.force_login(office_user)
    response = _saved(client, year, team_excellent_quota="30")
    page = response.content.decode()
    assert "Excellent quota for teams：Enter a share between 0 and 1 (0.30 is 30%)." in page
    year.refresh_from_db()
    assert year.team_excellent_quota == Decimal("0.30")


@pytest.mark.usefixtures("english")
def test_thresholds_out_of_order_are_refused(client, office_user, year):
    client.force_login(office_user)
    response = _saved(client, year, average_threshold="85")
    assert response.status_code == 200
    assert "average from ≤ good from ≤ excellent from" in response.content.decode()


@pytest.mark.parametrize("user_fixture", READERS)
def test_other_roles_read_the_parameters_but_cannot_change_them(
    request, client, user_fixture, year
):
    client.force_login(request.getfixturevalue(user_fixture))
    url = reverse("assessment:year_detail", args=[2026])
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["form"] is None
    assert response.context["transitions"] == []
    page = response.content.decode()
    assert "<input" not in page.split('id="content"')[1].split("<footer")[0]
    assert client.post(url, _parameters(year, bonus_pool=1)).status_code == 403
    transition = reverse("assessment:year_transition", args=[2026])
    assert client.post(transition, {"transition-to": "collecting"}).status_code == 403
    year.refresh_from_db()
    assert (year.bonus_pool, year.status) == (None, YearStatus.SETUP)


def test_in_publicity_the_parameters_are_read_only_even_for_the_office(client, office_user):
    YearFactory(status=YearStatus.PUBLICITY)
    client.force_login(office_user)
    response = client.get(reverse("assessment:year_detail", args=[2026]))
    assert response.context["form"] is None
    assert response.context["readonly_groups"]


def test_the_office_moves_the_year_on_with_a_post(client, office_user, year):
    client.force_login(office_user)
    url = reverse("assessment:year_transition", args=[2026])
    assert client.get(url).status_code == 405
    page = client.get(reverse("assessment:year_detail", args=[2026])).content.decode()
    assert 'name="transition-to" value="collecting"' in page and "data-confirm=" in page
    response = client.post(
        url, {"transition-to": "collecting", "transition-reason": "方案已印发"}, follow=True
    )
    year.refresh_from_db()
    assert year.status == YearStatus.COLLECTING
    assert year.history.first().history_change_reason == "方案已印发"
    assert [m.level_tag for m in response.context["messages"]] == ["success"]


@pytest.mark.usefixtures("english")
def test_a_refused_move_is_explained_and_changes_nothing(client, office_user):
    year = YearFactory(status=YearStatus.SCORING)
    client.force_login(office_user)
    url = reverse("assessment:year_transition", args=[2026])
    messages = messages_after(client, url, {"transition-to": "publicity"})
    assert messages == ["Give the last day of the publicity period (公示)."]
    to_publicity = {"transition-to": "publicity", "transition-publicity_ends": "2099-12-31"}
    messages = messages_after(client, url, to_publicity)
    assert messages == [
        "The 2026 assessment has no computed results yet: compute them before the publicity starts."
    ]
    year.refresh_from_db()
    assert year.status == YearStatus.SCORING

    results_compute(year=year)  # results that match the (empty) inputs
    client.post(url, to_publicity)
    year.refresh_from_db()
    assert year.status == YearStatus.PUBLICITY


def test_only_office_and_leaders_see_the_years_change_history(client, office_user, lead_user):
    YearFactory()
    client.force_login(office_user)
    assert client.get(reverse("assessment:year_detail", args=[2026])).context["history"]
    client.force_login(lead_user)
    assert client.get(reverse("assessment:year_detail", args=[2026])).context["history"] is None


def test_an_unknown_year_is_a_404(client, office_user):
    client.force_login(office_user)
    assert client.get(reverse("assessment:year_detail", args=[1999])).status_code == 404


def test_a_state_change_without_the_csrf_token_is_refused(office_user, year):
    client = Client(enforce_csrf_checks=True)
    client.force_login(office_user)
    url = reverse("assessment:year_transition", args=[2026])
    assert client.post(url, {"transition-to": "collecting"}).status_code == 403
    year.refresh_from_db()
    assert year.status == YearStatus.SETUP


@pytest.mark.parametrize("user_fixture", EVERY_ROLE)
def test_every_role_finds_the_years_in_the_navigation(request, client, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))
    response = client.get(reverse("assessment:year_list"))
    current = [item for item in response.context["nav_items"] if item["current"]]
    assert [item["url"] for item in current] == [reverse("assessment:year_list")]
