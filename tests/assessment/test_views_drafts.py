"""The office's draft pages: make, change, compare, export, balance; nobody else gets in."""

from __future__ import annotations

import io
from decimal import Decimal as D

import openpyxl
import pytest
from django.urls import reverse

from assessment.models import DraftScheme, Indicator, SurveyRate
from assessment.services import drafts as service
from assessment.services.compute import results_compute
from tests.assessment.drafts_world import scored_year
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(town, unit_a, unit_b):
    return scored_year(town, [unit_a, unit_b])


@pytest.fixture
def draft(year, office_user):
    return service.draft_create(year=year, name="调权方案", by=office_user)


def edit_data(draft, **changes):
    """The edit form as the page sends it, with ``changes`` (field name → value)."""
    data = {"name": draft.name, "bonus_pool": draft.bonus_pool or ""}
    data.update(draft.params)
    for index, row in enumerate(draft.indicators):
        for field in ("points", "method", "cap", "total_share", "step"):
            data[f"row{index}-{field}"] = row[field] if row[field] is not None else ""
    data.update(changes)
    return data


def test_the_office_makes_a_draft_from_the_year(client, office_user, year):
    client.force_login(office_user)
    response = client.post(reverse("assessment:draft_list", args=[2026]), {"name": "新方案"})
    draft = DraftScheme.objects.get(name="新方案")
    assert response.url == reverse("assessment:draft_edit", args=[draft.pk])
    page = client.get(reverse("assessment:draft_list", args=[2026])).content.decode()
    assert "新方案" in page


def test_moving_five_points_shows_the_unit_whose_tier_changes(client, office_user, draft):
    client.force_login(office_user)
    response = client.post(
        reverse("assessment:draft_edit", args=[draft.pk]),
        edit_data(draft, **{"row0-points": "45", "row1-points": "55"}),
    )
    assert response.url == reverse("assessment:draft_compare", args=[draft.pk])
    page = client.get(response.url).content.decode()
    # 甲镇: 45 × 1 + 55 × 0.8 = 89.00, excellent → good; 乙镇: 27 + 55 = 82.00, stays good
    row = page.split('data-unit="A01"')[1].split("</tr>")[0]
    assert 'data-tier-changed="true"' in row
    assert "90.00" in row and "89.00" in row and "-1.00" in row
    assert 'data-tier-changed="true"' not in page.split('data-unit="B01"')[1].split("</tr>")[0]
    # the year keeps its 50 + 50
    assert set(Indicator.objects.values_list("points", flat=True)) == {D("50.00")}


