"""A year with quarterly period targets for the warnings tests: 甲镇 and 乙镇 on E01 (completion,
annual 1,000), C01 (ceiling, annual 200), V01 (veto) and B01 (bonus)."""

from __future__ import annotations

import datetime
from decimal import Decimal as D

from assessment.models import Evidence, EvidenceStatus, PeriodTarget
from assessment.services import warnings as service
from tests.assessment.factories import IndicatorFactory, TargetFactory


def day(month: int, dom: int) -> datetime.date:
    return datetime.date(2026, month, dom)


def record(unit, indicator, when, value, *, status=EvidenceStatus.VERIFIED, waived=False):
    return Evidence.objects.create(
        unit=unit, indicator=indicator, date=when, value=D(value), description="月报",
        status=status, is_waived=waived,
    )  # fmt: skip


def build_world(year, town, unit_a, unit_b, office_user):
    """E01 (completion, annual 1,000) and C01 (ceiling, annual 200) for 甲镇 and 乙镇, with
    quarterly periods and Q1 20 %, Q2 45 %, Q3 70 % of the annual targets."""
    gdp = IndicatorFactory(year=year, category=town, code="E01", name="地区生产总值")
    petitions = IndicatorFactory(
        year=year, category=town, code="C01", name="信访件数", method="ceiling"
    )
    safety = IndicatorFactory(year=year, category=town, code="V01", name="安全生产", method="veto")
    bonus = IndicatorFactory(year=year, category=town, code="B01", name="表彰", method="bonus")
    periods = service.periods_create(year=year, by=office_user)
    for unit in (unit_a, unit_b):
        TargetFactory(unit=unit, indicator=gdp, target=D(1000))
        TargetFactory(unit=unit, indicator=petitions, target=D(200))
        for period, share in zip(periods, ("0.20", "0.45", "0.70"), strict=False):
            for indicator in (gdp, petitions):
                PeriodTarget.objects.create(
                    period=period, unit=unit, indicator=indicator, share=D(share)
                )
    return {
        "gdp": gdp,
        "petitions": petitions,
        "safety": safety,
        "bonus": bonus,
        "periods": periods,
    }
