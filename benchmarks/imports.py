"""``make bench``: how fast a 100,000-row evidence workbook is read and imported, against the goals.

    python -m benchmarks.imports [--rows N] [--default-rows N] [--tracemalloc] [--profile]

Builds a small district (200 units in the 4 categories, an assessment year 2026 collecting
evidence, 20 completion indicators per category and one catalogued bonus and one catalogued
deduction indicator with two items each, no evidence) in a throwaway database, as
``benchmarks.compute`` does — a temporary SQLite file under /tmp, or with DATABASE_URL set, a
separate PostgreSQL database ``district_bench`` —, writes an evidence workbook of ``--rows``
rows referring to them (one in eleven a claim or finding by item, with its count and document
number), then measures, each in a fresh forked child (so each has its own peak
memory) and from the same state (no evidence stored; what a step wrote is deleted between
steps, outside the timing):

a. our layer's preview: ``workbook_preview(kind="evidence", ...)``;
b. our layer's import: ``workbook_import(...)``, with its audit history;
c. django-import-export's default path: a plain ``ModelResource`` with ``ForeignKeyWidget``s,
   the file loaded as the admin loads it (``XLSX().create_dataset``), ``import_data``; it is
   slow, so it runs on the first ``--default-rows`` rows and its rate is extrapolated;
d. the floor: python-calamine, one dictionary per referenced table, ``bulk_create``.

It prints one table with the goals beside the figures and asserts nothing. ``--tracemalloc``
adds a second, slower pass of every path for the Python heap's peak; ``--profile`` a cProfile
listing of one more ``workbook_import``.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import resource
import shutil
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO
from pathlib import Path

from benchmarks.compute import (
    MB,
    bench_database,
    in_child,
    profile_call,
    server_version,
    setup_django,
    verdict,
)

YEAR = 2026
UNITS = 200
ROWS = 100_000
DEFAULT_PATH_ROWS = 10_000  # the default path: ~20-40 s for these; 100,000 would take 3-7 min
BATCH = 5_000
# 20 completion indicators per category, 5 points each, and a catalogued bonus (BONS01) and
# deduction (DEDS01) indicator; the same codes in every category.
COMPLETION = [
    ("completion", "sum", 16, 5),
    ("completion", "latest", 4, 5),
    ("bonus", "sum", 1, 3),
    ("deduction", "sum", 1, 5),
]
HEADERS = ["单位代码", "指标代码", "日期", "数值", "说明", "状态", "事项代码", "文号"]
ITEMS = ["P1", "C1"]  # the two items of each catalogued indicator (benchmarks.dataset)
# "" is an empty cell (openpyxl's write-only mode writes no sheet dimension, so a row must not
# end early: django-import-export's reader would then find rows of different lengths)
STATUS_CELLS = ["待核实", "pending", ""]
WHAT = [
    "完成固定资产投资",
    "新增规上企业",
    "完成招商引资签约项目",
    "开展安全生产检查",
    "办结群众来信来访",
    "完成老旧小区改造",
    "新增城镇就业",
    "完成污染防治整改",
]
# goals
SPEEDUP = 8.0  # our import ≥ 8× django-import-export's default path (rows/s)
FLOOR_RATIO = 2.0  # the floor's rows/s ÷ our import's ≤ 2
PEAK = 500 * MB


# --- the district and the workbook (in a child) ----------------------------------------------


def _build_district(units: int) -> str:
    from django.db import connection, transaction

    from assessment.models import AssessmentYear, YearStatus
    from benchmarks.dataset import Shape, catalogues_of, units_and_indicators

    with transaction.atomic():
        year = AssessmentYear.objects.create(year=YEAR, status=YearStatus.COLLECTING)
        built, indicators = units_and_indicators(
            Shape(units=units, cadres_per_unit=1), year, COMPLETION
        )
        catalogues_of(indicators)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return f"{len(built):,} units, {len(indicators):,} indicators"


def _write_workbooks(files: dict[str, tuple[Path, int]]) -> dict[str, int]:
    """Each file (path, rows): the first ``rows`` rows of one and the same data. Returns each
    file's number of claims and findings by item."""
    from openpyxl import Workbook

    from assessment.models import Indicator
    from units.models import Unit

    by_category: dict[int, list[str]] = {}
    for category_id, code in Indicator.objects.filter(year__year=YEAR).values_list(
        "category_id", "code"
    ):
        by_category.setdefault(category_id, []).append(code)
    pairs = [
        (unit, code)
        for unit, category_id in Unit.objects.order_by("code").values_list("code", "category_id")
        for code in sorted(by_category[category_id])
    ]
    books = {name: Workbook(write_only=True) for name in files}
    sheets = {name: book.create_sheet("证据") for name, book in books.items()}
    for sheet in sheets.values():
        sheet.append(HEADERS)
    rng = random.Random(YEAR)
    start = datetime.date(YEAR, 1, 1)
    claims = dict.fromkeys(files, 0)
    for number in range(max(rows for _path, rows in files.values())):
        turn, index = divmod(number, len(pairs))
        unit, code = pairs[index]
        day = start + datetime.timedelta(days=(index * 7 + turn * 11) % 365)
        # identity (unit, indicator, date, description): the turn keeps every row distinct
        claim = code.endswith("S01") and code[:3] in {"BON", "DED"}
        row = [
            unit,
            code,
            day,
            rng.randint(1, 3) if claim else round(rng.uniform(1, 5000), 2),
            f"{WHAT[(index + turn) % len(WHAT)]}，第{turn + 1}次报送",
            rng.choice(STATUS_CELLS),
            ITEMS[number % 2] if claim else "",
            f"区委办〔{YEAR}〕{number % 400 + 1}号" if claim else "",
        ]
        for name, (_path, rows) in files.items():
            if number < rows:
                sheets[name].append(row)
                claims[name] += claim
    for name, book in books.items():
        book.save(files[name][0])
    return claims


