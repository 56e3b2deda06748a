"""Writes of parameters, indicators and targets: policy first, validated, audited, atomic."""

from decimal import Decimal
from functools import partial

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from assessment.models import AssessmentYear, Indicator, Target, YearStatus
from assessment.policy import Action
from assessment.scoring import ProblemCode
from assessment.selectors.scheme import scheme_summary
from assessment.services.scheme import (
    TargetRow,
    indicator_delete,
    indicator_save,
    target_save,
    targets_save_many,
    year_create,
    year_update_parameters,
)
from tests.assessment.factories import (
    IndicatorFactory,
    TargetFactory,
    YearFactory,
    saved_targets,
)
from tests.assessment.policy_table import expected, saved_as_expected
from tests.factories import CadreFactory

pytestmark = pytest.mark.django_db

D = Decimal
ALL_STATES = list(YearStatus)


# --- years ------------------------------------------------------------------------------------


def test_a_new_year_is_set_up_with_the_specs_default_parameters(office_user):
    year = year_create(year=2027, by=office_user)
    year.refresh_from_db()
    assert year.status == YearStatus.SETUP
    assert (year.excellent_threshold, year.good_threshold, year.average_threshold) == (90, 80, 60)
    assert (year.excellent_quota, year.cadre_excellent_quota) == (D("0.30"), D("0.20"))
    assert [year.grade_a, year.grade_b, year.grade_c, year.grade_d] == [
        D("1.00"),
        D("0.85"),
        D("0.70"),
        D("0.50"),
    ]
    assert year.history.get().history_user == office_user


def test_a_year_cannot_be_created_twice(office_user):
    year_create(year=2027, by=office_user)
    with pytest.raises(ValidationError) as refused:
        year_create(year=2027, by=office_user)
    assert "year" in refused.value.message_dict
    assert AssessmentYear.objects.filter(year=2027).count() == 1


@pytest.mark.parametrize("status", ALL_STATES)
def test_parameters_follow_the_policy_in_every_state(status, office_user):
    year = YearFactory(status=status)
    outcome = expected(Action.EDIT_PARAMETERS, status)

    if outcome == "allowed":
        year_update_parameters(year=year, by=office_user, data={"bonus_pool": 1_000_000})
    else:
        with pytest.raises(ValidationError) as refused:
            year_update_parameters(year=year, by=office_user, data={"bonus_pool": 1_000_000})
        code = "reason_required" if outcome == "reason" else "year_locked"
        assert refused.value.error_list[0].code == code
        if outcome == "reason":
            year_update_parameters(
                year=year, by=office_user, data={"bonus_pool": 1_000_000}, reason="市委调整奖金"
            )
    year.refresh_from_db()
    assert year.bonus_pool == (None if outcome == "locked" else 1_000_000)


def test_an_amended_parameter_keeps_who_and_why_in_the_history(office_user):
    year = YearFactory(status=YearStatus.COLLECTING)
    year_update_parameters(
        year=year, by=office_user, data={"excellent_quota": D("0.25")}, reason="区委常委会决定"
    )
    latest, previous = year.history.all()[:2]
    assert latest.history_change_reason == "区委常委会决定"
    assert latest.history_user == office_user
    changes = latest.diff_against(previous).changes
    assert [(c.field, c.old, c.new) for c in changes] == [
        ("excellent_quota", D("0.3000"), D("0.2500"))
    ]


def test_saving_unchanged_parameters_writes_no_history(office_user):
    year = YearFactory()
    year_update_parameters(year=year, by=office_user, data={"excellent_threshold": D(90)})
    assert year.history.count() == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"excellent_quota": D("1.5")}, "excellent_quota"),
        ({"cadre_excellent_quota": D("1.01")}, "cadre_excellent_quota"),
        ({"good_threshold": D(95)}, NON_FIELD_ERRORS),  # good above excellent
        ({"grade_b": D("-0.1")}, "grade_b"),
        ({"coefficient_poor": D(-1)}, "coefficient_poor"),
    ],
)
def test_parameters_that_could_not_be_computed_are_refused_naming_the_field(
    data, field, office_user
):
    year = YearFactory()
    with pytest.raises(ValidationError) as refused:
        year_update_parameters(year=year, by=office_user, data=data)
    assert field in refused.value.message_dict
    year.refresh_from_db()
    assert year.excellent_quota == D("0.30") and year.good_threshold == 80


def test_only_parameters_can_be_changed_through_the_parameters_service(office_user):
    year = YearFactory()
    with pytest.raises(ValueError, match="status"):
        year_update_parameters(year=year, by=office_user, data={"status": "published"})


# --- indicators -------------------------------------------------------------------------------


