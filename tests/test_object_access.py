"""Object-level rules: a unit's records are its own; a lead department grades only the
indicators it leads; nobody verifies their own unit. Every refused POST leaves the database
as it was.

The district of ``tests.access_matrix`` with 2026 still collecting evidence (computed, not
publicised: its scores are a secret between the office and each unit).
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from assessment.models import (
    Contribution,
    Evidence,
    EvidenceStatement,
    EvidenceStatus,
    Grade,
    ImportJob,
    Objection,
    ProgressUpdate,
    YearStatus,
)
from tests.access_matrix import build_world, pdf
from tests.shared_rows import shared_world

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    with shared_world(django_db_blocker, tmp_path_factory, _world_with_an_objection) as world:
        yield world


def _world_with_an_objection():
    built = build_world(publicity=False)
    assert built.year.status == YearStatus.COLLECTING
    # An objection of 甲镇 (filed in an earlier publicity, still open).
    built.objection = Objection.objects.create(
        year=built.year,
        unit=built.unit_a,
        indicator=built.party,
        filed_by=built.users["reporter_a"],
        reason="党建工作年度检查评为先进，应评A",
    )
    return built


class ClosingClient(Client):
    """Reads each download to its end, so that the client closes its file. (Not
    ``response.close()``: its request_finished signal would close the database connection of
    the module's transaction.)"""

    def request(self, **request):
        response = super().request(**request)
        if response.streaming:
            response.content_read = b"".join(response.streaming_content)
        return response


def as_user(world, role: str) -> Client:
    client = ClosingClient()
    client.force_login(world.users[role])
    return client


def snapshot(*querysets) -> list:
    """Every row of these tables, every field: equal before and after means nothing changed."""
    return [list(queryset.order_by("pk").values()) for queryset in querysets]


def evidence_tables() -> list:
    return snapshot(Evidence.objects.all(), EvidenceStatement.objects.all())


# --- a reporter and another unit's records ----------------------------------------------------


# The owner's answer is the page (200) but for a finished import job's progress, which is an
# empty answer telling the page to reload (204).
OWNER_STATUS = {"assessment:import_progress": 204}


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("assessment:evidence_unit_home", lambda w: {"year": 2026, "unit": "A01"}),
        ("assessment:evidence_record", lambda w: {"year": 2026, "unit": "A01"}),
        ("assessment:evidence_correct", lambda w: {"pk": w.evidence_a.pk}),
        ("assessment:evidence_statement", lambda w: {"pk": w.failure_a.pk}),
        ("assessment:evidence_attachment", lambda w: {"pk": w.attachment_a.pk}),
        ("assessment:targets", lambda w: {"year": 2026, "unit": "A01"}),
        (
            "assessment:indicator_records",
            lambda w: {"year": 2026, "unit": "A01", "indicator": "E01"},
        ),
        ("assessment:objection_detail", lambda w: {"pk": w.objection.pk}),
        ("assessment:objection_file", lambda w: {"year": 2026, "unit": "A01"}),
        ("assessment:project_detail", lambda w: {"pk": w.project.pk}),
        ("assessment:project_progress_record", lambda w: {"pk": w.task.pk}),
        ("assessment:project_progress_correct", lambda w: {"pk": w.update.pk}),
        ("assessment:project_contribution_record", lambda w: {"pk": w.project.pk}),
        ("assessment:project_contribution_correct", lambda w: {"pk": w.contribution.pk}),
        ("assessment:import_job", lambda w: {"pk": w.job.pk}),
        ("assessment:import_progress", lambda w: {"pk": w.job.pk}),
        ("assessment:import_marked", lambda w: {"pk": w.job.pk}),
        ("assessment:score_sheet", lambda w: {"year": 2026, "unit": "A01"}),
        ("reports:letter", lambda w: {"year": 2026, "unit": "A01"}),
        ("reports:letter_pdf", lambda w: {"year": 2026, "unit": "A01"}),
    ],
)
def test_a_reporter_never_opens_another_units_pages(world, name, kwargs):
    url = reverse(name, kwargs=kwargs(world))
    owner = OWNER_STATUS.get(name, 200)
    assert as_user(world, "reporter_a").get(url).status_code == owner, url  # the owner may
    assert as_user(world, "reporter_b").get(url).status_code == 403, url


