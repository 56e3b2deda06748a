"""The indicator scheme pages, role by role: read, add, edit, delete, clear refusals."""

from decimal import Decimal

import pytest
from django.urls import reverse

from assessment.models import Indicator, Target, YearStatus
from tests.assessment.factories import IndicatorFactory, TargetFactory, YearFactory

pytestmark = pytest.mark.django_db

READERS = ["lead_user", "reporter_a", "supervision_user", "leader_user"]


@pytest.fixture
def scheme(town, lead_unit):
    year = YearFactory(year=2026)
    return [
        IndicatorFactory(
            year=year, category=town, code=code, name=name, group=group, points=Decimal(points),
            method=method, lead_unit=lead,
        )
        for code, name, group, points, method, lead in [
            ("E01", "地区生产总值", "经济发展", 60, "completion", lead_unit),
            ("E02", "安全生产事故", "安全稳定", 35, "ceiling", None),
            ("B01", "上级表彰", "经济发展", 3, "bonus", None),
        ]
    ]  # fmt: skip


def _form(**changes) -> dict[str, str]:
    data = {
        "code": "E03",
        "name": "招商引资",
        "group": "经济发展",
        "points": "5",
        "method": "base_ratio",
        "aggregation": "sum",
        "cap": "1",
        "total_share": "0.5",
        "step": "",
        "lead_unit": "",
        "measure": "万元",
        "sort_order": "3",
    }
    data.update(changes)
    return data


def _scheme_url(category="town"):
    return reverse("assessment:scheme_detail", args=[2026, category])


@pytest.mark.parametrize("user_fixture", ["office_user", *READERS])
def test_every_role_reads_the_scheme_with_its_lead_departments(
    request, client, user_fixture, scheme
):
    client.force_login(request.getfixturevalue(user_fixture))
    response = client.get(_scheme_url())
    assert response.status_code == 200
    assert [i.code for i in response.context["scheme"].indicators] == ["B01", "E01", "E02"]
    page = response.content.decode()
    assert "区发展和改革局" in page and "地区生产总值" in page


def test_the_scheme_index_opens_the_first_category(client, leader_user, scheme):
    client.force_login(leader_user)
    response = client.get(reverse("assessment:scheme_index", args=[2026]))
    assert response["Location"] == _scheme_url("town")


@pytest.mark.usefixtures("english")
def test_regular_points_that_do_not_add_up_to_100_are_flagged(client, leader_user, scheme):
    client.force_login(leader_user)
    response = client.get(_scheme_url())
    assert response.context["scheme"].summary.regular_points == Decimal(95)  # 60 + 35, no bonus
    page = response.content.decode()
    assert "Regular indicators: 95 points" in page
    assert "The regular indicators of 镇街 add up to 95.00 points, not 100." in page


@pytest.mark.usefixtures("english")
def test_scheme_errors_are_shown_in_plain_words(client, leader_user, scheme):
    # An indicator that slipped past validation (e.g. an old import) is named with the problem.
    Indicator.objects.filter(code="E02").update(cap=Decimal("0.8"))
    client.force_login(leader_user)
    page = client.get(_scheme_url()).content.decode()
    assert "Indicator 安全生产事故 (E02): the cap must be at least 1 (given: 0.8000)." in page


@pytest.mark.parametrize("user_fixture", READERS)
def test_other_roles_cannot_add_edit_or_delete_indicators(request, client, user_fixture, scheme):
    client.force_login(request.getfixturevalue(user_fixture))
    assert not client.get(_scheme_url()).context["may_edit"]
    new = reverse("assessment:indicator_create", args=[2026, "town"])
    edit = reverse("assessment:indicator_edit", args=[2026, scheme[0].pk])
    delete = reverse("assessment:indicator_delete", args=[2026, scheme[0].pk])
    assert client.get(new).status_code == 403
    assert client.post(new, _form()).status_code == 403
    assert client.post(edit, _form(code="E01")).status_code == 403
    assert client.post(delete).status_code == 403
    assert Indicator.objects.count() == 3


def test_the_office_adds_an_indicator(client, office_user, scheme, lead_unit):
    client.force_login(office_user)
    url = reverse("assessment:indicator_create", args=[2026, "town"])
    assert "reason" not in client.get(url).context["form"].fields
    response = client.post(url, _form(lead_unit=str(lead_unit.pk)))
    assert response.status_code == 302
    assert response["Location"] == _scheme_url()
    added = Indicator.objects.get(code="E03")
    assert (added.points, added.method, added.lead_unit) == (Decimal(5), "base_ratio", lead_unit)
    assert added.history.get().history_user == office_user


