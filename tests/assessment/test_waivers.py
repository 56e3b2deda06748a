"""Fault-tolerance waivers (容错免责): proposed by one office member, confirmed by another; the
waived record stays on record and stops counting. Numbers worked by hand."""

from __future__ import annotations

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from assessment.lib.explanations import explanation_text
from assessment.models import Evidence, EvidenceStatus, Item, UnitResult, Waiver, YearStatus
from assessment.services.compute import results_compute
from assessment.services.evidence import evidence_record
from assessment.services.waivers import waiver_confirm, waiver_decline, waiver_propose
from tests.assessment.factories import IndicatorFactory, TargetFactory, YearFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


@pytest.fixture
def scheme(town, unit_a, unit_b):
    """GDP completion 100 points (target 100); FAIL deduction 5 with W1 问责 0.5 per person;
    SAFE veto; BAN disqualify."""
    year = YearFactory(year=2026, status=YearStatus.SCORING)
    gdp = IndicatorFactory(year=year, category=town, code="GDP", points=D(100))
    for unit in (unit_a, unit_b):
        TargetFactory(indicator=gdp, unit=unit, target=D(100))
    fail = IndicatorFactory(year=year, category=town, code="FAIL", points=D(5), method="deduction")
    w1 = Item.objects.create(indicator=fail, code="W1", name="问责", points=D("0.5"))
    safe = IndicatorFactory(year=year, category=town, code="SAFE", points=D(0), method="veto")
    ban = IndicatorFactory(year=year, category=town, code="BAN", points=D(0), method="disqualify")
    return {"year": year, "GDP": gdp, "FAIL": fail, "W1": w1, "SAFE": safe, "BAN": ban}


def verified(unit, indicator, value, *, item=None, day=1):  # type: ignore[no-untyped-def]
    return Evidence.objects.create(
        unit=unit, indicator=indicator, item=item, date=datetime.date(2026, 5, day),
        value=D(value), description=f"{indicator.code}{day}", status=EvidenceStatus.VERIFIED,
    )  # fmt: skip


def result(year, unit) -> UnitResult:  # type: ignore[no-untyped-def]
    return UnitResult.objects.get(run__year=year, run__is_current=True, unit=unit)


def test_a_waived_deduction_counts_nothing_and_stays_on_record(
    scheme, unit_a, office_user, office_2
):
    verified(unit_a, scheme["GDP"], 96)
    record = verified(unit_a, scheme["FAIL"], 4, item=scheme["W1"], day=2)
    results_compute(year=scheme["year"], by=office_user)
    # 96 − 4 persons × 0.5 = 94.00
    assert result(scheme["year"], unit_a).total == D("94.00")

    waiver = waiver_propose(
        record=record, reason="先行先试中的探索性偏差", clause="容错办法第五条", by=office_user
    )
    waiver_confirm(waiver=waiver, by=office_2)
    results_compute(year=scheme["year"], by=office_user)
    sheet = result(scheme["year"], unit_a)
    assert sheet.total == D("96.00") and sheet.scores["FAIL"] == "0.00"
    assert "先行先试中的探索性偏差（容错办法第五条）" in explanation_text(
        sheet.explanations()["FAIL"], sheet.scores["FAIL"]
    )
    record.refresh_from_db()
    assert (record.is_current, record.status, record.is_waived) == (True, "verified", True)
    waiver.refresh_from_db()
    assert (waiver.proposed_by, waiver.confirmed_by) == (office_user, office_2)


def test_a_waived_veto_no_longer_sets_the_flag_and_a_waived_disqualification_neither(
    scheme, unit_a, unit_b, office_user, office_2
):
    verified(unit_a, scheme["GDP"], 95)
    verified(unit_b, scheme["GDP"], 80)
    veto = verified(unit_a, scheme["SAFE"], 1)
    ban = verified(unit_a, scheme["BAN"], 1, day=2)

    def flags_after(waived=None, proposer=None, confirmer=None):  # type: ignore[no-untyped-def]
        if waived is not None:
            waiver = waiver_propose(
                record=waived, reason="经研究免责", clause="第三条", by=proposer
            )
            waiver_confirm(waiver=waiver, by=confirmer)
        results_compute(year=scheme["year"], by=office_user)
        sheet = result(scheme["year"], unit_a)
        return sheet.veto, sheet.disqualified, sheet.tier

    assert flags_after() == (True, True, "poor")
    # no veto now, still disqualified: 95 would be excellent, so good
    assert flags_after(veto, office_user, office_2) == (False, True, "good")
    # 2 units → quota max(1, 0) = 1: 95.00 excellent
    assert flags_after(ban, office_2, office_user) == (False, False, "excellent")


