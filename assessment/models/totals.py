"""Running totals of the evidence that counts, kept as the records are written.

A computation reads one row per unit, indicator and kind of figure here instead of summing a
city's million records each time (spec, "Where values come from"). Each row holds, for the
records of one unit and indicator that are verified, current, not waived and dated in the
indicator's year, their sum, their number and the latest of them (latest date, then the one
recorded last). ``sourced`` rows hold the figures of a data source unit (``data_source`` set),
the others the unit's own: the computation keeps only the sourced row of an indicator that
names a data source (一数一源), so naming or removing a source rewrites nothing here.

Every write of evidence through the ORM refreshes the pairs it touched in its own transaction
(``Evidence.save`` and ``delete``, and ``EvidenceQuerySet``'s ``update``, ``delete``,
``bulk_create`` and ``bulk_update``; the import's ``COPY`` too). A pair is refreshed by reading
its records again, never by adding a difference, under the audit chain's lock on PostgreSQL
(which an audited write holds already), so two writers of one unit cannot lose each other's
records. Records written by raw SQL (the benchmarks' bulk loads) are followed by
``RunningTotal.objects.rebuild()``. The results' honesty check (``run_matches_inputs``) sums the
records themselves, so totals gone wrong would show there; ``manage.py check_totals`` compares
them all.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import connections, models, transaction
from django.db.models import F

from assessment.models.years import AMOUNT, Indicator
from units.audit import lock_chain
from units.models import Unit

# The fields of a record that a running total reads: a write of none of them changes none.
COUNTED_FIELDS = frozenset(
    {
        "unit", "unit_id", "indicator", "indicator_id", "status", "is_current", "is_waived",
        "data_source", "data_source_id", "date", "value", "recorded_at",
    }
)  # fmt: skip

Pair = tuple[int, int]  # (unit id, indicator id)
Key = tuple[int, int, bool]  # (unit id, indicator id, sourced)
Figures = tuple[Decimal, int, Decimal]  # (total, records, latest value)
Difference = tuple[Key, Figures | None, Figures | None]


def touches_totals(fields: Iterable[str] | None) -> bool:
    """Whether writing ``fields`` (``None``: all of them) can change a running total."""
    return fields is None or not COUNTED_FIELDS.isdisjoint(fields)


class RunningTotalManager(models.Manager["RunningTotal"]):
    use_in_migrations = True  # the migration that adds the table fills it

    def refresh(self, pairs: Iterable[Pair], *, using: str | None = None) -> None:
        """Read again the records of every unit and indicator among ``pairs`` and store their
        totals: every combination of their units and indicators, a superset that is cheap
        (one pair in almost every write) and keeps the statements short."""
        pairs = set(pairs)
        if not pairs:
            return
        using = using or self.db
        units = sorted({unit for unit, _ in pairs})
        indicators = sorted({indicator for _, indicator in pairs})
        with transaction.atomic(using=using, savepoint=False):
            # Serialised with every other writer of records until this transaction ends: the
            # one that waits then reads the records after the other has committed, its own
            # included. The audit chain's lock, which an audited write holds already (taking a
            # second lock after it, in some writers before it, could deadlock).
            lock_chain(using)
            self._store(using, units=units, indicators=indicators)

    def rebuild(self, indicators: Iterable[int] | None = None, *, using: str | None = None) -> None:
        """Every total of ``indicators`` (all indicators when ``None``) read again from the
        records: after records written by raw SQL, and when the table is added."""
        using = using or self.db
        with transaction.atomic(using=using, savepoint=False):
            if connections[using].vendor == "postgresql":
                # one writer of the whole table meanwhile; readers go on
                with connections[using].cursor() as cursor:
                    table = connections[using].ops.quote_name(self.model._meta.db_table)
                    cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
            self._store(using, units=None, indicators=None if indicators is None else [*indicators])

    def differences(self, *, using: str | None = None) -> list[Difference]:
        """Every total that differs from its records' sum: (unit id, indicator id, sourced),
        then the total kept and the records' total, each as (sum, records, latest value),
        ``None`` where there is none."""
        using = using or self.db
        fresh = {row.key: row.figures for row in self._fresh(using, units=None, indicators=None)}
        kept = {row.key: row.figures for row in self.using(using).all()}
        return [
            (key, kept.get(key), fresh.get(key))
            for key in sorted(kept.keys() | fresh.keys())
            if kept.get(key) != fresh.get(key)
        ]

    def _store(self, using: str, *, units: list[int] | None, indicators: list[int] | None) -> None:
        stale = self.using(using).all()
        if units is not None:
            stale = stale.filter(unit_id__in=units)
        if indicators is not None:
            stale = stale.filter(indicator_id__in=indicators)
        stale.delete()  # nothing refers to these rows: one DELETE
        fresh = self._fresh(using, units=units, indicators=indicators)
        self.using(using).bulk_create(fresh, batch_size=2000)

    def _fresh(
        self, using: str, *, units: list[int] | None, indicators: list[int] | None
    ) -> list[RunningTotal]:
        """The totals of the records as they are now, unsaved."""
        from assessment.models.evidence import COUNTS  # (it imports this module)

        # the migration's models when run from one (which lack the managers' methods)
        evidence = self.model._meta.apps.get_model("assessment", "Evidence")._base_manager
        records = evidence.using(using).filter(**COUNTS, date__year=F("indicator__year__year"))
        if units is not None:
            records = records.filter(unit_id__in=units)
        if indicators is not None:
            records = records.filter(indicator_id__in=indicators)
        rows = records.order_by().values_list(
            "unit_id", "indicator_id", "data_source_id", "value", "date", "recorded_at", "id"
        )
        # a unit's few records at once; a whole table a chunk at a time
        return list(_totals(rows if units else rows.iterator(chunk_size=10_000), self.model))


def _totals(
    records: Iterable[tuple[Any, ...]], model: type[RunningTotal]
) -> Iterable[RunningTotal]:
    """The totals of ``records`` (unit, indicator, data source, value, date, recorded at, id),
    one per unit, indicator and kind (sourced or not): summed here as decimals, exactly (SQLite
    would sum them as binary floats)."""
    found: dict[tuple[int, int, bool], list[Any]] = {}
    for unit_id, indicator_id, source, value, date, recorded_at, pk in records:
        key = (unit_id, indicator_id, source is not None)
        latest = (date, recorded_at, pk)
        if (total := found.get(key)) is None:
            found[key] = [value, 1, latest, value]
            continue
        total[0] += value
        total[1] += 1
        if latest > total[2]:
            total[2] = latest
            total[3] = value
    for (unit_id, indicator_id, sourced), (value, count, latest, latest_value) in found.items():
        yield model(
            unit_id=unit_id,
            indicator_id=indicator_id,
            sourced=sourced,
            total=value,
            records=count,
            latest_date=latest[0],
            latest_recorded_at=latest[1],
            latest_id=latest[2],
            latest_value=latest_value,
        )


class RunningTotal(models.Model):
    """The counting records of one unit and indicator, summed (see the module's text)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    sourced = models.BooleanField(default=False)
    # a sum may outgrow one record's size
    total = models.DecimalField(max_digits=AMOUNT["max_digits"] + 8, decimal_places=6)
    records = models.PositiveIntegerField()
    latest_date = models.DateField()
    latest_recorded_at = models.DateTimeField()
    latest_id = models.PositiveBigIntegerField()
    latest_value = models.DecimalField(**AMOUNT)

    objects = RunningTotalManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "unit", "sourced"], name="running_total_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} · {self.indicator_id} · {self.total}"

    @property
    def key(self) -> Key:
        return (self.unit_id, self.indicator_id, self.sourced)

    @property
    def figures(self) -> Figures:
        return (self.total.normalize(), self.records, self.latest_value.normalize())
