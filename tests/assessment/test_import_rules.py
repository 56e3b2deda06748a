"""What may be imported, by whom, in which state of the year; corrections and identities."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management.base import CommandError

from assessment.imports import RowStatus, workbook_import, workbook_preview
from assessment.models import (
    AssessmentYear,
    CadreEvaluation,
    Evidence,
    ImportLog,
    Indicator,
    Target,
    TeamEvaluation,
)
from tests.imports_helpers import make_scheme, run_import, write_xlsx, xlsx_bytes
from units.models import Unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

TARGETS = ["年度", "单位代码", "指标代码", "目标值"]
EVIDENCE = ["单位代码", "指标代码", "日期", "数值", "说明", "状态"]
INDICATORS = ["年度", "单位类别", "指标代码", "指标名称", "指标分组", "分值", "计分方法"]


@pytest.fixture
def scheme(town, economic, unit_a, unit_b, lead_unit):
    return make_scheme(status="setup", town=town, economic=economic, lead_unit=lead_unit)


def run(kind: str, rows: list[list[object]], user=None, **kwargs):
    return workbook_import(
        kind=kind, data=xlsx_bytes(rows), file_name=f"{kind}.xlsx", user=user, **kwargs
    )


def messages(preview) -> list[str]:
    assert not preview.committed
    return [str(error) for error in preview.errors]


def collecting(year: AssessmentYear) -> AssessmentYear:
    year.status = "collecting"  # the year transition service is another module's
    year.save()
    return year


# --- identities and references ----------------------------------------------------------------


def test_a_row_given_twice_is_a_duplicate_and_nothing_is_written(scheme):
    rows = [TARGETS, [2026, "A01", "GDP", 100], [2026, "B01", "GDP", 90], [2026, "A01", "gdp", 1]]
    rows[3][2] = "GDP"
    preview = run("targets", rows)
    assert messages(preview) == [
        "Row 4, “年度 + 单位代码 + 指标代码”: The same record as row 2: a record may appear only "
        "once in a file."
    ]
    assert preview.errors[0].value == "2026 · A01 · GDP"
    assert not Target.objects.exists()


def test_unknown_units_and_indicators_and_foreign_categories_are_named(scheme, lead_unit):
    rows = [TARGETS, [2026, "ZZ1", "GDP", 1], [2026, "A01", "NOPE", 1], [2026, "A01", "TAX", 1]]
    rows += [[2026, "JJ01", "GDP", 1], [2031, "A01", "GDP", 1]]
    assert messages(run("targets", rows)) == [
        "Row 2, “单位代码”: There is no unit with the code “ZZ1”: check the code, or import "
        "the unit first.",
        "Row 3, “指标代码”: 2026 has no indicator with the code “NOPE”: check the code, or "
        "import the indicator first.",
        "Row 4, “指标代码”: Units of the category “镇街” have no indicator TAX in 2026.",
        "Row 5, “指标代码”: Units of the category “经济部门” have no indicator GDP in 2026.",
        "Row 6, “年度”: There is no 2031 assessment year: import its indicators first.",
    ]
    assert not Target.objects.exists()
    log = ImportLog.objects.get()
    assert (log.kind, log.succeeded, log.counts["error"], log.counts["rows"]) == (
        "targets",
        False,
        5,
        5,
    )
    assert log.errors[0] == {
        "row": 2,
        "column": "单位代码",
        "value": "ZZ1",
        "message": (
            "There is no unit with the code “ZZ1”: check the code, or import the unit first."
        ),
    }


def test_evidence_dated_outside_the_indicators_year_is_refused(scheme):
    collecting(scheme)
    rows = [EVIDENCE, ["A01", "GDP", "2025-12-31", 5, "去年的", None]]
    rows += [["A01", "GDP", "2026-01-01", 5, "今年的", None]]
    assert messages(run("evidence", rows)) == [
        "Row 2, “日期”: The date is outside the assessment year of indicator GDP (2026)."
    ]
    assert not Evidence.objects.exists()


def test_a_target_that_could_never_be_computed_is_refused_like_on_the_form(scheme):
    preview = run("targets", [TARGETS, [2026, "A01", "GDP", 0]])
    assert messages(preview) == ["Row 2, “目标值”: The target must be greater than 0."]


def test_units_may_name_a_parent_new_in_the_same_file_but_never_a_loop(town):
    header = ["单位代码", "单位名称", "单位类别", "编制人数", "上级单位代码"]
    rows = [header, ["C02", "子", "town", 1, "C01"], ["C01", "父", "town", 1, None]]
    assert run("units", rows).committed
    assert Unit.objects.get(code="C02").parent.code == "C01"
    assert Unit.history.filter(code="C02").count() == 1  # created with its parent at once
    loop = [header, ["C01", "父", "town", 1, "C02"]]
    assert messages(run("units", loop)) == [
        "Row 2, “上级单位代码”: The parent units form a loop: C01 → C02 → C01."
    ]
    assert Unit.objects.get(code="C01").parent is None


def test_a_team_and_its_cadres_are_evaluated_from_one_file(scheme, cadres):
    collecting(scheme)
    rows = [["年度", "单位代码", "干部姓名", "测评得分"], [2026, "A01", None, 90]]
    rows += [[2026, "A01", "张三", 85], [2026, "A01", "无名", 70]]
    assert messages(run("evaluations", rows)) == [
        "Row 4, “干部姓名”: A01 has no cadre named “无名”: check the name, or import the cadre "
        "first."
    ]
    del rows[3]
    assert run("evaluations", rows).committed
    assert TeamEvaluation.objects.get().score == 90
    assert CadreEvaluation.objects.get().cadre.name == "张三"


# --- the year's state -------------------------------------------------------------------------


def test_indicators_of_a_new_year_create_it_in_setup_with_the_default_parameters(town):
    preview = run("indicators", [INDICATORS, [2030, "town", "GDP", "GDP", "经济", 20, "完成率"]])
    assert preview.committed
    year = AssessmentYear.objects.get(year=2030)
    assert (year.status, year.excellent_threshold, year.excellent_quota) == (
        "setup",
        Decimal(90),
        Decimal("0.30"),
    )
    assert Indicator.objects.get().year == year


def test_targets_in_collecting_need_a_reason_which_becomes_the_history_reason(scheme, tmp_path):
    collecting(scheme)
    path = write_xlsx(tmp_path, "targets.xlsx", [TARGETS, [2026, "A01", "GDP", 500]])
    with pytest.raises(CommandError, match="Nothing was imported: 1 error"):
        run_import("targets", path)
    preview = workbook_preview(kind="targets", data=path.read_bytes(), file_name="t", user=None)
    assert messages(preview) == [
        "The 2026 assessment is in the state “collecting evidence”: to change targets now, "
        "give the reason for the amendment."
    ]
    assert not Target.objects.exists()
    out, _err = run_import("targets", path, "--reason", "区政府常务会议调整目标")
    assert out == "Imported targets.xlsx: 1 new, 0 changed, 0 unchanged.\n"
    record = Target.objects.get().history.get()
    assert record.history_change_reason == "区政府常务会议调整目标"


def test_an_unchanged_file_needs_no_reason_once_the_year_moved_on(scheme):
    rows = [TARGETS, [2026, "A01", "GDP", 500]]
    assert run("targets", rows).committed
    collecting(scheme)
    preview = run("targets", rows)
    assert preview.ok and preview.counts["unchanged"] == 1


def test_a_year_whose_state_forbids_the_import_refuses_it_whatever_the_reason(scheme):
    scheme.status = "published"
    scheme.save()
    preview = run("grades", [["年度", "单位代码", "指标代码", "等级"], [2026, "A01", "PARTY", "A"]])
    assert messages(preview) == [
        "The 2026 results are published and cannot change: to enter ranks, grades, surveys and "
        "evaluations, the assessment office must first open a formal review (复核)."
    ]
    preview = run("evidence", [EVIDENCE, ["A01", "GDP", "2026-03-01", 1, "x", None]], reason="r")
    assert "to record evidence, the assessment office must first open" in messages(preview)[0]
    assert not Evidence.objects.exists()


def test_evidence_before_collecting_starts_is_refused_once_per_year(scheme):
    rows = [EVIDENCE, ["A01", "GDP", "2026-03-01", 1, "x", "已核实"]]
    assert messages(run("evidence", rows)) == [
        "The 2026 assessment is in the state “setting up”: you can no longer record evidence. "
        "If something must still change, ask the assessment office."
    ]


# --- who imports ------------------------------------------------------------------------------


def test_a_user_who_may_not_verify_cannot_import_verified_records(scheme, reporter_a):
    collecting(scheme)
    rows = [EVIDENCE, ["A01", "GDP", "2026-03-01", 120, "一季度", "已核实"]]
    preview = run("evidence", rows, user=reporter_a)
    assert messages(preview) == [
        "The file holds verified records (已核实, rows 2), but you may not verify evidence: "
        "nothing is imported. Mark them pending (待核实) or ask the assessment office."
    ]
    assert not Evidence.objects.exists()
    rows[1][5] = "待核实"
    assert run("evidence", rows, user=reporter_a).committed
    record = Evidence.objects.get()
    assert (record.status, record.recorded_by, record.verified_by) == ("pending", reporter_a, None)


def test_the_office_imports_verified_records_as_verified_by_itself(scheme, office_user):
    collecting(scheme)
    rows = [EVIDENCE, ["B01", "GDP", "2026-03-01", 120, "一季度", "verified"]]
    assert run("evidence", rows, user=office_user).committed
    record = Evidence.objects.get()
    assert (record.status, record.verified_by, record.recorded_by) == (
        "verified",
        office_user,
        office_user,
    )
    assert record.verified_at is not None
    assert record.history.get().history_user == office_user


def test_a_unit_reporter_imports_only_its_own_units_records(scheme, reporter_a):
    collecting(scheme)
    rows = [EVIDENCE, ["A01", "GDP", "2026-03-01", 1, "甲", None]]
    rows += [["B01", "GDP", "2026-03-01", 1, "乙", None]]
    assert messages(run("evidence", rows, user=reporter_a)) == [
        "Row 3: You may only record evidence for your own unit."  # evidence_record_refusal's
    ]
    assert not Evidence.objects.exists()


def test_a_lead_department_imports_the_indicators_it_leads_in_every_unit(scheme, lead_user):
    collecting(scheme)
    rows = [EVIDENCE, ["B01", "GDP", "2026-03-01", 1, "它牵头的", None]]
    assert run("evidence", rows, user=lead_user).committed
    rows = [EVIDENCE, ["B01", "AWARD", "2026-03-01", 1, "别人的", None]]
    assert messages(run("evidence", rows, user=lead_user)) == [
        "Row 2: You may only record evidence for your own unit."  # evidence_record_refusal's
    ]


def test_a_user_without_the_permission_may_not_import_the_kind(scheme, leader_user, tmp_path):
    preview = run("targets", [TARGETS, [2026, "A01", "GDP", 1]], user=leader_user)
    assert messages(preview) == ["You may not import targets."]
    log = ImportLog.objects.get()
    assert (log.imported_by, log.succeeded) == (leader_user, False)
    path = write_xlsx(tmp_path, "t.xlsx", [TARGETS, [2026, "A01", "GDP", 1]])
    with pytest.raises(CommandError, match="There is no active user “ghost”"):
        run_import("targets", path, "--user", "ghost")
    assert not Target.objects.exists()


# --- corrections ------------------------------------------------------------------------------


def test_an_evidence_row_with_another_value_is_a_correction_that_keeps_both(scheme):
    collecting(scheme)
    first = [EVIDENCE, ["A01", "GDP", "2026-03-01", 100, "一季度", "已核实"]]
    assert run("evidence", first).committed
    original = Evidence.objects.get()
    corrected = [EVIDENCE, ["A01", "GDP", "2026-03-01", "120", "一季度", "已核实"]]
    preview = workbook_preview(
        kind="evidence", data=xlsx_bytes(corrected), file_name="e.xlsx", user=None
    )
    assert [(row.status, [str(c) for c in row.changes]) for row in preview.rows] == [
        (RowStatus.CHANGED, ["数值: 100 → 120"])
    ]
    assert run("evidence", corrected, reason="统计局更正").committed
    original.refresh_from_db()
    correction = Evidence.objects.get(is_current=True)
    assert correction.correction_reason == "统计局更正"
    assert (original.is_current, original.value) == (False, Decimal(100))
    assert (correction.supersedes, correction.value) == (original, Decimal(120))
    assert [h.history_type for h in original.history.order_by("history_id")] == ["+", "~"]
    again = run("evidence", corrected)
    assert again.committed is False and again.counts["unchanged"] == 1
    assert Evidence.objects.count() == 2


def test_a_status_change_is_a_correction_too(scheme):
    collecting(scheme)
    rows = [EVIDENCE, ["A01", "GDP", "2026-03-01", 100, "一季度", "待核实"]]
    assert run("evidence", rows).committed
    rows[1][5] = "已核实"
    preview = run("evidence", rows, reason="核实后重新导入")
    assert [str(c) for c in preview.rows[0].changes] == ["状态: pending → verified"]
    assert Evidence.objects.counting().get().supersedes is not None


def test_a_dry_run_with_verbosity_two_lists_each_change(scheme, tmp_path):
    assert run("targets", [TARGETS, [2026, "A01", "GDP", 500], [2026, "B01", "GDP", 400]]).ok
    path = write_xlsx(
        tmp_path, "targets.xlsx", [TARGETS, [2026, "A01", "GDP", 550], [2026, "B01", "GDP", 400]]
    )
    out, _err = run_import("targets", path, "--dry-run", "-v", "2")
    assert out == (
        "Preview of targets.xlsx (nothing written): 0 new, 1 changed, 1 unchanged.\n"
        "Row 2 2026 · A01 · GDP: 目标值: 500 → 550\n"
    )
    assert Target.objects.get(unit__code="A01").target == 500
