"""Computing a year's results: read set-wise, score with the engine, store with a digest.

The database is read with a fixed number of aggregate queries for the whole year (never one per
unit or indicator), turned into the engine's plain values (``YearInputs``), scored by
``assessment.scoring.compute``, and stored as a new ``ComputationRun`` with the SHA-256 of the
inputs, so a stored result can later be shown to match the data it came from.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, models, transaction
from django.db.models import Sum

from assessment import scoring
from assessment.lib import collector
from assessment.lib.digest import inputs_digest
from assessment.models import (
    AssessmentYear,
    CadreEvaluation,
    CadreResult,
    CityRank,
    ComputationRun,
    Contribution,
    Grade,
    Indicator,
    SurveyRate,
    Target,
    TeamEvaluation,
    TeamResult,
    UnitResult,
)
from assessment.policy import Action, year_check
from assessment.selectors.roster import LIVE_STATES, year_units
from assessment.services import objections as objections_service
from assessment.services.compute_evidence import (
    check_totals,
    evidence_from_records,
    evidence_from_totals,
    plain_rows,
)
from assessment.services.compute_records import catalogues_read, item_records_read, waived_read
from assessment.services.explanations import run_explainer
from assessment.services.roster import roster_keep
from units.access import AnyUser, account
from units.audit import seal_these
from units.models import Cadre, Unit


@dataclass(frozen=True)
class YearData:
    """The engine's inputs plus the names needed to word messages about them."""

    inputs: scoring.YearInputs
    unit_ids: dict[str, int]  # unit code → id
    unit_names: dict[str, str]  # unit code → name
    unit_categories: dict[str, int]  # unit code → category id
    indicator_names: dict[tuple[str, str], str]  # (category code, indicator code) → name
    cadre_ids: dict[tuple[str, str], int]  # (unit code, cadre name) → id


def year_data(
    year: AssessmentYear,
    *,
    bonus_pool: int | None = None,
    progress_only: bool = False,
    from_records: bool = False,
) -> YearData:
    """Read everything the engine needs for ``year`` in a fixed number of queries.

    The evidence is read from its running totals (``assessment.models.totals``), or, with
    ``from_records``, summed from the records themselves: what the honesty check of a stored
    run does (``run_matches_inputs``), so totals gone wrong could not hide there.

    ``progress_only`` reads the units, the scheme (without item catalogues), the targets and
    the verified evidence, and leaves every other input empty: what a list of indicators at
    risk reads (a leader's home page, each visit), in at most 6 queries instead of 16. Such
    data is never scored: ``year_progress`` below is its one door.
    """
    units = year_units(year)
    unit_code = {unit["id"]: unit["code"] for unit in units}
    indicators = list(
        Indicator.objects.filter(year=year)
        .order_by("category__sort_order", "sort_order", "code")
        .values(
            "id", "code", "name", "group", "points", "method", "aggregation", "cap",
            "total_share", "step", "category__code", "source_unit_id",
        )
    )  # fmt: skip
    indicator_code = {row["id"]: row["code"] for row in indicators}
    catalogues = {} if progress_only else catalogues_read(indicators)
    scheme: dict[str, list[scoring.IndicatorSpec]] = {}
    for row in indicators:
        scheme.setdefault(row["category__code"], []).append(
            scoring.IndicatorSpec(
                code=row["code"],
                name=row["name"],
                group=row["group"],
                points=row["points"],
                method=row["method"],
                aggregation=row["aggregation"],
                cap=row["cap"],
                total_share=row["total_share"],
                step=row["step"],
                items=catalogues.get(row["id"], ()),
            )
        )

    def key(unit_id: int, indicator_id: int) -> tuple[str, str] | None:
        # Rows of inactive units (or of another year's indicators) take no part.
        if unit_id in unit_code and indicator_id in indicator_code:
            return unit_code[unit_id], indicator_code[indicator_id]
        return None

    targets: dict[tuple[str, str], Decimal] = {}
    bases: dict[tuple[str, str], Decimal] = {}
    for unit_id, indicator_id, target, base in plain_rows(
        Target.objects.filter(indicator__year=year)
        .order_by()  # into dictionaries: the targets' own order would join the units to sort
        .values_list("unit_id", "indicator_id", "target", "base")
    ):
        if (k := key(unit_id, indicator_id)) is not None:
            if target is not None:
                targets[k] = target
            if base is not None:
                bases[k] = base

    evidence = (evidence_from_records if from_records else evidence_from_totals)(
        year, indicators, key
    )
    if settings.RUNNING_TOTALS_CHECK and not from_records:
        check_totals(evidence, evidence_from_records(year, indicators, key))
    scoring_only, cadre_key = (
        ({}, {}) if progress_only else _scoring_only(year, catalogues, indicators, unit_code, key)
    )
    inputs = scoring.YearInputs(
        params=year.scoring_params(),
        indicators=scheme,
        units=[
            scoring.UnitSpec(
                code=unit["code"],
                name=unit["name"],
                category=unit["category__code"],
                headcount=unit["headcount"],
            )
            for unit in units
        ],
        targets=targets,
        bases=bases,
        evidence=evidence,
        bonus_pool=bonus_pool,
        **scoring_only,
    )
    return YearData(
        inputs=inputs,
        unit_ids={unit["code"]: unit["id"] for unit in units},
        unit_names={unit["code"]: unit["name"] for unit in units},
        unit_categories={unit["code"]: unit["category_id"] for unit in units},
        indicator_names={(row["category__code"], row["code"]): row["name"] for row in indicators},
        cadre_ids={value: pk for pk, value in cadre_key.items()},
    )


