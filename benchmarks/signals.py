"""``make bench``: how long computing every integrity signal of a city-scale year takes.

    python -m benchmarks.signals [--units N] [--evidence N] [--repeat N]

Builds the city of ``benchmarks.compute`` (1,000 units, 60 indicators per category, 1,000,000
evidence records) in a throwaway database, then gives it what the signals look at beyond the
figures: one record in ten a description of its own (ten words of a hundred, so that the
near-identical-description search has 100,000 real texts to compare) and one in five an
attachment (its SHA-256; a few shared between two units). Its records are entered as units
enter them, within two weeks of their date, one in a thousand four months late; its
cumulative figures grow through the year, one record in two thousand falling below the one
before (``benchmarks.dataset``): a year with a few cases for each signal, not one where every
record is one.

Times ``year_signals`` — the reads of the records that can take part in a signal
(``assessment.selectors.signal_search``) and every signal of ``assessment.scoring.signals`` —
as the integrity page's "compute" runs it before storing,
with the number of queries and the peak of the Python heap (tracemalloc, a separate run) and
the process's max RSS. The goal, for PostgreSQL (a city's database), is under 10 s. Prints
only; asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import resource
import time
import tracemalloc
from collections import Counter

from benchmarks.compute import (
    MB,
    build_in_child,
    in_child,
    in_throwaway_database,
    profile_call,
    server_version,
)
from benchmarks.whatif import timed

GOAL_SECONDS = 10.0
WORDS = (
    "走访 企业 项目 投资 入库 签约 开工 竣工 验收 调研 督办 宣传 培训 会议 检查 整改 建设 推进 "
    "服务 招商 园区 社区 网格 巡查 安全 生产 环境 河道 垃圾 分类 道路 养护 绿化 照明 供水 排水 "
    "燃气 消防 食品 药品 医疗 教育 养老 就业 社保 救助 退役 文化 体育 旅游 农业 林业 水利 畜牧 "
    "渔业 电商 物流 金融 税收 财政 审计 统计 规划 土地 住房 交通 信访 调解 法治 综治 应急 防汛 "
    "森林 防火 疫苗 卫生 计生 妇联 共青 工会 科协 侨联 残联 党建 纪检 组织 宣讲 统战 政法 档案 "
    "保密 机要 信息 数据 平台 系统"
).split()


def enrich(seed: int = 2026) -> tuple[int, int]:
    """Descriptions of their own for one record in ten, an attachment for one in five (a few
    files shared by two units); returns (descriptions, attachments) written."""
    from django.db import connection, transaction

    from assessment.models import Evidence
    from benchmarks.dataset import _insert

    rng = random.Random(seed)
    rows = list(Evidence.objects.order_by("pk").values_list("pk", "unit_id"))
    described = [(" ".join(rng.sample(WORDS, 10)), pk) for pk, _unit in rows[::10]]
    table = connection.ops.quote_name(Evidence._meta.db_table)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {table} SET description = %s WHERE id = %s", described)
        attached = rows[::5]
        hashes = [f"{rng.getrandbits(256):064x}" for _ in attached]
        # 50 files attached to a record half the city away too (another unit's)
        for n in range(0, min(50, len(hashes) // 2)):
            hashes[n + len(hashes) // 2] = hashes[n]
        from assessment.models import EvidenceAttachment

        written = _insert(
            EvidenceAttachment,
            [
                "evidence",
                "file",
                "original_name",
                "content_type",
                "size",
                "sha256",
                "uploaded_at",
            ],
            (
                (
                    pk,
                    f"bench/{n}.pdf",
                    f"佐证{n}.pdf",
                    "application/pdf",
                    1000,
                    sha256,
                    "2026-11-01 02:00:00",
                )
                for n, ((pk, _unit), sha256) in enumerate(zip(attached, hashes, strict=True))
            ),
        )
    return len(described), written


def run(args: argparse.Namespace) -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from assessment.models import AssessmentYear
    from assessment.selectors.integrity import year_signals
    from benchmarks.dataset import Shape

    print(f"Integrity signals benchmark on {connection.display_name} {server_version()}")
    call_command("migrate", verbosity=0)
    built = build_in_child(Shape(units=args.units, evidence=args.evidence, projects=2))
    started = time.perf_counter()
    described, attached = in_child(enrich, doing="adding descriptions and attachments")
    print(
        f"  built in {built:.1f} s, {described:,} descriptions and {attached:,} attachments "
        f"added in {time.perf_counter() - started:.1f} s; measuring …",
        flush=True,
    )
    year = AssessmentYear.objects.get()
    seconds, found = timed(lambda: year_signals(year), args.repeat)
    tracemalloc.start()
    with CaptureQueriesContext(connection) as queries:
        year_signals(year)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    kinds = Counter(signal.kind.value for signal in found)  # type: ignore[attr-defined]
    verdict = "OK" if seconds < GOAL_SECONDS else "SLOWER THAN THE GOAL"
    if connection.vendor != "postgresql":
        verdict += " (the goal is PostgreSQL's: for information)"
    print()
    print(f"  {len(found):,} signals: " + ", ".join(f"{k} {n:,}" for k, n in sorted(kinds.items())))  # type: ignore[arg-type]
    print(
        f"  {'every signal of the year (read + compute)':<50} {seconds:7.2f} s   "
        f"{len(queries.captured_queries)} queries   goal < {GOAL_SECONDS:.0f} s   {verdict}"
    )
    print(f"  {'tracemalloc peak (one run)':<50} {peak / MB:7,.0f} MB")
    print(f"  {'process max RSS':<50} {max_rss / MB:7,.0f} MB")
    if args.profile:
        print("\ncProfile of one run:\n")
        print(profile_call(lambda: year_signals(year)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1000, help="units in the city")
    parser.add_argument("--evidence", type=int, default=1_000_000, help="evidence records")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs")
    parser.add_argument("--profile", action="store_true", help="add a cProfile listing")
    in_throwaway_database(run, parser.parse_args())


if __name__ == "__main__":
    main()
