"""Who sees which units and cadres, role by role (the rules live in units/access.py)."""

import pytest
from django.urls import reverse

from units.access import user_roles
from units.roles import Role

pytestmark = pytest.mark.django_db


def _codes_in_unit_list(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("units:unit_list"), params)
    assert response.status_code == 200
    return [unit.code for unit in response.context["page"]]


@pytest.mark.parametrize(
    "user_fixture",
    ["office_user", "lead_user", "supervision_user", "leader_user"],
)
def test_roles_that_work_across_units_see_every_unit(
    request, client, user_fixture, unit_a, unit_b, lead_unit
):
    user = request.getfixturevalue(user_fixture)
    assert _codes_in_unit_list(client, user) == ["A01", "B01", "JJ01"]


def test_reporter_sees_only_their_own_unit_in_the_list(client, reporter_a, unit_b):
    assert _codes_in_unit_list(client, reporter_a) == ["A01"]


def test_reporter_is_refused_another_units_page(client, reporter_a, unit_b):
    client.force_login(reporter_a)
    assert client.get(reverse("units:unit_detail", args=["A01"])).status_code == 200
    assert client.get(reverse("units:unit_detail", args=["B01"])).status_code == 403


def test_reporter_sees_only_their_own_units_cadres(client, reporter_a, cadres):
    client.force_login(reporter_a)
    response = client.get(reverse("units:cadre_list"))
    assert sorted(c.name for c in response.context["page"]) == ["张三", "李四"]


def test_lead_department_sees_cadres_of_every_unit(client, lead_user, cadres):
    client.force_login(lead_user)
    response = client.get(reverse("units:cadre_list"))
    assert sorted(c.name for c in response.context["page"]) == ["张三", "李四", "王五"]


def test_account_without_a_role_may_not_use_the_staff_site(client, nobody, unit_a):
    client.force_login(nobody)
    assert client.get(reverse("home")).status_code == 403
    assert client.get(reverse("units:unit_list")).status_code == 403
    assert client.get(reverse("units:unit_detail", args=["A01"])).status_code == 403


def test_anonymous_visitor_is_sent_to_the_login_page(client, unit_a):
    response = client.get(reverse("units:unit_detail", args=["A01"]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("user_fixture", "allowed"),
    [
        ("office_user", True),
        ("lead_user", True),
        ("supervision_user", True),
        ("leader_user", True),
        ("reporter_a", False),
    ],
)
def test_category_overview_is_for_roles_that_see_all_units(request, client, user_fixture, allowed):
    client.force_login(request.getfixturevalue(user_fixture))
    status = client.get(reverse("units:category_list")).status_code
    assert status == (200 if allowed else 403)


@pytest.mark.parametrize(
    ("user_fixture", "expected_links"),
    [
        (
            "office_user",
            [
                "/",
                "/units/",
                "/cadres/",
                "/categories/",
                "/years/",
                "/imports/",
                "/reports/",
                "/reminders/",
                "/results/",
                "/admin/",
            ],  # fmt: skip,
        ),
        (
            "leader_user",
            [
                "/",
                "/units/",
                "/cadres/",
                "/categories/",
                "/years/",
                "/reports/",
                "/reminders/",
                "/results/",
            ],
        ),
        (
            "reporter_a",
            [
                "/",
                "/units/",
                "/cadres/",
                "/years/",
                "/imports/",
                "/reports/",
                "/reminders/",
                "/results/",
            ],
        ),
    ],
)
def test_navigation_depends_on_the_role(request, client, user_fixture, expected_links):
    client.force_login(request.getfixturevalue(user_fixture))
    response = client.get(reverse("home"))
    assert [item["url"] for item in response.context["nav_items"]] == expected_links


def test_only_the_office_and_leaders_see_a_units_change_history(
    client, office_user, leader_user, lead_user, unit_a
):
    url = reverse("units:unit_detail", args=["A01"])
    for user, sees in [(office_user, True), (leader_user, True), (lead_user, False)]:
        client.force_login(user)
        assert (client.get(url).context["history"] is not None) is sees


def test_each_role_is_a_group_with_real_model_permissions(office_user, reporter_a, leader_user):
    assert office_user.has_perm("units.change_unit")
    assert office_user.has_perm("units.add_cadre")
    assert not reporter_a.has_perm("units.change_unit")
    assert reporter_a.has_perm("units.view_unit")
    assert not leader_user.has_perm("units.change_cadre")
    assert user_roles(office_user) == {Role.OFFICE}


def test_object_permission_follows_the_users_unit(reporter_a, office_user, unit_a, unit_b):
    assert reporter_a.has_perm("units.view_unit", unit_a)
    assert not reporter_a.has_perm("units.view_unit", unit_b)
    assert office_user.has_perm("units.view_unit", unit_b)


def test_only_office_users_reach_the_admin_site(client, office_user, leader_user):
    client.force_login(leader_user)
    assert client.get(reverse("admin:index")).status_code == 302  # to the admin login
    client.force_login(office_user)
    assert client.get(reverse("admin:units_unit_changelist")).status_code == 200
