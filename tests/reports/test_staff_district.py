"""A small district for the staff reports, and its projection worked out by hand.

Town category (镇街), scheme of two indicators:

- E01 地区生产总值, completion, 60 points, target per unit; verified so far:
  甲镇 A01 450 of 500 → 60 × 0.9 = 54.00; 乙镇 B01 400 of 400 → 60.00;
  丙镇 C01 100 of 200 → 30.00 (a pending record of 100 more does not count).
- G01 党建工作, graded, 40 points: A01 A → 40.00, B01 C → 28.00, C01 A → 40.00.

Projected totals: A01 94.00, B01 88.00, C01 70.00; ranks 1, 2, 3; the excellent quota of 3
units is max(1, floor(3 × 0.3)) = 1, so A01 excellent, B01 good (≥ 80), C01 average (≥ 60);
category average (94 + 88 + 70) / 3 = 84.00.
"""

import datetime
from decimal import Decimal

import pytest

from assessment.models import (
    AssessmentYear,
    Evidence,
    Grade,
    Target,
    YearStatus,
)
from reports.staff.projection import average, overdue_by_unit, project
from tests.assessment.factories import IndicatorFactory, town_indicators
from tests.factories import CadreFactory, UnitFactory

D = Decimal
YEAR = 2026


def record(unit, indicator, value, *, day=datetime.date(2026, 3, 15), status="verified"):
    return Evidence.objects.create(
        unit=unit,
        indicator=indicator,
        date=day,
        value=D(value),
        description="记录",
        status=status,
    )


def build_district(town, units, lead_unit=None):
    """The year, scheme, targets, evidence and grades described above; returns the year."""
    unit_a, unit_b, unit_c = units
    year = AssessmentYear.objects.create(year=YEAR, status=YearStatus.COLLECTING)
    gdp, party = town_indicators(
        year, town, gdp={"lead_unit": lead_unit, "sort_order": 1}, party={"sort_order": 2}
    )
    leader = CadreFactory(unit=unit_a, name="张三", position="党委书记", rank_kind="principal")
    for unit, target in [(unit_a, 500), (unit_b, 400), (unit_c, 200)]:
        Target.objects.create(
            indicator=gdp,
            unit=unit,
            target=D(target),
            base=D(300) if unit == unit_a else None,
            leader=leader if unit == unit_a else None,
        )
    record(unit_a, gdp, 200, day=datetime.date(2026, 2, 10))
    record(unit_a, gdp, 250, day=datetime.date(2026, 5, 10))
    record(unit_b, gdp, 400, day=datetime.date(2026, 6, 1))
    record(unit_c, gdp, 100, day=datetime.date(2026, 4, 1))
    record(unit_c, gdp, 100, day=datetime.date(2026, 6, 20), status="pending")
    for unit, grade in [(unit_a, "A"), (unit_b, "C"), (unit_c, "A")]:
        Grade.objects.create(indicator=party, unit=unit, grade=grade)
    return year


@pytest.fixture
def unit_c(town):
    return UnitFactory(code="C01", name="丙镇", category=town, headcount=30)


@pytest.fixture
def district(town, unit_a, unit_b, unit_c, lead_unit):
    """The town district; the economic department JJ01 exists but has no scheme this year."""
    return build_district(town, (unit_a, unit_b, unit_c), lead_unit=lead_unit)


@pytest.fixture
def district_with_problem(district, economic, lead_unit):
    """Plus a scheme for the economic category whose only unit has no target: JJ01 cannot be
    projected (missing target), the towns still are."""
    IndicatorFactory(  # a completion indicator of the group 经济发展
        year=district, category=economic, code="X01", name="招商引资", points=D(100)
    )
    return district


@pytest.mark.django_db
def test_the_towns_project_as_worked_out_by_hand(district, lead_unit):
    # JJ01's category has no scheme: the engine names the unit, it is set aside.
    projection = project(district)

    got = {
        code: (unit.total, unit.rank, unit.tier, unit.veto)
        for code, unit in projection.units.items()
    }
    assert got == {
        "A01": (D("94.00"), 1, "excellent", False),
        "B01": (D("88.00"), 2, "good", False),
        "C01": (D("70.00"), 3, "average", False),
    }
    assert [p.code for p in projection.unprojected["JJ01"]] == ["category_without_scheme"]
    assert average([u.total for u in projection.units.values()]) == D("84.00")


@pytest.mark.django_db
def test_a_unit_without_a_target_is_set_aside_and_the_others_are_still_ranked(
    district_with_problem,
):
    projection = project(district_with_problem)

    assert set(projection.units) == {"A01", "B01", "C01"}
    assert [(p.code, p.indicator) for p in projection.unprojected["JJ01"]] == [
        ("missing_target", "X01")
    ]
    assert projection.problems == []


@pytest.mark.django_db
def test_an_invalid_parameter_of_the_year_leaves_nothing_projected(district):
    AssessmentYear.objects.filter(pk=district.pk).update(good_threshold=D(95))
    district.refresh_from_db()

    projection = project(district)

    assert projection.units == {}
    assert [p.code for p in projection.problems] == ["invalid_param"]
    assert set(projection.unprojected) == {"A01", "B01", "C01", "JJ01"}


@pytest.mark.django_db
def test_the_projection_stores_no_computation(district):
    project(district)

    assert not district.runs.exists()


@pytest.mark.django_db
def test_overdue_counts_follow_the_rule_of_indicators_overdue(district, unit_a, unit_b, unit_c):
    from assessment.selectors.evidence import indicators_overdue

    projection = project(district)
    today = datetime.date(2026, 7, 15)

    counted = overdue_by_unit(district, projection.data, today)

    for unit in (unit_a, unit_b, unit_c):
        expected = [
            o.indicator.pk for o in indicators_overdue(unit=unit, year=district, today=today)
        ]
        assert [o.indicator.pk for o in counted.get(unit.pk, [])] == expected
    # A01 last reported on 10 May (66 days), B01 on 1 June (44), C01 on 20 June (25).
    assert {pk: len(rows) for pk, rows in counted.items()} == {unit_a.pk: 1, unit_b.pk: 1}
