"""Leadership teams and cadres (三位一体): scores with the numbers behind them, a cadre's
dossier across years, and the cadres with outstanding key-project contributions.

Spec, "Three in one": team = 0.7 × unit total + 0.3 × team evaluation; cadre = 0.6 × unit
total + 0.4 × personal evaluation + key-project contribution points (capped at 5); the weights
and the cap are the year's parameters. A formula is shown with the stored numbers and checked
against the engine's own function, so a page says so when the parameters changed after the
computation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext as _

from assessment import scoring
from assessment.forms.base import plain_number
from assessment.models import (
    AssessmentYear,
    CadreEvaluation,
    CadreResult,
    ComputationRun,
    Contribution,
    EvaluationRound,
    KeyProject,
    TeamEvaluation,
    TeamResult,
    TierChoices,
    UnitResult,
)
from units.models import Cadre
from units.xlsx import add_sheet, new_workbook, put, to_bytes


def current_run(year: AssessmentYear) -> ComputationRun | None:
    return year.runs.filter(is_current=True).select_related("computed_by").first()


def _unit_totals(run: ComputationRun, unit_ids: set[int]) -> dict[int, Decimal]:
    return dict(
        UnitResult.objects.filter(run=run, unit_id__in=unit_ids).values_list("unit_id", "total")
    )


@dataclass(frozen=True)
class FormulaLine:
    """A team's or a cadre's result with the numbers of its formula."""

    result: TeamResult | CadreResult
    unit_total: Decimal | None
    formula: str
    matches: bool  # the engine gives the stored score from these numbers and today's weights
    # The evaluation round whose ballots gave the evaluation (None: imported or typed in).
    round: EvaluationRound | None = None


def _rounds(
    model: type[TeamEvaluation] | type[CadreEvaluation], year: AssessmentYear, field: str
) -> dict[int, EvaluationRound]:
    """{unit or cadre id: the round its evaluation comes from}, in one query."""
    return {
        getattr(row, field): row.round
        for row in model.objects.filter(year=year, round__isnull=False).select_related("round")
        if row.round is not None  # (the filter leaves only these)
    }


def team_formula(year: AssessmentYear, unit_total: Decimal, evaluation: Decimal) -> str:
    score = scoring.team_score(
        unit_total=unit_total, evaluation=evaluation, params=year.scoring_params()
    )
    return (
        f"{plain_number(year.team_unit_weight)} × {unit_total} + "
        f"{plain_number(year.team_evaluation_weight)} × {evaluation} = {score}"
    )


def cadre_formula(
    year: AssessmentYear, unit_total: Decimal, evaluation: Decimal, contribution: Decimal
) -> str:
    score = scoring.cadre_score(
        unit_total=unit_total,
        evaluation=evaluation,
        contribution=contribution,
        params=year.scoring_params(),
    )
    return (
        f"{plain_number(year.cadre_unit_weight)} × {unit_total} + "
        f"{plain_number(year.cadre_evaluation_weight)} × {evaluation} + {contribution} = {score}"
    )


def teams_queryset(run: ComputationRun, *, category: str = "") -> QuerySet[TeamResult]:
    teams = TeamResult.objects.filter(run=run).select_related("unit", "unit__category")
    if category:
        teams = teams.filter(unit__category__code=category)
    return teams.order_by("unit__category__sort_order", "rank", "unit__code")


def cadres_queryset(
    run: ComputationRun, *, category: str = "", query: str = ""
) -> QuerySet[CadreResult]:
    cadres = CadreResult.objects.filter(run=run).select_related(
        "cadre", "cadre__unit", "cadre__unit__category"
    )
    if category:
        cadres = cadres.filter(cadre__unit__category__code=category)
    if query:
        cadres = cadres.filter(
            Q(cadre__name__icontains=query)
            | Q(cadre__unit__name__icontains=query)
            | Q(cadre__unit__code__iexact=query)
        )
    return cadres.order_by("rank", "cadre__unit__code", "cadre__name")


def team_lines(
    year: AssessmentYear, run: ComputationRun, teams: list[TeamResult]
) -> list[FormulaLine]:
    """The teams of a page with their formulas: one query for the unit totals."""
    totals = _unit_totals(run, {team.unit_id for team in teams})
    rounds = _rounds(TeamEvaluation, year, "unit_id")
    params = year.scoring_params()
    lines = []
    for team in teams:
        total = totals.get(team.unit_id)
        if total is None:
            lines.append(FormulaLine(team, None, "—", False, rounds.get(team.unit_id)))
            continue
        expected = scoring.team_score(unit_total=total, evaluation=team.evaluation, params=params)
        lines.append(
            FormulaLine(
                team,
                total,
                team_formula(year, total, team.evaluation),
                expected == team.score,
                rounds.get(team.unit_id),
            )
        )
    return lines


def cadre_lines(
    year: AssessmentYear, run: ComputationRun, cadres: list[CadreResult]
) -> list[FormulaLine]:
    """The cadres of a page with their formulas: one query for the unit totals."""
    totals = _unit_totals(run, {c.cadre.unit_id for c in cadres})
    rounds = _rounds(CadreEvaluation, year, "cadre_id")
    params = year.scoring_params()
    lines = []
    for result in cadres:
        total = totals.get(result.cadre.unit_id)
        if total is None:
            lines.append(FormulaLine(result, None, "—", False, rounds.get(result.cadre_id)))
            continue
        expected = scoring.cadre_score(
            unit_total=total,
            evaluation=result.evaluation,
            contribution=result.contribution,
            params=params,
        )
        lines.append(
            FormulaLine(
                result,
                total,
                cadre_formula(year, total, result.evaluation, result.contribution),
                expected == result.score,
                rounds.get(result.cadre_id),
            )
        )
    return lines


# --- a cadre's dossier ----------------------------------------------------------------------


@dataclass
class ProjectLine:
    project: KeyProject
    is_lead: bool
    points: Decimal | int  # verified, current contribution points of the cadre on the project


@dataclass
class DossierYear:
    year: AssessmentYear
    run: ComputationRun | None = None
    unit_result: UnitResult | None = None
    team_result: TeamResult | None = None
    cadre_result: CadreResult | None = None
    projects: list[ProjectLine] = field(default_factory=list)

    @property
    def verified_points(self) -> Decimal:
        return sum((Decimal(line.points) for line in self.projects), Decimal(0))

    @property
    def counted_points(self) -> Decimal:
        """The points that count in the score: at most the year's cap."""
        return min(self.verified_points, self.year.contribution_cap)


