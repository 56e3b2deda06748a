"""The demo district's 2026 assessment year (``manage.py seed_demo``), after its published
2025 year (``assessment.demo.previous``).

For the demo units already in the database (``units.demo``), this writes what a district office
would have on file by late November: a scheme per unit category that uses every scoring method
and both aggregations, targets and bases with the responsible cadre, ten months of evidence
(mostly verified, some pending, a few rejected with a reason, a couple of corrections), the
imported city ranks, grades and survey rates, the team and cadre evaluations, three key
projects with their plans, progress and contribution points (``assessment.demo.projects``),
and one computation of the results with a bonus pool. The year went through `scoring` (a late
record added by the office) and is left in `collecting` again, so a reporter records right away
and the office can recompute it.

Deterministic (one seeded ``random.Random``) and idempotent: if the year exists, nothing is
written. Rows are written with ``bulk_create_with_history`` so the audit history is complete.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from decimal import Decimal

from django.core.management.base import OutputWrapper
from django.db import transaction

from assessment.demo.integrity import seed_integrity_cases
from assessment.demo.items import seed_catalogues, seed_list_cases
from assessment.demo.plans import (
    Plan,
    plan_for,
)
from assessment.demo.projects import seed_projects
from assessment.demo.records import (
    _seed_attachment,
    _seed_evidence,
    _seed_late_record,
    _seed_statements,
    evidence_row,
    seed_highlights,
    seed_imports,
)
from assessment.demo.scheme import (
    BONUS_POOL,
    DEMO_YEAR,
    PLACES,
    Item,
    M,
)
from assessment.demo.world import (
    District,
    IndicatorKey,
    PlanKey,
    bulk_write,
    move_year,
    new_year_district,
    scheme_for,
)
from assessment.lib.history import set_history_user
from assessment.models import (
    AssessmentYear,
    Indicator,
    Target,
    YearStatus,
)
from assessment.services.compute import results_compute
from units.models import Cadre, Unit


@transaction.atomic
def seed(*, stdout: OutputWrapper) -> None:
    from assessment.demo.ballots import seed_ballots
    from assessment.demo.previous import seed_previous_year
    from assessment.demo.surveys import seed_surveys
    from assessment.demo.warnings import seed_warnings

    seed_previous_year(stdout=stdout)  # 2025, published: first, as a district would have it
    started = new_year_district(DEMO_YEAR, stdout)
    if started is None:
        return
    rng, district = started
    year = AssessmentYear(year=DEMO_YEAR, status=YearStatus.SETUP, bonus_pool=BONUS_POOL)
    set_history_user(year, district.office)
    year.full_clean()
    year.save()
    indicators = seed_scheme(year, district)
    district.catalogue = seed_catalogues(indicators, bulk_write, district)
    plans = seed_targets(indicators, district, rng)
    move_year(year, YearStatus.COLLECTING, district)
    evidence = _seed_evidence(plans, indicators, district, rng)
    seed_list_cases(indicators, district.catalogue, bulk_write, district, evidence_row)
    seed_imports(year, indicators, district, rng)
    seed_projects(year, district, bulk_write)
    seed_highlights(year, district)
    _seed_statements(year, indicators, district)
    move_year(year, YearStatus.SCORING, district)
    _seed_late_record(indicators, district)
    _seed_attachment(year, district)
    integrity = seed_integrity_cases(year, indicators, district)
    voting_codes = seed_ballots(
        year, district.office, district.units, district.quality, random.Random(DEMO_YEAR * 11)
    )
    seed_surveys(
        year, district.office, district.units, district.quality, random.Random(DEMO_YEAR * 13)
    )
    run = results_compute(year=year, by=district.office, bonus_pool=BONUS_POOL)
    # The office reopens the collection: a newcomer's reporter records right away, beside the
    # provisional results and the late record of the closed month.
    move_year(year, YearStatus.COLLECTING, district)
    stdout.write(seed_warnings(year, district))
    if integrity:
        stdout.write(integrity)
    stdout.write(
        f"assessment year {DEMO_YEAR}: {len(indicators)} indicators, "
        f"{sum(p.target is not None or p.base is not None for p in plans.values())} targets, "
        f"{evidence} evidence records, {run.units.count()} unit results, state “collecting”"
    )
    if voting_codes:
        stdout.write(
            "democratic evaluation open: vote at /vote/ with one of these one-time codes: "
            + ", ".join(voting_codes)
        )


def seed_scheme(year: AssessmentYear, district: District) -> dict[IndicatorKey, Indicator]:
    leads = {unit.code: unit for unit in district.units}
    rows = []
    for category_id in dict.fromkeys(unit.category_id for unit in district.units):
        category = district.categories[category_id]
        for order, item in enumerate(scheme_for(category), start=1):
            indicator = Indicator(
                year=year,
                category=category,
                code=item.code,
                name=item.name,
                group=item.group,
                points=Decimal(item.points),
                method=item.method.value,
                aggregation=item.aggregation.value,
                cap=Decimal(item.cap),
                total_share=Decimal(item.total_share),
                step=Decimal(item.step) if item.step else None,
                lead_unit=leads.get(item.lead),
                source_unit=leads.get(item.source),
                measure=item.measure,
                sort_order=order * 10,
            )
            indicator.full_clean()
            rows.append(indicator)
    return {(i.category_id, i.code): i for i in bulk_write(Indicator, rows, district)}


def _responsible(district: District, unit: Unit, item: Item) -> Cadre | None:
    """Who answers for a target: the team's second (镇长 or a deputy); for safety, the last."""
    team = district.cadres.get(unit.pk, [])
    if not team:
        return None
    if item.method == M.CEILING:
        return team[-1]
    return team[1] if len(team) > 1 else team[0]


def seed_targets(
    indicators: dict[IndicatorKey, Indicator],
    district: District,
    rng: random.Random,
    planner: Callable[..., Plan] = plan_for,
) -> dict[PlanKey, Plan]:
    plans: dict[PlanKey, Plan] = {}
    targets = []
    for number, unit in enumerate(district.units):
        place = PLACES[number % len(PLACES)]
        for item in district.scheme(unit):
            perf = district.perf[unit.pk]
            plan = plans[(unit, item)] = planner(item, perf, rng, place=place)
            if plan.target is None and plan.base is None:
                continue
            targets.append(
                Target(
                    indicator=indicators[(unit.category_id, item.code)],
                    unit=unit,
                    target=plan.target,
                    base=plan.base,
                    leader=_responsible(district, unit, item),
                )
            )
    bulk_write(Target, targets, district)
    return plans


# --- evidence ----------------------------------------------------------------------------------
