"""What `compute` returns: frozen values, every score a 2-place `Decimal`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from .bonus import BonusResult
from .inputs import Tier
from .problems import Problem


@dataclass(frozen=True)
class UnitResult:
    """One unit's outcome (spec, "Total, rank and tier").

    `scores` maps each indicator code to its rounded score in scheme order (deductions are
    negative; veto and disqualify items have no score); `group_totals` adds them up by
    indicator group; `rank` is within the category; `disqualified` is the 取消评优资格 flag
    (at most good); `bonus` is None when the year has no bonus pool.
    """

    code: str
    category: str
    scores: Mapping[str, Decimal]
    group_totals: Mapping[str, Decimal]
    total: Decimal
    rank: int
    tier: Tier
    veto: bool
    bonus: int | None
    disqualified: bool = False


@dataclass(frozen=True)
class TeamResult:
    """A leadership team (领导班子); `rank` is among the assessed teams of its category."""

    unit: str
    category: str
    score: Decimal
    rank: int
    tier: Tier


@dataclass(frozen=True)
class CadreResult:
    """A leading cadre (领导干部); `rank` is among all cadres assessed in the year.

    `contribution` is the key-project contribution points that counted (after the cap).
    """

    unit: str
    name: str
    score: Decimal
    contribution: Decimal
    rank: int
    tier: Tier


@dataclass(frozen=True)
class YearResult:
    """The whole year: units, teams and cadres keyed as their inputs, in input order."""

    units: Mapping[str, UnitResult]
    teams: Mapping[str, TeamResult]
    cadres: Mapping[tuple[str, str], CadreResult]
    missing_team_evaluations: tuple[str, ...]
    missing_cadre_evaluations: tuple[tuple[str, str], ...]
    warnings: tuple[Problem, ...]
    bonus: BonusResult | None
