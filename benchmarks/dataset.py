"""A city-scale assessment year, written as fast as the database takes it.

Benchmark data, not demo data: no audit history, plain ``bulk_create`` for the small tables and
the driver's fastest bulk path for the evidence (``COPY`` on PostgreSQL, ``executemany`` in one
transaction on SQLite), with explicit ids so that corrections can point at the records they
supersede. The shape is a real scheme's: mostly completion, increment, ceiling and base_ratio
indicators aggregated by sum or latest, some city ranks, grades and surveys, a few bonus,
deduction and veto items; most evidence verified, some pending, rejected or superseded.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection, transaction

from assessment.models import (
    AssessmentYear,
    CadreEvaluation,
    CityRank,
    Contribution,
    Evidence,
    Grade,
    Indicator,
    Item,
    KeyProject,
    RunningTotal,
    SurveyRate,
    Target,
    TeamEvaluation,
)
from units.models import Cadre, Unit, UnitCategory

YEAR = 2026
BATCH = 5000

CATEGORIES = [
    ("town", "镇街", "T"),
    ("economic", "经济部门", "E"),
    ("management", "综合管理部门", "M"),
    ("social", "社会事业部门", "S"),
]

# (method, aggregation, how many per category, points): 60 indicators, regular points 100.
MIX = [
    ("completion", "sum", 14, 2),
    ("completion", "latest", 4, 2),
    ("increment", "latest", 6, 2),
    ("increment", "sum", 4, 2),
    ("ceiling", "sum", 6, 2),
    ("ceiling", "latest", 2, 2),
    ("base_ratio", "sum", 6, 2),
    ("city_rank", "sum", 4, 1),
    ("graded", "sum", 3, 2),
    ("survey", "sum", 3, 2),
    ("bonus", "sum", 3, 3),
    ("deduction", "sum", 3, 5),
    ("veto", "sum", 2, 0),
]
GROUPS = {
    "completion": "经济发展",
    "increment": "经济发展",
    "base_ratio": "招商引资",
    "ceiling": "社会治理",
    "city_rank": "全市排名",
    "graded": "党的建设",
    "survey": "群众满意度",
    "bonus": "加分项",
    "deduction": "扣分项",
    "veto": "一票否决",
}
QUANTITATIVE = {"completion", "increment", "ceiling", "base_ratio"}


@dataclass(frozen=True)
class Shape:
    units: int = 1000
    evidence: int = 1_000_000
    cadres_per_unit: int = 3
    projects: int = 20
    seed: int = 2026

    def per_category(self) -> list[int]:
        share, rest = divmod(self.units, len(CATEGORIES))
        return [share + (1 if i < rest else 0) for i in range(len(CATEGORIES))]


@dataclass(frozen=True)
class Built:
    units: int
    indicators: int
    targets: int
    evidence: int
    cadres: int


def build(shape: Shape) -> Built:
    """Write one assessment year of ``shape`` into an empty (migrated or flushed) database."""
    rng = random.Random(shape.seed)
    with transaction.atomic():
        office, reporter = _users()
        year = AssessmentYear.objects.create(year=YEAR, status="scoring", bonus_pool=100_000_000)
        units, cadres = _units(shape, rng)
        indicators = _indicators(year)
        catalogues = catalogues_of(indicators)
        scales, targets = _targets(units, indicators, cadres, rng)
        perf = {unit.pk: rng.uniform(0.7, 1.2) for unit in units}
        plan = list(_pairs(units, indicators))
        rows = _evidence(
            plan, scales, perf, shape.evidence, office.pk, reporter.pk, rng, catalogues
        )
        evidence = _insert(Evidence, EVIDENCE_FIELDS, rows)
        RunningTotal.objects.rebuild()  # the records went in by raw SQL, past the ORM's writes
        _imports(year, units, indicators, cadres, rng)
        _projects(year, units, cadres, office, shape.projects, rng)
    return Built(len(units), len(indicators), targets, evidence, sum(map(len, cadres.values())))


def units_and_indicators(
    shape: Shape, year: AssessmentYear, mix: list[tuple[str, str, int, int]] = MIX
) -> tuple[list[Unit], list[Indicator]]:
    """The units of ``shape`` (with their cadres) and ``mix``'s indicators per category."""
    units, _cadres = _units(shape, random.Random(shape.seed))
    return units, _indicators(year, mix)


