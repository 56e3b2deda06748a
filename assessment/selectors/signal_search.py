"""The year's records as the falsification signals see them, read by the database first.

A city's year is a million records, and nearly all of them take part in no signal. So each
signal asks the database for the records that can take part in it — those sharing a file
with another, those with a description long enough to compare, those dated long before they
were entered, the pairs of a cumulative figure that goes down — or for per-unit counts (the
last digits, the round numbers, the late entries), and reads the records only of the units
those counts single out. The pure functions of ``assessment.scoring.signals`` then decide on
those records exactly as on all of them: every read here keeps at least the records a signal
could be made of, so the signals are the same (``tests/assessment/test_signal_search.py``
compares them with ``all_signals`` over ``year_facts``, the whole year read row by row).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    Q,
    QuerySet,
    Sum,
    Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Abs, Floor, Lag, Length, Mod, RowNumber, TruncDate
from django.db.models.lookups import GreaterThan
from django.utils import timezone

from assessment.models import (
    AggregationChoices,
    AssessmentYear,
    Evidence,
    EvidenceAttachment,
    EvidenceStatus,
    Indicator,
    MethodChoices,
)
from assessment.scoring.descriptions import similar_descriptions
from assessment.scoring.digits import (
    digit_heaping,
    heaping_test,
    round_numbers,
    round_test,
)
from assessment.scoring.signals import (
    Fact,
    Signal,
    Thresholds,
    backdated,
    bursts,
    cumulative_decreases,
    outlier_hits,
    outlier_signal,
    shared_attachments,
)
from assessment.scoring.sources import source_contradictions
from units.models import Unit

CHUNK = 20_000  # rows fetched at a time when many records are streamed, ids named at a time


@dataclass(frozen=True)
class _IndicatorFacts:
    code: str
    # a latest-value figure is a cumulative one (a year-to-date total, a full-year estimate)
    # unless it is a level kept under a ceiling: a running average of PM2.5 may fall, and a
    # high figure there never flatters the unit
    cumulative: bool
    higher_flatters: bool
    sourced: bool  # names a data source unit (一数一源)


class YearRecords:
    """The year's current records that are not rejected, and the reads of them each signal
    needs; units and indicators by id, named from two small maps."""

    def __init__(self, year: AssessmentYear) -> None:
        units = list(Unit.objects.values_list("pk", "code", "name", "category__code"))
        self.unit_code = {pk: code for pk, code, _name, _category in units}
        self.unit_names = {code: name for _pk, code, name, _category in units}
        self.categories = {code: category for _pk, code, _name, category in units}
        self.indicators: dict[int, _IndicatorFacts] = {}
        rows = Indicator.objects.filter(year=year).values_list(
            "pk", "code", "aggregation", "method", "source_unit_id"
        )
        for pk, code, aggregation, method, source_unit in rows:
            ceiling = method == MethodChoices.CEILING
            self.indicators[pk] = _IndicatorFacts(
                code=code,
                cumulative=aggregation == AggregationChoices.LATEST and not ceiling,
                higher_flatters=not ceiling,
                sourced=source_unit is not None,
            )
        # the year's indicators by id, not a join on the year: the evidence table read alone
        of_year = list(self.indicators)
        self.records = (
            Evidence.objects.current()
            .filter(indicator_id__in=of_year)
            .exclude(status=EvidenceStatus.REJECTED)
            .order_by()
        )
        # the records that count (verified, not waived, not a unit's own figure where a data
        # source gives it): the only ones the signals about values look at
        self.counting = Evidence.objects.counting().filter(indicator_id__in=of_year).order_by()

    # --- records as facts ---------------------------------------------------------------

    def facts(
        self,
        records: QuerySet[Evidence],
        *,
        descriptions: bool = False,
        hashes: Mapping[int, list[str]] | None = None,
    ) -> list[Fact]:
        """``records`` as the signals' facts (with their descriptions, and the SHA-256 of
        their files from ``hashes``, only where asked: most signals need neither)."""
        columns = [
            # the day of entry in the district's time zone, computed by the database: no
            # aware datetime built per row
            "pk", "unit_id", "indicator_id", "date", "recorded_at__date", "value",
            "status", "is_waived", "data_source_id",
        ]  # fmt: skip
        if descriptions:
            columns.append("description")
        verified, no_files = EvidenceStatus.VERIFIED, ()
        unit_code, indicators = self.unit_code, self.indicators
        found = []
        for row in records.values_list(*columns).iterator(chunk_size=CHUNK):
            pk, unit, indicator, date, entered, value, status, waived, source = row[:9]
            about = indicators[indicator]
            files = hashes.get(pk) if hashes else None
            # a unit's own figure on a source-fed indicator is kept, never counted (一数一源)
            claim = about.sourced and source is None
            found.append(
                Fact(
                    pk, unit_code[unit], about.code, date, value,
                    row[9] if descriptions else "", entered,
                    tuple(files) if files else no_files, about.cumulative,
                    status == verified and not waived and not claim,
                    unit_code.get(source, "") if source is not None else "", claim,
                    about.higher_flatters,
                )
            )  # fmt: skip
        return found

    def facts_of(self, ids: list[int], hashes: Mapping[int, list[str]] | None = None) -> list[Fact]:
        """The records of ``ids`` as facts, read a chunk of ids at a time (a bad year may have
        thousands, more than one query may name)."""
        return [
            fact
            for start in range(0, len(ids), CHUNK)
            for fact in self.facts(
                self.records.filter(pk__in=ids[start : start + CHUNK]), hashes=hashes
            )
        ]

    def all_facts(self) -> list[Fact]:
        """Every record of the year with its description and files: the whole year read row by
        row, as the signals' definitions take it (the reference the reads below keep to)."""
        hashes: dict[int, list[str]] = defaultdict(list)
        attached = (
            EvidenceAttachment.objects.order_by()
            .filter(evidence__in=self.records)
            .values_list("evidence_id", "sha256")
        )
        for record, sha256 in attached.iterator(chunk_size=CHUNK):
            hashes[record].append(sha256)
        return self.facts(self.records, descriptions=True, hashes=hashes)

    # --- what each signal reads -----------------------------------------------------------

    def sharing_a_file(self) -> list[Fact]:
        """The records with a file (by SHA-256) that another record holds too."""
        # the files stored more than once, of any year: few, and found on that table alone
        repeated = (
            EvidenceAttachment.objects.order_by()
            .values("sha256")
            .annotate(copies=Count("pk"))
            .filter(copies__gt=1)
            .values("sha256")
        )
        held = EvidenceAttachment.objects.order_by().filter(
            sha256__in=repeated, evidence__in=self.records
        )
        hashes: dict[int, list[str]] = defaultdict(list)
        for record, sha256 in held.values_list("evidence_id", "sha256"):
            hashes[record].append(sha256)
        return self.facts_of(sorted(hashes), hashes=hashes)

    def described(self, thresholds: Thresholds) -> list[Fact]:
        """The records whose description is long enough to compare (normalising never
        lengthens a text)."""
        long_enough = self.records.alias(length=Length("description")).filter(
            length__gte=thresholds.description_min_length
        )
        return self.facts(long_enough, descriptions=True)

    def recording(self) -> dict[str, int]:
        """How many units record each indicator (by code, as the signals name indicators)."""
        return dict(
            self.records.values("indicator__code")
            .annotate(units=Count("unit_id", distinct=True))
            .values_list("indicator__code", "units")
        )

    def of_late_units(self, closes: datetime.date, thresholds: Thresholds) -> list[Fact]:
        """The records of the units with enough of their year entered in the last days before
        collection closed (``bursts`` decides on them)."""
        # entered on a day after the window starts up to ``closes`` (the district's days):
        # from the first moment of the one to the last of the other, compared as stored
        first = closes - datetime.timedelta(days=thresholds.burst_days - 1)
        window = Q(
            recorded_at__gte=_midnight(first),
            recorded_at__lt=_midnight(closes + datetime.timedelta(days=1)),
        )
        per_unit = (
            self.records.values("unit_id")
            .annotate(total=Count("pk"), late=Count("pk", filter=window))
            .values_list("unit_id", "total", "late")
        )
        units = [
            unit
            for unit, total, late in per_unit
            if total >= thresholds.burst_min_records
            and late
            and late / total >= thresholds.burst_share
        ]
        return self.facts(self.records.filter(unit_id__in=units)) if units else []

    def dated_long_before(self, thresholds: Thresholds) -> list[Fact]:
        """The records dated more than ``backdate_days`` before the day they were entered."""
        days = thresholds.backdate_days
        records = self.records
        if connection.vendor == "sqlite":
            # SQLite finds the day of entry in the district by a Python function, a row at a
            # time: a test in its own date arithmetic first (the day in the district is at most
            # a day from the stored UTC one), and the exact one only on the rows it leaves
            span = RawSQL(
                "julianday({0}.recorded_at) - julianday({0}.date)".format(
                    connection.ops.quote_name(Evidence._meta.db_table)
                ),
                (),
                output_field=FloatField(),
            )
            records = records.filter(GreaterThan(span, days - 1))
        gap = ExpressionWrapper(TruncDate("recorded_at") - F("date"), output_field=DurationField())
        return self.facts(records.alias(gap=gap).filter(gap__gt=datetime.timedelta(days=days)))

    def outliers(
        self, history: Mapping[tuple[str, str], Sequence[Decimal]], thresholds: Thresholds
    ) -> list[Signal]:
        """Each unit's figure of the year (the sum of its counting records, or the latest of a
        cumulative figure) added up by the database; the records read only for the figures
        far above their peers."""
        flattering = [pk for pk, about in self.indicators.items() if about.higher_flatters]
        cumulative = {pk for pk in flattering if self.indicators[pk].cumulative}
        summed = [pk for pk in flattering if pk not in cumulative]
        figures: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(dict)
        latest: dict[tuple[int, int], int] = {}  # (unit, indicator) → the latest record

        def keep(unit_id: int, indicator_id: int, value: Decimal) -> None:
            unit = self.unit_code[unit_id]
            if unit in self.categories:
                code = self.indicators[indicator_id].code
                figures[(self.categories[unit], code)][unit] = value

        sums = (
            self.counting.filter(indicator_id__in=summed)
            .values("unit_id", "indicator_id")
            .annotate(figure=Sum("value"))
            .values_list("unit_id", "indicator_id", "figure")
        )
        # to the places a record keeps, as a sum of records has them (SQLite's sum may carry
        # a float's tail)
        places = Decimal(1).scaleb(-Evidence._meta.get_field("value").decimal_places)
        for unit_id, indicator_id, figure in sums:
            keep(unit_id, indicator_id, figure.quantize(places))
        lasts = (
            self.counting.filter(indicator_id__in=cumulative)
            .annotate(
                position=Window(
                    RowNumber(),
                    partition_by=[F("unit_id"), F("indicator_id")],
                    order_by=[F("date").desc(), F("pk").desc()],
                )
            )
            .filter(position=1)
            .values_list("pk", "unit_id", "indicator_id", "value")
        )
        for pk, unit_id, indicator_id, value in lasts:
            keep(unit_id, indicator_id, value)
            latest[(unit_id, indicator_id)] = pk
        hits = outlier_hits(figures, history, thresholds)
        if not hits:
            return []
        unit_ids = {code: pk for pk, code in self.unit_code.items()}
        codes = {(about.code, pk) for pk, about in self.indicators.items()}
        wanted = Q()
        for hit in hits:
            for code, indicator_id in codes:
                if code == hit.indicator:
                    unit_id = unit_ids[hit.unit]
                    if (unit_id, indicator_id) in latest:
                        wanted |= Q(pk=latest[(unit_id, indicator_id)])
                    else:
                        wanted |= Q(unit_id=unit_id, indicator_id=indicator_id)
        made_of: dict[tuple[str, str], list[Fact]] = defaultdict(list)
        for fact in self.facts(self.counting.filter(wanted)):
            made_of[(fact.unit, fact.indicator)].append(fact)
        return [outlier_signal(hit, made_of[(hit.unit, hit.indicator)], thresholds) for hit in hits]

    def going_down(self) -> list[Fact]:
        """The counting records of a cumulative figure lower than the one before them, and
        those before them (by date, then id, as ``cumulative_decreases`` orders them)."""
        cumulative = [pk for pk, about in self.indicators.items() if about.cumulative]
        partition, order = [F("unit_id"), F("indicator_id")], [F("date"), F("pk")]
        pairs = (
            self.counting.filter(indicator_id__in=cumulative)
            .annotate(
                before=Window(Lag("value"), partition_by=partition, order_by=order),
                before_pk=Window(Lag("pk"), partition_by=partition, order_by=order),
            )
            .filter(value__lt=F("before"))
            .values_list("pk", "before_pk")
        )
        return self.facts_of(sorted({pk for pair in pairs for pk in pair}))

    def of_heaping_units(self, thresholds: Thresholds) -> list[Fact]:
        """The counting records of the units whose last digits (of figures of 10 or more) are
        far from uniform, counted by the database."""
        digits = (
            self.counting.alias(whole=Floor(Abs("value")))
            .filter(whole__gte=10)
            .annotate(digit=Mod(F("whole"), 10))
            .values("unit_id", "digit")
            .annotate(records=Count("pk"))
            .values_list("unit_id", "digit", "records")
        )
        counts: dict[int, list[int]] = defaultdict(lambda: [0] * 10)
        for unit_id, digit, records in digits:
            counts[unit_id][int(digit)] += records
        units = [unit for unit, of_digit in counts.items() if heaping_test(of_digit, thresholds)]
        return self.facts(self.counting.filter(unit_id__in=units)) if units else []

    def of_round_units(self, thresholds: Thresholds) -> list[Fact]:
        """The counting records of the units with more whole hundreds among their figures of
        100 or more than chance allows, counted by the database."""
        per_unit = (
            self.counting.alias(size=Abs("value"), hundreds=Mod(F("value"), 100))
            .filter(size__gte=100)
            .values("unit_id")
            .annotate(records=Count("pk"), round=Count("pk", filter=Q(hundreds=0)))
            .values_list("unit_id", "records", "round")
        )
        units = [
            unit
            for unit, records, round_ones in per_unit
            if round_test(round_ones, records, thresholds) is not None
        ]
        return self.facts(self.counting.filter(unit_id__in=units)) if units else []

    def sourced(self) -> list[Fact]:
        """The figures of data sources, and the units' own figures on a source-fed indicator."""
        fed = [pk for pk, about in self.indicators.items() if about.sourced]
        if not fed:
            return []
        return self.facts(self.records.filter(indicator_id__in=fed))


