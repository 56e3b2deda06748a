"""Reads of the three-colour warnings: where each unit × indicator stands at a date, the
colours now (computed) and at the closed period ends (stored), and the follow-up records.

A handful of queries for a whole year, whatever the number of units and indicators: the
units, the indicators, the annual targets, the period targets and the counting records.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from assessment.models import (
    AggregationChoices,
    AssessmentYear,
    Evidence,
    Indicator,
    Instruction,
    PeriodColour,
    PeriodTarget,
    RectificationReport,
    ReportingPeriod,
    ReportStatus,
    TalkListEntry,
    Target,
    WarningNotice,
    WarningRules,
)
from assessment.scoring.colours import (
    FAILURE_METHODS,
    TARGETED_METHODS,
    Colour,
    Standing,
    colour_grid,
    period_target,
    pro_rata_share,
)
from assessment.selectors.roster import year_units
from units.access import AnyUser, sees_all_units, user_unit_id
from units.models import Unit

Pair = tuple[int, int]  # (unit id, indicator id)
ZERO = Decimal(0)


def warning_rules(year: AssessmentYear) -> WarningRules:
    """The year's warning parameters; the defaults while none are stored."""
    rules = WarningRules.objects.filter(year=year).first()
    return rules if rules is not None else WarningRules(year=year)


def year_periods(year: AssessmentYear) -> list[ReportingPeriod]:
    return list(ReportingPeriod.objects.filter(year=year).order_by("ends_on"))


def _period_target(
    annual: Decimal | None, entered: tuple[Decimal | None, Decimal | None] | None, share: Decimal
) -> Decimal | None:
    """The entered period target (share or figure), else `share` (pro rata) of the annual one."""
    if entered is not None:
        entered_share, value = entered
        if value is not None:
            return value
        if annual is None or entered_share is None:
            return None
        return period_target(annual, share=entered_share)
    if annual is None or share <= 0:
        return None
    return period_target(annual, share=share)


def standings(
    year: AssessmentYear, on: datetime.date, period: ReportingPeriod | None
) -> dict[Pair, Standing]:
    """Where every unit × indicator of the year's scheme stands on `on`: the counting records
    dated up to that day against the cumulative target of `period` (None: no period target)."""
    units = {row["id"]: row["category_id"] for row in year_units(year)}
    indicators = list(
        Indicator.objects.filter(year=year).values_list(
            "pk", "category_id", "method", "aggregation"
        )
    )
    annual = {
        (unit_id, indicator_id): target
        for unit_id, indicator_id, target in Target.objects.filter(
            indicator__year=year, target__isnull=False
        ).values_list("unit_id", "indicator_id", "target")
    }
    entered: dict[Pair, tuple[Decimal | None, Decimal | None]] = {}
    share = Decimal(0)
    if period is not None:
        share = pro_rata_share(year.year, period.ends_on)
        for unit_id, indicator_id, entered_share, value in PeriodTarget.objects.filter(
            period=period
        ).values_list("unit_id", "indicator_id", "share", "value"):
            entered[(unit_id, indicator_id)] = (entered_share, value)
    # Per pair: the number of counting records, their sum and the last one's value. The records
    # come in the order ``aggregate_evidence`` reads them (date, then as recorded), so the last
    # one is the latest: the same totals without building a row object per record.
    counts: dict[Pair, int] = defaultdict(int)
    sums: dict[Pair, Decimal] = defaultdict(Decimal)
    lasts: dict[Pair, Decimal] = {}
    records = (
        Evidence.objects.counting()
        .filter(indicator__year=year, date__range=(datetime.date(year.year, 1, 1), on))
        .order_by("date", "recorded_at", "pk")
        .values_list("unit_id", "indicator_id", "value")
    )
    for unit_id, indicator_id, value in records.iterator(chunk_size=10_000):
        pair = (unit_id, indicator_id)
        counts[pair] += 1
        sums[pair] += value
        lasts[pair] = value
    by_category: dict[int, list[int]] = defaultdict(list)
    for unit_id, unit_category in units.items():
        by_category[unit_category].append(unit_id)
    result: dict[Pair, Standing] = {}
    for indicator_id, category_id, method, aggregation in indicators:
        if method not in TARGETED_METHODS and method not in FAILURE_METHODS:
            continue
        latest = aggregation == AggregationChoices.LATEST
        for unit_id in by_category.get(category_id, ()):
            key = (unit_id, indicator_id)
            actual = lasts.get(key, ZERO) if latest else sums.get(key, ZERO)
            target = None
            if method in TARGETED_METHODS and period is not None:
                target = _period_target(annual.get(key), entered.get(key), share)
            result[key] = Standing(method, actual, target, counts.get(key, 0))
    return result


def latest_ended_period(year: AssessmentYear, today: datetime.date) -> ReportingPeriod | None:
    return ReportingPeriod.objects.filter(year=year, ends_on__lt=today).order_by("-ends_on").first()


