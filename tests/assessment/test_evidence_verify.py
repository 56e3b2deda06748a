"""Verifying and rejecting evidence: who may (never their own unit, never their own record),
what may be decided (pending and current only), veto confirmation by a second office member,
and the all-or-nothing bulk decision."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from assessment.models import Evidence, EvidenceStatus, YearStatus
from assessment.policy import Action
from assessment.services.evidence import (
    VerifyCounts,
    evidence_correct,
    evidence_verify,
    evidence_verify_many,
)
from tests.assessment.factories import IndicatorFactory
from tests.assessment.policy_table import expected
from tests.factories import UserFactory
from units.roles import Role

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

D = Decimal


@pytest.fixture
def gdp(year, town, lead_unit):
    return IndicatorFactory(year=year, category=town, code="GDP", lead_unit=lead_unit)


@pytest.fixture
def education(year, town):
    return IndicatorFactory(year=year, category=town, code="EDU", lead_unit=None)


@pytest.fixture
def veto(year, town, lead_unit):
    return IndicatorFactory(
        year=year, category=town, code="VETO", method="veto", points=D(0), lead_unit=lead_unit
    )


MAY_DAY = datetime.date(2026, 5, 1)


def make(unit, indicator, by, day=MAY_DAY, value=100, **fields):
    """A record as the services leave it (written directly: these tests are about deciding)."""
    return Evidence.objects.create(
        unit=unit, indicator=indicator, date=day, value=value, description="记录", recorded_by=by,
        **fields,
    )  # fmt: skip


def test_the_office_verifies_a_record_and_is_named(unit_a, gdp, reporter_a, office_user):
    record = make(unit_a, gdp, reporter_a)

    evidence_verify(record=record, by=office_user, accept=True)

    record.refresh_from_db()
    assert record.status == EvidenceStatus.VERIFIED
    assert record.verified_by == office_user and record.verified_at is not None
    assert record.history.first().history_user == office_user
    assert list(Evidence.objects.counting()) == [record]


def test_a_rejection_needs_a_reason_which_is_kept(unit_a, gdp, reporter_a, office_user):
    record = make(unit_a, gdp, reporter_a)
    with pytest.raises(ValidationError) as refused:
        evidence_verify(record=record, by=office_user, accept=False)
    assert "reason" in refused.value.message_dict

    evidence_verify(record=record, by=office_user, accept=False, reason="缺少统计局盖章材料")

    record.refresh_from_db()
    assert (record.status, record.status_reason) == (EvidenceStatus.REJECTED, "缺少统计局盖章材料")
    assert record.verified_by == office_user
    assert record.history.first().history_change_reason == "缺少统计局盖章材料"
    assert not Evidence.objects.counting().exists()


def test_a_verifier_of_the_records_own_unit_is_refused(year, economic, lead_unit, lead_user):
    led = IndicatorFactory(year=year, category=economic, code="TAX", lead_unit=lead_unit)
    colleague = UserFactory(role=Role.REPORTER, unit=lead_unit)
    record = make(lead_unit, led, colleague)

    with pytest.raises(ValidationError, match="a record of your own unit"):
        evidence_verify(record=record, by=lead_user, accept=True)
    record.refresh_from_db()
    assert record.status == EvidenceStatus.PENDING


def test_the_creator_of_a_record_cannot_verify_it_a_colleague_can(
    unit_a, gdp, office_user, office_2
):
    record = make(unit_a, gdp, office_user)
    with pytest.raises(ValidationError, match="a record you created"):
        evidence_verify(record=record, by=office_user, accept=True)

    evidence_verify(record=record, by=office_2, accept=True)
    record.refresh_from_db()
    assert record.verified_by == office_2


def test_the_creator_of_a_correction_cannot_verify_it(unit_a, gdp, reporter_a, office_user):
    old = make(unit_a, gdp, reporter_a)
    new = evidence_correct(record=old, value=D(1), description="x", reason="笔误", by=office_user)
    with pytest.raises(ValidationError, match="a record you created"):
        evidence_verify(record=new, by=office_user, accept=True)


def test_the_lead_department_verifies_only_the_indicators_it_leads(
    unit_a, gdp, education, reporter_a, lead_user
):
    led = make(unit_a, gdp, reporter_a)
    evidence_verify(record=led, by=lead_user, accept=True)
    led.refresh_from_db()
    assert led.status == EvidenceStatus.VERIFIED

    other = make(unit_a, education, reporter_a)
    with pytest.raises(ValidationError, match="lead department of this indicator"):
        evidence_verify(record=other, by=lead_user, accept=True)


def test_roles_without_the_permission_cannot_verify(
    unit_a, unit_b, gdp, reporter_a, reporter_b, supervision_user, leader_user
):
    record = make(unit_a, gdp, reporter_a)
    for user in (reporter_b, supervision_user, leader_user):
        with pytest.raises(ValidationError, match="You may not verify evidence"):
            evidence_verify(record=record, by=user, accept=True)


# --- veto: the committee's decision needs a second person of the office -----------------------


def test_the_proposer_of_a_veto_cannot_confirm_it_a_second_office_member_can(
    unit_a, veto, office_user, office_2
):
    proposal = make(unit_a, veto, office_user, value=D(1))
    with pytest.raises(ValidationError, match="a second member of the assessment office"):
        evidence_verify(record=proposal, by=office_user, accept=True)
    assert not Evidence.objects.counting().exists()

    evidence_verify(record=proposal, by=office_2, accept=True)
    assert list(Evidence.objects.counting()) == [proposal]


def test_a_veto_is_confirmed_by_the_office_only_even_against_its_lead_department(
    unit_a, veto, supervision_user, lead_user, office_user
):
    proposal = make(unit_a, veto, supervision_user, value=D(1))
    with pytest.raises(ValidationError, match="Only the assessment office may confirm a veto"):
        evidence_verify(record=proposal, by=lead_user, accept=True)

    evidence_verify(record=proposal, by=office_user, accept=True)  # the second person
    proposal.refresh_from_db()
    assert proposal.status == EvidenceStatus.VERIFIED


def test_a_veto_proposal_can_be_rejected_by_a_second_office_member(
    unit_a, veto, office_user, office_2
):
    proposal = make(unit_a, veto, office_user, value=D(1))
    evidence_verify(record=proposal, by=office_2, accept=False, reason="经研究不构成否决情形")
    proposal.refresh_from_db()
    assert proposal.status == EvidenceStatus.REJECTED


# --- what can be decided ----------------------------------------------------------------------


@pytest.mark.parametrize("status", [EvidenceStatus.VERIFIED, EvidenceStatus.REJECTED])
def test_only_pending_records_are_decided(status, unit_a, gdp, reporter_a, office_user):
    record = make(unit_a, gdp, reporter_a, status=status)
    with pytest.raises(ValidationError, match="only pending records"):
        evidence_verify(record=record, by=office_user, accept=True)


def test_a_superseded_record_is_not_decided(unit_a, gdp, reporter_a, office_user):
    old = make(unit_a, gdp, reporter_a)
    evidence_correct(record=old, value=D(1), description="x", reason="笔误", by=reporter_a)
    with pytest.raises(ValidationError, match="superseded"):
        evidence_verify(record=old, by=office_user, accept=True)


def test_a_double_click_is_judged_on_the_saved_state(
    unit_a, gdp, reporter_a, office_user, office_2
):
    record = make(unit_a, gdp, reporter_a)
    stale = Evidence.objects.get(pk=record.pk)
    evidence_verify(record=record, by=office_user, accept=True)

    with pytest.raises(ValidationError, match="already verified"):
        evidence_verify(record=stale, by=office_2, accept=False, reason="重复")
    record.refresh_from_db()
    assert (record.status, record.verified_by) == (EvidenceStatus.VERIFIED, office_user)


@pytest.mark.parametrize("status", list(YearStatus))
def test_verification_follows_the_years_clock(status, year, unit_a, gdp, reporter_a, office_user):
    record = make(unit_a, gdp, reporter_a)
    year.status = status
    year.save()
    outcome = expected(Action.VERIFY_EVIDENCE, status)
    if outcome == "allowed":
        evidence_verify(record=record, by=office_user, accept=True)
    elif outcome == "reason":  # publicity, review: an amendment
        with pytest.raises(ValidationError) as refused:
            evidence_verify(record=record, by=office_user, accept=True)
        assert refused.value.error_list[0].code == "reason_required"
        evidence_verify(record=record, by=office_user, accept=True, reason="异议核实")
    else:
        with pytest.raises(ValidationError) as refused:
            evidence_verify(record=record, by=office_user, accept=True)
        assert refused.value.error_list[0].code == "year_locked"


# --- bulk -------------------------------------------------------------------------------------


def test_bulk_verification_verifies_all_and_counts(
    unit_a, unit_b, gdp, reporter_a, reporter_b, lead_user
):
    records = [make(unit_a, gdp, reporter_a), make(unit_b, gdp, reporter_b)]
    records.append(make(unit_a, gdp, reporter_a, day=datetime.date(2026, 6, 1)))

    counts = evidence_verify_many(records=records, by=lead_user, accept=True)

    assert counts == VerifyCounts(verified=3, rejected=0)
    assert Evidence.objects.counting().count() == 3
    assert {r.history.first().history_user for r in Evidence.objects.all()} == {lead_user}


def test_bulk_rejection_needs_one_reason_for_all(unit_a, gdp, reporter_a, office_user):
    records = [make(unit_a, gdp, reporter_a), make(unit_a, gdp, reporter_a)]
    with pytest.raises(ValidationError):
        evidence_verify_many(records=records, by=office_user, accept=False)

    counts = evidence_verify_many(records=records, by=office_user, accept=False, reason="材料不全")
    assert counts == VerifyCounts(verified=0, rejected=2)
    assert set(Evidence.objects.values_list("status_reason", flat=True)) == {"材料不全"}
    assert Evidence.objects.first().history.first().history_change_reason == "材料不全"


def test_bulk_verification_is_all_or_nothing_and_names_each_refused_record(
    unit_a, gdp, education, reporter_a, lead_user
):
    fine = make(unit_a, gdp, reporter_a)
    own = make(unit_a, gdp, lead_user, day=datetime.date(2026, 7, 1))
    not_led = make(unit_a, education, reporter_a, day=datetime.date(2026, 8, 1))

    with pytest.raises(ValidationError) as refused:
        evidence_verify_many(records=[fine, own, not_led], by=lead_user, accept=True)

    problems = refused.value.messages
    assert len(problems) == 2
    assert "2026-07-01: You cannot verify a record you created." in problems[0]
    assert "2026-08-01: Only the assessment office and the lead department" in problems[1]
    assert set(Evidence.objects.values_list("status", flat=True)) == {EvidenceStatus.PENDING}


def test_bulk_verification_of_nothing_does_nothing(office_user):
    assert evidence_verify_many(records=[], by=office_user, accept=True) == VerifyCounts()