# --- the four paths, each run in a child -----------------------------------------------------


@dataclass
class Outcome:
    """What a path did, as the child reports it."""

    seconds: float
    max_rss: int  # bytes: ru_maxrss of the child (Django and the forked parent included)
    start_rss: int  # bytes: ru_maxrss when the child started, before reading the file
    traced_peak: int = 0  # bytes, with --tracemalloc only
    note: str = ""
    phases: list[tuple[str, float]] = field(default_factory=list)


def _max_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def _run_path(name: str, file: str, traced: bool) -> Outcome:
    start_rss = _max_rss()
    data = Path(file).read_bytes()
    if traced:
        tracemalloc.start()
    phases: list[tuple[str, float]] = []
    started = time.perf_counter()
    note = PATHS[name](data, os.path.basename(file), phases)
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if traced else 0
    tracemalloc.stop()
    timeline = [(phase, at - started) for phase, at in phases]
    return Outcome(seconds, _max_rss(), start_rss, peak, note, _durations(timeline, seconds))


def _durations(timeline: list[tuple[str, float]], end: float) -> list[tuple[str, float]]:
    """From (phase, start) to (phase, seconds)."""
    ends = [at for _phase, at in timeline[1:]] + [end]
    return [(phase, stop - at) for (phase, at), stop in zip(timeline, ends, strict=True)]


def _ours(commit: bool) -> Callable[[bytes, str, list[tuple[str, float]]], str]:
    def run(data: bytes, file_name: str, phases: list[tuple[str, float]]) -> str:
        from assessment.imports.service import workbook_import, workbook_preview

        def progress(phase: str, done: int, total: int) -> None:
            if not phases or phases[-1][0] != phase:
                phases.append((phase, time.perf_counter()))

        call = workbook_import if commit else workbook_preview
        preview = call(
            kind="evidence",
            data=data,
            file_name=file_name,
            user=None,
            door="cli",
            progress=progress,
        )
        counts: dict[str, int] = {}
        for row in preview.rows:
            counts[str(row.status)] = counts.get(str(row.status), 0) + 1
        summary = ", ".join(f"{count:,} {status}" for status, count in sorted(counts.items()))
        if preview.errors:
            summary += f"; {len(preview.errors):,} errors, first: {preview.errors[0]}"
        return summary + ("; committed" if preview.committed else "")

    return run


