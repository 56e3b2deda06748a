"""Units and cadres as an office clerk meets them: codes, deactivation, clear refusals."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from tests.factories import CadreFactory, UnitFactory
from units.models import Unit, UnitCategory

pytestmark = pytest.mark.django_db


def test_the_four_default_categories_exist_after_migrating():
    assert list(UnitCategory.objects.values_list("code", "name")) == [
        ("town", "镇街"),
        ("economic", "经济部门"),
        ("management", "综合管理部门"),
        ("social", "社会事业部门"),
    ]


def test_a_duplicate_unit_code_is_refused_naming_the_existing_unit(unit_a, town):
    duplicate = Unit(code="A01", name="另一个镇", category=town, headcount=10)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert error.value.message_dict["code"] == ["单位代码 A01 已被「甲镇」使用。"]


def test_the_admin_form_shows_the_duplicate_code_error_in_chinese(client, office_user, unit_a):
    client.force_login(office_user)
    response = client.post(
        reverse("admin:units_unit_add"),
        {
            "code": "A01",
            "name": "重复镇",
            "category": unit_a.category_id,
            "headcount": "10",
            "is_active": "on",
            "cadres-TOTAL_FORMS": "0",
            "cadres-INITIAL_FORMS": "0",
            "cadres-MIN_NUM_FORMS": "0",
            "cadres-MAX_NUM_FORMS": "1000",
        },
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200
    assert "单位代码 A01 已被「甲镇」使用。" in response.content.decode()
    assert Unit.objects.filter(name="重复镇").count() == 0


def test_a_missing_headcount_is_named_in_chinese(client, office_user, town):
    client.force_login(office_user)
    response = client.post(
        reverse("admin:units_unit_add"),
        {"code": "N01", "name": "新镇", "category": town.pk, "headcount": ""},
    )
    errors = response.context["adminform"].form.errors
    assert errors["headcount"] == ["此项为必填项。"]
    assert "编制人数" in response.content.decode()


def test_a_unit_with_records_cannot_be_deleted_only_deactivated(client, office_user, unit_a):
    CadreFactory(unit=unit_a)
    client.force_login(office_user)
    response = client.post(reverse("admin:units_unit_delete", args=[unit_a.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert Unit.objects.filter(pk=unit_a.pk).exists()

    response = client.post(
        reverse("admin:units_unit_changelist"),
        {"action": "deactivate", "_selected_action": [unit_a.pk]},
    )
    assert response.status_code == 302
    unit_a.refresh_from_db()
    assert unit_a.is_active is False
    assert unit_a.history.first().history_change_reason == "设为不参加考核"


def test_a_unit_without_records_may_be_deleted(client, office_user, town):
    mistake = UnitFactory(code="X99", category=town)
    assert not mistake.has_records()
    client.force_login(office_user)
    response = client.post(reverse("admin:units_unit_delete", args=[mistake.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Unit.objects.filter(code="X99").exists()


def test_a_user_of_the_unit_counts_as_a_record(reporter_a, unit_a):
    assert unit_a.has_records()


def test_a_unit_cannot_be_its_own_ancestor(town):
    parent = UnitFactory(code="P01", category=town)
    child = UnitFactory(code="C01", category=town, parent=parent)
    parent.parent = child
    with pytest.raises(ValidationError) as error:
        parent.full_clean()
    assert "parent" in error.value.message_dict


def test_a_unit_code_allows_only_letters_digits_dash_and_underscore(town):
    with pytest.raises(ValidationError) as error:
        Unit(code="A 01", name="空格镇", category=town, headcount=1).full_clean()
    assert "code" in error.value.message_dict


def test_deactivated_units_leave_the_default_list_but_can_be_shown(
    client, office_user, unit_a, unit_b
):
    unit_b.is_active = False
    unit_b.save()
    client.force_login(office_user)
    active = client.get(reverse("units:unit_list"))
    inactive = client.get(reverse("units:unit_list"), {"active": "0"})
    assert [u.code for u in active.context["page"]] == ["A01"]
    assert [u.code for u in inactive.context["page"]] == ["B01"]


def test_unit_list_searches_code_and_name_and_filters_by_category(
    client, office_user, unit_a, unit_b, lead_unit
):
    client.force_login(office_user)
    by_name = client.get(reverse("units:unit_list"), {"q": "乙"})
    by_category = client.get(reverse("units:unit_list"), {"category": "economic"})
    assert [u.code for u in by_name.context["page"]] == ["B01"]
    assert [u.code for u in by_category.context["page"]] == ["JJ01"]
