"""A unit's targets: one form for all of them, the office edits, a reporter reads their own."""

from decimal import Decimal

import pytest
from django.urls import reverse

from assessment.models import AssessmentYear, Target, YearStatus
from tests.assessment.factories import (
    IndicatorFactory,
    TargetFactory,
    YearFactory,
    saved_targets,
)
from tests.factories import CadreFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def scheme(town):
    """Towns' scheme: four indicators that need a target or base, two that need neither."""
    year = YearFactory(year=2026)
    methods = [
        ("C01", "completion", "地区生产总值"),
        ("K01", "ceiling", "安全生产事故"),
        ("N01", "increment", "规上工业增加值"),
        ("R01", "base_ratio", "招商引资到位资金"),
        ("G01", "graded", "党建工作"),
        ("B01", "bonus", "上级表彰"),
    ]
    return {
        code: IndicatorFactory(year=year, category=town, code=code, method=method, name=name)
        for code, method, name in methods
    }


def _set_status(status: YearStatus) -> None:
    AssessmentYear.objects.filter(year=2026).update(status=status)


def _url(unit="A01"):
    return reverse("assessment:targets", args=[2026, unit])


def _fields(scheme, **values) -> dict[str, str]:
    """The targets form's fields, empty unless given as e.g. C01_target="500"."""
    data = {}
    for code in ("C01", "K01", "N01", "R01"):
        pk = scheme[code].pk
        if code in ("C01", "K01", "N01"):
            data[f"target-{pk}"] = values.get(f"{code}_target", "")
        if code in ("N01", "R01"):
            data[f"base-{pk}"] = values.get(f"{code}_base", "")
        data[f"leader-{pk}"] = values.get(f"{code}_leader", "")
    return data


def test_the_form_lists_only_the_indicators_that_need_a_target_or_base(
    client, office_user, scheme, unit_a
):
    client.force_login(office_user)
    form = client.get(_url()).context["form"]
    assert [row["line"].indicator.code for row in form.lines()] == ["C01", "K01", "N01", "R01"]
    fields = set(form.fields)
    pk = {code: indicator.pk for code, indicator in scheme.items()}
    assert {f"target-{pk['C01']}", f"target-{pk['N01']}", f"base-{pk['N01']}"} <= fields
    assert f"base-{pk['C01']}" not in fields and f"target-{pk['R01']}" not in fields


def test_the_office_saves_all_of_a_units_targets_at_once(
    client, office_user, scheme, unit_a, cadres
):
    TargetFactory(indicator=scheme["K01"], unit=unit_a, target=Decimal(5))
    client.force_login(office_user)
    data = _fields(
        scheme,
        C01_target="500",
        C01_leader=str(cadres[0].pk),
        K01_target="4",
        N01_target="120",
        N01_base="100",
        R01_base="3000.5",
    )
    response = client.post(_url(), data)
    assert response.status_code == 302
    assert saved_targets(unit_a) == {
        "C01": (Decimal(500), None, cadres[0].pk),
        "K01": (Decimal(4), None, None),
        "N01": (Decimal(120), Decimal(100), None),
        "R01": (None, Decimal("3000.5"), None),
    }
    page = client.get(_url()).content.decode()
    assert 'value="3000.5"' in page and 'value="500"' in page  # shown as typed, not 500.000000