def _default_resource():
    """What a typical user of django-import-export writes for the evidence workbook."""
    from import_export import fields, resources, widgets

    from assessment.models import Evidence, Indicator, Item
    from units.models import Unit

    class IndicatorOfUnit(widgets.ForeignKeyWidget):
        """An indicator code is unique within a category and year: the row's unit's, in 2026."""

        def get_queryset(self, value, row, *args, **kwargs):
            return self.model.objects.filter(year__year=YEAR, category__units__code=row["单位代码"])

    class ItemOfIndicator(widgets.ForeignKeyWidget):
        """An item code is unique within its indicator: the row's indicator's."""

        def get_queryset(self, value, row, *args, **kwargs):
            return self.model.objects.filter(
                indicator__year__year=YEAR,
                indicator__code=row["指标代码"],
                indicator__category__units__code=row["单位代码"],
            )

    class StatusWidget(widgets.CharWidget):
        NAMES = {"待核实": "pending", "已核实": "verified"}

        def clean(self, value, row=None, **kwargs):
            value = (value or "").strip()
            return self.NAMES.get(value, value) or "pending"

    class EvidenceResource(resources.ModelResource):
        unit = fields.Field("unit", "单位代码", widgets.ForeignKeyWidget(Unit, "code"))
        indicator = fields.Field("indicator", "指标代码", IndicatorOfUnit(Indicator, "code"))
        date = fields.Field("date", "日期", widgets.DateWidget())
        value = fields.Field("value", "数值", widgets.DecimalWidget())
        description = fields.Field("description", "说明")
        status = fields.Field("status", "状态", StatusWidget())
        item = fields.Field("item", "事项代码", ItemOfIndicator(Item, "code"))
        document = fields.Field("document", "文号", widgets.CharWidget())  # empty: ""

        class Meta:
            model = Evidence
            fields = (
                "id", "unit", "indicator", "date", "value", "description", "status", "item",
                "document",
            )  # fmt: skip

    return EvidenceResource()


def _default_path(data: bytes, file_name: str, phases: list[tuple[str, float]]) -> str:
    from import_export.formats.base_formats import XLSX

    phases.append(("load (XLSX().create_dataset)", time.perf_counter()))
    dataset = XLSX().create_dataset(data)
    phases.append(("import_data", time.perf_counter()))
    result = _default_resource().import_data(dataset, dry_run=False, raise_errors=False)
    row_errors = result.row_errors()
    first = [error.error for error in result.base_errors]
    first += [error.error for _number, errors in row_errors[:1] for error in errors[:1]]
    first += [invalid.error for invalid in result.invalid_rows[:1]]
    errors = len(row_errors) + len(result.base_errors) + len(result.invalid_rows)
    return f"{result.totals['new']:,} new, {errors:,} errors" + (
        f", first: {first[0]!r}" if first else ""
    )


def _floor(data: bytes, file_name: str, phases: list[tuple[str, float]]) -> str:
    from django.db import transaction
    from python_calamine import CalamineWorkbook

    from assessment.models import Evidence, Indicator, Item
    from units.models import Unit

    phases.append(("read and build", time.perf_counter()))
    rows = CalamineWorkbook.from_filelike(BytesIO(data)).get_sheet_by_index(0).iter_rows()
    at = {header: index for index, header in enumerate(next(rows))}
    unit_c, indicator_c, date_c, value_c, text_c, status_c, item_c, document_c = (
        at[header] for header in HEADERS
    )
    units = {
        code: (pk, category)
        for code, pk, category in Unit.objects.values_list("code", "pk", "category_id")
    }
    indicators = {
        (category, code): pk
        for category, code, pk in Indicator.objects.filter(year__year=YEAR).values_list(
            "category_id", "code", "pk"
        )
    }
    items = {
        (indicator, code): pk
        for indicator, code, pk in Item.objects.filter(indicator__year__year=YEAR).values_list(
            "indicator_id", "code", "pk"
        )
    }
    statuses = {"待核实": "pending", "已核实": "verified", "": "pending"}
    written = 0
    batch: list[Evidence] = []
    with transaction.atomic():
        for cells in rows:
            unit, category = units[cells[unit_c]]
            day = cells[date_c]
            indicator = indicators[(category, cells[indicator_c])]
            batch.append(
                Evidence(
                    unit_id=unit,
                    indicator_id=indicator,
                    date=day.date() if isinstance(day, datetime.datetime) else day,
                    value=Decimal(str(cells[value_c])),
                    description=cells[text_c],
                    status=statuses.get(cells[status_c], cells[status_c]),
                    item_id=items.get((indicator, cells[item_c])),
                    document=cells[document_c],
                )
            )
            if len(batch) == BATCH:
                written += len(Evidence.objects.bulk_create(batch))
                batch = []
        written += len(Evidence.objects.bulk_create(batch))
    return f"{written:,} new, no history"


