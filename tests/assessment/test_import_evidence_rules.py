"""An evidence workbook follows the rules of the evidence form (``evidence_record``/_correct)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from assessment.imports import workbook_import
from assessment.models import AssessmentYear, Evidence, Indicator
from tests.imports_helpers import make_scheme, xlsx_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

EVIDENCE = ["单位代码", "指标代码", "日期", "数值", "说明", "状态"]


@pytest.fixture
def scheme(town, economic, unit_a, unit_b, lead_unit) -> AssessmentYear:
    """The small scheme (GDP led by JJ01), with a deduction and a veto indicator, collecting."""
    year = make_scheme(status="collecting", town=town, economic=economic, lead_unit=lead_unit)
    for code, method in [("DEDUCT", "deduction"), ("SAFE", "veto")]:
        Indicator.objects.create(
            year=year, category=town, code=code, name=code, points=5, method=method
        )
    return year


def run(rows: list[list[object]], user=None, reason: str = ""):
    return workbook_import(
        kind="evidence",
        data=xlsx_bytes([EVIDENCE, *rows]),
        file_name="evidence.xlsx",
        user=user,
        reason=reason,
    )


def refused(preview) -> list[str]:
    """The messages of an import that wrote nothing."""
    assert not preview.committed
    return [str(error) for error in preview.errors]


def scoring(year: AssessmentYear) -> None:
    year.status = "scoring"
    year.save()


# --- who records what for which unit: evidence_record_refusal ---------------------------------


def test_a_reporter_may_not_import_a_deduction_against_their_own_unit(scheme, reporter_a):
    preview = run([["A01", "DEDUCT", "2026-03-01", 2, "迟报", None]], user=reporter_a)
    assert refused(preview) == [
        "Row 2: Deductions, disqualifications and veto events are recorded by supervision or "
        "the assessment office; your unit answers them with a statement."
    ]
    assert not Evidence.objects.exists()


def test_a_reporter_may_not_import_a_row_of_another_unit(scheme, reporter_a):
    rows = [["A01", "GDP", "2026-03-01", 1, "甲", None]]
    rows += [["B01", "GDP", "2026-03-01", 1, "乙", None]]
    assert refused(run(rows, user=reporter_a)) == [
        "Row 3: You may only record evidence for your own unit."
    ]
    assert not Evidence.objects.exists()


def test_supervision_may_not_import_a_completion_row(scheme, supervision_user):
    preview = run([["A01", "GDP", "2026-03-01", 1, "一季度", None]], user=supervision_user)
    assert refused(preview) == [
        "Row 2: Supervision records failures only: deduction, disqualification and veto indicators."
    ]
    assert not Evidence.objects.exists()
    assert run([["A01", "DEDUCT", "2026-03-01", 2, "迟报", None]], user=supervision_user).committed


def test_a_lead_department_may_not_import_an_indicator_it_does_not_lead(scheme, lead_user):
    preview = run([["B01", "AWARD", "2026-03-01", 1, "别人的", None]], user=lead_user)
    assert refused(preview) == ["Row 2: You may only record evidence for your own unit."]
    assert not Evidence.objects.exists()


# --- verified rows --------------------------------------------------------------------------


def test_a_veto_row_is_never_imported_as_verified(scheme, office_user):
    preview = run([["A01", "SAFE", "2026-07-07", 1, "安全事故", "已核实"]], user=office_user)
    assert refused(preview) == [
        "Row 2, “状态”: A veto event cannot be imported as verified: a second member of the "
        "assessment office confirms it in the system (考核委员会研究). Import it as pending "
        "(待核实)."
    ]
    assert not Evidence.objects.exists()


def test_a_verified_row_names_the_importer_as_recorder_and_verifier(scheme, lead_user):
    assert run([["B01", "GDP", "2026-03-01", 5, "已核数", "已核实"]], user=lead_user).committed
    record = Evidence.objects.get()
    assert (record.status, record.recorded_by, record.verified_by) == (
        "verified",
        lead_user,
        lead_user,
    )


# --- the year's clock -------------------------------------------------------------------------


def test_while_scoring_only_the_office_imports(scheme, reporter_a):
    scoring(scheme)
    preview = run([["A01", "GDP", "2026-03-01", 1, "补报", None]], user=reporter_a, reason="补报")
    assert refused(preview) == [
        "Evidence for the 2026 assessment is no longer collected: only the assessment office "
        "may add a late record."
    ]
    assert not Evidence.objects.exists()


def test_while_scoring_the_office_imports_late_records_with_a_reason(scheme, office_user):
    scoring(scheme)
    rows = [["A01", "GDP", "2026-12-20", 1, "补报", None]]
    assert refused(run(rows, user=office_user)) == [
        "The 2026 assessment is in the state “scoring”: to record evidence now, give the reason "
        "for the amendment."
    ]
    assert not Evidence.objects.exists()
    assert run(rows, user=office_user, reason="  年底统计补报  ").committed
    record = Evidence.objects.get()
    assert (record.is_late, record.late_reason, record.recorded_by) == (
        True,
        "年底统计补报",
        office_user,
    )


# --- corrections ------------------------------------------------------------------------------


def test_a_correction_needs_a_reason_which_the_new_record_keeps(scheme, reporter_a):
    assert run([["A01", "GDP", "2026-03-01", 100, "一季度", None]], user=reporter_a).committed
    original = Evidence.objects.get()
    corrected = [["A01", "GDP", "2026-03-01", 120, "一季度", None]]
    assert refused(run(corrected, user=reporter_a)) == [
        "The file corrects records already stored (rows 2: another value or status): a "
        "correction supersedes the record, and both are kept. Give the reason for the "
        "correction; nothing is imported without it."
    ]
    assert Evidence.objects.get() == original
    assert run(corrected, user=reporter_a, reason="统计局更正").committed
    original.refresh_from_db()
    correction = Evidence.objects.get(is_current=True)
    assert original.is_current is False
    assert (correction.supersedes, correction.value, correction.correction_reason) == (
        original,
        Decimal(120),
        "统计局更正",
    )
    assert (correction.is_late, correction.late_reason) == (False, "")


def test_importing_verified_rows_follows_the_verification_rules(scheme, lead_user, economic):
    # a lead department leads an indicator of its own category: it may record for its own unit,
    # but importing those rows as verified would be verifying its own unit's records
    Indicator.objects.create(
        year=scheme, category=economic, code="INV", name="招商引资", points=5,
        method="completion", lead_unit=lead_user.membership.unit,
    )  # fmt: skip
    preview = run([["JJ01", "INV", "2026-03-01", 5, "自己的", "已核实"]], user=lead_user)
    assert any("your own unit" in message for message in refused(preview))
    assert not Evidence.objects.filter(unit__code="JJ01").exists()
    # pending, the same row is the unit's own record, as in the form
    assert run([["JJ01", "INV", "2026-03-01", 5, "自己的", "待核实"]], user=lead_user).committed
