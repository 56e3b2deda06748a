"""The admin's import door: upload → preview → confirm, through the one import layer."""

from __future__ import annotations

import hashlib
import io
from decimal import Decimal
from urllib.parse import quote

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from assessment.admin import imports as admin_imports
from assessment.models import Evidence, ImportLog, Target
from tests.imports_helpers import example, make_scheme, xlsx_bytes
from units.models import Unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

TARGETS = ["年度", "单位代码", "指标代码", "目标值"]
UPLOAD = reverse("admin:assessment_target_workbook_import")
CONFIRM = reverse("admin:assessment_target_workbook_import_confirm")
NOT_WAITING = (
    "This file is not waiting for confirmation: it was imported already, its preview had "
    "errors or it expired. Upload it again."
)


@pytest.fixture
def scheme(town, economic, unit_a, unit_b, lead_unit):
    return make_scheme(status="setup", town=town, economic=economic, lead_unit=lead_unit)


@pytest.fixture
def office(client, office_user):
    client.force_login(office_user)
    return client


def upload(client, rows_or_data, url=UPLOAD, name="目标.xlsx", reason=""):
    data = rows_or_data if isinstance(rows_or_data, bytes) else xlsx_bytes(rows_or_data)
    return client.post(url, {"file": SimpleUploadedFile(name, data), "reason": reason})


def confirm(client, preview, url=CONFIRM):
    return client.post(url, preview.context["confirm_form"].initial)


def staged(media_root, sha256: str):
    return media_root / "import-staging" / f"{sha256}.xlsx"


def page(response) -> str:
    return response.content.decode()


