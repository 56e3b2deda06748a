"""Every change of a unit, cadre or membership is kept: who, when, what, before and after."""

import pytest
from django.urls import reverse

from tests.factories import UnitFactory
from units.models import Cadre, Unit

pytestmark = pytest.mark.django_db


def _unit_form(unit: Unit, **changes) -> dict:
    data = {
        "code": unit.code,
        "name": unit.name,
        "category": unit.category_id,
        "headcount": unit.headcount,
        "parent": "",
        "is_active": "on",
        # the cadre inline's management form
        "cadres-TOTAL_FORMS": "0",
        "cadres-INITIAL_FORMS": "0",
        "cadres-MIN_NUM_FORMS": "0",
        "cadres-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def test_a_change_in_the_admin_records_who_and_the_values_before_and_after(
    client, office_user, unit_a
):
    client.force_login(office_user)
    response = client.post(
        reverse("admin:units_unit_change", args=[unit_a.pk]), _unit_form(unit_a, headcount=45)
    )
    assert response.status_code == 302

    latest, previous = unit_a.history.all()[:2]
    assert latest.history_type == "~"
    assert latest.history_user == office_user
    delta = latest.diff_against(previous)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [("headcount", 40, 45)]


def test_creation_and_deletion_are_both_kept(client, office_user, unit_a):
    cadre = Cadre.objects.create(unit=unit_a, name="赵六", position="副镇长")
    client.force_login(office_user)
    response = client.post(reverse("admin:units_cadre_delete", args=[cadre.pk]), {"post": "yes"})
    assert response.status_code == 302

    assert not Cadre.objects.filter(pk=cadre.pk).exists()
    history = Cadre.history.filter(id=cadre.pk).order_by("history_id")
    assert [h.history_type for h in history] == ["+", "-"]
    assert history.last().history_user == office_user
    assert history.last().name == "赵六"  # the deleted record's values are kept


def test_the_admin_shows_an_objects_history(client, office_user, unit_a):
    unit_a.headcount = 41
    unit_a.save()
    client.force_login(office_user)
    response = client.get(reverse("admin:units_unit_history", args=[unit_a.pk]))
    assert response.status_code == 200
    assert response.context["page_obj"][0].headcount == 41


def test_the_unit_page_lists_the_history_for_the_office(client, office_user, town):
    unit = UnitFactory(code="H01", name="历史镇", category=town)
    unit.name = "历史街道"
    unit.save()
    client.force_login(office_user)
    response = client.get(reverse("units:unit_detail", args=["H01"]))
    assert [record.name for record in response.context["history"]] == ["历史街道", "历史镇"]


def test_a_users_unit_assignment_is_audited(office_user, reporter_a, unit_b):
    membership = reporter_a.membership
    membership.unit = unit_b
    membership.save()
    assert [h.unit_id for h in membership.history.all()] == [
        unit_b.pk,
        membership.history.last().unit_id,
    ]
    assert membership.history.last().unit.code == "A01"
