"""Reading the year's evidence for a computation: each unit and indicator's total, its number
of records and, for an indicator aggregated by ``latest``, the latest record's value.

Two ways, the same answer (spec, "Where values come from": verified, current records dated
in the year): ``evidence_from_totals`` reads the running totals kept as records are written
(``assessment.models.totals``), one row per unit, indicator and kind of figure, which is what a
computation reads; ``evidence_from_records`` sums the records themselves, which is what the
honesty check of a stored run reads, and what the suite compares the totals with.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections, models
from django.db.models import Count, F, Max, Sum, Window
from django.db.models.functions import RowNumber

from assessment import scoring
from assessment.models import AssessmentYear, Evidence, RunningTotal

UnitKey = Callable[[int, int], tuple[str, str] | None]
Totals = dict[tuple[str, str], scoring.EvidenceTotal]


def evidence_from_totals(
    year: AssessmentYear, indicators: Sequence[Mapping[str, Any]], key: UnitKey
) -> Totals:
    """The year's evidence from its running totals, in one query (two where a unit's own
    figures and a source's meet on an indicator aggregated by ``latest``).

    On an indicator that names a data source unit only the source's figures count (一数一源);
    elsewhere a unit's own figures and a source's (kept from before a source was removed) are
    added up, and the latest of both is the latest.
    """
    latest_ids = {row["id"] for row in indicators if row["aggregation"] == "latest"}
    source_fed = {row["id"] for row in indicators if row["source_unit_id"] is not None}
    totals = RunningTotal.objects.filter(indicator_id__in=[row["id"] for row in indicators])
    found: Totals = {}
    both: dict[tuple[int, int], tuple[str, str]] = {}  # of `latest` indicators: which is later
    for unit_id, indicator_id, sourced, total, records, latest in plain_rows(
        totals.order_by().values_list(
            "unit_id", "indicator_id", "sourced", "total", "records", "latest_value"
        )
    ):
        if not sourced and indicator_id in source_fed:
            continue  # a unit's own figure on a source-fed indicator: never counted
        if (k := key(unit_id, indicator_id)) is None:
            continue
        value = latest if indicator_id in latest_ids else total
        if (other := found.get(k)) is not None:  # a unit's own figures and a source's
            value = other.value + value
            if indicator_id in latest_ids:
                both[(unit_id, indicator_id)] = k
            records += other.records
        found[k] = scoring.EvidenceTotal(value=value, records=records)
    if both:
        rows = totals.filter(
            unit_id__in={unit for unit, _ in both}, indicator_id__in={i for _, i in both}
        ).values_list("unit_id", "indicator_id", "latest_value", "latest_date",
                      "latest_recorded_at", "latest_id")  # fmt: skip
        later: dict[tuple[int, int], tuple[Any, ...]] = {}
        for unit_id, indicator_id, value, *order in rows:
            pair = (unit_id, indicator_id)
            if pair in both and (pair not in later or order > later[pair][1]):
                later[pair] = (value, order)
        for pair, (value, _order) in later.items():
            k = both[pair]
            found[k] = scoring.EvidenceTotal(value=value, records=found[k].records)
    return found


def check_totals(kept: Totals, counted: Totals) -> None:
    """Raise if the running totals read (``kept``) differ from the records' own sums."""
    wrong = sorted(k for k in kept.keys() | counted.keys() if kept.get(k) != counted.get(k))
    if wrong:
        raise AssertionError(
            "running totals differ from the records: "
            + "; ".join(f"{k}: kept {kept.get(k)}, records {counted.get(k)}" for k in wrong[:10])
        )


def evidence_from_records(
    year: AssessmentYear, indicators: Sequence[Mapping[str, Any]], key: UnitKey
) -> Totals:
    """The year's evidence summed from the records: verified, current records dated in the year.

    One aggregate query gives the sum, count and last date per unit and indicator; one more,
    with a window function, gives the latest record's value for indicators aggregated by
    `latest` (latest date, then the one recorded last).
    """
    in_year = Evidence.objects.counting().filter(
        date__gte=datetime.date(year.year, 1, 1), date__lte=datetime.date(year.year, 12, 31)
    )
    # the ids, not a join on the year: the aggregate then reads the evidence table alone
    counting = in_year.filter(indicator_id__in=[row["id"] for row in indicators])
    latest_ids = {row["id"] for row in indicators if row["aggregation"] == "latest"}
    totals: Totals = {}
    earliest_last_date = None  # of the `latest` pairs
    for unit_id, indicator_id, total, records, last in plain_rows(
        counting.values("unit_id", "indicator_id")
        .annotate(total=Sum("value"), records=Count("id"), last=Max("date"))
        .order_by()
        .values_list("unit_id", "indicator_id", "total", "records", "last")
    ):
        if (k := key(unit_id, indicator_id)) is not None:
            totals[k] = scoring.EvidenceTotal(value=total, records=records)
            if indicator_id in latest_ids:
                earliest_last_date = min(earliest_last_date or last, last)

    if earliest_last_date is not None:
        latest = (
            # Every pair's latest record is dated on or after the earliest of the pairs' last
            # dates, so older records can be left out of the window's sort: same answer, and
            # with monthly reporting a small fraction of the rows.
            in_year.filter(indicator_id__in=latest_ids, date__gte=earliest_last_date)
            .annotate(
                position=Window(
                    RowNumber(),
                    partition_by=[F("unit_id"), F("indicator_id")],
                    order_by=[F("date").desc(), F("recorded_at").desc(), F("id").desc()],
                )
            )
            .filter(position=1)
            .order_by()  # into a dictionary: the records' own order would be one more sort
            .values_list("unit_id", "indicator_id", "value")
        )
        for unit_id, indicator_id, value in plain_rows(latest):
            if (k := key(unit_id, indicator_id)) is not None:
                totals[k] = scoring.EvidenceTotal(value=value, records=totals[k].records)
    return totals


def plain_rows(rows: models.QuerySet[Any, tuple[Any, ...]]) -> Iterable[tuple[Any, ...]]:
    """The tuples of a ``values_list`` query. On PostgreSQL psycopg already returns each value
    as the ORM would (``Decimal``, ``int``, ``date``), so the query runs on a plain cursor and
    skips the ORM's converters and its row objects (a tenth of reading a city's 44,000 sums).
    Elsewhere the ORM reads them: SQLite returns sums of decimals as floats."""
    connection = connections[rows.db]
    if connection.vendor != "postgresql":
        return rows
    try:
        sql, params = rows.query.get_compiler(using=rows.db).as_sql()
    except EmptyResultSet:  # e.g. a year without indicators: the ORM would not ask either
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found: list[tuple[Any, ...]] = cursor.fetchall()
    return found
