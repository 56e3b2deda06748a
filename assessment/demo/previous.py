"""The demo district's previous year, 2025: assessed, computed and published.

A smaller copy of the 2026 year (``assessment.demo``): the same units and schemes, targets and
twelve months of evidence built by the same planners (every record verified: the year is
closed), the imported ranks, grades and surveys, the evaluations and the highlights; no key
projects, statements or attachments. It is computed and published through
``assessment.services.publication.publish`` after a publicity that ended in January 2026, so
that the public pages have a published year and a trend beside the 2026 year in progress.

Deterministic (its own seeded ``random.Random``) and idempotent: if the year exists, nothing
is written.
"""

from __future__ import annotations

import datetime
import random

from django.contrib.auth.models import User as AuthUser
from django.core.management.base import OutputWrapper
from django.utils import timezone

from assessment.demo.district import seed_scheme, seed_targets
from assessment.demo.plans import Plan, plan_for
from assessment.demo.records import evidence_row, seed_highlights, seed_imports
from assessment.demo.scheme import DEMO_YEAR, Item
from assessment.demo.world import (
    District,
    IndicatorKey,
    PlanKey,
    bulk_write,
    move_year,
    new_year_district,
)
from assessment.lib.history import set_history_user
from assessment.models import AssessmentYear, Evidence, EvidenceStatus, Indicator, YearStatus
from assessment.scoring import Method
from assessment.services.compute import results_compute
from assessment.services.publication import publish

PREVIOUS_YEAR = DEMO_YEAR - 1
BONUS_POOL = 4_800_000  # yuan
MONTHS = 12  # a finished year: January to December


def _publicity_end() -> datetime.date:
    """The publicity ended on 20 January (or yesterday, on a clock set earlier than that)."""
    usual = datetime.date(PREVIOUS_YEAR + 1, 1, 20)
    return min(usual, timezone.localdate() - datetime.timedelta(days=1))


def _plan(item: Item, perf: float, rng: random.Random, *, place: str = "") -> Plan:
    """The 2026 planners for a whole year, with the dates moved into 2025 (neither is a leap
    year, so every day exists in both)."""
    plan = plan_for(item, perf, rng, last=MONTHS, place=place)
    plan.records = [
        (day.replace(year=PREVIOUS_YEAR), value, text) for day, value, text in plan.records
    ]
    return plan


def _evidence(
    plans: dict[PlanKey, Plan],
    indicators: dict[IndicatorKey, Indicator],
    district: District,
    rng: random.Random,
) -> int:
    """Every record verified by the office; failures recorded by supervision."""
    rows = []
    for (unit, item), plan in plans.items():
        indicator = indicators[(unit.category_id, item.code)]
        recorder: AuthUser | None
        if item.method == Method.DEDUCTION:
            recorder = district.supervision or district.office
        else:
            recorder = district.reporters.get(unit.pk)
        for entry in sorted(plan.records):
            rows.append(
                evidence_row(
                    unit, indicator, entry, EvidenceStatus.VERIFIED, recorder, district, rng
                )
            )
    return len(bulk_write(Evidence, rows, district))


def seed_previous_year(*, stdout: OutputWrapper) -> None:
    started = new_year_district(PREVIOUS_YEAR, stdout)
    if started is None:
        return
    rng, district = started
    year = AssessmentYear(
        year=PREVIOUS_YEAR,
        status=YearStatus.SETUP,
        bonus_pool=BONUS_POOL,
        publicity_ends_on=_publicity_end(),
    )
    set_history_user(year, district.office)
    year.full_clean()
    year.save()
    indicators = seed_scheme(year, district)
    plans = seed_targets(indicators, district, rng, planner=_plan)
    move_year(year, YearStatus.COLLECTING, district)
    evidence = _evidence(plans, indicators, district, rng)
    seed_imports(year, indicators, district, rng)
    seed_highlights(year, district)
    move_year(year, YearStatus.SCORING, district)
    run = results_compute(year=year, by=district.office, bonus_pool=BONUS_POOL)
    move_year(year, YearStatus.PUBLICITY, district)
    publication = publish(year=year, by=district.office)
    stdout.write(
        f"assessment year {PREVIOUS_YEAR}: {len(indicators)} indicators, {evidence} evidence "
        f"records, {run.units.count()} unit results, published as version "
        f"{publication.version} (SHA-256 {publication.sha256[:12]}…)"
    )