PATHS: dict[str, Callable[[bytes, str, list[tuple[str, float]]], str]] = {
    "a. ours: workbook_preview": _ours(commit=False),
    "b. ours: workbook_import": _ours(commit=True),
    "c. django-import-export default": _default_path,
    "d. floor: calamine + bulk_create": _floor,
}


def _profile(file: str, top: int) -> str:
    data = Path(file).read_bytes()
    run = PATHS["b. ours: workbook_import"]
    return profile_call(lambda: run(data, os.path.basename(file), []), top)


# --- between the steps (in the parent) -------------------------------------------------------


def _clear() -> None:
    """No evidence, no evidence history: the state every step starts from."""
    from django.db import connection

    from assessment.models import Evidence

    with connection.cursor() as cursor:
        for model in (Evidence.history.model, Evidence):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
        if connection.vendor == "postgresql":  # outside a transaction: Django autocommits
            for model in (Evidence.history.model, Evidence):
                table = connection.ops.quote_name(model._meta.db_table)
                cursor.execute(f"VACUUM ANALYZE {table}")
    connection.close()


def _stored() -> tuple[int, int, int]:
    from django.db import connection

    from assessment.models import Evidence

    counts = (
        Evidence.objects.count(),
        Evidence.history.count(),
        Evidence.objects.filter(item__isnull=False).exclude(document="").count(),
    )
    connection.close()
    return counts


# --- report ----------------------------------------------------------------------------------


@dataclass
class Step:
    name: str
    rows: int
    outcome: Outcome
    stored: tuple[int, int, int]  # records, history rows, records by item with a document
    claims: int  # rows by item in the file
    traced: Outcome | None = None

    @property
    def rate(self) -> float:
        return self.rows / self.outcome.seconds if self.outcome.seconds else 0.0


def report(steps: dict[str, Step], total: int) -> str:
    preview, ours, default, floor = (steps[name] for name in PATHS)
    speedup = ours.rate / default.rate if default.rate else float("inf")
    floor_ratio = floor.rate / ours.rate if ours.rate else float("inf")
    goals = {
        preview.name: ("peak < 500 MB", preview.outcome.max_rss < PEAK, ""),
        ours.name: ("peak < 500 MB", ours.outcome.max_rss < PEAK, "1.00"),
        default.name: (f"ours ≥ {SPEEDUP:.0f}× this", speedup >= SPEEDUP, f"ours {speedup:.1f}×"),
        floor.name: (
            f"this ≤ {FLOOR_RATIO:.0f}× ours",
            floor_ratio <= FLOOR_RATIO,
            f"{floor_ratio:.2f}× ours",
        ),
    }
    head = ("path", "rows", "seconds", "rows/s", "peak RSS MB", "ratio", "goal", "verdict")
    table = [head]
    for step in steps.values():
        goal, ok, ratio = goals[step.name]
        if step is preview:
            ratio = f"{step.rate / ours.rate:.2f}× ours" if ours.rate else ""
        marked = "*" if step.rows < total else ""
        table.append(
            (
                step.name,
                f"{step.rows:,}{marked}",
                f"{step.outcome.seconds:.1f}",
                f"{step.rate:,.0f}",
                f"{step.outcome.max_rss / MB:,.0f}",
                ratio,
                goal,
                verdict(ok),
            )
        )
    widths = [max(len(row[i]) for row in table) for i in range(len(head))]
    right = {1, 2, 3, 4}
    lines = [
        "  ".join(
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ).rstrip()
        for row in table
    ]
    lines.insert(1, "-" * len(lines[0]))
    lines.append("ratio: a path's rows/s ÷ our import's (for c, our import's ÷ the default path's)")
    if default.rows < total:
        whole = total / default.rate if default.rate else float("inf")
        lasts = f"{whole / 60:.0f} min" if whole >= 120 else f"{whole:.0f} s"
        lines += [
            "",
            f"* measured on the first {default.rows:,} rows: the whole file would take ~{lasts} "
            "at that rate;",
            "  its peak memory is the prefix's (it grows with the rows).",
        ]
    lines += ["", "what each path did, and what was stored afterwards:"]
    expected = {
        preview.name: (0, 0, 0),
        ours.name: (ours.rows, ours.rows, ours.claims),
        default.name: (default.rows, default.rows, default.claims),  # save() writes history
        floor.name: (floor.rows, 0, floor.claims),
    }
    for step in steps.values():
        records, history, claims = step.stored
        check = "as expected" if step.stored == expected[step.name] else "NOT AS EXPECTED"
        lines.append(f"  {step.name:<34} {step.outcome.note}")
        lines.append(
            f"  {'':<34} stored: {records:,} records ({claims:,} by item, with a document), "
            f"{history:,} history rows ({check})"
        )
    lines += ["", "where the time goes (our layer's phases as its progress reports them):"]
    for step in steps.values():
        parts = [f"{phase} {seconds:.1f} s" for phase, seconds in step.outcome.phases]
        lines.append(f"  {step.name:<34} {' · '.join(parts)}")
    start = min(step.outcome.start_rss for step in steps.values())
    lines += ["", f"peak RSS includes the forked child's start: ~{start / MB:,.0f} MB (Django)."]
    if any(step.traced for step in steps.values()):
        lines += ["", "tracemalloc peak (a separate pass of each path, slower):"]
        for step in steps.values():
            if step.traced:
                lines.append(
                    f"  {step.name:<34} {step.traced.traced_peak / MB:,.0f} MB "
                    f"({step.traced.seconds:.1f} s traced)"
                )
    return "\n".join(lines)


