"""Test-only loader: the example district's workbooks (shared/examples) as `YearInputs`.

Follows spec/workbooks.md only as far as the engine's tests need: headers by Chinese name
or English alias (case, surrounding spaces and column order ignored), Chinese or code
names for categories, methods and aggregations, numbers as text with thousands separators,
Excel or `YYYY-MM-DD` dates, verified evidence of the year only. The real import layer,
with its previews and row-numbered errors, lives in the application.
"""

from __future__ import annotations

import datetime
import json
import os
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl

from assessment.scoring import (
    CadreSpec,
    EvidenceRow,
    EvidenceTotal,
    IndicatorSpec,
    UnitSpec,
    YearInputs,
    aggregate_evidence,
    to_decimal,
)

# `shared/` sits beside the project's checkout; SHARED_DIR points elsewhere if it does not.
SHARED_DIR = Path(
    os.environ.get("SHARED_DIR", Path(__file__).resolve().parents[1].parent / "shared")
)
EXAMPLE_DIR = SHARED_DIR / "examples" / "district-2026"

# kind → {alias: Chinese header}, from spec/workbooks.md
COLUMNS: dict[str, dict[str, str]] = {
    "units": {"code": "单位代码", "name": "单位名称", "category": "单位类别",
              "headcount": "编制人数", "parent": "上级单位代码"},
    "cadres": {"unit": "单位代码", "name": "姓名", "position": "职务", "rank_kind": "正副职"},
    "indicators": {"year": "年度", "category": "单位类别", "code": "指标代码", "name": "指标名称",
                   "group": "指标分组", "points": "分值", "method": "计分方法",
                   "aggregation": "汇总方式", "cap": "封顶系数", "total_share": "总量占比",
                   "step": "名次步长", "lead_unit": "牵头单位代码"},
    "targets": {"year": "年度", "unit": "单位代码", "indicator": "指标代码", "target": "目标值",
                "base": "基数", "leader": "责任领导"},
    "evidence": {"unit": "单位代码", "indicator": "指标代码", "date": "日期", "value": "数值",
                 "description": "说明", "status": "状态"},
    "city_ranks": {"year": "年度", "unit": "单位代码", "indicator": "指标代码", "rank": "名次",
                   "total": "参评总数"},
    "grades": {"year": "年度", "unit": "单位代码", "indicator": "指标代码", "grade": "等级"},
    "surveys": {"year": "年度", "unit": "单位代码", "indicator": "指标代码", "rate": "得分率"},
    "evaluations": {"year": "年度", "unit": "单位代码", "cadre": "干部姓名", "score": "测评得分"},
}  # fmt: skip

CATEGORIES = {"镇街": "town", "经济部门": "economic", "综合管理部门": "management",
              "社会事业部门": "social"}  # fmt: skip
METHODS = {"完成率": "completion", "控制类": "ceiling", "增量": "increment",
           "基数比例": "base_ratio", "全市排名": "city_rank", "定性评价": "graded",
           "测评": "survey", "加分": "bonus", "扣分": "deduction", "一票否决": "veto"}  # fmt: skip
AGGREGATIONS = {"累计求和": "sum", "取最新值": "latest"}
STATUSES = {"已核实": "verified", "待核实": "pending"}


def read_rows(kind: str, directory: Path = EXAMPLE_DIR) -> Iterator[dict[str, Any]]:
    """The rows of `<kind>.xlsx` as dicts keyed by English alias; blank rows skipped."""
    aliases = {}
    for alias, chinese in COLUMNS[kind].items():
        aliases[alias.lower()] = alias
        aliases[chinese] = alias
    workbook = openpyxl.load_workbook(directory / f"{kind}.xlsx", read_only=True, data_only=True)
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = [str(cell or "").strip().lower() for cell in next(rows)]
        unknown = [name for name in header if name not in aliases]
        if unknown:
            raise ValueError(f"{kind}.xlsx: unknown columns {unknown}")
        keys = [aliases[name] for name in header]
        for row in rows:
            if any(cell not in (None, "") for cell in row):
                yield dict(zip(keys, row, strict=False))
    finally:
        workbook.close()


def text(value: Any) -> str | None:
    """A cell as stripped text; empty is None."""
    if value is None:
        return None
    return str(value).strip() or None


def required(row: dict[str, Any], column: str) -> str:
    """A cell that must hold text."""
    value = text(row.get(column))
    if value is None:
        raise ValueError(f"column {column!r} is empty in {row}")
    return value


def unit_indicator(row: dict[str, Any]) -> tuple[str, str]:
    return (required(row, "unit"), required(row, "indicator"))


def number(value: Any) -> Decimal | None:
    """Excel numbers or text such as `1,234.5`; empty is None."""
    if value is None:
        return None
    if isinstance(value, int | float):
        return to_decimal(value)
    cleaned = str(value).strip().replace(",", "")
    return Decimal(cleaned) if cleaned else None


def required_number(row: dict[str, Any], column: str) -> Decimal:
    """A cell that must hold a number."""
    value = number(row.get(column))
    if value is None:
        raise ValueError(f"column {column!r} is empty in {row}")
    return value


