"""The assessment admin follows the year's policy and keeps evidence append-only."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from assessment.models import AssessmentYear, Evidence, Indicator, Target
from assessment.services.projects import contribution_record, milestone_save, project_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(db):
    return AssessmentYear.objects.create(year=2026)


@pytest.fixture
def indicator(year, town):
    return Indicator.objects.create(
        year=year, category=town, code="GDP", name="地区生产总值", group="经济发展",
        points=Decimal(20), method="completion",
    )  # fmt: skip


def _indicator_form(indicator, **changes):
    data = {
        "year": indicator.year_id,
        "category": indicator.category_id,
        "code": indicator.code,
        "name": indicator.name,
        "group": indicator.group,
        "points": "20",
        "method": indicator.method,
        "aggregation": "sum",
        "cap": "1",
        "total_share": "0.5",
        "step": "",
        "lead_unit": "",
        "measure": "亿元",
        "sort_order": "0",
        "amendment_reason": "",
    }
    data.update(changes)
    return data


def test_the_scheme_changes_freely_while_the_year_is_set_up(client, office_user, indicator):
    client.force_login(office_user)
    url = reverse("admin:assessment_indicator_change", args=[indicator.pk])
    response = client.post(url, _indicator_form(indicator, points="25"))
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert indicator.points == Decimal(25)


def test_once_collecting_the_scheme_changes_only_as_an_amendment_with_a_reason(
    client, office_user, indicator, year
):
    year.status = "collecting"
    year.save()
    client.force_login(office_user)
    url = reverse("admin:assessment_indicator_change", args=[indicator.pk])

    refused = client.post(url, _indicator_form(indicator, points="25"))
    assert refused.status_code == 200
    assert "give the reason" in str(refused.context["adminform"].form.non_field_errors()) or (
        "原因" in str(refused.context["adminform"].form.non_field_errors())
    )
    indicator.refresh_from_db()
    assert indicator.points == Decimal(20)

    amended = client.post(
        url, _indicator_form(indicator, points="25", amendment_reason="区考核委员会第3次会议调整")
    )
    assert amended.status_code == 302
    indicator.refresh_from_db()
    assert indicator.points == Decimal(25)
    assert indicator.history.first().history_change_reason == "区考核委员会第3次会议调整"
    # and deleting is no longer possible at all
    delete = client.post(
        reverse("admin:assessment_indicator_delete", args=[indicator.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403


def test_a_published_year_cannot_be_amended_even_with_a_reason(
    client, office_user, indicator, year
):
    year.status = "published"
    year.save()
    client.force_login(office_user)
    response = client.post(
        reverse("admin:assessment_indicator_change", args=[indicator.pk]),
        _indicator_form(indicator, points="25", amendment_reason="想改"),
    )
    assert response.status_code == 200
    indicator.refresh_from_db()
    assert indicator.points == Decimal(20)


def test_evidence_is_read_only_in_the_admin(client, office_user, indicator, unit_a):
    record = Evidence.objects.create(
        unit=unit_a, indicator=indicator, date="2026-03-01", value=5, description="一季度"
    )
    client.force_login(office_user)
    change_url = reverse("admin:assessment_evidence_change", args=[record.pk])
    assert client.get(change_url).status_code == 200  # the view page
    response = client.post(change_url, {"value": "999"})
    assert response.status_code == 403
    record.refresh_from_db()
    assert record.value == 5
    assert client.get(reverse("admin:assessment_evidence_add")).status_code == 403


def test_targets_export_with_the_workbook_headers(client, office_user, indicator, unit_a):
    Target.objects.create(unit=unit_a, indicator=indicator, target=Decimal("328.5"))
    client.force_login(office_user)
    response = client.post(
        reverse("admin:assessment_target_export"),
        {"format": "0", "resource": "0", "targetexport_unit": "on", "targetexport_year": "on",
         "targetexport_indicator": "on", "targetexport_period": "on", "targetexport_target": "on",
         "targetexport_base": "on", "targetexport_leader": "on"},
    )  # fmt: skip
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("年度", "单位代码", "指标代码", "期间", "目标值", "基数", "责任领导")
    assert rows[1][:5] == (2026, "A01", "GDP", None, 328.5)  # no period: the year's target


def test_results_are_read_only(client, office_user):
    client.force_login(office_user)
    assert client.get(reverse("admin:assessment_unitresult_add")).status_code == 403
    assert client.get(reverse("admin:assessment_unitresult_changelist")).status_code == 200


def test_admin_exports_keep_formula_like_text_inert(client, office_user, indicator, unit_a):
    from assessment.models import Evidence

    Evidence.objects.create(
        unit=unit_a, indicator=indicator, date="2026-03-01", value=5,
        description="=HYPERLINK(\"http://evil\")", status="verified",
    )  # fmt: skip
    client.force_login(office_user)
    fields = ["unit", "indicator", "date", "value", "description", "status"]
    response = client.post(
        reverse("admin:assessment_evidence_export"),
        {"format": "0", "resource": "0", **{f"evidenceexport_{f}": "on" for f in fields}},
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cell = sheet["E2"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (
        '=HYPERLINK("http://evil")', "s", True,
    )  # fmt: skip
    assert sheet["D2"].value == 5  # numbers stay numbers


def test_statements_and_attachments_are_listed_read_only(client, office_user):
    client.force_login(office_user)
    for model in ["evidencestatement", "evidenceattachment"]:
        assert client.get(reverse(f"admin:assessment_{model}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:assessment_{model}_add")).status_code == 403


def test_key_projects_are_shown_in_the_admin_but_changed_only_in_their_pages(
    client, office_user, year, unit_a, cadres
):
    """The admin shows a project with its milestones and contribution points read-only: the
    plan is the office's and the points are verified in the key-project pages, where the
    rule "nobody verifies their own unit or record" applies."""
    year.status = "collecting"
    year.save()
    project = project_save(
        year=year, name="老旧小区改造", unit=unit_a, lead_cadre=cadres[0], members=[cadres[1]],
        by=office_user,
    )  # fmt: skip
    autumn = datetime.date(2026, 10, 31)
    milestone_save(project=project, title="改造完工", due=autumn, by=office_user)
    contribution_record(
        project=project, cadre=cadres[1], points=Decimal(2), description="驻点推进",
        by=office_user,
    )  # fmt: skip
    client.force_login(office_user)
    page = client.get(reverse("admin:assessment_keyproject_change", args=[project.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "改造完工" in text and "驻点推进" in text
    assert 'name="name"' not in text  # no form field to edit the project
    for model in ["keyproject", "contribution", "progressupdate", "projecttask"]:
        assert client.get(reverse(f"admin:assessment_{model}_add")).status_code == 403
    changed = client.post(
        reverse("admin:assessment_contribution_change", args=[project.contributions.get().pk]),
        {"status": "verified"},
    )
    assert changed.status_code == 403
    assert project.contributions.get().status == "pending"