def colours_now(year: AssessmentYear, today: datetime.date) -> dict[Pair, Colour]:
    """The colours today: the counting records so far against the targets of the latest
    period ended before today (none ended yet: only failures colour)."""
    period = latest_ended_period(year, today)
    grid = standings(year, today, period)
    return colour_grid(grid, yellow_share=warning_rules(year).yellow_share)


def colours_at(period: ReportingPeriod) -> dict[Pair, Colour]:
    """The colours stored when `period` was closed (empty while it is open)."""
    return {
        (unit_id, indicator_id): Colour.from_key(colour)
        for unit_id, indicator_id, colour in PeriodColour.objects.filter(period=period).values_list(
            "unit_id", "indicator_id", "colour"
        )
    }


# --- heat map ---------------------------------------------------------------------------------


@dataclass
class HeatRow:
    unit_id: int
    code: str
    name: str
    cells: list[tuple[str, Colour | None]] = field(default_factory=list)  # (indicator code, …)

    @property
    def colour(self) -> Colour | None:
        present = [cell for _code, cell in self.cells if cell is not None]
        return max(present) if present else None


@dataclass
class HeatMap:
    indicators: list[tuple[int, str, str]]  # (id, code, name) of the coloured indicators
    rows: list[HeatRow]


def heat_map(year: AssessmentYear, colours: dict[Pair, Colour], unit_ids: Iterable[int]) -> HeatMap:
    """The units × indicators of `colours` as a table, limited to `unit_ids`."""
    wanted = set(unit_ids)
    coloured = {indicator_id for unit_id, indicator_id in colours if unit_id in wanted}
    indicators = list(
        Indicator.objects.filter(pk__in=coloured)
        .order_by("category__sort_order", "sort_order", "code")
        .values_list("pk", "code", "name")
    )
    rows = [
        HeatRow(row["id"], row["code"], row["name"])
        for row in year_units(year)
        if row["id"] in wanted
    ]
    for row in rows:
        row.cells = [(code, colours.get((row.unit_id, pk))) for pk, code, _name in indicators]
    return HeatMap(indicators=indicators, rows=[row for row in rows if row.colour is not None])


# --- follow-up records ------------------------------------------------------------------------


def visible_unit_ids(user: AnyUser, year: AssessmentYear) -> list[int]:
    """The units whose warnings `user` may read: every unit for those who see all units,
    else their own."""
    if sees_all_units(user):
        return [row["id"] for row in year_units(year)]
    own = user_unit_id(user)
    return [] if own is None else [own]


def notices_for_user(user: AnyUser, period: ReportingPeriod) -> QuerySet[WarningNotice]:
    return (
        WarningNotice.objects.filter(period=period, unit_id__in=visible_unit_ids(user, period.year))
        .select_related("unit", "period")
        .prefetch_related("reports")
        .order_by("unit__code")
    )


def notice_get_for_user(user: AnyUser, pk: int) -> WarningNotice:
    """The notice if `user` may read it; 404 otherwise (another unit's notice is not found)."""
    notice = get_object_or_404(
        WarningNotice.objects.select_related("unit", "period__year", "issued_by"), pk=pk
    )
    if notice.unit_id not in visible_unit_ids(user, notice.period.year):
        raise Http404
    return notice


def notice_reds(notice: WarningNotice) -> QuerySet[PeriodColour]:
    """The red indicators the notice lists, with the shortfall stored at the close."""
    return (
        PeriodColour.objects.filter(period=notice.period, unit=notice.unit, colour="red")
        .select_related("indicator")
        .order_by("indicator__sort_order", "indicator__code")
    )


def report_is_open(notice: WarningNotice) -> bool:
    """True while the notice waits for a report: none filed, or the last one sent back."""
    last = notice.reports.order_by("-filed_at", "-pk").first()
    return last is None or last.status == ReportStatus.RETURNED


def reports_awaiting_review(year: AssessmentYear) -> QuerySet[RectificationReport]:
    return RectificationReport.objects.filter(
        notice__period__year=year, status=ReportStatus.FILED
    ).select_related("notice__unit", "notice__period")


def talk_list(period: ReportingPeriod) -> QuerySet[TalkListEntry]:
    return TalkListEntry.objects.filter(period=period).select_related("unit", "indicator", "talk")


def instructions_for_user(user: AnyUser, year: AssessmentYear) -> QuerySet[Instruction]:
    return (
        Instruction.objects.filter(year=year, unit_id__in=visible_unit_ids(user, year))
        .select_related("unit", "indicator", "notice__period", "written_by", "answered_by")
        .order_by("-written_at", "-pk")
    )


def period_targets_of(unit: Unit, periods: Iterable[ReportingPeriod]) -> dict[Pair, PeriodTarget]:
    """The period targets entered for `unit` in `periods`, by (period, indicator)."""
    found = PeriodTarget.objects.filter(unit=unit, period__in=list(periods))
    return {(row.period_id, row.indicator_id): row for row in found}