@pytest.mark.usefixtures("english")
def test_one_wrong_line_saves_nothing_and_keeps_what_was_typed(client, office_user, scheme, unit_a):
    client.force_login(office_user)
    data = _fields(scheme, C01_target="500", N01_target="90", N01_base="100")
    response = client.post(_url(), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {
        f"target-{scheme['N01'].pk}": ["The target must be greater than the base."]
    }
    page = response.content.decode()
    assert 'value="500"' in page and 'value="90"' in page
    assert not Target.objects.exists()


def test_a_cadre_of_another_unit_cannot_be_chosen(client, office_user, scheme, unit_a, unit_b):
    other = CadreFactory(unit=unit_b, name="王五")
    client.force_login(office_user)
    data = _fields(scheme, C01_target="500", C01_leader=str(other.pk))
    response = client.post(_url(), data)
    assert response.status_code == 200
    assert response.context["form"].errors[f"leader-{scheme['C01'].pk}"]
    assert not Target.objects.exists()


def test_once_collecting_the_office_gives_a_reason(client, office_user, scheme, unit_a):
    _set_status(YearStatus.COLLECTING)
    client.force_login(office_user)
    data = _fields(scheme, C01_target="480")
    response = client.post(_url(), data)
    assert response.context["form"].errors["reason"] == ["此项为必填项。"]
    assert client.post(_url(), data | {"reason": "年中调整目标"}).status_code == 302
    assert Target.history.get().history_change_reason == "年中调整目标"


def test_in_publicity_the_office_amends_a_target_with_a_reason(client, office_user, scheme, unit_a):
    _set_status(YearStatus.PUBLICITY)  # an accepted objection may concern a target
    client.force_login(office_user)
    assert client.get(_url()).context["editable"]
    data = _fields(scheme, C01_target="480")
    assert "reason" in client.post(_url(), data).context["form"].errors
    assert client.post(_url(), data | {"reason": "异议成立，目标值录入有误"}).status_code == 302
    assert Target.objects.get().target == Decimal(480)


@pytest.mark.usefixtures("english")
def test_once_published_the_targets_are_read_only_for_the_office(
    client, office_user, scheme, unit_a
):
    _set_status(YearStatus.PUBLISHED)
    client.force_login(office_user)
    response = client.get(_url())
    assert response.status_code == 200 and not response.context["editable"]
    response = client.post(_url(), _fields(scheme, C01_target="1"), follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "The 2026 results are published and cannot change: to change targets, the assessment "
        "office must first open a formal review (复核)."
    ]
    assert not Target.objects.exists()


def test_a_reporter_reads_their_own_units_targets_only(
    client, reporter_a, scheme, unit_a, unit_b, cadres
):
    TargetFactory(indicator=scheme["C01"], unit=unit_a, target=Decimal(500), leader=cadres[0])
    client.force_login(reporter_a)
    response = client.get(_url("A01"))
    assert response.status_code == 200
    assert not response.context["editable"]
    table = response.content.decode().split('id="targets-table"')[1].split("</table>")[0]
    assert "<input" not in table and "<select" not in table
    assert "500" in table and "张三" in table
    assert client.post(_url("A01"), _fields(scheme, C01_target="1")).status_code == 403
    assert client.get(_url("B01")).status_code == 403
    assert Target.objects.get().target == Decimal(500)


def test_a_reporter_is_taken_straight_to_their_own_units_targets(client, reporter_a, scheme):
    client.force_login(reporter_a)
    response = client.get(reverse("assessment:target_index", args=[2026]))
    assert response["Location"] == _url("A01")


@pytest.mark.parametrize("user_fixture", ["lead_user", "supervision_user", "leader_user"])
def test_roles_that_work_across_units_read_every_units_targets(
    request, client, user_fixture, scheme, unit_a, unit_b
):
    client.force_login(request.getfixturevalue(user_fixture))
    for unit in ("A01", "B01"):
        response = client.get(_url(unit))
        assert response.status_code == 200 and not response.context["editable"]
    assert client.post(_url("A01"), _fields(scheme, C01_target="1")).status_code == 403


def test_the_targets_index_shows_how_far_each_unit_is(client, office_user, scheme, unit_a, unit_b):
    TargetFactory(indicator=scheme["C01"], unit=unit_a, target=Decimal(500))
    TargetFactory(indicator=scheme["N01"], unit=unit_a, target=Decimal(120), base=Decimal(100))
    client.force_login(office_user)
    response = client.get(reverse("assessment:target_index", args=[2026]))
    progress = {unit.code: (unit.filled, unit.needed) for unit in response.context["page"]}
    assert progress == {"A01": (2, 4), "B01": (0, 4)}


def test_an_account_without_a_role_sees_no_targets(client, nobody, scheme, unit_a):
    client.force_login(nobody)
    assert client.get(_url()).status_code == 403


def test_the_targets_page_needs_few_queries_however_many_indicators(
    client, office_user, scheme, unit_a, cadres, django_assert_max_num_queries
):
    for n in range(20):
        indicator = IndicatorFactory(
            year=scheme["C01"].year, category=unit_a.category, method="increment"
        )
        TargetFactory(indicator=indicator, unit=unit_a, target=Decimal(120), base=Decimal(n))
    client.force_login(office_user)
    with django_assert_max_num_queries(10):
        response = client.get(_url())
    assert len(response.context["form"].lines()) == 24
