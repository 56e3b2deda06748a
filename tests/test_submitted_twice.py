"""A form that creates something, sent twice (a double click, a retry after a dropped
connection): the second post is shown the first one's result and nothing is stored twice.

Each form is opened as a user would, filled, and its very fields — the one-time token
included — are posted twice."""

from __future__ import annotations

import functools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from assessment.models import (
    Contribution,
    Evidence,
    EvidenceStatement,
    ImportJob,
    ProgressUpdate,
)
from tests.access_matrix import build_world
from tests.imports_helpers import xlsx_bytes
from tests.shared_rows import shared_world
from tests.test_extreme_numbers import Forms

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< >>\n%%EOF\n"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    build = functools.partial(build_world, publicity=False)
    with shared_world(django_db_blocker, tmp_path_factory, build) as world:
        yield world


def send_twice(client: Client, url: str, form_id: str, data: dict, files=None):
    """Open the form, fill it with ``data`` and post its fields twice (``files()``: the files
    of each post, made anew as a browser sends them anew)."""
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    parser = Forms()
    html = page.content.decode()
    parser.feed(html[html.index(f'id="{form_id}"') - 200 :])
    fields = parser.forms[0]["fields"]
    assert "submission" in fields, f"{url}: the form carries no one-time token"
    posted = {**fields, **data}
    first = client.post(url, {**posted, **(files() if files else {})})
    assert first.status_code == 302, first.content.decode()[:3000]
    second = client.post(url, {**posted, **(files() if files else {})}, follow=True)
    return first, second


def login(world, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def _record(world):
    data = {
        "indicator": str(world.gdp.pk), "date": "2026-06-15", "value": "12",
        "description": "六月统计快报",
    }  # fmt: skip
    url = reverse("assessment:evidence_record", kwargs={"year": 2026, "unit": "A01"})
    return (
        url,
        "record-form",
        data,
        lambda: {"attachments": SimpleUploadedFile("六月.pdf", PDF, "application/pdf")},
    )


def _correction(world):
    data = {"date": "2026-05-31", "value": "21", "description": "五月统计快报（更正）"}
    url = reverse("assessment:evidence_correct", kwargs={"pk": world.evidence_a.pk})
    return url, "correct-form", data, None


def _statement(world):
    url = reverse("assessment:evidence_statement", kwargs={"pk": world.failure_a.pk})
    return url, "statement-form", {"text": "事故已整改完毕。"}, None


def _failure(world):
    data = {
        "indicator": str(world.deduction.pk), "date": "2026-06-20", "value": "1",
        "description": "发生一般安全生产事故（二）",
    }  # fmt: skip
    url = reverse("assessment:verify_failure_record", kwargs={"year": 2026}) + "?unit=A01"
    return url, "failure-form", data, None


def _progress(world):
    data = {"date": "2026-06-25", "amount": "1", "description": "完成第二批"}
    url = reverse("assessment:project_progress_record", kwargs={"pk": world.task.pk})
    return url, "project-form", data, None


def _points(world):
    data = {"cadre": str(world.cadre_a.pk), "points": "1", "description": "牵头协调"}
    url = reverse("assessment:project_contribution_record", kwargs={"pk": world.project.pk})
    return url, "project-form", data, None


def _upload(world):
    rows = [["年度", "单位代码", "指标代码", "目标值"], [2026, "A01", "E01", 520]]
    url = reverse("assessment:import_upload", kwargs={"kind": "targets"})
    return (
        url,
        "upload-form",
        {"reason": "年中调整"},
        lambda: {"file": SimpleUploadedFile("目标.xlsx", xlsx_bytes(rows))},
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "form", "model"),
    [
        pytest.param("reporter_a", _record, Evidence, id="a record"),
        pytest.param("reporter_a", _correction, Evidence, id="a correction"),
        pytest.param("reporter_a", _statement, EvidenceStatement, id="a statement"),
        pytest.param("supervision", _failure, Evidence, id="a failure"),
        pytest.param("reporter_a", _progress, ProgressUpdate, id="a progress report"),
        pytest.param("reporter_a", _points, Contribution, id="points"),
        pytest.param("office", _upload, ImportJob, id="an upload"),
    ],
)
def test_a_form_sent_twice_stores_once_and_shows_the_first_result(world, role, form, model):
    url, form_id, data, files = form(world)
    before = model.objects.count()
    first, second = send_twice(login(world, role), url, form_id, data, files)
    assert model.objects.count() == before + 1
    assert second.redirect_chain[0][0] == first["Location"]
    assert "该表单已提交过，以下是第一次提交的结果，未重复保存。" in second.content.decode()


@pytest.mark.django_db
def test_when_storage_fails_the_form_comes_back_as_typed(world):
    """MEDIA_ROOT refuses the file (a read-only or full disk): the record form answers with
    the form as typed and a message, not a server error, and nothing is stored."""
    from unittest import mock

    from django.core.files.storage import FileSystemStorage

    client = login(world, "reporter_a")
    url = reverse("assessment:evidence_record", kwargs={"year": 2026, "unit": "A01"})
    before = Evidence.objects.count()
    with mock.patch.object(FileSystemStorage, "_save", side_effect=PermissionError(13, "denied")):
        response = client.post(
            url,
            {
                "indicator": str(world.gdp.pk), "date": "2026-06-16", "value": "13",
                "description": "完成（一期）：１００％，见附件。",
                "attachments": SimpleUploadedFile("六月.pdf", PDF, "application/pdf"),
            },
        )  # fmt: skip
    assert response.status_code == 200
    page = response.content.decode()
    assert "「六月.pdf」未能保存（服务器存储拒绝写入）" in page
    assert "完成（一期）：１００％，见附件。" in page  # what was typed, kept
    assert Evidence.objects.count() == before