def test_the_attachments_go_to_their_own_unit_only(world):
    mine = as_user(world, "reporter_a").get(
        reverse("assessment:evidence_attachment", args=[world.attachment_a.pk])
    )
    assert mine.status_code == 200 and mine.content_read.startswith(b"%PDF")
    for role, attachment in [
        ("reporter_a", world.attachment_b),
        ("reporter_b", world.attachment_a),
    ]:
        url = reverse("assessment:evidence_attachment", args=[attachment.pk])
        response = as_user(world, role).get(url)
        assert response.status_code == 403
        assert b"%PDF" not in response.content


def test_lists_show_a_reporter_only_its_own_units_records(world):
    client = as_user(world, "reporter_b")
    objections = client.get(reverse("assessment:objection_list", args=[2026]))
    assert objections.context["objections"] == []
    projects = client.get(reverse("assessment:project_list", args=[2026]))
    assert list(projects.context["page"]) == []
    imports = client.get(reverse("assessment:import_index"))
    assert list(imports.context["recent"]) == []
    units = client.get(reverse("units:unit_list"))
    assert [unit.code for unit in units.context["page"]] == ["B01"]


def test_a_reporter_writes_nothing_for_another_unit(world):
    client = as_user(world, "reporter_b")
    before = evidence_tables()
    posts = [
        (
            reverse("assessment:evidence_record", args=[2026, "A01"]),
            {"indicator": world.gdp.pk, "date": "2026-06-30", "value": "999", "description": "x"},
        ),
        (
            reverse("assessment:evidence_correct", args=[world.evidence_a.pk]),
            {"value": "999", "description": "改", "date": "2026-05-31", "reason": "录错"},
        ),
        (
            reverse("assessment:evidence_statement", args=[world.failure_a.pk]),
            {"text": "此事故与本镇无关"},
        ),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert evidence_tables() == before
    world.evidence_a.refresh_from_db()
    assert world.evidence_a.is_current and world.evidence_a.value == 20


def test_a_reporter_files_no_objection_nor_reports_progress_for_another_unit(world):
    client = as_user(world, "reporter_b")
    before = snapshot(
        Objection.objects.all(), ProgressUpdate.objects.all(), Contribution.objects.all()
    )
    posts = [
        (
            reverse("assessment:objection_file", args=[2026, "A01"]),
            {"indicator": world.gdp.pk, "reason": "乙镇替甲镇提异议", "attachments": pdf()},
        ),
        (
            reverse("assessment:project_progress_record", args=[world.task.pk]),
            {"date": "2026-06-30", "amount": "60", "description": "完成"},
        ),
        (
            reverse("assessment:project_progress_correct", args=[world.update.pk]),
            {"date": "2026-06-01", "amount": "90", "description": "改", "reason": "录错"},
        ),
        (
            reverse("assessment:project_contribution_record", args=[world.project.pk]),
            {"cadre": world.cadre_a.pk, "points": "5", "description": "x"},
        ),
        (
            reverse("assessment:project_contribution_correct", args=[world.contribution.pk]),
            {"cadre": world.cadre_a.pk, "points": "5", "description": "x", "reason": "改"},
        ),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert (
        snapshot(Objection.objects.all(), ProgressUpdate.objects.all(), Contribution.objects.all())
        == before
    )


def test_an_import_job_is_confirmed_by_its_uploader_only(world):
    before = snapshot(ImportJob.objects.all())
    url = reverse("assessment:import_confirm", args=[world.job.pk])
    for role in ("reporter_b", "lead", "supervision", "leader"):
        assert as_user(world, role).post(url).status_code == 403, role
    assert snapshot(ImportJob.objects.all()) == before


# --- unpublished scores -----------------------------------------------------------------------


def test_unpublished_scores_are_the_units_own(world):
    sheet = reverse("assessment:score_sheet", args=[2026, "A01"])
    assert as_user(world, "reporter_a").get(sheet).status_code == 200
    assert as_user(world, "reporter_b").get(sheet).status_code == 403
    results = as_user(world, "reporter_b").get(reverse("assessment:results", args=[2026, "town"]))
    assert results.status_code == 200
    shown = {row.result.unit.code for row in results.context["table"].rows}
    assert shown == {"B01"}
    assert "甲镇" not in results.content.decode()
    # Nothing of 2026 is public, and the published document (it names persons) is the office's
    # and the leaders'.
    assert Client().get(reverse("public:year", args=[2026])).status_code == 404
    assert Client().get(reverse("public:download", args=[2026, "json"])).status_code == 404
    document = reverse("assessment:publication_document", args=[2025, 1])
    for role in ("reporter_a", "reporter_b", "lead", "supervision"):
        assert as_user(world, role).get(document).status_code == 403, role
    assert as_user(world, "leader").get(document).status_code == 200


# --- lead departments grade their own indicators ----------------------------------------------


def grid_url(indicator) -> str:
    return reverse("assessment:grading_grid", kwargs={"year": 2026, "pk": indicator.pk})


def test_a_lead_department_grades_only_the_indicators_it_leads(world):
    client = as_user(world, "lead")
    before = snapshot(Grade.objects.all())
    data = {"A01-grade": "D", "A01-reason": "越权", "B01-grade": "D", "B01-reason": "越权"}
    assert client.post(grid_url(world.other_graded), data).status_code == 403
    assert snapshot(Grade.objects.all()) == before
    # Its own indicator: saved (the refusal above is the rule, not a broken form).
    response = client.post(grid_url(world.party), {**data, "A01-reason": "复核"})
    assert response.status_code == 302, response.content.decode()[:500]
    assert Grade.objects.get(indicator=world.party, unit=world.unit_a).grade == "D"


def test_units_do_not_grade_at_all(world):
    before = snapshot(Grade.objects.all())
    data = {"A01-grade": "A", "A01-reason": "", "B01-grade": "A", "B01-reason": ""}
    for role in ("reporter_a", "reporter_b", "supervision", "leader"):
        assert as_user(world, role).post(grid_url(world.party), data).status_code == 403, role
    assert snapshot(Grade.objects.all()) == before


# --- nobody verifies their own unit -----------------------------------------------------------


def decide(world, role, record, decision="verify"):
    data = {"records": [record.pk], "decision": decision, "reason": "核实", "query": ""}
    return as_user(world, role).post(reverse("assessment:verify_decide", args=[2026]), data)


def test_a_lead_department_does_not_verify_its_own_units_record(world):
    record = world.own_record_lead
    assert record.indicator.lead_unit_id == world.lead_unit.pk  # it leads the indicator
    before = evidence_tables()
    response = decide(world, "lead", record)
    assert response.status_code == 200  # the queue again, with why
    assert "区发展和改革局 · 重大项目推进 · 2026-06-01：您不能核实本单位的记录。" in (
        response.content.decode()
    )
    assert evidence_tables() == before
    record.refresh_from_db()
    assert record.status == EvidenceStatus.PENDING and record.verified_by is None
    # An administrator may (the refusal above is the rule; the office recorded it, so it may
    # not verify it either: a record is never verified by its creator).
    assert decide(world, "admin", record).status_code == 302
    record.refresh_from_db()
    assert record.status == EvidenceStatus.VERIFIED


def test_units_verify_nothing_not_even_their_own_records(world):
    before = evidence_tables()
    for role, record in [("reporter_a", world.evidence_a), ("reporter_b", world.evidence_b)]:
        assert decide(world, role, record).status_code == 403, role
    for role in ("supervision", "leader"):
        assert decide(world, role, world.evidence_a).status_code == 403, role
    assert evidence_tables() == before


def test_the_project_unit_does_not_verify_its_own_progress_nor_points(world):
    before = snapshot(ProgressUpdate.objects.all(), Contribution.objects.all())
    client = as_user(world, "reporter_a")
    update, contribution = world.update, world.contribution
    progress = {f"update-{update.pk}-decision": "verify", f"update-{update.pk}-reason": ""}
    points = {
        f"contribution-{contribution.pk}-decision": "verify",
        f"contribution-{contribution.pk}-reason": "",
    }
    url = reverse("assessment:project_progress_decide", args=[update.pk])
    assert client.post(url, progress).status_code == 403
    url = reverse("assessment:project_contribution_decide", args=[contribution.pk])
    assert client.post(url, points).status_code == 403
    assert snapshot(ProgressUpdate.objects.all(), Contribution.objects.all()) == before


def test_an_administrator_without_a_unit_writes_no_statement_for_a_unit(world):
    """Only the users of the unit a failure is recorded against answer it: the page refuses
    even a superuser, and nothing is saved."""
    before = evidence_tables()
    url = reverse("assessment:evidence_statement", args=[world.failure_a.pk])
    response = as_user(world, "admin").post(url, {"text": "代为说明"})
    assert response.status_code == 403
    assert evidence_tables() == before