def year_progress(year: AssessmentYear) -> YearData:
    """The year's progress so far (``year_data(progress_only=True)``): units, scheme, targets
    and verified evidence, for the lists of indicators at risk. Not for scoring."""
    return year_data(year, progress_only=True)


def _scoring_only(
    year: AssessmentYear,
    catalogues: Mapping[int, Any],
    indicators: Sequence[Mapping[str, Any]],
    unit_code: Mapping[int, str],
    key: Callable[[int, int], tuple[str, str] | None],
) -> tuple[dict[str, Any], dict[int, tuple[str, str]]]:
    """The inputs only scoring reads, as ``YearInputs``' fields by name, and the cadres' keys
    by id: item records, waivers, city ranks, grades, survey rates, evaluations, cadres and
    their key-project contributions."""
    city_ranks = {
        k: (rank, total)
        for unit_id, indicator_id, rank, total in CityRank.objects.filter(
            indicator__year=year
        ).values_list("unit_id", "indicator_id", "rank", "total")
        if (k := key(unit_id, indicator_id)) is not None
    }
    grades = {
        k: grade
        for unit_id, indicator_id, grade in Grade.objects.filter(indicator__year=year).values_list(
            "unit_id", "indicator_id", "grade"
        )
        if (k := key(unit_id, indicator_id)) is not None
    }
    survey_rates = {
        k: rate
        for unit_id, indicator_id, rate in SurveyRate.objects.filter(
            indicator__year=year
        ).values_list("unit_id", "indicator_id", "rate")
        if (k := key(unit_id, indicator_id)) is not None
    }
    team_evaluations = {
        unit_code[unit_id]: score
        for unit_id, score in TeamEvaluation.objects.filter(year=year).values_list(
            "unit_id", "score"
        )
        if unit_id in unit_code
    }

    cadres = list(
        Cadre.objects.filter(is_active=True, unit__is_active=True)
        .order_by("unit__code", "name")
        .values_list("id", "unit_id", "name")
    )
    cadre_key = {pk: (unit_code[unit_id], name) for pk, unit_id, name in cadres}
    cadre_evaluations = {
        cadre_key[cadre_id]: score
        for cadre_id, score in CadreEvaluation.objects.filter(year=year).values_list(
            "cadre_id", "score"
        )
        if cadre_id in cadre_key
    }
    contributions = {
        cadre_key[row["cadre_id"]]: row["points"]
        for row in Contribution.objects.counting()
        .filter(project__year=year)
        .values("cadre_id")
        .annotate(points=Sum("points"))
        .order_by()
        if row["cadre_id"] in cadre_key
    }
    fields = {
        "item_records": item_records_read(year, set(catalogues), key),
        "waived": waived_read(year, indicators, key),
        "city_ranks": city_ranks,
        "grades": grades,
        "survey_rates": survey_rates,
        "team_evaluations": team_evaluations,
        "cadres": [scoring.CadreSpec(unit=unit, name=name) for unit, name in cadre_key.values()],
        "cadre_evaluations": cadre_evaluations,
        "contributions": contributions,
    }
    return fields, cadre_key


