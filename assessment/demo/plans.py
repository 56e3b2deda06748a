"""Planners of the demo's year-round evidence: for one indicator and one unit's performance, the
target or base and the month-by-month records that make it (deterministic, one random source)."""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from assessment.demo.scheme import (
    AWARDS,
    DEAL_PROJECTS,
    DEMO_YEAR,
    FAILURES,
    FUND_SOURCES,
    LAST_MONTH,
    Item,
    M,
)


@dataclass
class Plan:
    """A unit's target and base for an indicator and its records: (date, value, description)."""

    target: Decimal | None = None
    base: Decimal | None = None
    records: list[tuple[datetime.date, Decimal, str]] = field(default_factory=list)


CENT = Decimal("0.01")


def _dec(value: float, places: int) -> Decimal:
    return Decimal(f"{value:.{places}f}")


def _day(rng: random.Random, month: int, first: int = 3, last: int = 26) -> datetime.date:
    return datetime.date(DEMO_YEAR, month, rng.randint(first, last))


def _monthly(
    total: float, rng: random.Random, *, months: int = 12, last: int = LAST_MONTH
) -> list[float]:
    """`total` spread over `months` uneven months; those up to month `last` are returned."""
    weights = [rng.uniform(0.75, 1.25) for _ in range(months)]
    return [total * w / sum(weights) for w in weights[:last]]


def _note(item: Item, month: int, value: Decimal | int) -> str:
    return item.note.format(month=month, value=value, measure=item.measure)


def _plan_amount(
    item: Item, perf: float, rng: random.Random, last: int = LAST_MONTH, place: str = ""
) -> Plan:
    """Monthly flows (revenue, investment): their sum is compared with the annual target."""
    target = _dec(rng.uniform(item.low, item.high), item.places)
    plan = Plan(target=target)
    if item.method == M.INCREMENT:
        plan.base = _dec(float(target) / rng.uniform(1.06, 1.12), item.places)
    # An increment is judged against last year's full figure: the demo lets those units be
    # further ahead by October, so that the increment part does not read as zero everywhere.
    months = last + 1 if item.method == M.INCREMENT else 12
    total = float(target) * perf * rng.uniform(0.92, 1.05)
    for month, value in enumerate(_monthly(total, rng, months=months, last=last)):
        amount = _dec(value, item.places)
        plan.records.append((_day(rng, month + 1), amount, _note(item, month + 1, amount)))
    return plan


def _plan_count(
    item: Item, perf: float, rng: random.Random, last: int = LAST_MONTH, place: str = ""
) -> Plan:
    """Things done (tasks, cases, firms): whole numbers, recorded in the month they were done."""
    target = rng.randint(int(item.low), int(item.high))
    plan = Plan(target=Decimal(target))
    if item.method == M.INCREMENT:
        plan.base = Decimal(min(target - 1, round(target / rng.uniform(1.1, 1.25))))
    done = round(target * last / 12 * perf * rng.uniform(0.9, 1.08))
    per_month = [0] * last
    for month in rng.choices(range(last), k=done):
        per_month[month] += 1
    for month, count in enumerate(per_month, start=1):
        if count:
            plan.records.append((_day(rng, month), Decimal(count), _note(item, month, count)))
    return plan


def _plan_level(
    item: Item, perf: float, rng: random.Random, last: int = LAST_MONTH, place: str = ""
) -> Plan:
    """A figure re-estimated each month (latest counts): the full-year forecast of GDP."""
    base = rng.uniform(item.low, item.high)
    growth = rng.uniform(0.06, 0.09)
    final = growth * perf * rng.uniform(0.6, 1.1)
    plan = Plan(target=_dec(base * (1 + growth), item.places), base=_dec(base, item.places))
    value = Decimal(0)
    for month in range(1, last + 1):
        estimate = final * (0.8 + 0.2 * month / last) + rng.uniform(-0.004, 0.004)
        # the estimate firms up month by month and is never revised down in this district
        value = max(value, _dec(base * (1 + estimate), item.places))
        plan.records.append((_day(rng, month, 25, 28), value, _note(item, month, value)))
    return plan


