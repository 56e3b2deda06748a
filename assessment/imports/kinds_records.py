"""Resolving and writing the year's records: evidence, city ranks, grades, surveys, evaluations."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import cast

from django.contrib.auth.models import User
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from assessment.imports.kinds_items import ItemIndex
from assessment.imports.lookups import IndicatorIndex
from assessment.imports.references import (
    file_years,
    row_cadre,
    row_indicator,
    row_unit,
    row_year,
)
from assessment.imports.rows import Context, ParsedRow, Planned
from assessment.imports.writes import (
    CHUNK,
    create_with_history,
    history_user,
    write_changed,
    write_new,
)
from assessment.models import (
    CadreEvaluation,
    CityRank,
    Evidence,
    EvidenceStatus,
    Grade,
    MethodChoices,
    RoundStatus,
    RoundSubject,
    Survey,
    SurveyRate,
    SurveyStatus,
    TeamEvaluation,
)
from assessment.policy import Action, needs_reason
from units.cells import clean_text

POINT_METHODS = frozenset({MethodChoices.BONUS, MethodChoices.DEDUCTION})

# --- evidence ---------------------------------------------------------------------------------


def resolve_evidence(rows: list[ParsedRow], ctx: Context) -> None:
    """Evidence names no year: the indicator is the one of the unit's category in the date's."""
    codes = {row.get("indicator") for row in rows if row.has("indicator")}
    indicators = ctx.lookups.indicators(codes=codes)
    index = IndicatorIndex(indicators)
    items = ItemIndex(indicators)
    for row in rows:
        unit = row_unit(row, ctx)
        day = row.get("date")
        indicator = row_indicator(
            row, index, year=day.year if day else None, unit=unit, date_key="date"
        )
        item = None
        if indicator is not None and row.has("value"):
            _check_points(row, indicator.method)
            item = items.resolve(row, indicator)
        if row.errors or unit is None or indicator is None or not row.has("description"):
            continue
        description = row.get("description")
        fields = {"value": row.get("value"), "status": row.get("status")}
        if "item" in ctx.present or item is not None:
            fields["item"] = item
        if "document" in ctx.present:
            fields["document"] = row.get("document") or ""
        row.plan = Planned(
            model=Evidence,
            # The description is stored as typed but matched as it reads (``clean_text``).
            key=(unit.pk, indicator.pk, day, clean_text(description)),
            label=f"{unit.code} · {indicator.code} · {day.isoformat()} · {description}",
            create={"unit": unit, "indicator": indicator, "date": day, "description": description},
            fields=fields,
            year=indicator.year,
            unit=unit,
            indicator=indicator,
            row=row,
        )


def _check_points(row: ParsedRow, method: str) -> None:
    """Points (分) only for bonus and deduction records, and never negative there."""
    if method in POINT_METHODS:
        if row.get("value") < 0:
            row.fail("value", _("Bonus and deduction records cannot be negative."))
    elif isinstance(row.cells.get("value"), str) and clean_text(row.cells["value"]).endswith("分"):
        row.fail(
            "value",
            _(
                "Only bonus and deduction records are counted in points (分): give the number "
                "alone."
            ),
        )


def existing_evidence(plans: list[Planned], ctx: Context) -> dict[tuple, models.Model]:
    """The current records of the file's units and indicators; the latest where several match.

    A description is matched as it reads (``clean_text``), whichever way its punctuation was
    typed: "，" or "（）" in the form or the file, and "," or "()" in the other, name one record.
    """
    records = Evidence.objects.filter(
        indicator_id__in={plan.key[1] for plan in plans},
        unit_id__in={plan.key[0] for plan in plans},
        is_current=True,
    ).order_by("recorded_at", "pk")
    return {
        (Evidence, (r.unit_id, r.indicator_id, r.date, clean_text(r.description))): r
        for r in records
    }


def write_evidence(new: list[Planned], changed: list[Planned], ctx: Context) -> None:
    """New records, and corrections, as ``evidence_record`` / ``evidence_correct`` write them.

    ``imports.rules`` has refused what those refuse; here the records take what they set. A
    changed record is a correction: a new record supersedes it, with the import's reason as
    ``correction_reason``, and both are kept. A record made while the year is being scored is
    a late record (the office's only), with the import's reason as ``late_reason``.
    """
    user = history_user(ctx)
    now = timezone.now()
    superseded = []
    for plan in changed:
        assert isinstance(plan.existing, Evidence)
        plan.existing.is_current = False
        superseded.append(plan.existing)
    if superseded:
        bulk_update_with_history(
            superseded,
            Evidence,
            fields=["is_current"],
            default_user=user,
            default_change_reason=ctx.change_reason,
        )
    plans = [*new, *changed]
    for start in range(0, len(plans), CHUNK):  # built, written and dropped a chunk at a time
        records = [_evidence_record(plan, user, now, ctx) for plan in plans[start : start + CHUNK]]
        create_with_history(Evidence, records, ctx)


def _evidence_record(
    plan: Planned, user: User | None, now: datetime.datetime, ctx: Context
) -> Evidence:
    late = plan.year is not None and needs_reason(plan.year, Action.RECORD_EVIDENCE)
    kept: dict[str, object] = {}  # a correction from a file without item columns keeps them
    if isinstance(plan.existing, Evidence):
        if "item" not in plan.fields:
            kept["item_id"] = plan.existing.item_id
        if "document" not in plan.fields:
            kept["document"] = plan.existing.document
    record = Evidence(
        **plan.create,
        **plan.fields,
        **kept,
        recorded_by=user,
        supersedes=cast("Evidence | None", plan.existing),  # the record a correction replaces
        correction_reason=ctx.reason if plan.existing is not None else "",
        is_late=late,
        late_reason=ctx.reason if late else "",
        source_file=ctx.file_name,
        source_sha256=ctx.sha256,
        source_row=plan.row.number if plan.row is not None else None,
        # the record rule let only the source unit and the office write a source-fed row
        data_source_id=plan.indicator.source_unit_id if plan.indicator is not None else None,
    )
    if record.status == EvidenceStatus.VERIFIED:
        # A verified row is the office or a lead department entering a record it verified
        # outside the system (on paper, in a meeting): the importing user both recorded
        # and verified it, in one step. Verifying in the system (``evidence_verify``) would
        # refuse its own record; a veto event is never imported verified (imports.rules).
        record.verified_by, record.verified_at = user, now
    return record


# --- city ranks, grades, surveys --------------------------------------------------------------


def assessment_resolver(
    model: type[models.Model], method: MethodChoices, value_keys: tuple[str, ...]
) -> Callable[[list[ParsedRow], Context], None]:
    """A resolver for a per-unit, per-indicator input of a year, e.g. a city rank."""

    def resolve(rows: list[ParsedRow], ctx: Context) -> None:
        years = file_years(rows, ctx)
        index = IndicatorIndex(ctx.lookups.indicators(years=years))
        for row in rows:
            year = row_year(row, years)
            unit = row_unit(row, ctx)
            indicator = row_indicator(
                row, index, year=year.year if year is not None else None, unit=unit, method=method
            )
            if row.has("rank", "total") and row.get("rank") > row.get("total"):
                row.fail(
                    "rank",
                    _("The rank %(rank)s is beyond the number ranked (%(total)s).")
                    % {"rank": row.get("rank"), "total": row.get("total")},
                )
            if row.errors or unit is None or indicator is None:
                continue
            values = {key: row.get(key) for key in value_keys}
            row.plan = Planned.per_indicator_and_unit(model, indicator, unit, values, row)

    return resolve


def resolve_surveys(rows: list[ParsedRow], ctx: Context) -> None:
    """Survey rates, as ``assessment_resolver`` reads them, but a rate given by a satisfaction
    survey of the system (or to be given by one still open) is not overwritten by a file: such
    a row is refused unless it repeats the stored rate (a file exported and imported again)."""
    assessment_resolver(SurveyRate, MethodChoices.SURVEY, ("rate",))(rows, ctx)
    planned = [row.plan for row in rows if row.plan is not None]
    if not planned:
        return
    indicator_ids = {plan.key[0] for plan in planned}
    from_surveys = {
        (rate.indicator_id, rate.unit_id): rate
        for rate in SurveyRate.objects.filter(
            indicator_id__in=indicator_ids, survey__isnull=False
        ).select_related("survey")
    }
    running = {
        (indicator_id, unit_id): title
        for indicator_id, unit_id, title in Survey.objects.filter(
            indicator_id__in=indicator_ids, status=SurveyStatus.OPEN
        ).values_list("indicator_id", "unit_id", "title")
    }
    for row in rows:
        plan = row.plan
        if plan is None:
            continue
        stored = from_surveys.get(plan.key)
        assert plan.unit is not None and plan.indicator is not None  # the resolver set both
        if stored is not None and stored.rate != plan.fields["rate"]:
            assert stored.survey is not None  # read with survey__isnull=False
            row.fail(
                "rate",
                _(
                    "The rate of %(unit)s on %(indicator)s comes from the satisfaction survey "
                    "“%(survey)s” and cannot be imported."
                )
                % {
                    "unit": plan.unit.code,
                    "indicator": plan.indicator.code,
                    "survey": stored.survey.title,
                },
            )
            row.plan = None
        elif stored is None and plan.key in running:
            row.fail(
                "rate",
                _(
                    "The satisfaction survey “%(survey)s” of %(unit)s on %(indicator)s is "
                    "open: its rate will come from the survey when it closes."
                )
                % {
                    "unit": plan.unit.code,
                    "indicator": plan.indicator.code,
                    "survey": running[plan.key],
                },
            )
            row.plan = None


def pair_existing(
    model: type[CityRank | Grade | SurveyRate],
) -> Callable[[list[Planned], Context], dict[tuple, models.Model]]:
    def existing(plans: list[Planned], ctx: Context) -> dict[tuple, models.Model]:
        records = model._default_manager.filter(indicator_id__in={plan.key[0] for plan in plans})
        return {(model, (r.indicator_id, r.unit_id)): r for r in records}

    return existing


def write_plain(new: list[Planned], changed: list[Planned], ctx: Context) -> None:
    write_new(new, ctx)
    write_changed(changed, ctx)


# --- evaluations ------------------------------------------------------------------------------


def resolve_evaluations(rows: list[ParsedRow], ctx: Context) -> None:
    """A row without a cadre is the team's evaluation; with one, that cadre's (by name)."""
    years = file_years(rows, ctx)
    units = [ctx.lookups.units[r.get("unit")] for r in rows if r.get("unit") in ctx.lookups.units]
    cadres = ctx.lookups.cadres(unit.pk for unit in units) if "cadre" in ctx.present else {}
    for row in rows:
        year = row_year(row, years)
        unit = row_unit(row, ctx)
        cadre = row_cadre(row, cadres, "cadre", unit)
        if row.errors or year is None or unit is None:
            continue
        # A blank cadre is the unit's leadership team.
        plan = Planned(
            model=TeamEvaluation if cadre is None else CadreEvaluation,
            key=(year.pk, unit.pk if cadre is None else cadre.pk),
            label=f"{year.year} · {unit.code}" + ("" if cadre is None else f" · {cadre.name}"),
            create={"year": year, "unit": unit}
            if cadre is None
            else {"year": year, "cadre": cadre},
            fields={"score": row.get("score")},
        )
        plan.year, plan.unit, plan.row = year, unit, row
        row.plan = plan
    _refuse_balloted(rows)


def _refuse_balloted(rows: list[ParsedRow]) -> None:
    """An evaluation given by an evaluation round of the system (or to be given by one still
    open) is not overwritten by a file: such a row is refused unless it repeats the stored
    score (a file exported and imported again)."""
    planned = [row.plan for row in rows if row.plan is not None]
    if not planned:
        return
    year_ids = {plan.key[0] for plan in planned}
    from_rounds: dict[tuple, tuple[object, str]] = {}
    for team in TeamEvaluation.objects.filter(year_id__in=year_ids, round__isnull=False).values(
        "year_id", "unit_id", "score", "round__name"
    ):
        from_rounds[(TeamEvaluation, (team["year_id"], team["unit_id"]))] = (
            team["score"],
            team["round__name"],
        )
    for cadre in CadreEvaluation.objects.filter(year_id__in=year_ids, round__isnull=False).values(
        "year_id", "cadre_id", "score", "round__name"
    ):
        from_rounds[(CadreEvaluation, (cadre["year_id"], cadre["cadre_id"]))] = (
            cadre["score"],
            cadre["round__name"],
        )
    running: dict[tuple, str] = {}
    for year_id, unit_id, cadre_id, name in RoundSubject.objects.filter(
        round__year_id__in=year_ids, round__status__in=[RoundStatus.DRAFT, RoundStatus.OPEN]
    ).values_list("round__year_id", "unit_id", "cadre_id", "round__name"):
        if cadre_id is None:
            running[(TeamEvaluation, (year_id, unit_id))] = name
        else:
            running[(CadreEvaluation, (year_id, cadre_id))] = name
    for row in rows:
        plan = row.plan
        if plan is None:
            continue
        key = (plan.model, plan.key)
        stored = from_rounds.get(key)
        if stored is not None and stored[0] != plan.fields["score"]:
            row.fail(
                "score",
                _(
                    "The evaluation of %(who)s comes from the ballots of the evaluation round "
                    "“%(round)s” and cannot be imported."
                )
                % {"who": plan.label, "round": stored[1]},
            )
            row.plan = None
        elif stored is None and key in running:
            row.fail(
                "score",
                _(
                    "%(who)s is evaluated in the round “%(round)s”, which has not closed: the "
                    "evaluation will come from its ballots."
                )
                % {"who": plan.label, "round": running[key]},
            )
            row.plan = None


def existing_evaluations(plans: list[Planned], ctx: Context) -> dict[tuple, models.Model]:
    year_ids = {plan.key[0] for plan in plans}
    found: dict[tuple, models.Model] = {}
    if any(plan.model is TeamEvaluation for plan in plans):
        for team in TeamEvaluation.objects.filter(year_id__in=year_ids):
            found[(TeamEvaluation, (team.year_id, team.unit_id))] = team
    if any(plan.model is CadreEvaluation for plan in plans):
        for cadre in CadreEvaluation.objects.filter(year_id__in=year_ids):
            found[(CadreEvaluation, (cadre.year_id, cadre.cadre_id))] = cadre
    return found