class ComputeRefused(ValidationError):
    """The year cannot be computed; ``messages`` word every problem for the office."""


def problems_text(problems: Iterable[scoring.Problem], data: YearData) -> list[str]:
    from assessment.lib.problem_messages import problem_message

    return [
        problem_message(problem, units=data.unit_names, indicators=data.indicator_names)
        for problem in problems
    ]


@collector.paused()  # a tenth of the time otherwise (assessment/lib/collector.py)
@transaction.atomic
def results_compute(
    *,
    year: AssessmentYear,
    by: AnyUser | None = None,
    bonus_pool: int | None = None,
    reason: str = "",
) -> ComputationRun:
    """Compute and store the year's results as its new current run.

    ``bonus_pool`` overrides the year's pool for this run. Setup errors refuse the computation
    (``ComputeRefused`` listing every one) and nothing is written. Each unit result keeps the
    explanation of every score (``details``); the ``reason`` of a recomputation is kept on the
    run, and accepted objections waiting for a recomputation are linked to it.
    """
    year = AssessmentYear.objects.select_for_update().get(pk=year.pk)
    year_check(year, Action.COMPUTE, reason=reason, by=by)
    if year.status not in LIVE_STATES:
        roster_keep(year, by=by)  # a review recomputes with the units the year had
    pool = bonus_pool if bonus_pool is not None else year.bonus_pool
    data = year_data(year, bonus_pool=pool)
    try:
        result = scoring.compute(data.inputs)
    except scoring.SetupError as error:
        raise ComputeRefused(problems_text(error.problems, data)) from error

    # What every unit's explanation shares is stored once, on the run; each unit's own numbers
    # are worked out as its row is written (``_store_results``).
    shared, explain = run_explainer(data.inputs)
    # kept by category id, which a renamed category keeps (the engine knows categories by code)
    category_ids = {unit.category: data.unit_categories[unit.code] for unit in data.inputs.units}
    explained = {
        str(category_ids[code]): by_code for code, by_code in shared.items() if code in category_ids
    }
    ComputationRun.objects.filter(year=year, is_current=True).update(is_current=False)
    run = ComputationRun.objects.create(
        year=year,
        computed_by=account(by),
        reason=reason.strip()[:500],
        input_hash=inputs_digest(data.inputs),
        bonus_pool=pool,
        bonus_paid=bool(result.bonus and result.bonus.paid),
        warnings=[_problem_json(p) for p in result.warnings],
        missing={
            "teams": list(result.missing_team_evaluations),
            "cadres": [list(key) for key in result.missing_cadre_evaluations],
        },
        is_current=True,
        explained=explained,
    )
    _store_results(run, result, data, explain)
    # Accepted objections waiting for this correction name the run that took it in.
    objections_service.objections_take_in(year=year, run=run)
    return run


def _problem_json(problem: scoring.Problem) -> dict[str, object]:
    return {
        field: str(value) if field == "value" else value
        for field, value in [
            ("code", str(problem.code)),
            ("category", problem.category),
            ("unit", problem.unit),
            ("indicator", problem.indicator),
            ("cadre", problem.cadre),
            ("value", problem.value),
        ]
        if value is not None
    }