def test_bad_values_are_refused_in_chinese_and_nothing_is_saved(client, office_user, draft):
    client.force_login(office_user)
    response = client.post(
        reverse("assessment:draft_edit", args=[draft.pk]),
        edit_data(draft, **{"row0-points": "-5", "good_threshold": "95"}),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "保存未成功" in page or "未保存" in page
    draft.refresh_from_db()
    assert D(draft.indicators[0]["points"]) == 50


def test_the_comparison_exports_as_a_workbook_with_inert_text(client, office_user, year, town):
    # a unit whose name would be a formula in a careless export
    unit = UnitFactory(code="C01", name="=HYPERLINK(1)", category=town, headcount=10)
    draft = service.draft_create(year=year, name="导出", by=office_user)
    client.force_login(office_user)
    response = client.get(reverse("assessment:draft_export", args=[draft.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["对比"]
    headers = [cell.value for cell in sheet[1]]
    assert headers[:6] == [
        "单位代码",
        "单位",
        "单位类别",
        "总分（现行方案）",
        "总分（方案草稿）",
        "总分变化",
    ]
    names = {row[0].value: row[1] for row in sheet.iter_rows(min_row=2)}
    assert names[unit.code].value == "=HYPERLINK(1)" and names[unit.code].data_type == "s"
    # C01 has no survey rate: 0.00 in both, a number cell, not text
    totals = {row[0].value: (row[3].value, row[4].value) for row in sheet.iter_rows(min_row=2)}
    assert totals == {"A01": (90, 90), "B01": (80, 80), "C01": (0, 0)}


@pytest.mark.parametrize("user_fixture", ["leader_user", "supervision_user", "reporter_a"])
def test_nobody_but_the_office_opens_a_draft(request, client, user_fixture, draft):
    client.force_login(request.getfixturevalue(user_fixture))
    for name in ("draft_edit", "draft_compare", "draft_export", "draft_balance"):
        assert client.get(reverse(f"assessment:{name}", args=[draft.pk])).status_code == 403
    assert client.post(reverse("assessment:draft_delete", args=[draft.pk])).status_code == 403
    assert DraftScheme.objects.filter(pk=draft.pk).exists()


def test_an_unknown_draft_is_not_found(client, office_user, draft):
    client.force_login(office_user)
    assert client.get(reverse("assessment:draft_compare", args=[draft.pk + 99])).status_code == 404


def test_the_office_sees_what_decided_the_tier_on_the_score_sheet(
    client, office_user, leader_user, year
):
    results_compute(year=year, by=office_user)
    url = reverse("assessment:score_sheet", args=[2026, "B01"])
    client.force_login(office_user)
    page = client.get(url).content.decode()
    # 乙镇 80.00 is good; 甲镇 90.00 holds the one excellent place (2 units): 90.01 is needed,
    # 10.01 more — E01 (30 of 50, room 20) can give it, G01 (50 of 50) cannot.
    assert "决定等次的因素" in page
    assert "差 10.01 分 → 优秀" in page
    assert "优秀比例已满" in page
    panel = page.split('id="decider-moves"')[1]
    e01 = panel.split('data-indicator="E01"')[1].split("</tr>")[0]
    assert "提高 10.01 分 → 优秀" in e01
    g01 = panel.split('data-indicator="G01"')[1].split("</tr>")[0]
    assert "仅靠该指标无法改变等次" in g01
    client.force_login(leader_user)
    assert "决定等次的因素" not in client.get(url).content.decode()


def test_the_balance_and_scheme_pages_warn_of_an_indicator_that_tells_no_unit_apart(
    client, office_user, leader_user, year
):
    # both towns score G01 in full after this change of 甲镇's rate
    SurveyRate.objects.filter(unit__code="A01", indicator__code="G01").update(rate=D(1))
    results_compute(year=year, by=office_user)
    client.force_login(office_user)
    warning = "2026 年所有单位在「党建工作」上均得满分，区分度为零。"
    page = client.get(reverse("assessment:year_balance", args=[2026])).content.decode()
    assert warning in page
    scheme = reverse("assessment:scheme_detail", args=[2026, "town"])
    assert warning in client.get(scheme).content.decode()
    client.force_login(leader_user)  # reads the scheme, not the office's working papers
    assert warning not in client.get(scheme).content.decode()


def test_the_office_adds_and_removes_indicators_and_sees_both_on_the_pages(
    client, office_user, draft
):
    client.force_login(office_user)
    add = reverse("assessment:draft_indicator_add", args=[draft.pk])
    new = new_indicator(code="N01", name="营商环境", points="10")
    assert client.post(add, new).status_code == 302
    assert client.post(add, new).status_code == 302  # sent twice: added once
    remove = reverse("assessment:draft_indicator_remove", args=[draft.pk])
    for _twice in range(2):
        assert client.post(remove, {"indicator": "town/G01"}).status_code == 302
    draft.refresh_from_db()
    assert [row["code"] for row in draft.indicators] == ["E01", "N01"]

    edit = client.get(reverse("assessment:draft_edit", args=[draft.pk])).content.decode()
    assert "草稿新增" in edit.split('data-indicator="N01"')[1].split("</tr>")[0]
    assert "党建工作" in edit.split('id="draft-removed"')[1]
    page = client.get(reverse("assessment:draft_compare", args=[draft.pk])).content.decode()
    changes = page.split('id="draft-scheme-changes"')[1].split("</div>")[0]
    assert "营商环境" in changes and "党建工作" in changes
    # 甲镇: E01 50 × 1 + N01 (no rate) 0 = 50.00; 乙镇: 30.00 + 0 = 30.00
    assert "50.00" in page.split('data-unit="A01"')[1].split("</tr>")[0]
    assert "30.00" in page.split('data-unit="B01"')[1].split("</tr>")[0]
    balance = client.get(reverse("assessment:draft_balance", args=[draft.pk])).content.decode()
    assert "「营商环境」是方案草稿新增的指标，2026 年没有它的任何记录" in balance
    assert "党建工作" not in balance


def new_indicator(**values: str) -> dict[str, str]:
    """The add-an-indicator form as the page sends it: a town survey indicator, with ``values``."""
    data = {
        "category": "town", "group": "", "method": "survey", "aggregation": "sum", "cap": "1",
        "total_share": "0.5", "step": "", **values,
    }  # fmt: skip
    return {f"new-{name}": value for name, value in data.items()}


def test_a_bad_new_indicator_is_refused_in_chinese_and_nothing_is_added(client, office_user, draft):
    client.force_login(office_user)
    add = reverse("assessment:draft_indicator_add", args=[draft.pk])
    response = client.post(add, new_indicator(code="N01", name="新", points="-5", cap="0.5"))
    assert response.status_code == 200
    form = response.content.decode().split('id="draft-add-indicator"')[1]
    assert "保存未成功" in form
    assert "此项不能小于 0" in form and "此项不能小于 1" in form  # points and cap, in Chinese
    draft.refresh_from_db()
    assert len(draft.indicators) == 2
    response = client.post(add, new_indicator(code="E01", name="重复", points="5"))
    assert "方案草稿中该单位类别已有使用此代码的指标" in response.content.decode()


def test_removing_the_last_indicator_of_a_category_is_refused(client, office_user, draft):
    client.force_login(office_user)
    remove = reverse("assessment:draft_indicator_remove", args=[draft.pk])
    client.post(remove, {"indicator": "town/E01"})
    page = client.post(remove, {"indicator": "town/G01"}, follow=True).content.decode()
    assert "至少保留一项指标" in page
    draft.refresh_from_db()
    assert [row["code"] for row in draft.indicators] == ["G01"]


def test_an_edit_form_opened_before_a_change_is_refused_and_keeps_the_input(
    client, office_user, draft
):
    client.force_login(office_user)
    edit = reverse("assessment:draft_edit", args=[draft.pk])
    page = client.get(edit).content.decode()
    state = page.split('name="state" value="')[1].split('"')[0]
    data = edit_data(draft, state=state, **{"row0-points": "45", "row1-points": "55"})
    assert client.post(edit, data).status_code == 302
    assert client.post(edit, data).status_code == 302  # sent twice: saved once, no refusal
    # a colleague's change in between: the old form is refused, nothing overwritten
    service.draft_update(draft=draft, by=office_user, name="同事改过")
    stale = edit_data(draft, state=state, **{"row0-points": "40", "row1-points": "60"})
    response = client.post(edit, stale)
    assert response.status_code == 200
    assert "已被他人修改" in response.content.decode()
    draft.refresh_from_db()
    assert (draft.name, draft.indicators[0]["points"]) == ("同事改过", "45")


def test_a_draft_deleted_twice_says_so_once_and_goes_back_to_the_list(client, office_user, draft):
    client.force_login(office_user)
    url = reverse("assessment:draft_delete", args=[draft.pk])
    assert client.post(url).url == reverse("assessment:draft_list", args=[2026])
    again = client.post(url, follow=True)
    assert again.status_code == 200 and "该方案草稿已删除" in again.content.decode()
