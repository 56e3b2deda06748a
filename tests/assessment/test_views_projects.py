"""The key-project pages: who sees which project, the office's planning forms, the unit's
reports and proposals, the verifiers' decisions, and what the project's page then shows."""

import datetime
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessment.models import (
    Contribution,
    EvidenceStatus,
    KeyProject,
    ProgressUpdate,
    YearStatus,
)
from assessment.services import projects as service
from tests.factories import PDF_BYTES, CadreFactory, UnitFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

D = Decimal
TODAY = datetime.date(2026, 7, 1)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    """Overdue is judged against today: the pages see 2026-07-01 whatever the clock says."""
    monkeypatch.setattr(timezone, "localdate", lambda *args: TODAY)


def logged_in(client, user):
    client.force_login(user)
    return client


def other(user):
    """A second browser for another user, in English too."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return logged_in(client, user)


def detail_url(project):
    return reverse("assessment:project_detail", args=[project.pk])


def list_url(**query):
    url = reverse("assessment:project_list", args=[2026])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def report(task, by, amount, day=datetime.date(2026, 3, 1)):
    return service.progress_record(task=task, date=day, amount=D(amount), description="进度", by=by)


def decide_url(record):
    kind = "progress" if isinstance(record, ProgressUpdate) else "contribution"
    return reverse(f"assessment:project_{kind}_decide", args=[record.pk])


def decision(record, verdict, reason=""):
    prefix = "update" if isinstance(record, ProgressUpdate) else "contribution"
    return {f"{prefix}-{record.pk}-decision": verdict, f"{prefix}-{record.pk}-reason": reason}


def item(html, element_id):
    """One record's part of a page: from its element to the next record's."""
    return re.split(r'<li class="list-group-item', html.split(f'id="{element_id}"')[1])[0]


def project_names(response):
    return [p.name for p in response.context["page"]]


# --- who sees which project -------------------------------------------------------------------


def test_each_role_sees_the_projects_it_may(
    client, project, unit_b, cadres, office_user, reporter_a, reporter_b, leader_user,
    supervision_user, lead_user,
):  # fmt: skip
    """乙镇 is neither responsible for 高标准农田建设 nor in its team; it is responsible for
    乡村道路, whose team has 李四 of 甲镇 in it, so 甲镇 sees both."""
    li, wang = cadres[1], cadres[2]
    roads = service.project_save(
        year=project.year, name="乡村道路", unit=unit_b, lead_cadre=wang, members=[li],
        by=office_user,
    )  # fmt: skip
    both = ["乡村道路", "高标准农田建设"]
    for user in (office_user, leader_user, supervision_user, lead_user, reporter_a):
        assert project_names(logged_in(Client(), user).get(list_url())) == both, user
    assert project_names(logged_in(client, reporter_b).get(list_url())) == ["乡村道路"]
    assert logged_in(Client(), reporter_a).get(detail_url(roads)).status_code == 200


def test_an_uninvolved_unit_gets_403_on_the_project_and_its_actions(
    client, project, task, reporter_a, reporter_b
):
    update = report(task, reporter_a, "10")
    client = logged_in(client, reporter_b)
    assert client.get(detail_url(project)).status_code == 403
    assert (
        client.get(reverse("assessment:project_progress_record", args=[task.pk])).status_code == 403
    )
    assert client.post(decide_url(update), decision(update, "verify")).status_code == 403
    assert client.get(list_url()).status_code == 200


def test_unknown_objects_are_404(client, office_user, year):
    client = logged_in(client, office_user)
    assert client.get(reverse("assessment:project_detail", args=[999])).status_code == 404
    assert client.get(reverse("assessment:project_task_add", args=[999])).status_code == 404
    assert client.get(reverse("assessment:project_list", args=[2031])).status_code == 404


def test_only_the_office_plans(client, project, milestone, reporter_a, office_user):
    client = logged_in(client, reporter_a)
    response = client.get(detail_url(project))
    assert b"project-edit-link" not in response.content
    assert b'data-action="add-task"' not in response.content
    assert client.get(list_url()).content.count(b"project-create-link") == 0
    for name, pk in [("project_edit", project.pk), ("project_milestone_add", project.pk),
                     ("project_task_add", milestone.pk)]:  # fmt: skip
        assert client.get(reverse(f"assessment:{name}", args=[pk])).status_code == 403
    assert client.post(reverse("assessment:project_create", args=[2026])).status_code == 403
    office = logged_in(Client(), office_user)
    assert b"project-create-link" in office.get(list_url()).content
    assert b'data-action="add-task"' in office.get(detail_url(project)).content


# --- the list ---------------------------------------------------------------------------------


def test_the_list_shows_progress_overdue_and_pending_hand_checked(
    english, project, milestone, task, cadres, reporter_a, office_user, unit_b
):
    """Two tasks: 平整土地 100 亩, 100 verified (done); 清表 due 2026-06-30, nothing verified
    by 2026-07-01 (overdue). 1 of 2 done = 50 %; one update and one proposal are pending. The
    team is 张三 and 李四: 2."""
    late = service.task_save(
        milestone=milestone, cadre=cadres[0], description="清表", quantity=D(5), measure="户",
        due=datetime.date(2026, 6, 30), by=office_user,
    )  # fmt: skip
    service.progress_verify(update=report(task, reporter_a, "100"), by=office_user, accept=True)
    report(late, reporter_a, "2")
    service.contribution_record(
        project=project, cadre=cadres[1], points=D(1), description="贡献", by=reporter_a
    )
    service.project_save(
        year=project.year, name="乡村道路", unit=unit_b, lead_cadre=cadres[2], members=[],
        by=office_user,
    )  # fmt: skip

    response = logged_in(english, office_user).get(list_url())

    html = response.content.decode()
    row = html.split(f'data-project="{project.pk}"')[1].split("</tr>")[0]
    assert 'data-field="team">2<' in row
    assert 'data-field="percent">50 %' in row
    assert 'data-field="overdue">1<' in row
    assert "1 progress, 1 points" in row
    assert project_names(english.get(list_url(pending="on"))) == ["高标准农田建设"]
    assert project_names(english.get(list_url(unit="B01"))) == ["乡村道路"]


# --- planning ---------------------------------------------------------------------------------


def create_project(client, user, name, unit, lead, members, description):
    """The office's project form, filled in and sent."""
    return logged_in(client, user).post(
        reverse("assessment:project_create", args=[2026]),
        {
            "name": name,
            "unit": unit.pk,
            "lead_cadre": lead.pk,
            "members": [member.pk for member in members],
            "description": description,
        },
    )