def _store_results(
    run: ComputationRun,
    result: scoring.YearResult,
    data: YearData,
    explain: Callable[[scoring.UnitSpec], dict[str, Any]],
) -> None:
    warnings_by_unit: dict[str, list[dict[str, object]]] = {}
    for problem in result.warnings:
        if problem.unit:
            warnings_by_unit.setdefault(problem.unit, []).append(_problem_json(problem))
    # Each unit's explanation is worked out as its row is written: on PostgreSQL the server
    # stores the rows already sent while the next ones are explained (a city's 1,000 rows
    # carry 60,000 explanations), instead of waiting for all of them and then for the server.
    specs = {unit.code: unit for unit in data.inputs.units}
    _insert(
        UnitResult,
        (
            {
                "run_id": run.pk,
                "unit_id": data.unit_ids[unit.code],
                "category_id": data.unit_categories[unit.code],
                "total": unit.total,
                "rank": unit.rank,
                "tier": str(unit.tier),
                "veto": unit.veto,
                "disqualified": unit.disqualified,
                "bonus": unit.bonus,
                "scores": {code: format(score, "f") for code, score in unit.scores.items()},
                "group_totals": {g: format(v, "f") for g, v in unit.group_totals.items()},
                "warnings": warnings_by_unit.get(unit.code, []),
                "details": explain(specs[unit.code]),
            }
            for unit in result.units.values()
        ),
    )
    evaluations = data.inputs.team_evaluations
    _insert(
        TeamResult,
        (
            {
                "run_id": run.pk,
                "unit_id": data.unit_ids[team.unit],
                "evaluation": evaluations[team.unit],
                "score": team.score,
                "rank": team.rank,
                "tier": str(team.tier),
            }
            for team in result.teams.values()
        ),
    )
    cadre_evaluations = data.inputs.cadre_evaluations
    _insert(
        CadreResult,
        (
            {
                "run_id": run.pk,
                "cadre_id": data.cadre_ids[(cadre.unit, cadre.name)],
                "evaluation": cadre_evaluations[(cadre.unit, cadre.name)],
                "contribution": cadre.contribution,
                "score": cadre.score,
                "rank": cadre.rank,
                "tier": str(cadre.tier),
            }
            for cadre in result.cadres.values()
        ),
    )
    # Written once, sealed in the same transaction: a raw edit of a stored total shows. The
    # run's own rows exactly, so the chain is held only to seal them, not while they were written.
    seal_these(m._base_manager.filter(run=run) for m in (UnitResult, TeamResult, CadreResult))


_to_json = json.JSONEncoder(ensure_ascii=False).encode  # as json.dumps(…, ensure_ascii=False)


def _insert(model: type[models.Model], rows: Iterable[dict[str, object]]) -> None:
    """Insert computed rows (never audited: a run is replaced, not edited), each as it comes.

    On PostgreSQL through COPY, elsewhere (SQLite) as one prepared INSERT executed for every
    row: for a city's 5,000 result rows either takes a fraction of bulk_create's time (which
    builds one statement with a placeholder per field of every instance). The values are
    already clean: scores as 2-place Decimals, codes as text.
    """
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return
    rows = itertools.chain([first], rows)
    connection = connections[model._default_manager.db]
    columns = list(first)
    if connection.vendor != "postgresql":
        by_column = {field.attname: field for field in model._meta.concrete_fields}
        fields = [by_column[name] for name in columns]
        table = connection.ops.quote_name(model._meta.db_table)
        names = ", ".join(connection.ops.quote_name(name) for name in columns)
        marks = ", ".join(["%s"] * len(columns))
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({marks})",
                [[f.get_db_prep_save(row[f.attname], connection) for f in fields] for row in rows],
            )
        return
    json_columns = {
        name
        for name in columns
        if isinstance(model._meta.get_field(name.removesuffix("_id")), models.JSONField)
    }
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(name) for name in columns)
    connection.ensure_connection()  # the psycopg connection, inside the same transaction
    with connection.connection.cursor() as cursor:
        with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(
                    [_to_json(row[name]) if name in json_columns else row[name] for name in columns]
                )


def run_matches_inputs(run: ComputationRun) -> bool:
    """Whether the data now in the database still gives the run's input digest."""
    data = year_data(run.year, bonus_pool=run.bonus_pool, from_records=True)
    return inputs_digest(data.inputs) == run.input_hash


def stored_problem(data: dict[str, object]) -> scoring.Problem:
    """A warning as stored on a run (``_problem_json``) back as the engine's ``Problem``."""
    # Back from the run's JSON (``_problem_json``), each as the engine's field took it.
    fields: dict[str, Any] = {
        k: data[k] for k in ("category", "unit", "indicator", "cadre", "value") if k in data
    }
    return scoring.Problem(code=scoring.ProblemCode(str(data["code"])), **fields)


def warning_messages(
    run: ComputationRun, warnings: list[dict[str, object]] | None = None
) -> list[str]:
    """The run's warnings (or the given stored ones) worded for the office, in two queries."""
    from assessment.lib.problem_messages import problem_message

    stored = run.warnings if warnings is None else warnings
    if not stored:
        return []
    problems = [stored_problem(w) for w in stored]
    units = dict(
        Unit.objects.filter(code__in={p.unit for p in problems if p.unit}).values_list(
            "code", "name"
        )
    )
    indicators = {
        (category, code): name
        for category, code, name in Indicator.objects.filter(year_id=run.year_id).values_list(
            "category__code", "code", "name"
        )
    }
    return [problem_message(p, units=units, indicators=indicators) for p in problems]
