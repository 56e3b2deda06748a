"""Resolving and writing the ``indicators`` and ``targets`` workbooks (a year's scheme)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext as _

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
from assessment.imports.values import Share
from assessment.imports.writes import history_user, write_changed, write_new
from assessment.models import (
    AssessmentYear,
    Indicator,
    PeriodTarget,
    ReportingPeriod,
    Target,
    source_unit_problem,
)
from assessment.services.period_targets import period_target_errors
from assessment.services.scheme import target_value_errors, year_create
from units.cells import clean_text
from units.models import Unit

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
    """A row without a period is the unit's target of the year; with one, the cumulative
    target by that period's end (``PeriodTarget``: a number, or a share of the year's target)."""
    years = file_years(rows, ctx)
    index = IndicatorIndex(ctx.lookups.indicators(years=years))
    units = [ctx.lookups.units[r.get("unit")] for r in rows if r.get("unit") in ctx.lookups.units]
    cadres = ctx.lookups.cadres(unit.pk for unit in units) if "leader" in ctx.present else {}
    periods = _periods(years.values()) if "period" in ctx.present else {}
    for row in rows:
        year = row_year(row, years)
        unit = row_unit(row, ctx)
        indicator = row_indicator(
            row, index, year=year.year if year is not None else None, unit=unit
        )
        leader = row_cadre(row, cadres, "leader", unit)
        if row.has("period"):
            _plan_period_target(row, periods, year, unit, indicator)
            continue
        if isinstance(row.get("target"), Share):
            row.fail("target", str(_("A share of the year's target belongs on a period's row.")))
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


def _periods(years: Iterable[AssessmentYear]) -> dict[tuple[int, str], ReportingPeriod]:
    """The reporting periods of the file's years, by year and upper-cased name."""
    found = ReportingPeriod.objects.filter(year__in=[year.pk for year in years])
    return {(p.year_id, clean_text(p.name).upper()): p for p in found.select_related("year")}


def _plan_period_target(
    row: ParsedRow,
    periods: dict[tuple[int, str], ReportingPeriod],
    year: AssessmentYear | None,
    unit: Unit | None,
    indicator: Indicator | None,
) -> None:
    """A period's row: the period by its name, the indicator coloured against a target, and
    only the target column filled (base and leader are the year's, on its own row)."""
    period = None
    if year is not None:
        period = periods.get((year.pk, str(row.get("period")).upper()))
        if period is None:
            names = "、".join(
                p.name for (year_id, _name), p in periods.items() if year_id == year.pk
            )
            row.fail(
                "period",
                str(
                    _("The %(year)s year has no period of this name (its periods: %(names)s).")
                    % {"year": year.year, "names": names}
                    if names
                    else _(
                        "The %(year)s year has no reporting periods yet: the office sets them "
                        "on the warnings page."
                    )
                    % {"year": year.year}
                ),
            )
    for key in ("base", "leader"):
        if row.has(key):
            row.fail(key, str(_("Leave this blank on a period's row: it belongs to the year's.")))
    value = row.get("target")
    if "target" in row.values and value is None:
        row.fail("target", str(_("A period's row needs its cumulative target.")))
    if indicator is not None:
        for field, message in period_target_errors(period=period, indicator=indicator).items():
            row.fail(field, str(message))
    if row.errors or period is None or unit is None or indicator is None:
        return
    share = value.value if isinstance(value, Share) else None
    row.plan = Planned(
        model=PeriodTarget,
        key=(period.pk, unit.pk, indicator.pk),
        label=f"{year.year if year else ''} · {period.name} · {unit.code} · {indicator.code}",
        create={"period": period, "unit": unit, "indicator": indicator},
        fields={"share": share, "value": None if share is not None else value},
        year=indicator.year,
        unit=unit,
        indicator=indicator,
        row=row,
    )


def existing_targets(plans: list[Planned], ctx: Context) -> dict[tuple, models.Model]:
    annual = [plan for plan in plans if plan.model is Target]
    targets = Target.objects.filter(
        indicator_id__in={plan.key[0] for plan in annual}
    ).select_related("leader")
    found: dict[tuple, models.Model] = {(Target, (t.indicator_id, t.unit_id)): t for t in targets}
    periods = {plan.key[0] for plan in plans if plan.model is PeriodTarget}
    if periods:
        for row in PeriodTarget.objects.filter(period_id__in=periods):
            found[(PeriodTarget, (row.period_id, row.unit_id, row.indicator_id))] = row
    return found


def write_targets(new: list[Planned], changed: list[Planned], ctx: Context) -> None:
    write_new(new, ctx)
    write_changed(changed, ctx)
