"""factory_boy factories for the assessment models (years, indicators, targets, results)."""

import datetime
from decimal import Decimal

import factory

from assessment.models import (
    AssessmentYear,
    ComputationRun,
    Indicator,
    Target,
    UnitResult,
    YearStatus,
)
from tests.factories import CategoryFactory, UnitFactory


class YearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssessmentYear
        django_get_or_create = ("year",)

    year = 2026
    status = YearStatus.SETUP


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    year = factory.SubFactory(YearFactory)
    category = factory.SubFactory(CategoryFactory)
    code = factory.Sequence(lambda n: f"I{n:02d}")
    name = factory.Sequence(lambda n: f"指标{n}")
    group = "经济发展"
    points = Decimal(20)
    method = "completion"


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    indicator = factory.SubFactory(IndicatorFactory)
    unit = factory.SubFactory(UnitFactory)
    target = Decimal(500)


class RunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ComputationRun

    year = factory.SubFactory(YearFactory)
    input_hash = "0" * 64
    is_current = True


class UnitResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnitResult

    run = factory.SubFactory(RunFactory)
    unit = factory.SubFactory(UnitFactory)
    category = factory.LazyAttribute(lambda result: result.unit.category)
    total = Decimal("85.00")
    rank = 1
    tier = "good"


def town_indicators(year, town, *, points=(Decimal(60), Decimal(40)), gdp=None, party=None):
    """The two indicators most district tests score towns on: E01 地区生产总值 (completion, in
    亿元, group 经济发展) and G01 党建工作 (graded, group 党的建设), worth ``points``; ``gdp``
    and ``party`` give further field values of each."""
    gdp_points, party_points = points
    return (
        IndicatorFactory(
            year=year, category=town, code="E01", name="地区生产总值", points=gdp_points,
            group="经济发展", measure="亿元", **(gdp or {}),
        ),
        IndicatorFactory(
            year=year, category=town, code="G01", name="党建工作", points=party_points,
            method="graded", group="党的建设", **(party or {}),
        ),
    )  # fmt: skip


def evidence_with(unit, indicator, by, *files, day=datetime.date(2026, 3, 1), value=10, note=""):
    """Evidence recorded through the service (as a user does) with ``files`` attached."""
    from assessment.services.evidence import evidence_record

    return evidence_record(
        unit=unit,
        indicator=indicator,
        date=day,
        value=Decimal(value),
        description=note or "附统计报表",
        by=by,
        attachments=files,
    )


def saved_targets(unit) -> dict:
    """The unit's targets as stored: indicator code → (target, base, responsible cadre's id)."""
    return {
        t.indicator.code: (t.target, t.base, t.leader_id)
        for t in Target.objects.filter(unit=unit).select_related("indicator")
    }