def date(value: Any) -> datetime.date:
    """Excel dates or `YYYY-MM-DD` text."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value).strip())


def code(value: Any, names: dict[str, str]) -> str:
    """A code given as itself (any case) or by its Chinese name."""
    given = str(value).strip()
    return names.get(given, given.lower())


def of_year(row: dict[str, Any], year: int) -> bool:
    return number(row.get("year")) == year


def load_units(directory: Path = EXAMPLE_DIR) -> list[UnitSpec]:
    return [
        UnitSpec(
            code=required(row, "code"),
            name=required(row, "name"),
            category=code(row["category"], CATEGORIES),
            headcount=int(required_number(row, "headcount")),
        )
        for row in read_rows("units", directory)
    ]


def load_indicators(year: int, directory: Path = EXAMPLE_DIR) -> dict[str, list[IndicatorSpec]]:
    schemes: dict[str, list[IndicatorSpec]] = defaultdict(list)
    for row in read_rows("indicators", directory):
        if not of_year(row, year):
            continue
        # blank optional cells keep the IndicatorSpec defaults
        optional: dict[str, Any] = {
            "cap": number(row.get("cap")),
            "total_share": number(row.get("total_share")),
            "step": number(row.get("step")),
        }
        if text(row.get("aggregation")):
            optional["aggregation"] = code(row["aggregation"], AGGREGATIONS)
        schemes[code(row["category"], CATEGORIES)].append(
            IndicatorSpec(
                code=required(row, "code"),
                name=required(row, "name"),
                group=required(row, "group"),
                points=required_number(row, "points"),
                method=code(row["method"], METHODS),
                **{key: value for key, value in optional.items() if value is not None},
            )
        )
    return dict(schemes)


def load_evidence(
    year: int,
    schemes: dict[str, list[IndicatorSpec]],
    units: list[UnitSpec],
    directory: Path = EXAMPLE_DIR,
) -> dict[tuple[str, str], EvidenceTotal]:
    """Verified records dated in the year, aggregated per unit + indicator."""
    rows: dict[tuple[str, str], list[EvidenceRow]] = defaultdict(list)
    for sequence, row in enumerate(read_rows("evidence", directory)):
        status = code(row.get("status") or "pending", STATUSES)
        when = date(row["date"])
        if status != "verified" or when.year != year:
            continue
        value = required_number(row, "value")
        rows[unit_indicator(row)].append(EvidenceRow(date=when, sequence=sequence, value=value))
    category_of = {unit.code: unit.category for unit in units}
    aggregation_of = {
        (category, spec.code): spec.aggregation
        for category, scheme in schemes.items()
        for spec in scheme
    }
    return {
        key: aggregate_evidence(records, aggregation_of[(category_of[key[0]], key[1])])
        for key, records in rows.items()
    }


def load_year(
    year: int = 2026, *, bonus_pool: int | None = 1_000_000, directory: Path = EXAMPLE_DIR
) -> YearInputs:
    """The whole example year, ready for `compute`."""
    units = load_units(directory)
    schemes = load_indicators(year, directory)
    targets: dict[tuple[str, str], Decimal] = {}
    bases: dict[tuple[str, str], Decimal] = {}
    for row in read_rows("targets", directory):
        if of_year(row, year):
            for column, values in (("target", targets), ("base", bases)):
                value = number(row.get(column))
                if value is not None:
                    values[unit_indicator(row)] = value
    team_evaluations: dict[str, Decimal] = {}
    cadre_evaluations: dict[tuple[str, str], Decimal] = {}
    for row in read_rows("evaluations", directory):
        if of_year(row, year):
            unit, cadre = required(row, "unit"), text(row.get("cadre"))
            score = required_number(row, "score")
            if cadre is None:
                team_evaluations[unit] = score
            else:
                cadre_evaluations[(unit, cadre)] = score
    return YearInputs(
        indicators=schemes,
        units=units,
        targets=targets,
        bases=bases,
        evidence=load_evidence(year, schemes, units, directory),
        city_ranks={
            unit_indicator(row): (
                int(required_number(row, "rank")),
                int(required_number(row, "total")),
            )
            for row in read_rows("city_ranks", directory)
            if of_year(row, year)
        },
        grades={
            unit_indicator(row): required(row, "grade")
            for row in read_rows("grades", directory)
            if of_year(row, year)
        },
        survey_rates={
            unit_indicator(row): required_number(row, "rate")
            for row in read_rows("surveys", directory)
            if of_year(row, year)
        },
        team_evaluations=team_evaluations,
        cadres=[
            CadreSpec(unit=required(row, "unit"), name=required(row, "name"))
            for row in read_rows("cadres", directory)
        ],
        cadre_evaluations=cadre_evaluations,
        bonus_pool=bonus_pool,
    )


def load_expected(directory: Path = EXAMPLE_DIR) -> dict[str, Any]:
    """The numbers the spec gives for the example (expected.json)."""
    return json.loads((directory / "expected.json").read_text(encoding="utf-8"))
