"""Imports keep what the file says: free text is stored as typed through every import door,
while what identifies (codes, headers, enumerated values) is still read normalised."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from assessment.models import Evidence
from tests.imports_helpers import make_scheme, run_import, xlsx_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

TYPED = "完成（一期）：１００％，见附件。"
# The code typed full-width, the status by its Chinese name: both identify, and are matched.
ROWS = [
    ["单位代码", "指标代码", "日期", "数值", "说明", "状态"],
    ["Ａ01", "GDP", "2026-03-01", 100, TYPED, "待核实"],
]


def _command_line(client: Client, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "证据.xlsx"
    path.write_bytes(xlsx_bytes(ROWS))
    _out, err = run_import("evidence", path)
    assert err == "", err


def _staff_page(client: Client, tmp_path) -> None:  # type: ignore[no-untyped-def]
    upload = reverse("assessment:import_upload", kwargs={"kind": "evidence"})
    sent = SimpleUploadedFile("证据.xlsx", xlsx_bytes(ROWS))
    job_page = client.get(client.post(upload, {"file": sent, "reason": ""})["Location"])
    html = job_page.content.decode()
    # the preview shows every column of the file as typed, the value and the status included
    headers = ["数值", "说明", "状态"]
    assert "".join(f'<th scope="col">{header}</th>' for header in headers) in html
    cells = ["100", TYPED, "待核实"]
    assert "".join(f'<td class="cell">{cell}</td>' for cell in cells) in html
    job = job_page.context["job"]
    client.post(reverse("assessment:import_confirm", kwargs={"pk": job.pk}))


def _admin(client: Client, tmp_path) -> None:  # type: ignore[no-untyped-def]
    upload = reverse("admin:assessment_evidence_workbook_import")
    sent = SimpleUploadedFile("证据.xlsx", xlsx_bytes(ROWS))
    preview = client.post(upload, {"file": sent, "reason": ""})
    assert f'<td class="cell">{TYPED}</td>' in preview.content.decode()
    confirm = reverse("admin:assessment_evidence_workbook_import_confirm")
    assert client.post(confirm, preview.context["confirm_form"].initial).status_code == 302


DOORS: list[Callable[..., None]] = [_command_line, _staff_page, _admin]


@pytest.mark.parametrize("door", DOORS, ids=["import_workbook", "staff page", "admin"])
def test_a_description_is_stored_exactly_as_typed_through_every_door(
    client, office_user, town, economic, unit_a, door, tmp_path
):
    make_scheme(status="collecting", town=town, economic=economic)
    client.force_login(office_user)
    door(client, tmp_path)
    record = Evidence.objects.get()
    assert record.description == "完成（一期）：１００％，见附件。"
    assert (record.unit.code, record.value, record.status) == ("A01", 100, "pending")


def test_the_same_row_imported_again_is_unchanged_and_keeps_the_typed_text(
    office_user, town, economic, unit_a, tmp_path
):
    make_scheme(status="collecting", town=town, economic=economic)
    path = tmp_path / "证据.xlsx"
    path.write_bytes(xlsx_bytes(ROWS))
    run_import("evidence", path)
    out, _err = run_import("evidence", path)
    assert "未变 1 条" in out and Evidence.objects.get().description == TYPED
    assert Evidence.objects.count() == 1
