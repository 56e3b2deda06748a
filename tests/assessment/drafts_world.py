"""A scored year for the draft tests: two towns on two 50-point survey indicators.

甲镇 (A01): E01 rate 1 → 50.00, G01 rate 0.8 → 40.00: 90.00, excellent (quota 1 of 2).
乙镇 (B01): E01 rate 0.6 → 30.00, G01 rate 1 → 50.00: 80.00, good.
"""

from __future__ import annotations

from decimal import Decimal

from assessment.models import AssessmentYear, SurveyRate, YearStatus
from tests.assessment.factories import IndicatorFactory, YearFactory

RATES = {"A01": ("1", "0.8"), "B01": ("0.6", "1")}


def scored_year(town, units) -> AssessmentYear:  # type: ignore[no-untyped-def]
    year = YearFactory(year=2026, status=YearStatus.SCORING, bonus_pool=7000)
    indicators = [
        IndicatorFactory(
            year=year, category=town, code=code, name=name, points=Decimal(50),
            method="survey", group="main", sort_order=order,
        )
        for order, (code, name) in enumerate([("E01", "经济发展"), ("G01", "党建工作")])
    ]  # fmt: skip
    for unit in units:
        for indicator, rate in zip(indicators, RATES[unit.code], strict=True):
            SurveyRate.objects.create(indicator=indicator, unit=unit, rate=Decimal(rate))
    return year