def test_the_office_creates_a_project_with_its_team_through_the_form(
    client, year, unit_a, cadres, office_user
):
    zhang, li, wang = cadres
    response = create_project(
        client, office_user, "  美丽乡村示范点  ", unit_a, zhang, [li, wang], "建成示范村 3 个"
    )
    project = KeyProject.objects.get()
    assert response.status_code == 302 and response["Location"] == detail_url(project)
    assert (project.name, project.unit, project.lead_cadre) == ("美丽乡村示范点", unit_a, zhang)
    assert set(project.members.all()) == {li, wang}
    assert project.history.first().history_user == office_user


def test_a_bad_project_is_shown_again_with_the_reasons_and_what_was_typed(
    english, project, unit_a, cadres, office_user
):
    zhang, _li, wang = cadres
    response = create_project(
        english, office_user, "高标准农田建设", unit_a, zhang, [zhang, wang], "第二期"
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "张三 leads the project" in form.errors["members"][0]
    assert form.non_field_errors() == ["A key project of this name already exists this year."]
    html = response.content.decode()
    assert 'value="高标准农田建设"' in html and "第二期</textarea>" in html
    selected = re.findall(r'<option value="(\d+)" selected>', html.split('name="members"')[1])
    assert sorted(selected) == sorted([str(zhang.pk), str(wang.pk)])
    assert KeyProject.objects.count() == 1


def test_in_scoring_a_plan_change_asks_for_the_reason(english, project, year, office_user):
    year.status = YearStatus.SCORING
    year.save()
    client = logged_in(english, office_user)
    url = reverse("assessment:project_milestone_add", args=[project.pk])
    assert "reason" in client.get(url).context["form"].fields
    refused = client.post(url, {"title": "补充节点", "due": "2026-12-01"})
    assert refused.status_code == 200 and "reason" in refused.context["form"].errors
    saved = client.post(url, {"title": "补充节点", "due": "2026-12-01", "reason": "区委调整"})
    assert saved.status_code == 302
    assert project.milestones.get().history.first().history_change_reason == "区委调整"


def test_a_task_is_for_a_person_of_the_team(english, project, milestone, cadres, office_user):
    client = logged_in(english, office_user)
    url = reverse("assessment:project_task_add", args=[milestone.pk])
    offered = client.get(url).context["form"].fields["cadre"].queryset
    assert set(offered) == {cadres[0], cadres[1]}  # 王五 of 乙镇 is not in the team
    response = client.post(
        url,
        {"cadre": cadres[1].pk, "description": "平整", "quantity": "100", "measure": "亩",
         "due": "2026-10-31"},
    )  # fmt: skip
    assert response.context["form"].errors["due"] == [
        "The task must be done by its milestone's date, 2026-09-30."
    ]


# --- progress and its verification ------------------------------------------------------------


def test_reported_progress_waits_and_once_verified_fills_the_bar(
    english, project, task, reporter_a, office_user
):
    """30 亩 of 100 verified: 30 %."""
    client = logged_in(english, reporter_a)
    url = reverse("assessment:project_progress_record", args=[task.pk])
    assert "late_reason" not in client.get(url).context["form"].fields
    response = client.post(
        url,
        {
            "date": "2026-05-10",
            "amount": "30",
            "description": "完成 30 亩",
            "attachments": SimpleUploadedFile("现场.pdf", PDF_BYTES, "application/pdf"),
        },
    )
    assert response.status_code == 302
    update = ProgressUpdate.objects.get()
    assert (update.amount, update.status, update.recorded_by) == (D(30), "pending", reporter_a)
    html = client.get(detail_url(project)).content.decode()
    pending = item(html, f"update-{update.pk}")
    assert 'data-status="pending"' in pending and "现场.pdf" in pending
    assert "pending 30 亩" in html and 'max="100" value="0"' in html
    assert 'data-action="verify"' not in html  # the unit does not verify its own progress

    office = other(office_user)
    assert 'data-action="verify"' in office.get(detail_url(project)).content.decode()
    response = office.post(decide_url(update), decision(update, "verify"))
    assert response.status_code == 302
    update.refresh_from_db()
    assert (update.status, update.verified_by) == (EvidenceStatus.VERIFIED, office_user)
    html = office.get(detail_url(project)).content.decode()
    task_html = html.split(f'id="task-{task.pk}"')[1]
    assert '<progress class="flex-grow-1" max="100" value="30"' in task_html
    assert 'data-field="percent">30 %' in task_html
    assert "Verified 30 of 100 亩" in task_html


def test_a_rejection_without_reason_shows_the_error(
    english, project, task, reporter_a, office_user
):
    update = report(task, reporter_a, "30")
    response = logged_in(english, office_user).post(
        decide_url(update), decision(update, "reject", "  ")
    )
    assert response.status_code == 200
    assert "Give the reason for the rejection." in response.content.decode()
    update.refresh_from_db()
    assert update.status == EvidenceStatus.PENDING
    rejected = english.post(decide_url(update), decision(update, "reject", "现场核查未见施工"))
    assert rejected.status_code == 302
    update.refresh_from_db()
    assert (update.status, update.status_reason) == (EvidenceStatus.REJECTED, "现场核查未见施工")


def test_the_responsible_unit_may_not_verify(client, project, task, reporter_a, office_user):
    update = report(task, office_user, "30")
    response = logged_in(client, reporter_a).post(decide_url(update), decision(update, "verify"))
    assert response.status_code == 403
    update.refresh_from_db()
    assert update.status == EvidenceStatus.PENDING


def test_a_verifier_is_told_why_not_for_their_own_record(english, project, task, office_user):
    update = report(task, office_user, "30")
    client = logged_in(english, office_user)
    html = client.get(detail_url(project)).content.decode()
    assert "You cannot verify a record you created." in html
    assert 'data-action="verify"' not in html
    response = client.post(decide_url(update), decision(update, "verify"), follow=True)
    assert "You cannot verify a record you created." in response.content.decode()
    update.refresh_from_db()
    assert update.status == EvidenceStatus.PENDING


def test_a_correction_shows_both_reports_the_old_one_superseded(english, project, task, reporter_a):
    first = report(task, reporter_a, "40")
    client = logged_in(english, reporter_a)
    url = reverse("assessment:project_progress_correct", args=[first.pk])
    form = client.get(url).context["form"]
    assert form["amount"].value() == "40"
    missing = client.post(url, {"date": "2026-03-01", "amount": "35", "description": "更正"})
    assert missing.status_code == 200 and "reason" in missing.context["form"].errors
    assert 'value="35"' in missing.content.decode()  # what was typed stays
    response = client.post(
        url,
        {"date": "2026-03-01", "amount": "35", "description": "更正", "reason": "面积测量有误"},
    )
    assert response.status_code == 302
    newer = ProgressUpdate.objects.get(supersedes=first)
    html = client.get(detail_url(project)).content.decode()
    old_html = item(html, f"update-{first.pk}")
    new_html = item(html, f"update-{newer.pk}")
    assert 'data-mark="superseded"' in old_html and "text-decoration-line-through" in old_html
    assert 'data-action="correct"' not in old_html
    assert 'data-mark="superseded"' not in new_html and "面积测量有误" in new_html
    assert 'data-action="correct"' in new_html
    assert client.get(url).status_code == 302  # the superseded one is not corrected again


def test_late_progress_by_the_office_asks_for_the_reason(english, project, task, year, office_user):
    year.status = YearStatus.SCORING
    year.save()
    client = logged_in(english, office_user)
    url = reverse("assessment:project_progress_record", args=[task.pk])
    assert "late_reason" in client.get(url).context["form"].fields
    data = {"date": "2026-12-01", "amount": "5", "description": "补录"}
    assert "late_reason" in client.post(url, data).context["form"].errors
    assert client.post(url, {**data, "late_reason": "督查发现漏报"}).status_code == 302
    assert ProgressUpdate.objects.get().is_late


# --- contribution points ----------------------------------------------------------------------


def test_points_are_proposed_by_the_unit_and_verified_by_the_office(
    english, project, cadres, reporter_a, office_user, supervision_user
):
    li = cadres[1]
    client = logged_in(english, reporter_a)
    url = reverse("assessment:project_contribution_record", args=[project.pk])
    too_many = client.post(url, {"cadre": li.pk, "points": "6", "description": "牵头推进"})
    assert too_many.context["form"].errors["points"] == [
        "Contribution points are more than 0 and at most 5, the most that counts."
    ]
    assert (
        client.post(url, {"cadre": li.pk, "points": "2.5", "description": "牵头推进"}).status_code
        == 302
    )
    proposal = Contribution.objects.get()
    assert (proposal.points, proposal.status) == (D("2.5"), EvidenceStatus.PENDING)

    assert (
        logged_in(Client(), supervision_user)
        .post(decide_url(proposal), decision(proposal, "verify"))
        .status_code
        == 403
    )
    office = other(office_user)
    assert office.post(decide_url(proposal), decision(proposal, "verify")).status_code == 302
    html = office.get(detail_url(project)).content.decode()
    row = html.split(f'data-cadre="{li.pk}"')[1].split("</tr>")[0]
    assert 'data-field="points">2.5<' in row and 'data-field="points-pending">0<' in row
    assert "At most 5 contribution points count for a person in the year" in html


def test_a_contribution_correction_supersedes_the_proposal(english, project, cadres, reporter_a):
    first = service.contribution_record(
        project=project, cadre=cadres[1], points=D(3), description="贡献", by=reporter_a
    )
    client = logged_in(english, reporter_a)
    url = reverse("assessment:project_contribution_correct", args=[first.pk])
    response = client.post(url, {"points": "1.5", "description": "核减", "reason": "他人完成部分"})
    assert response.status_code == 302
    newer = Contribution.objects.get(supersedes=first)
    assert (newer.cadre, newer.points) == (cadres[1], D("1.5"))
    html = client.get(detail_url(project)).content.decode()
    assert 'data-mark="superseded"' in item(html, f"contribution-{first.pk}")
    row = html.split(f'data-cadre="{cadres[1].pk}"')[1].split("</tr>")[0]
    assert 'data-field="points-pending">1.5<' in row


# --- navigation -------------------------------------------------------------------------------


def test_the_year_and_the_unit_home_link_to_the_projects(client, project, reporter_a, unit_b):
    client = logged_in(client, reporter_a)
    assert list_url() in client.get(reverse("assessment:year_detail", args=[2026])).content.decode()
    home = client.get(reverse("assessment:evidence_unit_home", args=[2026, "A01"])).content.decode()
    assert 'id="unit-projects"' in home and detail_url(project) in home
    assert f"{list_url()}?unit=A01" in home


def test_a_unit_without_projects_has_no_projects_section(client, project, office_user, unit_b):
    home = logged_in(client, office_user).get(
        reverse("assessment:evidence_unit_home", args=[2026, "B01"])
    )
    assert 'id="unit-projects"' not in home.content.decode()


# --- queries ----------------------------------------------------------------------------------


def _detail_queries(client, project):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(detail_url(project)).status_code == 200
    return len(queries)


def test_the_project_page_reads_a_fixed_number_of_queries(
    client, project, task, reporter_a, office_user, cadres, unit_b
):
    """2 updates or 10 (with a correction, a decision and contributions): the same queries."""
    client = logged_in(client, office_user)
    for amount in range(2):
        report(task, reporter_a, amount + 1)
    few = _detail_queries(client, project)
    first = report(task, reporter_a, "3")
    service.progress_correct(
        update=first, amount=D(4), description="更正", reason="录错", by=reporter_a
    )
    service.progress_verify(update=report(task, reporter_a, "5"), by=office_user, accept=True)
    for amount in range(5):
        report(task, reporter_a, amount + 6)
    for points in ("1", "2"):
        service.contribution_record(
            project=project, cadre=cadres[1], points=D(points), description="贡献", by=reporter_a
        )
    member = CadreFactory(unit=UnitFactory(code="C01", name="丙镇"), name="赵六")
    project.members.add(member)
    assert ProgressUpdate.objects.count() == 10
    assert _detail_queries(client, project) == few


def test_supervision_verifies_progress_but_not_points(
    client, project, task, cadres, reporter_a, supervision_user
):
    update = report(task, reporter_a, "10")
    proposal = service.contribution_record(
        project=project, cadre=cadres[1], points=D(1), description="贡献", by=reporter_a
    )
    html = logged_in(client, supervision_user).get(detail_url(project)).content.decode()
    assert 'data-action="verify"' in item(html, f"update-{update.pk}")
    assert 'data-action="verify"' not in item(html, f"contribution-{proposal.pk}")
    assert 'data-action="report"' not in html  # supervision does not report


def test_once_published_the_plan_is_fixed(english, project, year, office_user):
    year.status = YearStatus.PUBLISHED
    year.save()
    client = logged_in(english, office_user)
    assert b'id="milestone-add-link"' not in client.get(detail_url(project)).content
    response = client.get(
        reverse("assessment:project_milestone_add", args=[project.pk]), follow=True
    )
    assert response.redirect_chain[-1][0] == detail_url(project)
    assert "the key-project plans are fixed" in response.content.decode()


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(list_url()).status_code == 200
    return len(queries)


def test_the_project_list_reads_a_fixed_number_of_queries(
    client, project, task, reporter_a, office_user, year, town
):
    """One project with one update, or six of five units with milestones, tasks, updates and
    members: the list of projects reads the same queries."""
    report(task, reporter_a, 1)
    client = logged_in(client, office_user)
    few = _list_queries(client)
    for number in range(5):
        unit = UnitFactory(code=f"P{number}", name=f"项目{number}镇", category=town)
        lead, member = (
            CadreFactory(unit=unit, name=f"甲{number}"),
            CadreFactory(unit=unit, name=f"乙{number}"),
        )
        other_project = service.project_save(
            year=year, name=f"重点项目{number}", unit=unit, lead_cadre=lead, members=[member],
            description="建设", by=office_user,
        )  # fmt: skip
        milestone = service.milestone_save(
            project=other_project, title="开工", due=datetime.date(2026, 6, 30), by=office_user
        )
        for cadre in (lead, member):
            service.task_save(
                milestone=milestone, cadre=cadre, description="推进", quantity=Decimal(10),
                measure="项", due=datetime.date(2026, 6, 30), by=office_user,
            )  # fmt: skip
    for amount in range(2, 6):
        report(task, reporter_a, amount)
    assert len(project_names(client.get(list_url()))) == 6
    assert _list_queries(client) == few