def flash(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def chinese(msgid: str) -> str:
    """A message of this module as the (default) Chinese user reads it, once translated."""
    with translation.override("zh-hans"):
        return translation.gettext(msgid)


def test_a_targets_file_is_previewed_then_imported_on_confirm(
    office, office_user, scheme, unit_a, media_root
):
    gdp = scheme.indicators.get(code="GDP", category__code="town")
    Target.objects.create(unit=unit_a, indicator=gdp, target=Decimal(100))
    data = xlsx_bytes([TARGETS, [2026, "A01", "GDP", 120], [2026, "B01", "GDP", 90]])
    sha256 = hashlib.sha256(data).hexdigest()

    preview = upload(office, data)
    assert preview.status_code == 200
    assert {k: preview.context["counts"][k] for k in ("new", "changed", "unchanged", "error")} == {
        "new": 1, "changed": 1, "unchanged": 0, "error": 0,
    }  # fmt: skip
    html = page(preview)
    assert "目标值: 100 → 120" in html
    # every column of the file, as typed
    assert '<th scope="col">年度</th><th scope="col">单位代码</th>' in html
    assert '<td class="cell">A01</td><td class="cell">GDP</td><td class="cell">120</td>' in html
    assert CONFIRM in html
    # nothing written yet, but the bytes wait under their hash and the preview is logged
    assert Target.objects.get(unit=unit_a).target == 100
    assert not Target.objects.filter(unit__code="B01").exists()
    assert staged(media_root, sha256).read_bytes() == data
    assert ImportLog.objects.get().dry_run
    assert preview.context["confirm_form"].initial == {
        "kind": "targets", "sha256": sha256, "reason": "",
    }  # fmt: skip

    done = confirm(office, preview)
    assert done.status_code == 302
    assert done.url == reverse("admin:assessment_target_changelist")
    assert flash(done) == ["已导入 目标.xlsx：新增 1 条，变更 1 条，未变 0 条。"]
    assert {t.unit.code: t.target for t in Target.objects.select_related("unit")} == {
        "A01": Decimal(120), "B01": Decimal(90),
    }  # fmt: skip
    log = ImportLog.objects.get(dry_run=False)
    assert (log.door, log.imported_by, log.succeeded, log.sha256, log.file_name) == (
        "admin", office_user, True, sha256, "目标.xlsx",
    )  # fmt: skip
    assert log.counts["new"] == 1 and log.counts["changed"] == 1
    assert not staged(media_root, sha256).exists()
    # a second confirm of the same preview (a double submit) imports nothing more
    again = confirm(office, preview)
    assert again.status_code == 302 and again.url == UPLOAD
    assert flash(again)[-1] == chinese(NOT_WAITING)  # (the success message was not shown yet)
    assert ImportLog.objects.filter(dry_run=False).count() == 1


def test_a_bad_row_is_shown_in_chinese_and_nothing_can_be_confirmed(office, scheme, media_root):
    data = xlsx_bytes([TARGETS, [2026, "A01", "GDP", 120], [2026, "ZZ1", "GDP", "十"]])
    sha256 = hashlib.sha256(data).hexdigest()
    preview = upload(office, data)
    assert preview.status_code == 200
    assert preview.context["counts"]["error"] == 1
    errors = [(e.row, e.column, e.value, e.message) for e in preview.context["errors"]]
    assert (3, "单位代码", "ZZ1", "单位代码「ZZ1」不存在，请核对或先导入该单位。") in errors
    assert (3, "目标值", "十", "「十」不是数字。") in errors
    html = page(preview)
    assert "单位代码「ZZ1」不存在，请核对或先导入该单位。" in html and "「十」不是数字。" in html
    assert preview.context["confirm_form"] is None and CONFIRM not in html
    assert not staged(media_root, sha256).exists()

    # A forged confirm is refused, even with the bytes put where a staged file would be.
    staged(media_root, sha256).parent.mkdir(parents=True, exist_ok=True)
    staged(media_root, sha256).write_bytes(data)
    forged = office.post(CONFIRM, {"kind": "targets", "sha256": sha256, "reason": ""})
    assert forged.status_code == 302 and forged.url == UPLOAD
    assert flash(forged) == [chinese(NOT_WAITING)]
    assert not Target.objects.exists()
    assert not ImportLog.objects.filter(dry_run=False).exists()


@pytest.mark.parametrize(
    "sha256",
    ["../../etc/passwd", "g" * 64, "A" * 64, "a" * 63, "a" * 64 + "/x", ""],
)
def test_a_tampered_confirmation_is_refused(office, scheme, sha256):
    upload(office, [TARGETS, [2026, "A01", "GDP", 120]])
    response = office.post(CONFIRM, {"kind": "targets", "sha256": sha256, "reason": ""})
    assert response.status_code == 400
    assert not Target.objects.exists()


def test_a_confirmation_for_another_kind_or_by_get_is_refused(office, scheme):
    preview = upload(office, [TARGETS, [2026, "A01", "GDP", 120]])
    fields = preview.context["confirm_form"].initial
    assert office.post(CONFIRM, {**fields, "kind": "units"}).status_code == 400
    units_confirm = reverse("admin:units_unit_workbook_import_confirm")
    assert office.post(units_confirm, fields).status_code == 400
    assert office.get(CONFIRM, fields).status_code == 405
    assert not Target.objects.exists()


def test_a_staged_file_altered_after_the_preview_is_refused(office, scheme, media_root):
    preview = upload(office, [TARGETS, [2026, "A01", "GDP", 120]])
    sha256 = preview.context["confirm_form"].initial["sha256"]
    staged(media_root, sha256).write_bytes(xlsx_bytes([TARGETS, [2026, "A01", "GDP", 999]]))
    assert confirm(office, preview).status_code == 400
    assert not Target.objects.exists()
    assert not staged(media_root, sha256).exists()


def test_only_users_who_may_add_the_model_may_import(client, leader_user, office_user, scheme):
    leader_user.is_staff = True  # may view targets in the admin, not add them
    leader_user.save()
    client.force_login(leader_user)
    changelist = client.get(reverse("admin:assessment_target_changelist"))
    assert changelist.status_code == 200 and UPLOAD not in page(changelist)
    data = xlsx_bytes([TARGETS, [2026, "A01", "GDP", 120]])
    assert client.get(UPLOAD).status_code == 403
    assert upload(client, data).status_code == 403
    template = reverse("admin:assessment_target_workbook_template")
    assert client.get(template).status_code == 403
    sha256 = hashlib.sha256(data).hexdigest()
    forged = client.post(CONFIRM, {"kind": "targets", "sha256": sha256, "reason": ""})
    assert forged.status_code == 403
    assert not Target.objects.exists() and not ImportLog.objects.exists()

    client.force_login(office_user)
    changelist = client.get(reverse("admin:assessment_target_changelist"))
    assert UPLOAD in page(changelist) and template in page(changelist)
    assert client.get(UPLOAD).status_code == 200


def test_a_collecting_year_takes_targets_only_with_a_reason(
    office, town, economic, unit_a, lead_unit
):
    year = make_scheme(status="collecting", town=town, economic=economic, lead_unit=lead_unit)
    rows = [TARGETS, [2026, "A01", "GDP", 120]]

    refused = upload(office, rows)
    assert refused.context["confirm_form"] is None
    message = "2026 年度考核处于「平时考核中」状态：如需现在修改目标值，请填写调整原因。"
    assert [error.message for error in refused.context["errors"]] == [message]
    assert message in page(refused)
    assert not Target.objects.exists()

    reason = "区政府常务会议调整目标"
    preview = upload(office, rows, reason=reason)
    assert preview.context["confirm_form"].initial["reason"] == reason
    assert confirm(office, preview).status_code == 302
    target = Target.objects.get(unit=unit_a, indicator__year=year)
    assert target.target == 120
    assert target.history.first().history_change_reason == reason


def test_the_example_units_through_the_admin_twice_change_nothing_the_second_time(office):
    url = reverse("admin:units_unit_workbook_import")
    confirm_url = reverse("admin:units_unit_workbook_import_confirm")
    data = example("units").read_bytes()
    first = upload(office, data, url=url, name="units.xlsx")
    assert first.context["counts"]["new"] == 26
    assert confirm(office, first, url=confirm_url).status_code == 302
    assert Unit.objects.count() == 26
    history = Unit.history.count()

    second = upload(office, data, url=url, name="units.xlsx")
    counts = second.context["counts"]
    assert (counts["new"], counts["changed"], counts["unchanged"]) == (0, 0, 26)
    done = confirm(office, second, url=confirm_url)
    assert flash(done) == ["已导入 units.xlsx：新增 0 条，变更 0 条，未变 26 条。"]
    assert Unit.history.count() == history


def test_a_big_preview_lists_the_rows_that_matter_and_counts_them_all(
    office, scheme, unit_a, monkeypatch
):
    monkeypatch.setattr(admin_imports, "ROWS_SHOWN", 2)
    gdp = scheme.indicators.get(code="GDP", category__code="town")
    Target.objects.create(unit=unit_a, indicator=gdp, target=Decimal(100))
    Target.objects.create(unit=unit_a, indicator=scheme.indicators.get(code="SAT"), target=1)
    rows = [TARGETS, [2026, "A01", "SAT", 1], [2026, "A01", "GDP", 150], [2026, "B01", "GDP", 9]]
    preview = upload(office, rows)
    assert [row["number"] for row in preview.context["rows"]] == [3, 4]  # the unchanged left out
    assert preview.context["rows_hidden"] == 1
    assert preview.context["counts"]["rows"] == 3 and preview.context["counts"]["unchanged"] == 1


def test_a_file_over_the_upload_limit_is_refused_before_reading(office, scheme, settings):
    settings.UPLOAD_MAX_MB = 1
    response = upload(office, b"PK\x03\x04" + b"\0" * (1024 * 1024 + 1))
    assert response.status_code == 200
    assert "只能导入不超过 1 MB 的文件" in str(response.context["form"].errors["file"])
    assert not ImportLog.objects.exists()


def test_evidence_is_bulk_added_by_import_though_it_stays_read_only(
    office, town, economic, unit_a, lead_unit
):
    make_scheme(status="collecting", town=town, economic=economic, lead_unit=lead_unit)
    changelist = office.get(reverse("admin:assessment_evidence_changelist"))
    url = reverse("admin:assessment_evidence_workbook_import")
    assert url in page(changelist)
    rows = [
        ["单位代码", "指标代码", "日期", "数值", "说明"],
        ["A01", "GDP", "2026-03-01", 5, "一季度"],
    ]
    preview = upload(office, rows, url=url)
    confirm_url = reverse("admin:assessment_evidence_workbook_import_confirm")
    assert confirm(office, preview, url=confirm_url).status_code == 302
    record = Evidence.objects.get()
    assert (record.value, record.status) == (5, "pending")
    change = reverse("admin:assessment_evidence_change", args=[record.pk])
    assert office.post(change, {"value": "9"}).status_code == 403


def test_the_empty_template_has_the_kinds_chinese_headers(office):
    response = office.get(reverse("admin:assessment_cadreevaluation_workbook_template"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="evaluations-template.xlsx"; '
        f"filename*=UTF-8''{quote('班子和干部测评-模板.xlsx')}"
    )
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert rows[0] == ("年度", "单位代码", "干部姓名", "测评得分")
    assert len(rows) == 1  # no example row to delete: the examples have their own sheet
    assert {"示例", "填写说明"} <= set(workbook.sheetnames)


def test_a_year_locked_between_preview_and_confirm_refuses_the_import(office, scheme, media_root):
    preview = upload(office, [TARGETS, [2026, "A01", "GDP", 120]])
    sha256 = preview.context["confirm_form"].initial["sha256"]
    scheme.status = "published"  # the layer asks the year's policy again on the confirm
    scheme.save()
    refused = confirm(office, preview)
    assert refused.status_code == 200
    assert refused.context["confirm_form"] is None
    assert "复核" in page(refused)  # published: only a formal review (复核) reopens it
    assert not Target.objects.exists()
    assert not ImportLog.objects.get(dry_run=False).succeeded
    assert not staged(media_root, sha256).exists()