@pytest.mark.parametrize("status", ALL_STATES)
def test_indicators_follow_the_policy_in_every_state(status, office_user, town):
    year = YearFactory(status=status)
    outcome = expected(Action.EDIT_SCHEME, status)
    indicator = Indicator(
        year=year, category=town, code="E01", name="地区生产总值", points=D(20), method="completion"
    )
    save = partial(indicator_save, indicator=indicator, by=office_user)
    saved_as_expected(outcome, save, "补充指标")
    assert Indicator.objects.filter(code="E01").exists() == (outcome != "locked")


def test_an_amended_indicator_keeps_the_reason_and_only_its_changes(office_user, town):
    indicator = IndicatorFactory(category=town, code="E01", points=D(20))
    AssessmentYear.objects.filter(pk=indicator.year_id).update(status=YearStatus.SCORING)
    indicator.refresh_from_db()
    indicator.points = D(25)
    indicator_save(indicator=indicator, by=office_user, reason="按市考核办口径调整")
    latest, previous = indicator.history.all()[:2]
    assert latest.history_change_reason == "按市考核办口径调整"
    assert latest.history_user == office_user
    assert [c.field for c in latest.diff_against(previous).changes] == ["points"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("points", D(-1)), ("cap", D("0.5")), ("total_share", D("1.5")), ("method", "magic")],
)
def test_an_invalid_indicator_is_refused_naming_the_field(field, value, office_user, town):
    indicator = IndicatorFactory.build(year=YearFactory(), category=town, code="E01")
    setattr(indicator, field, value)
    with pytest.raises(ValidationError) as refused:
        indicator_save(indicator=indicator, by=office_user)
    assert list(refused.value.message_dict) == [field]
    assert not Indicator.objects.exists()


def test_an_indicator_is_deleted_with_its_targets_while_the_year_is_set_up(
    office_user, town, unit_a
):
    target = TargetFactory(indicator=IndicatorFactory(category=town), unit=unit_a)
    indicator_delete(indicator=target.indicator, by=office_user)
    assert not Indicator.objects.exists() and not Target.objects.exists()
    deleted = Indicator.history.filter(history_type="-").get()
    assert deleted.history_user == office_user


@pytest.mark.parametrize("status", [s for s in ALL_STATES if s != YearStatus.SETUP])
def test_an_indicator_cannot_be_deleted_once_set_up_is_over(status, office_user, town):
    indicator = IndicatorFactory(category=town, year=YearFactory(status=status))
    with pytest.raises(ValidationError) as refused:
        indicator_delete(indicator=indicator, by=office_user, reason="不再考核")
    assert refused.value.error_list[0].code == "year_locked"
    assert Indicator.objects.filter(pk=indicator.pk).exists()


def test_scheme_summary_adds_the_regular_points_only_and_warns_when_not_100(town):
    year = YearFactory()
    for code, points, method in [
        ("E01", 40, "completion"),
        ("E02", 35, "graded"),
        ("B01", 5, "bonus"),
        ("D01", 10, "deduction"),
        ("V01", 0, "veto"),
    ]:
        IndicatorFactory(year=year, category=town, code=code, points=D(points), method=method)
    summary = scheme_summary(year, town)
    assert summary.regular_points == D(75)  # 40 + 35; bonus, deduction and veto stand outside
    assert not summary.points_ok
    assert summary.errors == []
    assert [(w.code, w.value) for w in summary.warnings] == [(ProblemCode.POINTS_NOT_100, D(75))]


def test_scheme_summary_reports_engine_errors_of_unsaved_indicators(town):
    year = YearFactory()
    bad = Indicator(year=year, category=town, code="E01", name="x", points=D(100), cap=D("0.9"))
    bad.method = "completion"
    summary = scheme_summary(year, town, indicators=[bad])
    assert summary.points_ok
    assert [(e.code, e.indicator, e.value) for e in summary.errors] == [
        (ProblemCode.INVALID_CAP, "E01", D("0.9"))
    ]


# --- targets ----------------------------------------------------------------------------------


@pytest.fixture
def scheme(town):
    """A town scheme with one indicator of each method that needs a target or a base."""
    year = YearFactory()
    return {
        method: IndicatorFactory(year=year, category=town, code=code, method=method)
        for code, method in [
            ("C01", "completion"),
            ("K01", "ceiling"),
            ("N01", "increment"),
            ("R01", "base_ratio"),
        ]
    }