# --- main ------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS, help="rows of the workbook")
    parser.add_argument(
        "--default-rows",
        type=int,
        default=DEFAULT_PATH_ROWS,
        help="rows given to django-import-export's default path (its rate is extrapolated)",
    )
    parser.add_argument(
        "--tracemalloc", action="store_true", help="add a pass of each path for the heap's peak"
    )
    parser.add_argument(
        "--profile", action="store_true", help="add a cProfile listing of workbook_import"
    )
    args = parser.parse_args()

    database, remove = bench_database()
    folder = tempfile.mkdtemp(prefix="district-bench-imports-", dir="/tmp")
    try:
        setup_django(database)
        run(args, Path(folder))
    finally:
        from django.db import connections

        connections.close_all()
        remove()
        shutil.rmtree(folder, ignore_errors=True)


def run(args: argparse.Namespace, folder: Path) -> None:
    from django.core.management import call_command
    from django.db import connection

    rows = args.rows
    prefix = min(args.default_rows, rows)
    print(
        f"Evidence import benchmark on {connection.display_name} {server_version()}: "
        f"{rows:,} rows, {UNITS} units"
    )
    print(f"  throwaway database: {connection.settings_dict['NAME']}")
    call_command("migrate", verbosity=0)
    built = in_child(_build_district, UNITS, doing="building the district")
    files = {"full": (folder / "evidence.xlsx", rows), "prefix": (folder / "prefix.xlsx", prefix)}
    started = time.perf_counter()
    claims = in_child(_write_workbooks, files, doing="writing the workbook")
    size = files["full"][0].stat().st_size
    print(
        f"  built {built}; workbook of {rows:,} rows ({size / MB:.1f} MB) written in "
        f"{time.perf_counter() - started:.1f} s; measuring …",
        flush=True,
    )
    steps: dict[str, Step] = {}
    for name in PATHS:
        file = "prefix" if name.startswith("c.") else "full"  # the default path: a prefix
        path, count = files[file]
        _clear()
        outcome = in_child(_run_path, name, str(path), False, doing=name)
        steps[name] = Step(name, count, outcome, _stored(), claims[file])
        print(f"  {name}: {outcome.seconds:.1f} s", flush=True)
        if args.tracemalloc:
            _clear()
            steps[name].traced = in_child(_run_path, name, str(path), True, doing=name)
    listing = ""
    if args.profile:
        _clear()
        listing = in_child(_profile, str(files["full"][0]), 25, doing="profiling")
    _clear()
    print()
    print(report(steps, rows))
    if listing:
        print(f"\ncProfile of workbook_import, {rows:,} rows:\n")
        print(listing)


if __name__ == "__main__":
    main()
