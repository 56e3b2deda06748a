"""The ``units`` and ``cadres`` workbooks through django-import-export (admin and resource)."""

import io

import openpyxl
import pytest
import tablib
from django.urls import reverse

from tests.example_district import EXAMPLE_DIR
from units.models import Cadre, Unit
from units.resources import CadreResource, UnitResource

pytestmark = pytest.mark.django_db


def _dataset(path) -> tablib.Dataset:
    return tablib.Dataset().load(path.read_bytes(), format="xlsx")


def _sheet(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_the_example_units_import_with_category_codes_and_chinese_names():
    result = UnitResource().import_data(_dataset(EXAMPLE_DIR / "units.xlsx"), dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["new"] == 26
    to02 = Unit.objects.get(code="TO02")  # the file names its category 镇街
    assert (to02.name, to02.category.code, to02.headcount) == ("东湖街道", "town", 31)
    assert Unit.objects.filter(category__code="management").count() == 5


def test_importing_the_same_units_file_twice_changes_nothing():
    UnitResource().import_data(_dataset(EXAMPLE_DIR / "units.xlsx"), dry_run=False)
    history_before = Unit.history.count()
    second = UnitResource().import_data(_dataset(EXAMPLE_DIR / "units.xlsx"), dry_run=False)
    assert second.totals["skip"] == 26
    assert second.totals["new"] == second.totals["update"] == 0
    assert Unit.history.count() == history_before


def test_the_example_cadres_import_with_english_headers():
    UnitResource().import_data(_dataset(EXAMPLE_DIR / "units.xlsx"), dry_run=False)
    result = CadreResource().import_data(_dataset(EXAMPLE_DIR / "cadres.xlsx"), dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert Cadre.objects.count() == 52
    principal = Cadre.objects.get(unit__code="TO01", name="干部TO01甲")
    assert (principal.position, principal.rank_kind) == ("党委书记", "principal")
    again = CadreResource().import_data(_dataset(EXAMPLE_DIR / "cadres.xlsx"), dry_run=False)
    assert again.totals["skip"] == 52


def test_an_unknown_column_is_named_and_nothing_is_written():
    data = tablib.Dataset(headers=["单位代码", "单位名称", "单位类别", "编制人数", "备注"])
    data.append(["Q01", "测试镇", "镇街", 10, "x"])
    result = UnitResource().import_data(data, dry_run=False)
    assert result.has_errors()
    assert "无法识别的列：备注" in str(result.base_errors[0].error)
    assert not Unit.objects.filter(code="Q01").exists()


def test_a_bad_row_is_reported_with_its_column_and_nothing_is_written():
    data = tablib.Dataset(headers=["code", "name", "category", "headcount"])
    data.append(["Q01", "好镇", "town", "1,234"])
    data.append(["Q02", "坏镇", "乡镇", "十"])
    result = UnitResource().import_data(data, dry_run=False, use_transactions=True)
    assert result.has_validation_errors()
    errors = result.invalid_rows[0].error_dict
    assert "未知的单位类别 “乡镇”" in str(errors["category"])
    assert "“十” 不是数字" in str(errors["headcount"])
    assert not Unit.objects.filter(code__in=["Q01", "Q02"]).exists()


def test_the_admin_import_previews_then_confirms(client, office_user, town):
    client.force_login(office_user)
    upload = io.BytesIO(
        _sheet([["单位代码 ", " Name ", "单位类别", "编制人数"], ["Q01", "预览镇", "town", 12]])
    )
    upload.name = "units.xlsx"
    preview = client.post(
        reverse("admin:units_unit_import"),
        {"resource": "0", "format": "0", "import_file": upload},
    )
    assert preview.status_code == 200
    assert not Unit.objects.filter(code="Q01").exists()  # nothing written before the confirm
    confirm_form = preview.context["confirm_form"]
    confirmed = client.post(
        reverse("admin:units_unit_process_import"),
        {**confirm_form.initial, "resource": "0"},
    )
    assert confirmed.status_code == 302
    assert Unit.objects.get(code="Q01").name == "预览镇"


def test_only_users_who_may_add_units_may_import_them(client, leader_user):
    leader_user.is_staff = True
    leader_user.save()
    client.force_login(leader_user)
    assert client.get(reverse("admin:units_unit_import")).status_code == 403
