"""The ``units`` and ``cadres`` workbooks: imported through the one import layer, at every door.

The admin no longer uses django-import-export's import; its resources only export, and an
exported file imports back unchanged.
"""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessment.imports import RowStatus, workbook_import
from tests.example_district import EXAMPLE_DIR
from tests.imports_helpers import xlsx_bytes
from units.models import Cadre, Unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


def _import(kind: str, data: bytes):
    return workbook_import(kind=kind, data=data, file_name=f"{kind}.xlsx", user=None)


def _example(kind: str) -> bytes:
    return (EXAMPLE_DIR / f"{kind}.xlsx").read_bytes()


def test_the_example_units_import_with_category_codes_and_chinese_names():
    result = _import("units", _example("units"))
    assert result.ok and result.committed
    assert result.counts["new"] == 26
    to02 = Unit.objects.get(code="TO02")  # the file names its category 镇街
    assert (to02.name, to02.category.code, to02.headcount) == ("东湖街道", "town", 31)
    assert Unit.objects.filter(category__code="management").count() == 5


def test_importing_the_same_units_file_twice_changes_nothing():
    _import("units", _example("units"))
    history_before = Unit.history.count()
    second = _import("units", _example("units"))
    assert second.ok and not second.committed
    assert second.counts["unchanged"] == 26
    assert second.counts["new"] == second.counts["changed"] == 0
    assert Unit.history.count() == history_before


def test_the_example_cadres_import_with_english_headers():
    _import("units", _example("units"))
    result = _import("cadres", _example("cadres"))
    assert result.ok
    assert Cadre.objects.count() == 52
    principal = Cadre.objects.get(unit__code="TO01", name="干部TO01甲")
    assert (principal.position, principal.rank_kind) == ("党委书记", "principal")
    again = _import("cadres", _example("cadres"))
    assert again.counts["unchanged"] == 52 and not again.committed


def test_an_unknown_column_is_named_and_nothing_is_written(town):
    data = xlsx_bytes(
        [
            ["单位代码", "单位名称", "单位类别", "编制人数", "备注"],
            ["Q01", "测试镇", "镇街", 10, "x"],
        ]
    )
    result = _import("units", data)
    assert not result.ok
    assert "无法识别的列：备注" in result.errors[0].message
    assert not Unit.objects.filter(code="Q01").exists()


def test_a_bad_row_is_reported_with_its_column_and_value_and_nothing_is_written(town):
    data = xlsx_bytes(
        [
            ["code", "name", "category", "headcount"],
            ["Q01", "好镇", "town", "1,234"],
            ["Q02", "坏镇", "乡镇", "十"],
        ]
    )
    result = _import("units", data)
    assert not result.ok and not result.committed
    errors = {error.column: error for error in result.errors}
    assert (errors["category"].row, errors["category"].value) == (3, "乡镇")
    assert "单位类别「乡镇」不存在" in errors["category"].message
    assert (errors["headcount"].row, errors["headcount"].value) == (3, "十")
    assert "「十」不是数字" in errors["headcount"].message
    assert [row.status for row in result.rows] == [RowStatus.NEW, RowStatus.ERROR]
    assert not Unit.objects.filter(code__in=["Q01", "Q02"]).exists()


def test_the_admin_import_previews_then_confirms(client, office_user, town):
    client.force_login(office_user)
    data = xlsx_bytes(
        [["单位代码 ", " Name ", "单位类别", "编制人数"], ["Q01", "预览镇", "town", 12]]
    )
    preview = client.post(
        reverse("admin:units_unit_workbook_import"),
        {"file": SimpleUploadedFile("units.xlsx", data)},
    )
    assert preview.status_code == 200
    assert preview.context["counts"]["new"] == 1
    assert not Unit.objects.filter(code="Q01").exists()  # nothing written before the confirm
    confirmed = client.post(
        reverse("admin:units_unit_workbook_import_confirm"),
        preview.context["confirm_form"].initial,
    )
    assert confirmed.status_code == 302
    assert Unit.objects.get(code="Q01").name == "预览镇"


@pytest.mark.parametrize(("model", "verbose_name"), [("unit", "单位"), ("cadre", "领导干部")])
def test_the_library_import_of_the_admin_is_gone(client, office_user, model, verbose_name):
    client.force_login(office_user)
    response = client.get(f"/admin/units/{model}/import/", follow=True)
    # The admin reads "import" as the id of a record, finds none and says so on its index.
    assert response.redirect_chain == [
        (f"/admin/units/{model}/import/change/", 302),
        ("/admin/", 302),
    ]
    assert f"ID 为“import”的 {verbose_name} 不存在" in response.content.decode()
    changelist = client.get(f"/admin/units/{model}/").content.decode()
    assert f'href="/admin/units/{model}/import/"' not in changelist
    assert f'href="/admin/units/{model}/workbook-import/"' in changelist


def test_only_users_who_may_add_units_may_import_them(client, leader_user):
    leader_user.is_staff = True
    leader_user.save()
    client.force_login(leader_user)
    assert client.get(reverse("admin:units_unit_workbook_import")).status_code == 403
    assert client.get(reverse("admin:units_cadre_workbook_import")).status_code == 403


def _export(client, model: str, fields: list[str]) -> bytes:
    form = {"format": "0", "resource": "0"}
    form.update({f"{model}resource_{name}": "on" for name in fields})
    response = client.post(reverse(f"admin:units_{model}_export"), form)
    assert response.status_code == 200
    return response.content


def test_an_exported_units_and_cadres_workbook_imports_back_unchanged(client, office_user):
    _import("units", _example("units"))
    _import("cadres", _example("cadres"))
    client.force_login(office_user)

    units = _export(client, "unit", ["code", "name", "category", "headcount", "parent"])
    rows = list(openpyxl.load_workbook(io.BytesIO(units)).active.iter_rows(values_only=True))
    assert rows[0] == ("单位代码", "单位名称", "单位类别", "编制人数", "上级单位代码")
    assert len(rows) == 27
    again = _import("units", units)
    assert again.ok and again.counts["unchanged"] == 26

    cadres = _export(client, "cadre", ["unit", "name", "position", "rank_kind"])
    again = _import("cadres", cadres)
    assert again.ok and again.counts["unchanged"] == 52
