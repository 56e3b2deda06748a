"""Recording evidence, correcting it by supersession, and answering failures with statements.

Every rule is held by the service itself, both ways: who may record for which unit and
indicator, the year's clock, the scheme and the year of the date, append-only corrections.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from assessment.admin.evidence import EvidenceAdmin
from assessment.models import (
    AssessmentYear,
    Evidence,
    EvidenceStatement,
    EvidenceStatus,
    YearStatus,
)
from assessment.services.evidence import (
    evidence_correct,
    evidence_record,
    evidence_statement_create,
    evidence_verify,
)
from tests.assessment.factories import IndicatorFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

D = Decimal
DAY = datetime.date(2026, 3, 15)


@pytest.fixture
def gdp(year, town, lead_unit):
    return IndicatorFactory(
        year=year, category=town, code="GDP", name="地区生产总值", lead_unit=lead_unit
    )


@pytest.fixture
def bonus(year, town):
    return IndicatorFactory(year=year, category=town, code="BON", method="bonus", points=D(3))


@pytest.fixture
def deduction(year, town):
    return IndicatorFactory(year=year, category=town, code="DED", method="deduction", points=D(5))


@pytest.fixture
def veto(year, town):
    return IndicatorFactory(year=year, category=town, code="VETO", method="veto", points=D(0))


def record(**overrides):
    values = {"date": DAY, "value": D("120.5"), "description": "一季度完成固定资产投资"}
    values.update(overrides)
    return evidence_record(**values)


def messages(error: pytest.ExceptionInfo) -> str:
    return " ".join(error.value.messages)


# --- who records what -------------------------------------------------------------------------


def test_a_reporter_records_their_units_evidence_pending_and_audited(unit_a, gdp, reporter_a):
    saved = record(unit=unit_a, indicator=gdp, by=reporter_a)

    saved.refresh_from_db()
    assert (saved.unit, saved.indicator, saved.value) == (unit_a, gdp, D("120.5"))
    assert saved.status == EvidenceStatus.PENDING
    assert saved.is_current and not saved.is_late and saved.late_reason == ""
    assert saved.recorded_by == reporter_a
    assert saved.history.get().history_user == reporter_a


def test_a_reporter_of_unit_b_cannot_record_for_unit_a(unit_a, gdp, reporter_b):
    with pytest.raises(ValidationError, match="only record evidence for your own unit"):
        record(unit=unit_a, indicator=gdp, by=reporter_b)
    assert not Evidence.objects.exists()


def test_a_user_without_a_recording_role_cannot_record(unit_a, gdp, leader_user, nobody):
    for user in (leader_user, nobody):
        with pytest.raises(ValidationError, match="You may not record evidence"):
            record(unit=unit_a, indicator=gdp, by=user)


def test_supervision_records_failures_against_any_unit(
    unit_a, unit_b, deduction, veto, supervision_user
):
    record(unit=unit_a, indicator=deduction, value=D(2), by=supervision_user)
    record(unit=unit_b, indicator=veto, value=D(1), by=supervision_user)

    assert Evidence.objects.filter(recorded_by=supervision_user).count() == 2


def test_supervision_records_failures_only(unit_a, gdp, bonus, supervision_user):
    for indicator in (gdp, bonus):
        with pytest.raises(ValidationError, match="Supervision records failures only"):
            record(unit=unit_a, indicator=indicator, by=supervision_user)


def test_a_unit_does_not_record_failures_against_itself(unit_a, deduction, reporter_a):
    with pytest.raises(ValidationError, match="answers them with a statement"):
        record(unit=unit_a, indicator=deduction, value=D(1), by=reporter_a)


def test_the_office_records_anything_for_any_unit(unit_a, gdp, veto, office_user):
    record(unit=unit_a, indicator=gdp, by=office_user)
    record(unit=unit_a, indicator=veto, value=D(1), by=office_user)
    assert Evidence.objects.count() == 2


def test_a_lead_department_records_on_the_indicators_it_leads_only(
    year, town, unit_a, gdp, lead_user
):
    record(unit=unit_a, indicator=gdp, by=lead_user)
    other = IndicatorFactory(year=year, category=town, code="EDU", lead_unit=None)

    with pytest.raises(ValidationError, match="only record evidence for your own unit"):
        record(unit=unit_a, indicator=other, by=lead_user)


def test_the_indicator_must_be_of_the_units_scheme(year, economic, unit_a, office_user):
    foreign = IndicatorFactory(year=year, category=economic, code="TAX")

    with pytest.raises(ValidationError) as refused:
        record(unit=unit_a, indicator=foreign, by=office_user)
    assert list(refused.value.message_dict) == ["indicator"]


@pytest.mark.parametrize(
    ("day", "ok"),
    [
        (datetime.date(2025, 12, 31), False),
        (datetime.date(2026, 1, 1), True),
        (datetime.date(2026, 12, 31), True),
        (datetime.date(2027, 1, 1), False),
    ],
)
def test_the_date_must_lie_in_the_indicators_year(day, ok, unit_a, gdp, reporter_a):
    if ok:
        assert record(unit=unit_a, indicator=gdp, date=day, by=reporter_a).date == day
    else:
        with pytest.raises(ValidationError) as refused:
            record(unit=unit_a, indicator=gdp, date=day, by=reporter_a)
        assert refused.value.message_dict["date"] == [
            "The date must be in 2026, the assessment year of the indicator."
        ]


def test_bonus_and_deduction_values_cannot_be_negative(
    unit_a, gdp, bonus, deduction, reporter_a, supervision_user
):
    with pytest.raises(ValidationError) as refused:
        record(unit=unit_a, indicator=bonus, value=D(-1), by=reporter_a)
    assert "value" in refused.value.message_dict
    with pytest.raises(ValidationError):
        record(unit=unit_a, indicator=deduction, value=D("-0.5"), by=supervision_user)

    record(unit=unit_a, indicator=bonus, value=D(0), by=reporter_a)
    record(unit=unit_a, indicator=gdp, value=D(-3), by=reporter_a)  # a fall is a real figure


def test_all_field_problems_are_reported_at_once(year, economic, unit_a, bonus, reporter_a):
    with pytest.raises(ValidationError) as refused:
        record(
            unit=unit_a,
            indicator=bonus,
            value=D(-1),
            date=datetime.date(2025, 6, 1),
            description="  ",
            by=reporter_a,
        )
    assert set(refused.value.message_dict) == {"value", "date", "description"}


# --- the year's clock -------------------------------------------------------------------------


@pytest.mark.parametrize("status", list(YearStatus))
def test_the_years_clock_for_a_reporter(status, year, unit_a, gdp, reporter_a):
    year.status = status
    year.save()
    if status == YearStatus.COLLECTING:
        assert not record(unit=unit_a, indicator=gdp, by=reporter_a).is_late
        return
    with pytest.raises(ValidationError) as refused:
        record(unit=unit_a, indicator=gdp, by=reporter_a, late_reason="补录")
    late = status in (YearStatus.SCORING, YearStatus.PUBLICITY, YearStatus.REVIEW)
    code = "late_office_only" if late else "year_locked"
    assert refused.value.error_list[0].code == code


@pytest.mark.parametrize("status", list(YearStatus))
def test_the_years_clock_for_the_office(status, year, unit_a, gdp, office_user):
    year.status = status
    year.save()
    if status == YearStatus.COLLECTING:
        assert not record(unit=unit_a, indicator=gdp, by=office_user, late_reason="x").is_late
    elif status in (YearStatus.SCORING, YearStatus.PUBLICITY, YearStatus.REVIEW):
        # After the collection only the office records, late and with a reason (in publicity
        # and a review: the correction an objection or the review found).
        late = record(unit=unit_a, indicator=gdp, by=office_user, late_reason="市统计局12月数据")
        assert (late.is_late, late.late_reason) == (True, "市统计局12月数据")
        assert late.history.get().history_change_reason == "市统计局12月数据"
    else:
        with pytest.raises(ValidationError) as refused:
            record(unit=unit_a, indicator=gdp, by=office_user, late_reason="补录")
        assert refused.value.error_list[0].code == "year_locked"


def test_a_late_record_needs_a_reason(year, unit_a, gdp, office_user):
    year.status = YearStatus.SCORING
    year.save()

    with pytest.raises(ValidationError) as refused:
        record(unit=unit_a, indicator=gdp, by=office_user, late_reason="  ")
    assert "late_reason" in refused.value.message_dict
    assert not Evidence.objects.exists()


def test_the_database_refuses_a_late_record_without_a_reason(unit_a, gdp):
    with pytest.raises(IntegrityError):
        Evidence.objects.create(
            unit=unit_a, indicator=gdp, date=DAY, value=1, description="x", is_late=True
        )


def test_the_clock_is_read_from_the_database_not_the_callers_copy(year, unit_a, gdp, reporter_a):
    elsewhere = AssessmentYear.objects.get(pk=year.pk)  # a colleague closes the year meanwhile
    elsewhere.status = YearStatus.PUBLISHED
    elsewhere.save()
    assert gdp.year.status == YearStatus.COLLECTING

    with pytest.raises(ValidationError):
        record(unit=unit_a, indicator=gdp, by=reporter_a)


# --- append-only: corrections supersede -------------------------------------------------------


def test_records_are_never_edited_in_the_admin():
    admin = EvidenceAdmin(Evidence, None)
    assert not admin.has_change_permission(None)
    assert not admin.has_delete_permission(None)
    assert not admin.has_add_permission(None)


def test_a_second_record_adds_to_the_first_instead_of_changing_it(
    unit_a, gdp, reporter_a, office_user
):
    first = record(unit=unit_a, indicator=gdp, value=D(200), by=reporter_a)
    second = record(unit=unit_a, indicator=gdp, value=D(250), by=reporter_a)
    for saved in (first, second):
        evidence_verify(record=saved, by=office_user, accept=True)

    first.refresh_from_db()
    assert first.value == D(200) and first.is_current
    assert sorted(Evidence.objects.counting().values_list("value", flat=True)) == [200, 250]


def test_a_correction_supersedes_the_record_both_stay_and_only_the_newest_counts(
    unit_a, gdp, reporter_a, office_user, lead_user
):
    old = record(unit=unit_a, indicator=gdp, value=D(200), by=reporter_a)
    evidence_verify(record=old, by=office_user, accept=True)
    assert list(Evidence.objects.counting()) == [old]

    new = evidence_correct(
        record=old, value=D(180), description="更正：统计口径调整", reason="口径调整", by=reporter_a
    )

    old.refresh_from_db()
    assert (old.value, old.status, old.is_current) == (D(200), EvidenceStatus.VERIFIED, False)
    assert (new.value, new.status, new.is_current) == (D(180), EvidenceStatus.PENDING, True)
    assert new.supersedes == old and old.superseded_by == new
    assert (new.date, new.correction_reason, new.recorded_by) == (DAY, "口径调整", reporter_a)
    assert Evidence.objects.count() == 2
    assert not Evidence.objects.counting().exists()  # the old no longer counts, the new not yet
    change = old.history.first()
    assert (change.history_user, change.history_change_reason) == (reporter_a, "口径调整")

    evidence_verify(record=new, by=lead_user, accept=True)
    assert list(Evidence.objects.counting()) == [new]


def test_a_correction_may_move_the_date_within_the_year(unit_a, gdp, reporter_a):
    old = record(unit=unit_a, indicator=gdp, by=reporter_a)
    new = evidence_correct(
        record=old,
        value=D(1),
        description="日期填错",
        date=datetime.date(2026, 4, 1),
        reason="日期填错",
        by=reporter_a,
    )
    assert new.date == datetime.date(2026, 4, 1)
    with pytest.raises(ValidationError) as refused:
        evidence_correct(
            record=new,
            value=D(1),
            description="x",
            date=datetime.date(2027, 1, 5),
            reason="x",
            by=reporter_a,
        )
    assert "date" in refused.value.message_dict


def test_a_correction_needs_a_reason(unit_a, gdp, reporter_a):
    old = record(unit=unit_a, indicator=gdp, by=reporter_a)
    with pytest.raises(ValidationError) as refused:
        evidence_correct(record=old, value=D(1), description="x", reason=" ", by=reporter_a)
    assert "reason" in refused.value.message_dict
    old.refresh_from_db()
    assert old.is_current


def test_only_the_newest_record_can_be_corrected(unit_a, gdp, reporter_a):
    old = record(unit=unit_a, indicator=gdp, by=reporter_a)
    evidence_correct(record=old, value=D(1), description="更正", reason="笔误", by=reporter_a)

    with pytest.raises(ValidationError, match="already been superseded"):
        evidence_correct(record=old, value=D(2), description="再更正", reason="笔误", by=reporter_a)
    assert Evidence.objects.count() == 2


def test_a_reporter_of_unit_b_cannot_correct_unit_as_record(unit_a, gdp, reporter_a, reporter_b):
    old = record(unit=unit_a, indicator=gdp, by=reporter_a)
    with pytest.raises(ValidationError, match="your own unit"):
        evidence_correct(record=old, value=D(0), description="x", reason="x", by=reporter_b)
    old.refresh_from_db()
    assert old.is_current and Evidence.objects.count() == 1


def test_a_unit_cannot_correct_away_a_failure_recorded_against_it(
    unit_a, deduction, supervision_user, reporter_a
):
    failure = record(unit=unit_a, indicator=deduction, value=D(2), by=supervision_user)
    with pytest.raises(ValidationError, match="answers them with a statement"):
        evidence_correct(record=failure, value=D(0), description="x", reason="x", by=reporter_a)

    fixed = evidence_correct(
        record=failure, value=D(1), description="核减", reason="重复记录", by=supervision_user
    )
    assert fixed.supersedes == failure


def test_after_collection_only_the_office_corrects_and_the_correction_is_late(
    year, unit_a, gdp, reporter_a, office_user
):
    old = record(unit=unit_a, indicator=gdp, by=reporter_a)
    year.status = YearStatus.SCORING
    year.save()

    with pytest.raises(ValidationError) as refused:
        evidence_correct(record=old, value=D(1), description="x", reason="笔误", by=reporter_a)
    assert refused.value.error_list[0].code == "late_office_only"

    new = evidence_correct(record=old, value=D(1), description="x", reason="笔误", by=office_user)
    assert (new.is_late, new.late_reason) == (True, "笔误")


# --- statements -------------------------------------------------------------------------------


@pytest.fixture
def failure(unit_a, deduction, supervision_user):
    return record(unit=unit_a, indicator=deduction, value=D(2), by=supervision_user)


def test_a_unit_answers_a_failure_with_a_statement_and_the_record_stays(failure, reporter_a):
    before = Evidence.objects.values().get(pk=failure.pk)

    statement = evidence_statement_create(
        record=failure, text="  已于当日整改完毕，附整改报告。 ", by=reporter_a
    )

    statement.refresh_from_db()
    assert (statement.evidence, statement.unit) == (failure, failure.unit)
    assert (statement.text, statement.stated_by) == ("已于当日整改完毕，附整改报告。", reporter_a)
    assert statement.history.get().history_user == reporter_a
    assert Evidence.objects.values().get(pk=failure.pk) == before


def test_a_lead_department_answers_a_failure_recorded_against_its_own_unit(
    year, economic, lead_unit, lead_user, supervision_user
):
    deduction = IndicatorFactory(year=year, category=economic, method="deduction", points=D(5))
    failure = record(unit=lead_unit, indicator=deduction, value=D(1), by=supervision_user)

    evidence_statement_create(record=failure, text="情况说明", by=lead_user)
    assert EvidenceStatement.objects.filter(unit=lead_unit).count() == 1


def test_a_reporter_of_unit_b_cannot_answer_for_unit_a(failure, reporter_b):
    with pytest.raises(ValidationError, match="Only the users of the unit"):
        evidence_statement_create(record=failure, text="不是我们", by=reporter_b)
    assert not EvidenceStatement.objects.exists()


def test_supervision_and_the_office_do_not_write_statements(failure, supervision_user, office_user):
    for user in (supervision_user, office_user):
        with pytest.raises(ValidationError, match="You may not write statements"):
            evidence_statement_create(record=failure, text="x", by=user)


def test_only_failures_are_answered(unit_a, gdp, reporter_a):
    achievement = record(unit=unit_a, indicator=gdp, by=reporter_a)
    with pytest.raises(ValidationError, match="Only deductions, disqualifications and veto events"):
        evidence_statement_create(record=achievement, text="x", by=reporter_a)


def test_a_statement_needs_text(failure, reporter_a):
    with pytest.raises(ValidationError) as refused:
        evidence_statement_create(record=failure, text="   ", by=reporter_a)
    assert "text" in refused.value.message_dict


@pytest.mark.parametrize(
    ("status", "ok"),
    [
        (YearStatus.COLLECTING, True),
        (YearStatus.SCORING, True),
        (YearStatus.PUBLICITY, True),
        (YearStatus.PUBLISHED, False),
        (YearStatus.ARCHIVED, False),
    ],
)
def test_statements_follow_the_year(status, ok, year, failure, reporter_a):
    year.status = status
    year.save()
    if ok:
        evidence_statement_create(record=failure, text="说明", by=reporter_a)
    else:
        with pytest.raises(ValidationError) as refused:
            evidence_statement_create(record=failure, text="说明", by=reporter_a)
        assert refused.value.error_list[0].code == "year_locked"