def _plan_ceiling_level(
    item: Item, perf: float, rng: random.Random, last: int = LAST_MONTH, place: str = ""
) -> Plan:
    """A level kept under a ceiling, re-measured each month (PM2.5 running average)."""
    ceiling = rng.randint(int(item.low), int(item.high))
    plan = Plan(target=Decimal(ceiling))
    level = ceiling * (1.12 - 0.3 * (perf - 0.82))
    for month in range(1, last + 1):
        value = _dec(level * rng.uniform(0.96, 1.04), item.places)
        months = f"1-{month}月" if month > 1 else "1月"
        text = f"{months}PM2.5累计平均浓度{value}{item.measure}"
        plan.records.append((_day(rng, month, 25, 28), value, text))
    return plan


def _plan_events(
    item: Item, perf: float, rng: random.Random, last: int = LAST_MONTH, place: str = ""
) -> Plan:
    """Events counted against a ceiling (accidents, petitions): one record per event, where the
    unit's `place` is."""
    ceiling = rng.randint(int(item.low), int(item.high))
    plan = Plan(target=Decimal(ceiling))
    happened = max(0, round(ceiling * rng.uniform(0.2, 1.4) / perf))
    for _ in range(happened):
        date = _day(rng, rng.randint(1, last))
        text = f"{date.month}月{date.day}日{place}{rng.choice(item.texts)}"
        plan.records.append((date, Decimal(1), text))
    return plan


def _plan_deals(
    item: Item, perf: float, rng: random.Random, last: int = LAST_MONTH, place: str = ""
) -> Plan:
    """Funds attracted deal by deal, compared with the unit's original base (base_ratio); the
    projects are in the unit's `place`."""
    base = _dec(rng.uniform(item.low, item.high), item.places)
    plan = Plan(base=base)
    total = float(base) * rng.uniform(0.55, 1.3) * perf
    shares = [rng.uniform(0.5, 1.5) for _ in range(rng.randint(2, 5))]
    for share in shares:
        amount = _dec(total * share / sum(shares), item.places)
        date = _day(rng, rng.randint(1, last))
        if item.code == "INV":
            text = f"{place}{rng.choice(DEAL_PROJECTS)}项目到位资金{amount}{item.measure}"
        else:
            text = f"为{place}项目争取{rng.choice(FUND_SOURCES)}{amount}{item.measure}"
        plan.records.append((date, amount, text))
    return plan


def _plan_awards(
    item: Item,
    perf: float,
    rng: random.Random,
    *,
    table: Sequence[tuple[Decimal, str]],
    last: int = LAST_MONTH,
) -> Plan:
    """Awards (bonus) or failures (deduction): a few a year, each worth its points.

    Failures fall from July on: a deduction keeps its indicator red at every later period end,
    and the demo's talk list (red at two period ends running) has one unit only, vetoed in
    June. The draws are the same, only the month moves."""
    plan = Plan()
    failures = table is FAILURES
    for _ in range(max(0, round(rng.uniform(-1.5, 2.5) * perf))):
        value, text = rng.choice(table)
        month = rng.randint(1, last)
        date = _day(rng, 7 + month % (last - 6) if failures else month)
        plan.records.append((date, value, f"{date.month}月{text}"))
    return plan


_PLANNERS = {
    "amount": _plan_amount,
    "count": _plan_count,
    "level": _plan_level,
    "ceiling_level": _plan_ceiling_level,
    "events": _plan_events,
    "deals": _plan_deals,
}


def plan_for(
    item: Item, perf: float, rng: random.Random, *, last: int = LAST_MONTH, place: str = ""
) -> Plan:
    """The demo data of one unit for one indicator; `perf` > 1 is a unit doing well; `place`
    is where its events and deals happen.

    Records run from January to month `last` of the demo year (October: the demo is set in
    late November; a finished year has all twelve).
    """
    if item.method == M.BONUS:
        return _plan_awards(item, perf, rng, table=AWARDS, last=last)
    if item.method == M.DEDUCTION:
        return _plan_awards(item, 1 / perf, rng, table=FAILURES, last=last)
    if item.data:
        return _PLANNERS[item.data](item, perf, rng, last, place)
    return Plan()


# --- the seed --------------------------------------------------------------------------------