def _users():
    User = get_user_model()
    office = User.objects.create(username="bench_office", password="!")
    reporter = User.objects.create(username="bench_reporter", password="!")
    return office, reporter


def _units(shape: Shape, rng: random.Random) -> tuple[list[Unit], dict[int, list[Cadre]]]:
    units = []
    for (code, name, prefix), count in zip(CATEGORIES, shape.per_category(), strict=True):
        category, _ = UnitCategory.objects.get_or_create(code=code, defaults={"name": name})
        units += [
            Unit(
                code=f"{prefix}{n:04d}",
                name=f"{name}{n:04d}",
                category=category,
                headcount=rng.randint(15, 120),
            )
            for n in range(1, count + 1)
        ]
    units = Unit.objects.bulk_create(units, batch_size=BATCH)
    cadres = Cadre.objects.bulk_create(
        [
            Cadre(
                unit=unit,
                name=f"干部{unit.code}-{k}",
                position="主要负责人" if k == 1 else "副职",
                rank_kind="principal" if k == 1 else "deputy",
            )
            for unit in units
            for k in range(1, shape.cadres_per_unit + 1)
        ],
        batch_size=BATCH,
    )
    by_unit: dict[int, list[Cadre]] = {}
    for cadre in cadres:
        by_unit.setdefault(cadre.unit_id, []).append(cadre)
    return units, by_unit


def _indicators(
    year: AssessmentYear, mix: list[tuple[str, str, int, int]] = MIX
) -> list[Indicator]:
    rows = []
    for category in UnitCategory.objects.filter(code__in=[c[0] for c in CATEGORIES]):
        order = 0
        for method, aggregation, count, points in mix:
            for n in range(1, count + 1):
                order += 1
                rows.append(
                    Indicator(
                        year=year,
                        category=category,
                        code=f"{method[:3].upper()}{aggregation[0].upper()}{n:02d}",
                        name=f"{GROUPS[method]}指标{order:02d}",
                        group=GROUPS[method],
                        points=Decimal(points),
                        method=method,
                        aggregation=aggregation,
                        cap=Decimal("1.2") if method == "completion" and n % 2 else Decimal(1),
                        sort_order=order,
                    )
                )
    return Indicator.objects.bulk_create(rows, batch_size=BATCH)


def catalogues_of(indicators: list[Indicator]) -> dict[int, list[int]]:
    """The first bonus and the first deduction indicator of each category carry a catalogue
    of two items (one with an item cap): indicator id → item ids."""
    rows = [
        Item(indicator=indicator, code=code, name=name, points=Decimal(points), cap=cap)
        for indicator in indicators
        if indicator.method in ("bonus", "deduction") and indicator.code.endswith("01")
        for code, name, points, cap in (
            ("P1", "省级表彰或通报", "0.5", Decimal("1.5")),
            ("C1", "市级表彰或通报", "0.2", None),
        )
    ]
    catalogues: dict[int, list[int]] = {}
    for item in Item.objects.bulk_create(rows, batch_size=BATCH):
        catalogues.setdefault(item.indicator_id, []).append(item.pk)
    return catalogues


Pair = tuple[int, int]  # (unit id, indicator id)


def _targets(
    units: list[Unit],
    indicators: list[Indicator],
    cadres: dict[int, list[Cadre]],
    rng: random.Random,
) -> tuple[dict[Pair, float], int]:
    """Targets and bases for every pair that needs them; returns each pair's scale."""
    scales: dict[Pair, float] = {}
    rows = []
    for unit, indicator in _pairs(units, indicators):
        if indicator.method not in QUANTITATIVE:
            continue
        target = base = None
        if indicator.method == "ceiling":
            target = Decimal(rng.randint(5, 60))
            scale = float(target)
        elif indicator.method == "base_ratio":
            base = Decimal(f"{rng.uniform(1000, 50000):.2f}")
            scale = float(base)
        else:
            target = Decimal(f"{rng.uniform(100, 10000):.2f}")
            scale = float(target)
            if indicator.method == "increment":
                base = Decimal(f"{float(target) / rng.uniform(1.05, 1.15):.2f}")
        scales[(unit.pk, indicator.pk)] = scale
        leader = cadres[unit.pk][rng.randrange(len(cadres[unit.pk]))]
        rows.append(Target(indicator=indicator, unit=unit, target=target, base=base, leader=leader))
    Target.objects.bulk_create(rows, batch_size=BATCH)
    return scales, len(rows)


