"""The staff import pages: kinds per role, upload → preview → confirm as a job (in the request
or by the background worker, with its progress), the errors, and the office's import log."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from assessment.models import Evidence, ImportJobState, ImportLog, Target
from tests.imports_helpers import make_scheme, xlsx_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

TARGETS = ["年度", "单位代码", "指标代码", "目标值"]
EVIDENCE = ["单位代码", "指标代码", "日期", "数值", "说明"]
INDEX = reverse("assessment:import_index")


@pytest.fixture
def scheme(town, economic, unit_a, unit_b, lead_unit):
    return make_scheme(status="collecting", town=town, economic=economic, lead_unit=lead_unit)


def _upload(client, kind, rows, name="目标.xlsx", reason="年中调整"):
    data = xlsx_bytes(rows)
    url = reverse("assessment:import_upload", kwargs={"kind": kind})
    return client.post(url, {"file": SimpleUploadedFile(name, data), "reason": reason})


def _job_page(client, response):
    assert response.status_code == 302, response.content.decode()[:2000]
    return client.get(response["Location"])


def _worker() -> None:
    """Run the queued tasks as ``manage.py db_worker`` does: claim each, call it, record it.

    (The command itself closes the database connections when it is done, which would end the
    test's transaction on PostgreSQL; the browser test runs the real command.)
    """
    for queued in DBTaskResult.objects.ready():
        queued.claim("test-worker")
        arguments = queued.args_kwargs
        queued.set_successful(queued.task.call(*arguments["args"], **arguments["kwargs"]))


def test_each_role_sees_the_kinds_it_may_import(
    client, english, office_user, reporter_a, leader_user, lead_user
):
    client.force_login(office_user)
    page = client.get(INDEX)
    kinds = [kind.name for kind in page.context["kinds"]]
    assert kinds[:2] == ["units", "cadres"] and "targets" in kinds and "evidence" in kinds
    assert "Log of every import" in page.content.decode()
    client.force_login(reporter_a)
    assert [kind.name for kind in client.get(INDEX).context["kinds"]] == ["evidence"]
    assert (
        client.get(reverse("assessment:import_upload", kwargs={"kind": "targets"})).status_code
        == 403
    )
    client.force_login(lead_user)
    lead_kinds = {kind.name for kind in client.get(INDEX).context["kinds"]}
    assert {"grades", "city_ranks", "surveys", "evidence"} <= lead_kinds
    assert "targets" not in lead_kinds
    client.force_login(leader_user)
    assert client.get(INDEX).status_code == 403


def test_a_file_is_previewed_then_imported_on_confirm(client, english, office_user, scheme, unit_a):
    """A01 GDP 100 → 120 (changed), B01 GDP new 90: nothing is written before the confirm."""
    gdp = scheme.indicators.get(code="GDP", category__code="town")
    Target.objects.create(unit=unit_a, indicator=gdp, target=Decimal(100))
    client.force_login(office_user)
    page = _job_page(
        client,
        _upload(client, "targets", [TARGETS, [2026, "A01", "GDP", 120], [2026, "B01", "GDP", 90]]),
    )
    job = page.context["job"]
    assert job.state == ImportJobState.PREVIEWED and not job.background
    assert (page.context["counts"]["new"], page.context["counts"]["changed"]) == (1, 1)
    html = page.content.decode()
    assert "目标值: 100 → 120" in html and "Confirm import" in html
    assert Target.objects.get(unit=unit_a, indicator=gdp).target == Decimal(100)

    done = client.post(reverse("assessment:import_confirm", kwargs={"pk": job.pk}), follow=True)
    assert "Imported 目标.xlsx: 1 new, 1 changed, 0 unchanged." in done.content.decode()
    assert Target.objects.get(unit=unit_a, indicator=gdp).target == Decimal(120)
    assert Target.objects.filter(indicator=gdp).count() == 2
    logs = ImportLog.objects.filter(door="web").order_by("imported_at")
    assert [(log.dry_run, log.succeeded) for log in logs] == [(True, True), (False, True)]
    again = client.post(reverse("assessment:import_confirm", kwargs={"pk": job.pk}), follow=True)
    assert "This file is not waiting for confirmation" in again.content.decode()
    assert ImportLog.objects.filter(door="web").count() == 2  # not imported twice


def test_every_error_is_listed_with_row_column_and_value_and_nothing_is_written(
    client, office_user, scheme
):
    """Shown in Chinese, the default language: row 3 has text where a number belongs, row 4 an
    unknown unit; row 2 is fine but is not written either."""
    client.force_login(office_user)
    rows = [
        TARGETS,
        [2026, "A01", "GDP", 120],
        [2026, "B01", "GDP", "十万"],
        [2026, "X99", "GDP", 5],
    ]
    page = _job_page(client, _upload(client, "targets", rows))
    job = page.context["job"]
    assert job.state == ImportJobState.REFUSED
    errors = {(e["row"], e["column"], e["value"]) for e in job.summary["errors"]}
    assert (3, "目标值", "十万") in errors
    assert any(row == 4 and value == "X99" for row, _column, value in errors)
    html = page.content.decode()
    assert "十万" in html and "X99" in html
    assert "确认导入" not in html
    assert not Target.objects.exists()


def test_a_reporter_imports_only_their_own_units_evidence(client, english, reporter_a, scheme):
    client.force_login(reporter_a)
    rows = [
        EVIDENCE,
        ["A01", "GDP", "2026-03-01", 50, "一季度"],
        ["B01", "GDP", "2026-03-01", 10, "他人"],
    ]
    page = _job_page(client, _upload(client, "evidence", rows, name="证据.xlsx", reason=""))
    job = page.context["job"]
    assert job.state == ImportJobState.REFUSED
    (error,) = [e for e in job.summary["errors"] if e["row"] == 3]
    assert "your own unit" in error["message"]
    assert not Evidence.objects.exists()


def test_a_large_file_is_handled_by_the_worker_with_its_progress_shown(
    client, english, office_user, scheme, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_BACKGROUND_BYTES = 0  # every file counts as large
    client.force_login(office_user)
    with django_capture_on_commit_callbacks(execute=True):  # the job is queued on commit
        response = _upload(client, "targets", [TARGETS, [2026, "A01", "GDP", 120]])
    page = _job_page(client, response)
    job = page.context["job"]
    assert job.background and job.state == ImportJobState.QUEUED
    html = page.content.decode()
    assert "Waiting for the background worker" in html and 'hx-trigger="every 1s"' in html
    (queued,) = DBTaskResult.objects.ready()
    assert queued.args_kwargs["args"] == [str(job.pk)]
    progress_url = reverse("assessment:import_progress", kwargs={"pk": job.pk})
    assert client.get(progress_url).status_code == 200

    _worker()
    job.refresh_from_db()
    assert job.state == ImportJobState.PREVIEWED and job.summary["counts"]["new"] == 1
    finished = client.get(progress_url)
    assert finished.status_code == 204
    assert finished["HX-Redirect"] == reverse("assessment:import_job", kwargs={"pk": job.pk})

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("assessment:import_confirm", kwargs={"pk": job.pk}))
    job.refresh_from_db()
    assert job.state == ImportJobState.QUEUED and not Target.objects.exists()
    _worker()
    job.refresh_from_db()
    assert job.state == ImportJobState.IMPORTED
    assert Target.objects.get().target == Decimal(120)


def test_a_job_is_seen_by_its_uploader_and_the_office_and_confirmed_by_its_uploader(
    client, english, office_user, reporter_a, reporter_b, scheme
):
    client.force_login(reporter_a)
    rows = [EVIDENCE, ["A01", "GDP", "2026-03-01", 50, "一季度"]]
    job = _job_page(client, _upload(client, "evidence", rows, reason="")).context["job"]
    url = reverse("assessment:import_job", kwargs={"pk": job.pk})
    client.force_login(reporter_b)
    assert client.get(url).status_code == 403
    client.force_login(office_user)
    page = client.get(url)
    assert page.status_code == 200 and "Confirm import" not in page.content.decode()
    refused = client.post(reverse("assessment:import_confirm", kwargs={"pk": job.pk}), follow=True)
    assert "Only the person who uploaded the file can confirm it." in refused.content.decode()
    assert not Evidence.objects.exists()


def test_the_office_reads_the_import_log_and_filters_it(
    client, english, office_user, reporter_a, scheme
):
    client.force_login(reporter_a)
    _upload(client, "evidence", [EVIDENCE, ["B01", "GDP", "2026-03-01", 1, "x"]], reason="")
    assert client.get(reverse("assessment:import_log")).status_code == 403
    client.force_login(office_user)
    _upload(client, "targets", [TARGETS, [2026, "A01", "GDP", 120]])
    log = client.get(reverse("assessment:import_log"))
    assert log.context["page"].paginator.count == 2
    refused = client.get(reverse("assessment:import_log"), {"outcome": "refused"})
    (entry,) = refused.context["page"]
    assert entry.imported_by == reporter_a and entry.kind == "evidence" and not entry.succeeded
    assert entry.sha256 in refused.content.decode()
    mine = client.get(reverse("assessment:import_log"), {"user": "office", "kind": "targets"})
    assert [e.kind for e in mine.context["page"]] == ["targets"]


def test_a_refused_file_comes_back_with_its_bad_cells_marked(client, office_user, scheme):
    """Row 3's 目标值 “十万” is filled and commented; the error list sheet names it."""
    client.force_login(office_user)
    rows = [TARGETS, [2026, "A01", "GDP", 120], [2026, "B01", "GDP", "十万"]]
    job = _job_page(client, _upload(client, "targets", rows)).context["job"]
    response = client.get(reverse("assessment:import_marked", kwargs={"pk": job.pk}))
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    assert sheet["D3"].value == "十万" and sheet["D3"].comment is not None
    assert sheet["D2"].comment is None
    listed = [row for row in workbook["错误清单"].iter_rows(min_row=2, values_only=True)]
    assert [(row[0], row[1], row[2]) for row in listed] == [(3, "目标值", "十万")]


def test_a_previewed_file_without_errors_has_no_marked_copy(client, office_user, scheme):
    client.force_login(office_user)
    job = _job_page(client, _upload(client, "targets", [TARGETS, [2026, "A01", "GDP", 1]]))
    url = reverse("assessment:import_marked", kwargs={"pk": job.context["job"].pk})
    assert client.get(url).status_code == 404


def test_templates_are_offered_per_kind_the_user_may_import(client, reporter_a, scheme):
    client.force_login(reporter_a)
    evidence = client.get(reverse("assessment:import_template", kwargs={"kind": "evidence"}))
    assert evidence.status_code == 200
    headers = [
        cell.value for cell in openpyxl.load_workbook(io.BytesIO(evidence.content)).worksheets[0][1]
    ]
    assert headers[:5] == ["单位代码", "指标代码", "日期", "数值", "说明"]
    targets = client.get(reverse("assessment:import_template", kwargs={"kind": "targets"}))
    assert targets.status_code == 403
    unknown = client.get(reverse("assessment:import_template", kwargs={"kind": "nonsense"}))
    assert unknown.status_code == 404
