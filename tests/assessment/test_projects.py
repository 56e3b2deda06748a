"""Key projects: planning by the office, progress and contribution points reported by the
responsible unit, verified by someone outside it who did not create them; what the project
page reads (amounts per task, overdue tasks, points per person); and verified points reaching
the cadre's three-in-one inputs."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from assessment.models import Contribution, EvidenceStatus, ProgressUpdate, YearStatus
from assessment.policy import Action
from assessment.selectors.projects import project_progress
from assessment.services import projects as service
from assessment.services.compute import year_data
from tests.assessment.policy_table import expected
from tests.factories import CadreFactory, UserFactory
from units.roles import Role

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

D = Decimal
PDF_BYTES = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< >>\n%%EOF\n"


@pytest.fixture
def project_members(cadres):
    """李四 of 甲镇 and 王五 of 乙镇 beside the lead 张三."""
    return cadres[1:]


@pytest.fixture
def project_due():
    return datetime.date(2026, 6, 30)


def _progress(task, by, amount, day=datetime.date(2026, 3, 1), **kwargs):
    return service.progress_record(
        task=task, date=day, amount=D(amount), description="进度", by=by, **kwargs
    )


# --- planning ---------------------------------------------------------------------------------


def test_the_office_plans_a_project_with_its_team(project, cadres):
    zhang, li, wang = cadres
    assert project.lead_cadre == zhang
    assert set(project.members.all()) == {li, wang}
    team = service.team_of(project)
    assert team[0] == zhang and set(team[1:]) == {li, wang}  # the lead first
    assert project.history.first().history_user.username == "office"


def test_only_the_office_plans(year, unit_a, cadres, reporter_a):
    with pytest.raises(ValidationError, match="Only the assessment office plans key projects"):
        service.project_save(
            year=year, name="x", unit=unit_a, lead_cadre=cadres[0], members=[], by=reporter_a
        )


def test_the_lead_is_not_listed_again_in_the_team_and_names_are_unique(
    project, year, unit_a, cadres, office_user
):
    with pytest.raises(ValidationError) as refused:
        service.project_save(
            year=year,
            name="高标准农田建设",
            unit=unit_a,
            lead_cadre=cadres[0],
            members=[cadres[0]],
            by=office_user,
        )
    errors = refused.value.message_dict
    assert "张三 leads the project" in errors["members"][0]
    assert errors["__all__"] == ["A key project of this name already exists this year."]


def test_a_task_is_for_a_person_of_the_team_and_due_by_its_milestone(
    milestone, unit_b, office_user
):
    outsider = CadreFactory(unit=unit_b, name="赵六")
    with pytest.raises(ValidationError) as refused:
        service.task_save(
            milestone=milestone,
            cadre=outsider,
            description="x",
            quantity=D(0),
            measure="亩",
            due=datetime.date(2026, 7, 1),
            by=office_user,
        )
    errors = refused.value.message_dict
    assert errors["cadre"] == ["赵六 is not in the team of 高标准农田建设."]
    assert errors["due"] == ["The task must be done by its milestone's date, 2026-06-30."]
    assert "quantity" in errors


def test_dates_of_the_plan_lie_in_the_year(project, office_user):
    with pytest.raises(ValidationError) as refused:
        service.milestone_save(
            project=project, title="明年", due=datetime.date(2027, 1, 5), by=office_user
        )
    assert refused.value.message_dict["due"] == ["The date must be in 2026, the assessment year."]


def test_nobody_leaves_the_team_while_they_have_tasks(
    project, task, year, unit_a, cadres, office_user
):
    with pytest.raises(ValidationError) as refused:
        service.project_save(
            project=project,
            year=year,
            name=project.name,
            unit=unit_a,
            lead_cadre=cadres[0],
            members=[cadres[2]],
            by=office_user,
        )
    assert "李四 still have tasks" in refused.value.message_dict["members"][0]
    assert cadres[1] in project.members.all()


def test_plans_change_in_scoring_only_with_a_reason_and_not_after(year, project, office_user):
    year.status = YearStatus.SCORING
    year.save()
    with pytest.raises(ValidationError, match="give the reason"):
        service.milestone_save(
            project=project, title="补充节点", due=datetime.date(2026, 12, 1), by=office_user
        )
    service.milestone_save(
        project=project,
        title="补充节点",
        due=datetime.date(2026, 12, 1),
        by=office_user,
        reason="区委调整项目进度",
    )
    year.status = YearStatus.PUBLISHED
    year.save()
    with pytest.raises(ValidationError, match="change the plans of key projects, the assessment"):
        service.milestone_save(
            project=project, title="再补充", due=datetime.date(2026, 12, 1), by=office_user
        )


# --- progress ---------------------------------------------------------------------------------


def test_the_responsible_unit_reports_progress_pending_verification(task, reporter_a, reporter_b):
    update = _progress(task, reporter_a, "30")
    assert update.status == EvidenceStatus.PENDING
    assert update.recorded_by == reporter_a
    with pytest.raises(ValidationError, match="Only the unit responsible for the project"):
        _progress(task, reporter_b, "10")


def test_progress_outside_the_year_is_refused(task, reporter_a):
    with pytest.raises(ValidationError) as refused:
        _progress(task, reporter_a, "5", day=datetime.date(2025, 12, 31))
    assert refused.value.message_dict["date"][0].startswith("The date must be in 2026")
    assert not ProgressUpdate.objects.exists()


def test_after_collection_only_the_office_reports_and_late(year, task, reporter_a, office_user):
    year.status = YearStatus.SCORING
    year.save()
    with pytest.raises(ValidationError, match="only the assessment office may add a late record"):
        _progress(task, reporter_a, "5")
    with pytest.raises(ValidationError) as refused:
        _progress(task, office_user, "5")
    assert "late_reason" in refused.value.message_dict
    late = _progress(task, office_user, "5", late_reason="督查发现漏报")
    assert late.is_late and late.late_reason == "督查发现漏报"


def test_a_correction_supersedes_and_only_the_newest_counts(task, reporter_a, office_user):
    first = _progress(task, reporter_a, "40")
    newer = service.progress_correct(
        update=first, amount=D(35), description="更正", reason="面积测量有误", by=reporter_a
    )
    first.refresh_from_db()
    assert not first.is_current and newer.supersedes == first
    with pytest.raises(ValidationError, match="already been superseded"):
        service.progress_correct(
            update=first, amount=D(1), description="x", reason="y", by=reporter_a
        )
    service.progress_verify(update=newer, by=office_user, accept=True)
    progress = project_progress(task.milestone.project)
    (task_progress,) = progress.milestones[0].tasks
    assert task_progress.verified == D(35)
    assert [u.pk for u in task_progress.updates] == [newer.pk, first.pk]  # both stay visible


# --- verification -----------------------------------------------------------------------------


def test_nobody_verifies_their_own_unit_or_their_own_record(
    task, reporter_a, office_user, office_2, unit_a
):
    own_unit_office = UserFactory(username="office_a", role=Role.OFFICE, unit=unit_a)
    update = _progress(task, office_user, "10")
    with pytest.raises(ValidationError, match="You cannot verify a record you created"):
        service.progress_verify(update=update, by=office_user, accept=True)
    with pytest.raises(ValidationError, match="You cannot verify a record of your own unit"):
        service.progress_verify(update=update, by=own_unit_office, accept=True)
    with pytest.raises(ValidationError, match="Only the assessment office and supervision"):
        service.progress_verify(update=update, by=reporter_a, accept=True)
    service.progress_verify(update=update, by=office_2, accept=True)
    update.refresh_from_db()
    assert update.status == EvidenceStatus.VERIFIED and update.verified_by == office_2


def test_supervision_verifies_progress_and_a_rejection_needs_a_reason(
    task, reporter_a, supervision_user
):
    update = _progress(task, reporter_a, "10")
    with pytest.raises(ValidationError) as refused:
        service.progress_verify(update=update, by=supervision_user, accept=False)
    assert refused.value.message_dict["reason"] == ["Give the reason for the rejection."]
    service.progress_verify(
        update=update, by=supervision_user, accept=False, reason="现场核查未见施工"
    )
    update.refresh_from_db()
    assert update.status == EvidenceStatus.REJECTED
    assert update.status_reason == "现场核查未见施工"
    with pytest.raises(ValidationError, match="already rejected"):
        service.progress_verify(update=update, by=supervision_user, accept=True)


def test_project_progress_adds_up_the_verified_amounts(task, reporter_a, office_user, cadres):
    """Quantity 100 亩: verified 30 + 45 = 75 (75 %), pending 10, a rejected 20 counts for
    nothing; on 2026-07-01 the task (due 2026-06-30) is overdue, on 2026-06-30 it is not."""
    for amount, decision in [("30", True), ("45", True), ("20", False)]:
        update = _progress(task, reporter_a, amount)
        service.progress_verify(update=update, by=office_user, accept=decision, reason="核实")
    _progress(task, reporter_a, "10")
    project = task.milestone.project
    progress = project_progress(project, today=datetime.date(2026, 7, 1))
    (task_progress,) = progress.milestones[0].tasks
    assert (task_progress.verified, task_progress.pending) == (D(75), D(10))
    assert task_progress.percent == 75 and not task_progress.done
    assert task_progress.overdue and progress.overdue_tasks == 1
    assert progress.pending_updates == 1
    li = next(person for person in progress.people if person.cadre == cadres[1])
    assert (li.tasks, li.tasks_done) == (1, 0)
    on_time = project_progress(project, today=datetime.date(2026, 6, 30))
    assert on_time.overdue_tasks == 0


def test_progress_updates_carry_attachments_seen_with_the_project(
    task, reporter_a, reporter_b, media_root, client
):
    photo = SimpleUploadedFile("现场.pdf", PDF_BYTES, content_type="application/pdf")
    update = _progress(task, reporter_a, "10", attachments=[photo])
    (attachment,) = update.attachments.all()
    assert attachment.original_name == "现场.pdf" and attachment.evidence is None
    url = f"/attachments/{attachment.pk}/"
    client.force_login(reporter_a)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES  # read to the end: closed
    outsider_unit = UserFactory(username="outsider", role=Role.REPORTER, unit=None)
    client.force_login(outsider_unit)
    assert client.get(url).status_code == 403


# --- contribution points ----------------------------------------------------------------------


def _propose(project, cadre, by, points, **kwargs):
    return service.contribution_record(
        project=project, cadre=cadre, points=D(points), description="贡献", by=by, **kwargs
    )


def test_points_are_positive_at_most_the_cap_and_for_the_team(project, reporter_a, unit_b):
    outsider = CadreFactory(unit=unit_b, name="赵六")
    with pytest.raises(ValidationError) as refused:
        _propose(project, outsider, reporter_a, "6")
    errors = refused.value.message_dict
    assert errors["cadre"] == ["赵六 is not in the team of 高标准农田建设."]
    assert errors["points"] == [
        "Contribution points are more than 0 and at most 5, the most that counts."
    ]
    assert not Contribution.objects.exists()


def test_only_the_office_verifies_points_and_never_its_own_proposal(
    project, cadres, reporter_a, office_user, supervision_user
):
    proposal = _propose(project, cadres[1], office_user, "2")
    with pytest.raises(ValidationError, match="Only the assessment office verifies contribution"):
        service.contribution_verify(contribution=proposal, by=supervision_user, accept=True)
    with pytest.raises(ValidationError, match="You cannot verify a record you created"):
        service.contribution_verify(contribution=proposal, by=office_user, accept=True)
    with pytest.raises(ValidationError, match="Only the unit responsible"):
        _propose(project, cadres[1], UserFactory(role=Role.REPORTER, unit=cadres[2].unit), "1")


def test_verified_current_points_reach_the_cadre_inputs(
    year, project, cadres, reporter_a, office_user
):
    """李四: verified 2 + 1.5 = 3.5; pending 1, rejected 1 and a superseded verified 4 (corrected
    to 1.5) do not count. 张三: nothing verified, so no entry."""
    zhang, li, _wang = cadres
    two = _propose(project, li, reporter_a, "2")
    four = _propose(project, li, reporter_a, "4")
    service.contribution_verify(contribution=two, by=office_user, accept=True)
    service.contribution_verify(contribution=four, by=office_user, accept=True)
    one_and_a_half = _propose(
        project, li, reporter_a, "1.5", supersedes=four, reason="核减: 部分工作由他人完成"
    )
    service.contribution_verify(contribution=one_and_a_half, by=office_user, accept=True)
    _propose(project, li, reporter_a, "1")
    rejected = _propose(project, zhang, reporter_a, "1")
    service.contribution_verify(
        contribution=rejected, by=office_user, accept=False, reason="无佐证"
    )
    contributions = year_data(year).inputs.contributions
    assert contributions == {("A01", "李四"): D("3.50")}
    progress = project_progress(project)
    li_row = next(person for person in progress.people if person.cadre == li)
    assert (li_row.points, li_row.points_pending) == (D("3.5"), D(1))
    assert progress.pending_contributions == 1


@pytest.mark.parametrize("status", list(YearStatus))
def test_progress_is_verified_on_the_same_clock_as_evidence(
    status, year, task, reporter_a, office_user, supervision_user
):
    """Collecting and scoring: decided; publicity and review: an amendment, by the office only
    and with a reason; otherwise not at all."""
    update = _progress(task, reporter_a, "10")
    year.status = status
    year.save()
    outcome = expected(Action.VERIFY_EVIDENCE, status)
    if outcome == "allowed":
        service.progress_verify(update=update, by=supervision_user, accept=True)
    elif outcome == "reason":
        with pytest.raises(ValidationError) as refused:
            service.progress_verify(update=update, by=office_user, accept=True)
        assert refused.value.error_list[0].code == "reason_required"
        with pytest.raises(ValidationError) as refused:
            service.progress_verify(update=update, by=supervision_user, accept=True, reason="异议")
        assert refused.value.error_list[0].code == "office_only"
        service.progress_verify(update=update, by=office_user, accept=True, reason="异议核实")
    else:
        with pytest.raises(ValidationError) as refused:
            service.progress_verify(update=update, by=office_user, accept=True)
        assert refused.value.error_list[0].code == "year_locked"
        return
    update.refresh_from_db()
    assert update.status == EvidenceStatus.VERIFIED