def _midnight(day: datetime.date) -> datetime.datetime:
    """The first moment of ``day`` in the district's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def found_signals(
    records: YearRecords,
    *,
    closes: datetime.date | None,
    history: Mapping[tuple[str, str], Sequence[Decimal]],
    thresholds: Thresholds,
) -> list[Signal]:
    """Every signal of the year, in the order of the kinds (as ``all_signals`` gives them).

    The descriptions are compared in a thread of their own while the database answers the
    other reads: the comparison is the one long piece of work in Python, and a thread waiting
    on the database leaves the interpreter free. (It reads nothing: its records are read
    before it starts.)
    """
    described = records.described(thresholds)
    recording = records.recording()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="similar-descriptions") as pool:
        similar = pool.submit(
            similar_descriptions, described, records.unit_names, thresholds, recording
        )
        shared = shared_attachments(records.sharing_a_file())
        timing = (
            bursts(records.of_late_units(closes, thresholds), closes, thresholds) if closes else []
        )
        timing += backdated(records.dated_long_before(thresholds), thresholds)
        values = records.outliers(history, thresholds)
        values += cumulative_decreases(records.going_down())
        values += digit_heaping(records.of_heaping_units(thresholds), thresholds)
        values += round_numbers(records.of_round_units(thresholds), thresholds)
        values += source_contradictions(records.sourced(), thresholds)
        return shared + similar.result() + timing + values