def test_the_proposer_cannot_confirm_and_a_proposal_alone_changes_nothing(
    scheme, unit_a, office_user
):
    record = verified(unit_a, scheme["FAIL"], 2, item=scheme["W1"])
    waiver = waiver_propose(record=record, reason="理由", clause="第五条", by=office_user)
    with pytest.raises(ValidationError) as refused:
        waiver_confirm(waiver=waiver, by=office_user)
    assert refused.value.messages == [
        "You proposed this waiver: a second member of the assessment office must confirm it."
    ]
    record.refresh_from_db()
    assert not record.is_waived
    assert Evidence.objects.counting().filter(pk=record.pk).exists()


def test_only_the_office_proposes_and_only_failures_that_count(
    scheme, unit_a, office_user, supervision_user, reporter_a
):
    record = verified(unit_a, scheme["FAIL"], 2, item=scheme["W1"])
    for user in (supervision_user, reporter_a):
        with pytest.raises(ValidationError) as refused:
            waiver_propose(record=record, reason="理由", clause="第五条", by=user)
        assert refused.value.messages == [
            "Only the assessment office may propose a fault-tolerance waiver."
        ]
    with pytest.raises(ValidationError) as refused:
        waiver_propose(
            record=verified(unit_a, scheme["GDP"], 9), reason="r", clause="c", by=office_user
        )
    assert refused.value.messages == [
        "Only deductions, disqualifications and veto events can be waived."
    ]
    waiver_propose(record=record, reason="理由", clause="第五条", by=office_user)
    with pytest.raises(ValidationError) as refused:
        waiver_propose(record=record, reason="再次", clause="第五条", by=office_user)
    assert refused.value.messages == ["A waiver of this record is already proposed or confirmed."]
    assert Waiver.objects.count() == 1


def test_a_declined_waiver_needs_a_reason_and_the_record_may_be_proposed_again(
    scheme, unit_a, office_user, office_2
):
    record = verified(unit_a, scheme["FAIL"], 2, item=scheme["W1"])
    waiver = waiver_propose(record=record, reason="理由", clause="第五条", by=office_user)
    with pytest.raises(ValidationError):
        waiver_decline(waiver=waiver, by=office_2, reason=" ")
    waiver_decline(waiver=waiver, by=office_2, reason="不符合容错情形")
    record.refresh_from_db()
    assert not record.is_waived
    again = waiver_propose(record=record, reason="补充材料后", clause="第五条", by=office_2)
    assert again.is_open and Waiver.objects.count() == 2


def test_a_catalogued_record_needs_its_item_and_a_whole_count(scheme, unit_a, office_user):
    scheme["year"].status = YearStatus.COLLECTING
    scheme["year"].save()
    with pytest.raises(ValidationError) as refused:
        evidence_record(
            unit=unit_a, indicator=scheme["FAIL"], date=datetime.date(2026, 3, 1),
            value=D("1.5"), description="半人", by=office_user,
        )  # fmt: skip
    assert refused.value.message_dict == {
        "item": ["Choose the catalogued item this record is about."],
        "value": ["Enter the number of times: a whole number of at least 1."],
    }
    record = evidence_record(
        unit=unit_a, indicator=scheme["FAIL"], date=datetime.date(2026, 3, 1), value=D(2),
        description="两人被问责", by=office_user, item=scheme["W1"], document=" 纪发〔2026〕9号 ",
    )  # fmt: skip
    assert (record.item, record.document) == (scheme["W1"], "纪发〔2026〕9号")
    with pytest.raises(ValidationError) as refused:
        evidence_record(
            unit=unit_a, indicator=scheme["GDP"], date=datetime.date(2026, 3, 1), value=D(2),
            description="完成率不带事项", by=office_user, item=scheme["W1"],
        )  # fmt: skip
    assert refused.value.message_dict["item"] == [f"{scheme['GDP']} has no catalogued items."]
