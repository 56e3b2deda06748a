"""Reads of draft schemes, and of what decided each tier and the balance of a year's scheme in
its stored results."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import QuerySet

from assessment import scoring
from assessment.models import (
    AssessmentYear,
    CityRank,
    ComputationRun,
    DraftScheme,
    Indicator,
    UnitResult,
)
from assessment.scoring.balance import CategoryBalance, category_balance
from assessment.scoring.deciders import TierDecider, decide
from assessment.selectors.scheme import indicator_spec
from units.models import Unit


def year_drafts(year: AssessmentYear) -> QuerySet[DraftScheme]:
    """The drafts made from ``year``, the latest changed first."""
    return DraftScheme.objects.filter(year=year).select_related("created_by")


def deleted_draft_year(pk: int) -> int | None:
    """The year of the draft ``pk`` when it has been deleted (None: it exists, or never did)."""
    if DraftScheme.objects.filter(pk=pk).exists():
        return None
    return (
        DraftScheme.history.filter(id=pk, history_type="-")
        .values_list("year__year", flat=True)
        .first()
    )


# --- the year's stored results, read back as the engine's values -----------------------------


def _current_run(year: AssessmentYear) -> ComputationRun | None:
    return ComputationRun.objects.filter(year=year, is_current=True).first()


def stored_category(
    year: AssessmentYear, category: str, *, unit: str | None = None
) -> tuple[scoring.YearInputs, scoring.YearResult] | None:
    """The category's stored current results and the year's scheme and parameters, as the
    engine's values (no recomputation); with ``unit``, that unit's city ranks as well.
    None while the year has no results."""
    run = _current_run(year)
    if run is None:
        return None
    rows = UnitResult.objects.filter(run=run, category__code=category).values_list(
        "unit__code", "total", "rank", "tier", "veto", "disqualified", "bonus", "scores"
    )
    units = {
        code: scoring.UnitResult(
            code=code,
            category=category,
            scores={key: Decimal(value) for key, value in (scores or {}).items()},
            group_totals={},
            total=total,
            rank=rank,
            tier=scoring.Tier(tier),
            veto=veto,
            bonus=bonus,
            disqualified=disqualified,
        )
        for code, total, rank, tier, veto, disqualified, bonus, scores in rows
    }
    specs = [
        indicator_spec(indicator)
        for indicator in Indicator.objects.filter(year=year, category__code=category)
    ]
    city_ranks = {}
    if unit is not None:
        city_ranks = {
            (unit, code): (rank, total)
            for code, rank, total in CityRank.objects.filter(
                indicator__year=year, unit__code=unit
            ).values_list("indicator__code", "rank", "total")
        }
    inputs = scoring.YearInputs(
        params=year.scoring_params(), indicators={category: specs}, units=[],
        city_ranks=city_ranks,
    )  # fmt: skip
    result = scoring.YearResult(
        units=units, teams={}, cadres={}, missing_team_evaluations=(),
        missing_cadre_evaluations=(), warnings=(), bonus=None,
    )  # fmt: skip
    return inputs, result


def stored_decider(year: AssessmentYear, unit: Unit) -> TierDecider | None:
    """What decided the unit's tier in the year's current results (None: no results)."""
    stored = stored_category(year, unit.category.code, unit=unit.code)
    if stored is None or unit.code not in stored[1].units:
        return None
    return decide(*stored, unit.code)


def stored_balance(year: AssessmentYear, category: str) -> CategoryBalance | None:
    """The balance of the category's scheme in the year's current results."""
    stored = stored_category(year, category)
    if stored is None or not stored[1].units:
        return None
    return category_balance(*stored, category)


def indicator_names(year: AssessmentYear) -> dict[tuple[str, str], str]:
    """(category code, indicator code) → name, for the year's scheme."""
    return {
        (category, code): name
        for category, code, name in Indicator.objects.filter(year=year).values_list(
            "category__code", "code", "name"
        )
    }
