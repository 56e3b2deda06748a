"""Catalogued items through the workbooks, end to end: ``import_workbook items``, evidence with
事项代码 and 文号, ``compute_scores``, and the numbers in ``export_results --format json``.

The district (one category, four units → an excellent quota of max(1, floor(4 × 0.3)) = 1):
GDP completion 100 points, target 100; AWARD bonus 3 points with P1 省级表彰 1.0 a time (cap 2)
and C1 市级表彰 0.5 a time (cap 1.5); FAIL deduction 2 points with W1 问责 0.5 per person and
T1 通报批评 1.0 a time; BAN 取消评优. Every number below is worked by hand in its comment.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from assessment.models import AssessmentYear, Evidence, Item
from tests.imports_helpers import run_import, write_xlsx

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

UNITS = [
    ["单位代码", "单位名称", "单位类别", "编制人数"],
    ["A01", "甲镇", "镇街", 30],
    ["A02", "乙镇", "镇街", 30],
    ["A03", "丙镇", "镇街", 30],
    ["A04", "丁镇", "镇街", 30],
]
INDICATORS = [
    ["年度", "单位类别", "指标代码", "指标名称", "指标分组", "分值", "计分方法"],
    [2026, "镇街", "GDP", "地区生产总值", "经济发展", 100, "完成率"],
    [2026, "镇街", "AWARD", "表彰奖励", "加减分", 3, "加分"],
    [2026, "镇街", "FAIL", "问责通报", "加减分", 2, "扣分"],
    [2026, "镇街", "BAN", "违纪通报", "加减分", 0, "取消评优"],
]
ITEMS = [
    ["年度", "单位类别", "指标代码", "事项代码", "事项名称", "每次分值", "级别", "事项上限"],
    [2026, "镇街", "AWARD", "P1", "省级表彰", 1, "省级", 2],
    [2026, "town", "AWARD", "C1", "市级表彰", "0.5分", "市级", 1.5],
    [2026, "镇街", "FAIL", "W1", "问责（每人次）", 0.5, None, None],
    [2026, "镇街", "FAIL", "T1", "通报批评", 1, "区级", None],
]
TARGETS = [["年度", "单位代码", "指标代码", "目标值"]] + [
    [2026, unit, "GDP", 100] for unit in ("A01", "A02", "A03", "A04")
]
EVIDENCE_HEADER = ["单位代码", "指标代码", "日期", "数值", "说明", "状态", "事项代码", "文号"]
EVIDENCE = [
    EVIDENCE_HEADER,
    ["A01", "GDP", "2026-06-30", 95, "上半年", "已核实", None, None],
    # the spec's worked example: 2.50
    ["A01", "AWARD", "2026-03-01", 1, "省级先进", "已核实", "P1", "省政发〔2026〕12号"],
    ["A01", "AWARD", "2026-03-02", 1, "同一文件市级", "已核实", "C1", "省政发〔2026〕12号"],
    ["A01", "AWARD", "2026-04-01", 2, "两项市级", "已核实", "C1", "市委办〔2026〕3号"],
    ["A01", "AWARD", "2026-05-01", 2, "无文号", "已核实", "C1", None],
    ["A01", "BAN", "2026-07-01", 1, "违纪被通报", "已核实", None, None],
    ["A02", "GDP", "2026-06-30", 92, "上半年", "已核实", None, None],
    ["A02", "AWARD", "2026-03-05", 3, "三次省级", "已核实", "P1", "省办〔2026〕7号"],
    ["A02", "FAIL", "2026-08-01", 3, "三人被问责", "已核实", "W1", "纪发〔2026〕9号"],
    ["A03", "GDP", "2026-06-30", 91, "上半年", "已核实", None, None],
    ["A03", "AWARD", "2026-03-01", 1, "市级", "已核实", "C1", "双发〔2026〕1号"],
    ["A03", "AWARD", "2026-03-09", 1, "省级", "已核实", "P1", " 双发〔2026〕1号 "],
    ["A03", "FAIL", "2026-09-01", 1, "通报批评", "已核实", "T1", None],
    ["A03", "FAIL", "2026-09-02", 4, "四人被问责", "已核实", "W1", None],
    ["A04", "GDP", "2026-06-30", 70, "上半年", "已核实", None, None],
    ["A04", "AWARD", "2026-03-01", 1, "待核实的省级", "待核实", "P1", "省发1号"],
]


@pytest.fixture
def workbooks(tmp_path: Path) -> dict[str, Path]:
    sheets = {
        "units": UNITS,
        "indicators": INDICATORS,
        "items": ITEMS,
        "targets": TARGETS,
        "evidence": EVIDENCE,
    }
    return {kind: write_xlsx(tmp_path, f"{kind}.xlsx", rows) for kind, rows in sheets.items()}


def import_year(workbooks: dict[str, Path]) -> None:
    for kind in ("units", "indicators", "items", "targets"):
        run_import(kind, workbooks[kind])
    year = AssessmentYear.objects.get(year=2026)
    year.status = "collecting"
    year.save()
    run_import("evidence", workbooks["evidence"])


def test_the_year_through_the_workbooks_gives_the_hand_worked_numbers_in_the_json(workbooks):
    import_year(workbooks)
    call_command("compute_scores", year=2026, stdout=io.StringIO())
    exported = io.StringIO()
    call_command("export_results", year=2026, format="json", stdout=exported)
    units = {u["unit"]: u for u in json.loads(exported.getvalue())["units"]}

    def summary(code: str) -> tuple:
        u = units[code]
        return u["total"], u["rank"], u["tier"], u["veto"], u["disqualified"], u["indicators"]

    # A01: 95 + 2.50 (the spec's example) = 97.50, the best total, but disqualified: good
    assert summary("A01") == (
        "97.50",
        1,
        "good",
        False,
        True,
        {"GDP": "95.00", "AWARD": "2.50", "FAIL": "0.00"},
    )
    # A02: P1 × 3 = 3.0, capped at 2; W1 × 3 persons = 1.5; 92 + 2 − 1.5 = 92.50: the one
    # excellent place passes to it
    assert summary("A02") == (
        "92.50",
        2,
        "excellent",
        False,
        False,
        {"GDP": "92.00", "AWARD": "2.00", "FAIL": "-1.50"},
    )
    # A03: one document at two levels counts once at the higher (P1 1.0, not C1 0.5);
    # T1 1.0 + W1 × 4 = 2.0 → 3.0, at most 2 → −2.00; 91 + 1 − 2 = 90.00, good by the quota
    assert summary("A03") == (
        "90.00",
        3,
        "good",
        False,
        False,
        {"GDP": "91.00", "AWARD": "1.00", "FAIL": "-2.00"},
    )
    # A04: its pending claim does not count: 70.00
    assert summary("A04") == (
        "70.00",
        4,
        "average",
        False,
        False,
        {"GDP": "70.00", "AWARD": "0.00", "FAIL": "0.00"},
    )


def test_items_import_once_and_a_second_import_changes_nothing(workbooks):
    for kind in ("units", "indicators"):
        run_import(kind, workbooks[kind])
    out, _ = run_import("items", workbooks["items"])
    assert out == "Imported items.xlsx: 4 new, 0 changed, 0 unchanged.\n"
    again, _ = run_import("items", workbooks["items"])
    assert again == "Imported items.xlsx: 0 new, 0 changed, 4 unchanged.\n"
    c1 = Item.objects.get(code="C1")
    assert (c1.indicator.code, c1.name, c1.level, c1.points, c1.cap) == (
        "AWARD",
        "市级表彰",
        "city",
        0.5,
        1.5,
    )
    assert Item.objects.get(code="W1").cap is None
    assert c1.history.count() == 1  # audited like every scheme row


def test_a_bad_items_row_names_row_column_value_and_why_and_nothing_is_written(workbooks, tmp_path):
    for kind in ("units", "indicators"):
        run_import(kind, workbooks[kind])
    bad = write_xlsx(
        tmp_path,
        "bad_items.xlsx",
        [
            ITEMS[0],
            ITEMS[1],
            [2026, "镇街", "GDP", "G1", "完成率也加分", 1, None, None],
            [2026, "镇街", "AWARD", "Z1", "零分", 0, None, None],
            [2026, "镇街", "AWARD", "L1", "级别不对", 1, "乡级", None],
        ],
    )
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_workbook", "items", str(bad), stderr=err, stdout=io.StringIO())
    lines = err.getvalue().splitlines()
    assert any(
        "Row 3" in line
        and "指标代码" in line
        and "GDP" in line
        and "only bonus and deduction" in line
        for line in lines
    ), lines
    assert any("Row 4" in line and "每次分值" in line for line in lines), lines
    assert any("Row 5" in line and "级别" in line and "乡级" in line for line in lines), lines
    assert not Item.objects.exists()


def test_evidence_rows_of_a_catalogued_indicator_need_an_item_and_a_whole_count(
    workbooks, tmp_path
):
    import_year(workbooks)
    before = Evidence.objects.count()
    bad = write_xlsx(
        tmp_path,
        "bad_evidence.xlsx",
        [
            EVIDENCE_HEADER,
            ["A04", "AWARD", "2026-10-01", 1, "没有事项", "待核实", None, None],
            ["A04", "AWARD", "2026-10-02", 1.5, "半次", "待核实", "P1", None],
            ["A04", "AWARD", "2026-10-03", 1, "没有这一项", "待核实", "X9", None],
            ["A04", "GDP", "2026-10-04", 10, "完成率不带事项", "待核实", "P1", None],
        ],
    )
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_workbook", "evidence", str(bad), stderr=err, stdout=io.StringIO())
    lines = err.getvalue().splitlines()
    assert any("Row 2" in line and "事项代码" in line and "P1、C1" in line for line in lines)
    assert any("Row 3" in line and "数值" in line and "whole number" in line for line in lines)
    assert any("Row 4" in line and "X9" in line for line in lines), lines
    assert any("Row 5" in line and "no catalogued items" in line for line in lines), lines
    assert Evidence.objects.count() == before
    # the file as it was imported changes nothing the second time
    out, _ = run_import("evidence", workbooks["evidence"])
    assert out.endswith("0 new, 0 changed, 16 unchanged.\n")
