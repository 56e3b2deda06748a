"""A one-category year for the scoring engine's tests: each unit's total is its actual value."""

from __future__ import annotations

from decimal import Decimal as D

from assessment.scoring import EvidenceTotal, IndicatorSpec, UnitSpec, YearInputs

SCORE = IndicatorSpec("X", "score", "main", D(100), "completion")
SAFE = IndicatorSpec("SAFE", "safety", "main", D(0), "veto")


def simple_year(
    totals: dict[str, str],
    *,
    vetoed: tuple[str, ...] = (),
    headcounts: dict[str, int] | None = None,
    bonus_pool: int | None = None,
    **extra: object,
) -> YearInputs:
    """One category whose only regular indicator (completion, 100 points, target 100)
    makes each unit's total equal to its actual value."""
    return YearInputs(
        indicators={"town": [SCORE, SAFE]},
        units=[UnitSpec(code, code, "town", (headcounts or {}).get(code, 10)) for code in totals],
        targets={(code, "X"): D(100) for code in totals},
        evidence={
            **{(code, "X"): EvidenceTotal(D(total), 1) for code, total in totals.items()},
            **{(code, "SAFE"): EvidenceTotal(D(1), 1) for code in vetoed},
        },
        bonus_pool=bonus_pool,
        **extra,
    )
