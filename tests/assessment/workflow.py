"""A small computed district for the results-workflow tests: two towns, two indicators.

- E01 地区生产总值, completion, 60 points: 甲镇 target 500, verified 460 → 60 × 0.92 = 55.20;
  乙镇 target 400, verified 300 → 60 × 0.75 = 45.00.
- G01 党建工作, graded, 40 points: 甲镇 B → 40 × 0.85 = 34.00; 乙镇 A → 40.00.

Totals: 甲镇 89.20 (rank 1), 乙镇 85.00 (rank 2).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from assessment.models import AssessmentYear, Evidence, EvidenceStatus, Grade, YearStatus
from assessment.services.compute import results_compute
from assessment.services.year import year_transition
from tests.assessment.factories import TargetFactory, YearFactory, town_indicators

ENDS = datetime.date(2099, 12, 31)  # a publicity that has not ended


def build_district(town, unit_a, unit_b, office_user, *, year: int = 2026) -> AssessmentYear:
    """The year in `scoring`, computed once by the office."""
    record = YearFactory(year=year, status=YearStatus.SCORING)
    gdp, party = town_indicators(record, town)
    TargetFactory(indicator=gdp, unit=unit_a, target=Decimal(500))
    TargetFactory(indicator=gdp, unit=unit_b, target=Decimal(400))
    for unit, values in [(unit_a, (120, 180, 160)), (unit_b, (300,))]:
        for month, value in enumerate(values, start=3):
            Evidence.objects.create(
                unit=unit, indicator=gdp, date=datetime.date(year, month, 28), value=value,
                description=f"{month}月统计快报", status=EvidenceStatus.VERIFIED,
            )  # fmt: skip
    Grade.objects.create(indicator=party, unit=unit_a, grade="B")
    Grade.objects.create(indicator=party, unit=unit_b, grade="A", reason="述职评议排名第一")
    results_compute(year=record, by=office_user)
    return record


def open_publicity(year: AssessmentYear, office_user, ends: datetime.date = ENDS) -> None:
    year_transition(year=year, to=YearStatus.PUBLICITY, by=office_user, publicity_ends=ends)
