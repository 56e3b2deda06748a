"""The scoring engine: pure Python on exact decimals, no Django (spec/scoring.md).

Give `compute` a `YearInputs` and get a `YearResult`, or a `SetupError` whose `problems`
list every invalid or missing input of the year. Problems and warnings are structured
(`Problem`, codes in `ProblemCode`); the Django layer words them for the user.

Modules: `numbers` (exact arithmetic, one rounding), `inputs` (what goes in), `methods`
(one function per scoring method), `ranking` (ranks, tiers, quota), `bonus` (largest
remainder), `checks` (setup errors), `results` (what comes out), `engine` (`compute`).
"""

from .bonus import BonusClaim, BonusResult, distribute_bonus
from .checks import collect_problems, validate_params, validate_scheme
from .engine import compute
from .inputs import (
    DEFAULT_GRADE_FACTORS,
    DEFAULT_TIER_COEFFICIENTS,
    REGULAR_METHODS,
    Aggregation,
    CadreSpec,
    EvidenceRow,
    EvidenceTotal,
    IndicatorSpec,
    Method,
    Params,
    Tier,
    UnitSpec,
    YearInputs,
    aggregate_evidence,
)
from .items import (
    CatalogueItem,
    CatalogueOutcome,
    CountedRecord,
    ItemRecord,
    ItemTotal,
    Level,
    catalogue_outcome,
    record_points,
)
from .methods import (
    base_ratio_scores,
    bonus_score,
    cadre_score,
    ceiling_score,
    city_rank_score,
    completion_score,
    deduction_score,
    graded_score,
    increment_score,
    survey_rate,
    survey_score,
    team_score,
)
from .numbers import clamp, exact, round2, to_decimal
from .problems import Problem, ProblemCode, SetupError
from .ranking import assign_tiers, competition_ranks, excellent_quota, threshold_tier
from .results import CadreResult, TeamResult, UnitResult, YearResult

__all__ = [
    "DEFAULT_GRADE_FACTORS",
    "DEFAULT_TIER_COEFFICIENTS",
    "REGULAR_METHODS",
    "Aggregation",
    "BonusClaim",
    "BonusResult",
    "CadreResult",
    "CadreSpec",
    "CatalogueItem",
    "CatalogueOutcome",
    "CountedRecord",
    "EvidenceRow",
    "EvidenceTotal",
    "IndicatorSpec",
    "ItemRecord",
    "ItemTotal",
    "Level",
    "Method",
    "Params",
    "Problem",
    "ProblemCode",
    "SetupError",
    "TeamResult",
    "Tier",
    "UnitResult",
    "UnitSpec",
    "YearInputs",
    "YearResult",
    "aggregate_evidence",
    "assign_tiers",
    "base_ratio_scores",
    "bonus_score",
    "cadre_score",
    "catalogue_outcome",
    "ceiling_score",
    "city_rank_score",
    "clamp",
    "collect_problems",
    "competition_ranks",
    "completion_score",
    "compute",
    "deduction_score",
    "distribute_bonus",
    "exact",
    "excellent_quota",
    "graded_score",
    "increment_score",
    "record_points",
    "round2",
    "survey_rate",
    "survey_score",
    "team_score",
    "threshold_tier",
    "to_decimal",
    "validate_params",
    "validate_scheme",
]