def _pairs(units: list[Unit], indicators: list[Indicator]) -> Iterator[tuple[Unit, Indicator]]:
    by_category: dict[int, list[Indicator]] = {}
    for indicator in indicators:
        by_category.setdefault(indicator.category_id, []).append(indicator)
    for unit in units:
        for indicator in by_category[unit.category_id]:
            yield unit, indicator


# --- evidence: the million rows ------------------------------------------------------------------

EVIDENCE_FIELDS = [
    "id", "unit", "indicator", "date", "value", "description", "status", "is_current",
    "supersedes", "recorded_by", "recorded_at", "verified_by", "verified_at", "status_reason",
    "is_late", "late_reason", "correction_reason", "item", "document",
]  # fmt: skip
DAYS = [
    (datetime.date(YEAR, 1, 1) + datetime.timedelta(days=n)).isoformat()
    for n in range(365)  # 2026 is not a leap year
]
# As units record: a record is entered within two weeks of its date, now and then (one in a
# thousand) four months late, which the backdating signal is for.
ENTRY_LAG = 14
BACKDATED_LAG = 120
BACKDATED_SHARE = 0.001
# A cumulative (latest-value) figure grows through the year; now and then (one in two
# thousand) a record falls below the one before, which the cumulative-decrease signal is for.
FALLING_SHARE = 0.0005


def _evidence(
    plan: list[tuple[Unit, Indicator]],
    scales: dict[Pair, float],
    perf: dict[int, float],
    total: int,
    office: int,
    reporter: int,
    rng: random.Random,
    catalogues: dict[int, list[int]] | None = None,
) -> Iterator[tuple]:
    """Exactly ``total`` rows: a few bonus/deduction/veto records (those of a catalogued
    indicator name an item, a count and now and then a document another record cites too),
    the rest spread evenly over the quantitative pairs; ~90 % verified, 6 % pending,
    3 % rejected, ~1 % corrected."""
    catalogues = catalogues or {}
    sparse = []
    for unit, indicator in plan:
        if indicator.method in ("bonus", "deduction") and rng.random() < 0.3:
            sparse.append((unit, indicator))
        elif indicator.method == "veto" and rng.random() < 0.0025:
            sparse.append((unit, indicator))
    dense = [(u, i) for u, i in plan if i.method in QUANTITATIVE]
    each, extra = divmod(total - len(sparse), len(dense))
    stamps, true, false = _formats()
    next_id = 1

    def row(unit_id, indicator_id, value, status, current=true, supersedes=None, item=None,
            document="", day=None):  # fmt: skip
        nonlocal next_id
        next_id += 1
        checked = status != "pending"
        day = rng.randrange(365) if day is None else day
        lag = BACKDATED_LAG if rng.random() < BACKDATED_SHARE else rng.randrange(ENTRY_LAG)
        entered, verified = stamps[day + lag], stamps[day + lag + 1]
        return (
            next_id - 1, unit_id, indicator_id, DAYS[day], value, "月度数据",
            status, current, supersedes, reporter, entered, office if checked else None,
            verified if checked else None, "数据有误" if status == "rejected" else "", false, "",
            "", item, document,
        )  # fmt: skip

    for unit, indicator in sparse:
        if items := catalogues.get(indicator.pk):
            document = f"文〔2026〕{rng.randrange(40)}号" if rng.random() < 0.5 else ""
            count = str(rng.randint(1, 3))
            yield row(unit.pk, indicator.pk, count, "verified", item=rng.choice(items),
                      document=document)  # fmt: skip
        else:
            yield row(unit.pk, indicator.pk, f"{rng.choice((0.2, 0.5, 1.0)):.2f}", "verified")
    for index, (unit, indicator) in enumerate(dense):
        key = (unit.pk, indicator.pk)
        count = each + (1 if index < extra else 0)
        latest = indicator.aggregation == "latest"
        growing = latest and indicator.method != "ceiling"  # a year-to-date figure
        size = scales[key] * perf[unit.pk] * (1 if latest else 1 / count)
        done = 0
        while done < count:
            day = rng.randrange(365)
            value = _figure(rng, size, growing, day)
            draw = rng.random()
            if draw < 0.06:
                yield row(*key, value, "pending", day=day)
            elif draw < 0.09:
                yield row(*key, value, "rejected", day=day)
            elif draw < 0.1 and done + 1 < count:
                old = next_id
                yield row(*key, value, "verified", current=false, day=day)
                yield row(*key, _figure(rng, size, growing, day), "verified", supersedes=old,
                          day=day)  # fmt: skip
                done += 1
            else:
                yield row(*key, value, "verified", day=day)
            done += 1