def test_an_amendment_to_an_indicator_needs_a_reason_once_collecting(client, office_user, scheme):
    scheme[0].year.status = YearStatus.COLLECTING
    scheme[0].year.save()
    client.force_login(office_user)
    url = reverse("assessment:indicator_edit", args=[2026, scheme[0].pk])
    data = _form(code="E01", name="地区生产总值", method="completion", points="55")
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["此项为必填项。"]
    assert 'value="55"' in response.content.decode()
    assert client.post(url, data | {"reason": "市里下调权重"}).status_code == 302
    scheme[0].refresh_from_db()
    assert scheme[0].points == Decimal(55)
    assert scheme[0].history.first().history_change_reason == "市里下调权重"


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("points", "-5", "Points：Points cannot be negative."),
        ("cap", "0.5", "Cap：The cap must be at least 1 (1 means at most full points)."),
        ("total_share", "1.5", "Share of the total：The share of the total must be between 0"),
        ("method", "magic", "Scoring method：“magic” is not a scoring method."),
    ],
)
@pytest.mark.usefixtures("english")
def test_an_invalid_indicator_is_refused_with_a_clear_message_on_the_field(
    client, office_user, scheme, field, typed, message
):
    client.force_login(office_user)
    response = client.post(
        reverse("assessment:indicator_create", args=[2026, "town"]),
        _form(**{field: typed}),
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    page = response.content.decode()
    assert message in page
    assert 'value="招商引资"' in page  # the rest of what was typed stays
    assert not Indicator.objects.filter(code="E03").exists()


def test_points_that_are_not_a_number_are_refused_in_chinese_by_default(
    client, office_user, scheme
):
    client.force_login(office_user)
    response = client.post(
        reverse("assessment:indicator_create", args=[2026, "town"]), _form(points="abc")
    )
    assert response.context["form"].errors["points"] == ["输入一个数字。"]


@pytest.mark.usefixtures("english")
def test_a_code_already_used_in_the_scheme_is_refused_on_the_code_field(
    client, office_user, scheme
):
    client.force_login(office_user)
    response = client.post(
        reverse("assessment:indicator_create", args=[2026, "town"]),
        _form(code="E01"),
    )
    assert response.context["form"].errors["code"] == [
        "The code E01 is already used in this scheme by “地区生产总值”."
    ]


def test_the_same_code_may_be_used_in_another_categorys_scheme(
    client, office_user, scheme, economic
):
    client.force_login(office_user)
    url = reverse("assessment:indicator_create", args=[2026, "economic"])
    assert client.post(url, _form(code="E01")).status_code == 302
    assert Indicator.objects.filter(code="E01").count() == 2


def test_the_office_deletes_an_indicator_while_setting_up(client, office_user, scheme, unit_a):
    TargetFactory(indicator=scheme[1], unit=unit_a, target=Decimal(4))
    client.force_login(office_user)
    url = reverse("assessment:indicator_delete", args=[2026, scheme[1].pk])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    assert not Indicator.objects.filter(code="E02").exists()
    assert not Target.objects.exists()


def test_once_collecting_deleting_is_refused_and_not_offered(client, office_user, scheme):
    scheme[0].year.status = YearStatus.COLLECTING
    scheme[0].year.save()
    client.force_login(office_user)
    response = client.get(_scheme_url())
    assert response.context["may_edit"] and not response.context["may_delete"]
    response = client.post(
        reverse("assessment:indicator_delete", args=[2026, scheme[0].pk]), follow=True
    )
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert Indicator.objects.filter(pk=scheme[0].pk).exists()


def test_in_publicity_the_scheme_is_fixed(client, office_user, scheme):
    scheme[0].year.status = YearStatus.PUBLICITY
    scheme[0].year.save()
    client.force_login(office_user)
    assert not client.get(_scheme_url()).context["may_edit"]
    url = reverse("assessment:indicator_edit", args=[2026, scheme[0].pk])
    response = client.post(url, _form(code="E01", reason="x"))
    assert response.status_code == 302
    scheme[0].refresh_from_db()
    assert scheme[0].name == "地区生产总值"


def test_an_indicator_of_another_year_is_not_found_under_this_one(client, office_user, scheme):
    other = IndicatorFactory(year=YearFactory(year=2025), category=scheme[0].category)
    client.force_login(office_user)
    url = reverse("assessment:indicator_edit", args=[2026, other.pk])
    assert client.get(url).status_code == 404


def test_an_unknown_category_is_a_404(client, office_user, scheme):
    client.force_login(office_user)
    assert client.get(_scheme_url("nope")).status_code == 404