@pytest.mark.parametrize("status", ALL_STATES)
def test_targets_follow_the_policy_in_every_state(status, office_user, scheme, unit_a):
    indicator = scheme["completion"]
    AssessmentYear.objects.filter(pk=indicator.year_id).update(status=status)
    indicator.year.refresh_from_db()
    outcome = expected(Action.EDIT_TARGETS, status)
    target = Target(indicator=indicator, unit=unit_a, target=D(500))
    saved_as_expected(outcome, partial(target_save, target=target, by=office_user), "目标调整")
    if outcome == "reason":
        assert target.history.get().history_change_reason == "目标调整"
    assert Target.objects.exists() == (outcome != "locked")


@pytest.mark.parametrize(
    ("method", "target", "base", "field"),
    [
        ("completion", D(0), None, "target"),
        ("ceiling", D(-4), None, "target"),
        ("increment", D(100), D(100), "target"),  # the target must be above the base
        ("base_ratio", None, D(0), "base"),
    ],
)
def test_a_target_that_could_never_be_computed_is_refused(
    method, target, base, field, office_user, scheme, unit_a
):
    row = Target(indicator=scheme[method], unit=unit_a, target=target, base=base)
    with pytest.raises(ValidationError) as refused:
        target_save(target=row, by=office_user)
    assert list(refused.value.message_dict) == [field]


def test_the_responsible_cadre_must_belong_to_the_unit(office_user, scheme, unit_a, unit_b):
    other = CadreFactory(unit=unit_b, name="王五")
    row = Target(indicator=scheme["completion"], unit=unit_a, target=D(500), leader=other)
    with pytest.raises(ValidationError) as refused:
        target_save(target=row, by=office_user)
    assert list(refused.value.message_dict) == ["leader"]


def test_all_of_a_units_targets_are_saved_from_one_form(office_user, scheme, unit_a, cadres):
    year = scheme["completion"].year
    TargetFactory(indicator=scheme["ceiling"], unit=unit_a, target=D(4))
    saved = targets_save_many(
        year=year,
        unit=unit_a,
        rows=[
            TargetRow(scheme["completion"], target=D(500), leader=cadres[0]),
            TargetRow(scheme["ceiling"], target=D(3)),
            TargetRow(scheme["increment"], target=D(120), base=D(100)),
            TargetRow(scheme["base_ratio"]),  # left empty: nothing is created
        ],
        by=office_user,
    )
    assert len(saved) == 3
    assert saved_targets(unit_a) == {
        "C01": (D(500), None, cadres[0].pk),
        "K01": (D(3), None, None),
        "N01": (D(120), D(100), None),
    }


def test_one_wrong_row_saves_nothing_at_all(office_user, scheme, unit_a):
    year = scheme["completion"].year
    TargetFactory(indicator=scheme["ceiling"], unit=unit_a, target=D(4))
    with pytest.raises(ValidationError) as refused:
        targets_save_many(
            year=year,
            unit=unit_a,
            rows=[
                TargetRow(scheme["completion"], target=D(500)),
                TargetRow(scheme["ceiling"], target=D(6)),
                TargetRow(scheme["increment"], target=D(90), base=D(100)),
                TargetRow(scheme["base_ratio"], base=D(-3)),
            ],
            by=office_user,
        )
    assert set(refused.value.message_dict) == {"N01.target", "R01.base"}
    assert list(Target.objects.values_list("indicator__code", "target")) == [("K01", D(4))]


def test_amended_targets_keep_the_reason_on_every_row(office_user, scheme, unit_a):
    year = scheme["completion"].year
    AssessmentYear.objects.filter(pk=year.pk).update(status=YearStatus.COLLECTING)
    year.refresh_from_db()
    rows = [TargetRow(scheme["completion"], target=D(500)), TargetRow(scheme["ceiling"], D(4))]
    with pytest.raises(ValidationError):
        targets_save_many(year=year, unit=unit_a, rows=rows, by=office_user)
    targets_save_many(year=year, unit=unit_a, rows=rows, by=office_user, reason="年中调整")
    reasons = Target.history.values_list("history_change_reason", "history_user")
    assert sorted(reasons) == [("年中调整", office_user.pk)] * 2


def test_an_unchanged_target_is_not_written_again(office_user, scheme, unit_a):
    year = scheme["completion"].year
    TargetFactory(indicator=scheme["completion"], unit=unit_a, target=D(500))
    saved = targets_save_many(
        year=year,
        unit=unit_a,
        rows=[TargetRow(scheme["completion"], target=D("500.000"))],
        by=office_user,
    )
    assert saved == []
    assert Target.history.count() == 1


def test_an_indicator_of_another_category_cannot_be_slipped_in(office_user, scheme, lead_unit):
    with pytest.raises(ValueError, match="not in the scheme"):
        targets_save_many(
            year=scheme["completion"].year,
            unit=lead_unit,  # an economic department; the scheme is the towns'
            rows=[TargetRow(scheme["completion"], target=D(500))],
            by=office_user,
        )