def _figure(rng: random.Random, size: float, growing: bool, day: int) -> str:
    """A record's figure: around ``size``, or for a year-to-date figure its share by ``day``."""
    if not growing:
        return f"{size * rng.uniform(0.6, 1.4):.2f}"
    share = 0.3 + 0.7 * (day + 1) / 365
    if rng.random() < FALLING_SHARE:
        share /= 2
    return f"{size * share:.2f}"


def _formats() -> tuple[list[str], object, object]:
    """Timestamps (10:00 in the district, of each day from the year's first, as Django stores
    them: UTC) and booleans as each driver's fast path takes them."""
    days = [
        (datetime.date(YEAR, 1, 1) + datetime.timedelta(days=n)).isoformat()
        for n in range(365 + BACKDATED_LAG + 2)
    ]
    if connection.vendor == "postgresql":
        return [f"{day} 02:00:00+00" for day in days], True, False
    return [f"{day} 02:00:00" for day in days], 1, 0


def _insert(model, fields: list[str], rows: Iterable[tuple]) -> int:
    """Stream ``rows`` into ``model``'s table; returns how many were written."""
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(model._meta.get_field(f).column) for f in fields)
    connection.ensure_connection()
    written = 0

    def counted() -> Iterator[tuple]:
        nonlocal written
        for item in rows:
            written += 1
            yield item

    raw = connection.connection
    if connection.vendor == "postgresql":
        with raw.cursor() as cursor:
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for item in counted():
                    copy.write_row(item)
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{model._meta.db_table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
    else:
        marks = ", ".join("?" * len(fields))
        raw.cursor().executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", counted())
    return written


# --- imported values, evaluations, key projects --------------------------------------------------


def _imports(
    year: AssessmentYear,
    units: list[Unit],
    indicators: list[Indicator],
    cadres: dict[int, list[Cadre]],
    rng: random.Random,
) -> None:
    ranks, grades, surveys = [], [], []
    for unit, indicator in _pairs(units, indicators):
        if indicator.method == "city_rank":
            ranks.append(
                CityRank(indicator=indicator, unit=unit, rank=rng.randint(1, 300), total=300)
            )
        elif indicator.method == "graded":
            grade = rng.choices("ABCD", weights=(3, 5, 2, 1))[0]
            grades.append(Grade(indicator=indicator, unit=unit, grade=grade))
        elif indicator.method == "survey":
            rate = f"{rng.uniform(75, 99):.2f}" if unit.pk % 2 else f"{rng.uniform(0.75, 0.99):.4f}"
            surveys.append(SurveyRate(indicator=indicator, unit=unit, rate=Decimal(rate)))
    CityRank.objects.bulk_create(ranks, batch_size=BATCH)
    Grade.objects.bulk_create(grades, batch_size=BATCH)
    SurveyRate.objects.bulk_create(surveys, batch_size=BATCH)
    TeamEvaluation.objects.bulk_create(
        [TeamEvaluation(year=year, unit=u, score=_score(rng)) for u in units], batch_size=BATCH
    )
    CadreEvaluation.objects.bulk_create(
        [
            CadreEvaluation(year=year, cadre=c, score=_score(rng))
            for t in cadres.values()
            for c in t
        ],
        batch_size=BATCH,
    )


def _score(rng: random.Random) -> Decimal:
    return Decimal(f"{rng.uniform(70, 99):.2f}")


def _projects(
    year: AssessmentYear,
    units: list[Unit],
    cadres: dict[int, list[Cadre]],
    office,
    count: int,
    rng: random.Random,
) -> None:
    contributions = []
    for n in range(1, count + 1):
        unit = rng.choice(units)
        lead = cadres[unit.pk][0]
        project = KeyProject.objects.create(
            year=year, name=f"重点项目{n:02d}", unit=unit, lead_cadre=lead
        )
        members = [cadres[rng.choice(units).pk][1] for _ in range(3)]
        project.members.set(members)
        contributions += [
            Contribution(
                project=project,
                cadre=cadre,
                points=Decimal(rng.choice(["1.0", "2.0", "3.0"])),
                description="项目推进",
                status="verified",
                verified_by=office,
            )
            for cadre in [lead, *members]
        ]
    Contribution.objects.bulk_create(contributions, batch_size=BATCH)
