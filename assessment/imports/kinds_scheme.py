"""Resolving and writing the ``indicators`` and ``targets`` workbooks (a year's scheme)."""

from __future__ import annotations

from collections import Counter

from django.db import models

from assessment.imports.lookups import IndicatorIndex
from assessment.imports.references import (
    file_years,
    row_cadre,
    row_category,
    row_indicator,
    row_unit,
    row_year,
)
from assessment.imports.rows import Context, ParsedRow, Planned
from assessment.imports.writes import history_user, write_changed, write_new
from assessment.models import AssessmentYear, Indicator, Target, source_unit_problem
from assessment.services.scheme import target_value_errors, year_create

# --- indicators -------------------------------------------------------------------------------


def resolve_indicators(rows: list[ParsedRow], ctx: Context) -> None:
    """Indicators of a year that does not exist yet create it (in "setting up")."""
    years = dict(file_years(rows, ctx))
    order: Counter[tuple[int, int]] = Counter()  # new indicators keep the file's order
    for row in rows:
        category = row_category(row, ctx)
        lead_unit = row_unit(row, ctx, "lead_unit", active=False)
        source_unit = row_unit(row, ctx, "source_unit")
        if source_unit is not None and (problem := source_unit_problem(row.get("method"))):
            row.fail("source_unit", problem)
        if row.errors or category is None or not row.has("year", "code"):
            continue
        number, code = row.get("year"), row.get("code")
        year = years.setdefault(number, AssessmentYear(year=number))
        order[(number, category.pk)] += 1
        row.plan = Planned(
            model=Indicator,
            key=(number, category.pk, code),
            label=f"{number} · {category.code} · {code}",
            create={
                "year": year,
                "category": category,
                "code": code,
                "sort_order": order[(number, category.pk)],
            },
            fields={
                "name": row.get("name"),
                "group": row.get("group"),
                "points": row.get("points"),
                "method": row.get("method"),
                "aggregation": row.get("aggregation"),
                "cap": row.get("cap"),
                "total_share": row.get("total_share"),
                "step": row.get("step"),
                "lead_unit": lead_unit,
                "source_unit": source_unit,
            },
            year=year,
            row=row,
        )


def existing_indicators(plans: list[Planned], ctx: Context) -> dict[tuple, models.Model]:
    indicators = ctx.lookups.indicators(years={plan.key[0] for plan in plans})
    return {
        (Indicator, (i.year.year, i.category_id, i.code)): i
        for i in indicators
        if i.year_id is not None
    }


def write_indicators(new: list[Planned], changed: list[Planned], ctx: Context) -> None:
    created: dict[int, AssessmentYear] = {}
    for plan in new:
        year = plan.create["year"]
        if year.pk is None:
            if year.year not in created:
                created[year.year] = year_create(year=year.year, by=history_user(ctx))
            plan.create["year"] = created[year.year]
    write_new(new, ctx)
    write_changed(changed, ctx)


# --- targets ----------------------------------------------------------------------------------


def resolve_targets(rows: list[ParsedRow], ctx: Context) -> None:
    years = file_years(rows, ctx)
    index = IndicatorIndex(ctx.lookups.indicators(years=years))
    units = [ctx.lookups.units[r.get("unit")] for r in rows if r.get("unit") in ctx.lookups.units]
    cadres = ctx.lookups.cadres(unit.pk for unit in units) if "leader" in ctx.present else {}
    for row in rows:
        year = row_year(row, years)
        unit = row_unit(row, ctx)
        indicator = row_indicator(
            row, index, year=year.year if year is not None else None, unit=unit
        )
        leader = row_cadre(row, cadres, "leader", unit)
        if row.errors or indicator is None or unit is None:
            continue
        target = Target(
            indicator=indicator,
            unit=unit,
            target=row.get("target"),
            base=row.get("base"),
            leader=leader,
        )
        for field, messages in target_value_errors(indicator, target).items():
            row.fail(field, " ".join(messages))
        if row.errors:
            continue
        values = {"target": target.target, "base": target.base, "leader": leader}
        row.plan = Planned.per_indicator_and_unit(Target, indicator, unit, values, row)


def existing_targets(plans: list[Planned], ctx: Context) -> dict[tuple, models.Model]:
    targets = Target.objects.filter(
        indicator_id__in={plan.key[0] for plan in plans}
    ).select_related("leader")
    return {(Target, (t.indicator_id, t.unit_id)): t for t in targets}


def write_targets(new: list[Planned], changed: list[Planned], ctx: Context) -> None:
    write_new(new, ctx)
    write_changed(changed, ctx)
