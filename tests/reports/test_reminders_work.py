"""What is overdue, phase by phase, in a small district worked out by hand.

The district (``reminders_district``), 2026, collecting, reporting period 31 days:

- Town units 甲镇 A01, 乙镇 B01, 丙镇 C01; the economic department 区发改局 JJ01 is the lead
  department of E01 and G01 and is itself assessed (economic scheme F01, F02).
- Scheme of the towns: E01 GDP (completion, led by JJ01), E02 investment (increment: target and
  base), G01 party building (graded, led by JJ01), G02 public safety (graded, no lead), D01
  safety accidents (deduction). Economic: F01 service (graded, led by JJ01 — its own row is the
  office's), F02 projects (completion).
- Targets: E01 A01 500, B01 400 (C01 none); E02 A01 target 50 and base 40, B01 target 60 only
  (no base), C01 nothing; F02 JJ01 10. Missing: B01 one (E02's base), C01 two (E01, E02).
- Records (monthly reporting, due the 5th of the next month): A01 on 10 January, 10 February,
  10 March; B01 on 15 January (pending, recorded 1 February) and a rejected one on 12 March;
  C01 only a deduction recorded against it in February (a failure is not its report); JJ01 on
  1 March (F02, pending, recorded 1 March). On 20 April the January to March deadlines have
  passed: B01 misses February (due 5 March, 46 days overdue), C01 January to March (due
  5 February, 74 days), JJ01 January and February (due 5 February, 74 days).
- Grades: G01 A01 only (B01, C01 missing: JJ01's to enter), G02 A01 only (B01, C01 missing:
  the office's, no lead), F01 none (JJ01's own row: the office's).
- Deadlines: targets 31 March, monthly on the 5th, grading 15 April, evaluation 31 May.
- Waiting for verification longer than 31 days on 20 April (recorded before 20 March): B01's
  E01 record (since 1 February: JJ01's to verify, due 4 March) and JJ01's own F02 record (since
  1 March: the office's, due 1 April).
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from assessment.models import (
    AssessmentYear,
    CadreEvaluation,
    Evidence,
    Grade,
    Indicator,
    Objection,
    Target,
    TeamEvaluation,
    YearStatus,
)
from reports.models import Phase, PhaseDeadline
from reports.reminders.items import Actor, Kind
from reports.reminders.work import year_reminders
from tests.factories import CadreFactory, UnitFactory, UserFactory
from units.roles import Role

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 4, 20)


def record(unit, indicator, day, *, status="verified", recorded=None, value=1):
    evidence = Evidence.objects.create(
        unit=unit, indicator=indicator, date=day, value=Decimal(value), description="记录",
        status=status,
    )  # fmt: skip
    when = recorded or day
    Evidence.objects.filter(pk=evidence.pk).update(
        recorded_at=timezone.make_aware(datetime.datetime(when.year, when.month, when.day, 9))
    )
    return evidence


def indicator(year, category, code, method, **extra):
    return Indicator.objects.create(
        year=year, category=category, code=code, name=extra.pop("name", code), group="组",
        points=Decimal(10), method=method, **extra,
    )  # fmt: skip


def build(town, economic, unit_a, unit_b, unit_c, lead_unit):
    year = AssessmentYear.objects.create(year=2026, status=YearStatus.COLLECTING)
    e01 = indicator(year, town, "E01", "completion", name="地区生产总值", lead_unit=lead_unit)
    e02 = indicator(year, town, "E02", "increment", name="固定资产投资")
    g01 = indicator(year, town, "G01", "graded", name="党建工作", lead_unit=lead_unit)
    g02 = indicator(year, town, "G02", "graded", name="平安建设")
    d01 = indicator(year, town, "D01", "deduction", name="安全生产事故")
    indicator(year, economic, "F01", "graded", name="服务发展", lead_unit=lead_unit)
    f02 = indicator(year, economic, "F02", "completion", name="重大项目推进")
    Target.objects.create(indicator=e01, unit=unit_a, target=Decimal(500))
    Target.objects.create(indicator=e01, unit=unit_b, target=Decimal(400))
    Target.objects.create(indicator=e02, unit=unit_a, target=Decimal(50), base=Decimal(40))
    Target.objects.create(indicator=e02, unit=unit_b, target=Decimal(60))
    Target.objects.create(indicator=f02, unit=lead_unit, target=Decimal(10))
    for month in (1, 2, 3):
        record(unit_a, e01, D(2026, month, 10))
    record(unit_b, e01, D(2026, 1, 15), status="pending", recorded=D(2026, 2, 1))
    record(unit_b, e02, D(2026, 3, 12), status="rejected")
    record(unit_c, d01, D(2026, 2, 20), status="pending", recorded=D(2026, 4, 15))
    record(lead_unit, f02, D(2026, 3, 1), status="pending")
    record(unit_a, e01, D(2026, 4, 12), status="pending")  # recent: not yet overdue
    Grade.objects.create(indicator=g01, unit=unit_a, grade="A")
    Grade.objects.create(indicator=g02, unit=unit_a, grade="B")
    for phase, due in [
        (Phase.TARGETS, D(2026, 3, 31)),
        (Phase.GRADING, D(2026, 4, 15)),
        (Phase.EVALUATION, D(2026, 5, 31)),
    ]:
        PhaseDeadline.objects.create(year=year, phase=phase, due_on=due)
    PhaseDeadline.objects.create(year=year, phase=Phase.MONTHLY, day_of_month=5)
    return year


@pytest.fixture
def unit_c(town):
    return UnitFactory(code="C01", name="丙镇", category=town, headcount=30)


@pytest.fixture
def reminders_district(town, economic, unit_a, unit_b, unit_c, lead_unit):
    return build(town, economic, unit_a, unit_b, unit_c, lead_unit)


def rows(items):
    """(phase, actor, acting unit, unit, indicator code, details, due, days) of each item."""
    return [
        (
            item.phase,
            item.actor.value,
            item.actor_unit.code if item.actor_unit else None,
            item.unit.code if item.unit else None,
            item.indicator[-4:-1] if item.indicator else None,
            item.details,
            item.due,
            item.days,
        )
        for item in items
    ]


def test_what_is_overdue_on_20_april_as_worked_out_by_hand(reminders_district):
    found = year_reminders(reminders_district, TODAY)

    assert rows(found.overdue) == [
        # the office: targets (due 31 March), grades with no lead department or of the lead
        # department's own row (due 15 April), the lead department's own pending record
        ("targets", "office", None, "B01", None, ("固定资产投资（E02）",), D(2026, 3, 31), 20),
        ("targets", "office", None, "C01", None,
         ("地区生产总值（E01）", "固定资产投资（E02）"), D(2026, 3, 31), 20),
        ("grading", "office", None, None, "G02", ("乙镇", "丙镇"), D(2026, 4, 15), 5),
        ("grading", "office", None, "JJ01", "F01", (), D(2026, 4, 15), 5),
        ("verification", "office", None, "JJ01", "F02", (), D(2026, 4, 1), 19),
        # the lead department: its indicator's grades and its records to verify
        ("grading", "lead", "JJ01", None, "G01", ("乙镇", "丙镇"), D(2026, 4, 15), 5),
        ("verification", "lead", "JJ01", "B01", "E01", (), D(2026, 3, 4), 47),
        # the units: their months without a record
        ("monthly", "unit", "B01", "B01", None, ("2026年2月",), D(2026, 3, 5), 46),
        ("monthly", "unit", "C01", "C01", None,
         ("2026年1月", "2026年2月", "2026年3月"), D(2026, 2, 5), 74),
        ("monthly", "unit", "JJ01", "JJ01", None, ("2026年1月", "2026年2月"), D(2026, 2, 5), 74),
    ]  # fmt: skip
    assert found.due_soon == []
    schedule = {line.phase: (line.due, line.state) for line in found.schedule}
    assert schedule == {
        "targets": (D(2026, 3, 31), "passed"),
        "monthly": (D(2026, 5, 5), "later"),  # April's records, due 5 May
        "grading": (D(2026, 4, 15), "passed"),
        "evaluation": (D(2026, 5, 31), "later"),
    }


def test_the_items_are_worded_with_their_counts(reminders_district):
    found = year_reminders(reminders_district, TODAY)
    with translation.override("en"):
        texts = [(i.kind, i.text) for i in found.overdue]
    assert texts == [
        (Kind.TARGETS, "1 target or base missing"),
        (Kind.TARGETS, "2 targets or bases missing"),
        (Kind.GRADES, "2 units without a grade"),
        (Kind.GRADES, "1 unit without a grade"),
        (Kind.PENDING, "1 record waiting for verification"),
        (Kind.GRADES, "2 units without a grade"),
        (Kind.PENDING, "1 record waiting for verification"),
        (Kind.RECORDS, "No records for 1 month"),
        (Kind.RECORDS, "No records for 3 months"),
        (Kind.RECORDS, "No records for 2 months"),
    ]
    assert [i.actor for i in found.overdue].count(Actor.LEAD) == 2


def test_a_month_due_within_the_notice_is_due_soon_for_the_units_without_a_record(
    reminders_district, unit_a, unit_b
):
    gdp = Indicator.objects.get(code="E01")
    record(unit_a, gdp, D(2026, 4, 28))

    found = year_reminders(reminders_district, D(2026, 5, 3))  # April's due 5 May, notice 3

    soon = [(i.unit.code, i.details, i.due, i.days) for i in found.due_soon]
    assert soon == [
        ("B01", ("2026年4月",), D(2026, 5, 5), 2),
        ("C01", ("2026年4月",), D(2026, 5, 5), 2),
        ("JJ01", ("2026年4月",), D(2026, 5, 5), 2),
    ]
    assert not any(i.is_overdue for i in found.due_soon)


def test_a_one_off_deadline_is_due_soon_within_its_notice_only(reminders_district, unit_a):
    PhaseDeadline.objects.filter(phase=Phase.EVALUATION).update(notice_days=10)
    TeamEvaluation.objects.create(year=reminders_district, unit=unit_a, score=90)
    cadre = CadreFactory(unit=unit_a, name="张三")
    CadreFactory(unit=unit_a, name="李四", is_active=False)  # not assessed

    def evaluation(day):
        with translation.override("en"):
            found = year_reminders(reminders_district, day)
        return [
            (i.unit.code, i.details, i.is_overdue)
            for i in found.items
            if i.phase == Phase.EVALUATION
        ]

    assert evaluation(D(2026, 5, 20)) == []  # eleven days before: not yet
    assert evaluation(D(2026, 5, 21)) == [
        ("A01", ("张三",), False),
        ("B01", ("leadership team",), False),
        ("C01", ("leadership team",), False),
        ("JJ01", ("leadership team",), False),
    ]
    CadreEvaluation.objects.create(year=reminders_district, cadre=cadre, score=88)
    assert evaluation(D(2026, 6, 1))[0] == ("B01", ("leadership team",), True)


def test_nothing_is_asked_that_the_years_state_no_longer_allows(reminders_district):
    reminders_district.status = YearStatus.SCORING  # records are no longer collected
    reminders_district.save(update_fields=["status"])

    phases = {i.phase for i in year_reminders(reminders_district, TODAY).overdue}
    assert phases == {"targets", "grading", "verification"}
    lines = {line.phase: line.state for line in year_reminders(reminders_district, TODAY).schedule}
    assert lines["monthly"] == "closed"

    reminders_district.status = YearStatus.PUBLISHED
    reminders_district.save(update_fields=["status"])
    found = year_reminders(reminders_district, TODAY)
    assert found.is_closed and found.items == []


def test_publicity_defaults_to_the_years_end_and_open_objections_are_overdue_after_it(
    reminders_district, unit_b, reporter_b
):
    reminders_district.status = YearStatus.PUBLICITY
    reminders_district.publicity_ends_on = D(2026, 4, 18)
    reminders_district.save(update_fields=["status", "publicity_ends_on"])
    objection = Objection.objects.create(
        year=reminders_district, unit=unit_b, indicator=Indicator.objects.get(code="G01"),
        filed_by=reporter_b, reason="应评A",
    )  # fmt: skip
    Objection.objects.create(
        year=reminders_district, unit=unit_b, indicator=Indicator.objects.get(code="E01"),
        filed_by=reporter_b, reason="数据有误", status="rejected", resolution="核实无误",
    )  # fmt: skip

    found = year_reminders(reminders_district, TODAY)

    assert rows(found.overdue) == [
        ("publicity", "office", None, "B01", "G01", (), D(2026, 4, 18), 2),
    ]
    assert found.overdue[0].url.endswith(f"/objections/{objection.pk}/")
    [line] = [line for line in found.schedule if line.phase == Phase.PUBLICITY]
    assert line.implicit and line.due == D(2026, 4, 18)
    # Due soon within the default notice of 3 days before the end.
    assert [i.phase for i in year_reminders(reminders_district, D(2026, 4, 16)).due_soon] == [
        "publicity"
    ]


def test_an_inactive_unit_is_asked_nothing(reminders_district, unit_c):
    unit_c.is_active = False
    unit_c.save(update_fields=["is_active"])

    found = year_reminders(reminders_district, TODAY)

    assert all("C01" not in (i.unit.code if i.unit else "") for i in found.overdue)
    grading = [i for i in found.overdue if i.indicator.endswith("（G01）")]
    assert (grading[0].unit.code, grading[0].count) == ("B01", 1)


def test_the_reads_are_a_fixed_number_of_queries_whatever_the_number_of_units(
    reminders_district, town, django_assert_max_num_queries
):
    with django_assert_max_num_queries(14) as small:
        year_reminders(reminders_district, TODAY)
    e01 = Indicator.objects.get(code="E01")
    for n in range(15):
        unit = UnitFactory(code=f"T{n:02d}", category=town)
        Target.objects.create(indicator=e01, unit=unit, target=Decimal(10))
        record(unit, e01, D(2026, 2, 3), status="pending", recorded=D(2026, 2, 3))
        CadreFactory(unit=unit)
        UserFactory(role=Role.REPORTER, unit=unit)
    with django_assert_max_num_queries(len(small.captured_queries)):
        found = year_reminders(reminders_district, TODAY)
    assert len(found.overdue) > 20