def cadre_dossier(cadre: Cadre) -> list[DossierYear]:
    """Per year, newest first: the unit's, the team's and the cadre's results in the current
    run, and the key projects the cadre led or served with their verified contributions.
    Six queries, whatever the number of years and projects."""
    runs = {
        run.year_id: run
        for run in ComputationRun.objects.filter(is_current=True).select_related("year")
    }
    run_ids = [run.pk for run in runs.values()]
    by_run: dict[int, DossierYear] = {
        run.pk: DossierYear(year=run.year, run=run) for run in runs.values()
    }
    for unit_result in UnitResult.objects.filter(run_id__in=run_ids, unit_id=cadre.unit_id):
        by_run[unit_result.run_id].unit_result = unit_result
    for team in TeamResult.objects.filter(run_id__in=run_ids, unit_id=cadre.unit_id):
        by_run[team.run_id].team_result = team
    for cadre_result in CadreResult.objects.filter(run_id__in=run_ids, cadre=cadre):
        by_run[cadre_result.run_id].cadre_result = cadre_result
    years: dict[int, DossierYear] = {entry.year.pk: entry for entry in by_run.values()}
    projects = (
        KeyProject.objects.filter(Q(lead_cadre=cadre) | Q(members=cadre))
        .distinct()
        .select_related("year", "unit")
        .order_by("name")
    )
    points = dict(
        Contribution.objects.counting()
        .filter(cadre=cadre)
        .values("project_id")
        .annotate(points=Sum("points"))
        .order_by()
        .values_list("project_id", "points")
    )
    for project in projects:
        entry = years.setdefault(project.year_id, DossierYear(year=project.year))
        entry.projects.append(
            ProjectLine(project, project.lead_cadre_id == cadre.pk, points.get(project.pk, 0))
        )
    kept = [
        entry
        for entry in years.values()
        if entry.unit_result or entry.team_result or entry.cadre_result or entry.projects
    ]
    return sorted(kept, key=lambda entry: -entry.year.year)


# --- outstanding key-project contributions (优先提拔使用) ------------------------------------


@dataclass
class OutstandingLine:
    cadre: Cadre
    points: Decimal  # verified, current contribution points in the year, before the cap
    projects: list[str]
    result: CadreResult | None  # in the current run, if computed


def outstanding_cadres(year: AssessmentYear, threshold: Decimal) -> list[OutstandingLine]:
    """Cadres whose verified contribution points in ``year`` reach ``threshold`` (by default
    the year's cap), most points first, with their tier in the current run. Four queries."""
    sums = {
        row["cadre_id"]: row["points"]
        for row in Contribution.objects.counting()
        .filter(project__year=year)
        .values("cadre_id")
        .annotate(points=Sum("points"))
        .filter(points__gte=threshold)
        .order_by()
    }
    if not sums:
        return []
    projects: dict[int, list[str]] = {}
    for cadre_id, name in (
        Contribution.objects.counting()
        .filter(project__year=year, cadre_id__in=sums)
        .values_list("cadre_id", "project__name")
        .distinct()
        .order_by("project__name")
    ):
        projects.setdefault(cadre_id, []).append(name)
    results = {
        result.cadre_id: result
        for result in CadreResult.objects.filter(
            run__year=year, run__is_current=True, cadre_id__in=sums
        )
    }
    cadres = Cadre.objects.filter(pk__in=sums).select_related("unit", "unit__category")
    lines = [
        OutstandingLine(c, sums[c.pk], projects.get(c.pk, []), results.get(c.pk)) for c in cadres
    ]
    return sorted(lines, key=lambda line: (-line.points, line.cadre.unit.code, line.cadre.name))


def outstanding_workbook(
    year: AssessmentYear, threshold: Decimal, lines: list[OutstandingLine]
) -> bytes:
    """The list for the organisation department: numbers as numbers."""
    tiers = dict(TierChoices.choices)
    workbook = new_workbook()
    add_sheet(
        workbook,
        _("Outstanding contributions"),
        [
            _("Unit code"),
            _("Unit name"),
            _("Name"),
            _("Position"),
            _("Verified contribution points"),
            _("Cadre score"),
            _("Tier"),
            _("Key projects"),
        ],
        (
            [
                line.cadre.unit.code,
                line.cadre.unit.name,
                line.cadre.name,
                line.cadre.position,
                line.points,
                line.result.score if line.result else None,
                str(tiers[line.result.tier]) if line.result else "",
                "、".join(line.projects),
            ]
            for line in lines
        ),
        number_formats={5: "0.00", 6: "0.00"},
        widths={2: 24, 8: 40},
    )
    notes = workbook.create_sheet(_("About")[:31])
    put(
        notes,
        1,
        1,
        _("%(year)s: cadres with verified contribution points of at least %(points)s")
        % {"year": year.year, "points": plain_number(threshold)},
    )
    return to_bytes(workbook)
