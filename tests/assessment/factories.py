"""factory_boy factories for the assessment models (years, indicators, targets, results)."""

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
