"""The verification queue and the recording of failures, through the pages: who sees which
records, bulk and single decisions, refusals named, veto confirmation by a second office
member, and failures recorded by supervision."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessment.models import Evidence, EvidenceStatus
from assessment.services.evidence import evidence_correct, evidence_record
from tests.assessment.factories import IndicatorFactory
from tests.factories import UnitFactory, UserFactory
from units.roles import Role

pytestmark = pytest.mark.django_db

D = Decimal
MAY_DAY = datetime.date(2026, 5, 1)


@pytest.fixture
def gdp(year, town, lead_unit):
    return IndicatorFactory(year=year, category=town, code="GDP", name="地区生产总值",
                            lead_unit=lead_unit)  # fmt: skip


@pytest.fixture
def education(year, town):
    return IndicatorFactory(year=year, category=town, code="EDU", name="教育", lead_unit=None)


@pytest.fixture
def safety(year, town):
    return IndicatorFactory(
        year=year, category=town, code="SAFE", name="安全生产", method="deduction", points=D(5)
    )


@pytest.fixture
def veto(year, town):
    return IndicatorFactory(
        year=year, category=town, code="VETO", name="一票否决", method="veto", points=D(0)
    )


def record(unit, indicator, by, value=100, day=MAY_DAY):
    return evidence_record(
        unit=unit, indicator=indicator, date=day, value=D(value), description="记录", by=by
    )


def queue_url(year=2026):
    return reverse("assessment:verify_queue", kwargs={"year": year})


def decide_url(year=2026):
    return reverse("assessment:verify_decide", kwargs={"year": year})


def failure_url(year=2026):
    return reverse("assessment:verify_failure_record", kwargs={"year": year})


def failure_form(indicator, description, *, value="2", date="2026-06-03"):
    """The failure form filled in against 甲镇 (``value`` None: left out)."""
    data = {"unit": "A01", "indicator": indicator.pk, "date": date, "description": description}
    if value is not None:
        data["value"] = value
    return data


def shown(response):
    return {record.pk for record, _refusal in response.context["rows"]}


def test_the_office_verifies_several_records_at_once(client, office_user, reporter_a, unit_a, gdp):
    first, second, third = (record(unit_a, gdp, reporter_a, value=v) for v in (1, 2, 3))
    client.force_login(office_user)

    response = client.post(
        decide_url(), {"records": [first.pk, second.pk], "decision": "verify"}, follow=True
    )

    assert response.status_code == 200
    assert shown(response) == {third.pk}
    (message,) = response.context["messages"]
    assert message.level_tag == "success" and "2" in str(message)
    for evidence in (first, second):
        evidence.refresh_from_db()
        assert evidence.status == EvidenceStatus.VERIFIED
        assert evidence.verified_by == office_user
    third.refresh_from_db()
    assert third.status == EvidenceStatus.PENDING


def test_a_row_button_verifies_that_record_only(client, office_user, reporter_a, unit_a, gdp):
    first, second = record(unit_a, gdp, reporter_a), record(unit_a, gdp, reporter_a)
    client.force_login(office_user)

    client.post(decide_url(), {"records": [second.pk], "verify_one": first.pk})

    assert Evidence.objects.get(pk=first.pk).status == EvidenceStatus.VERIFIED
    assert Evidence.objects.get(pk=second.pk).status == EvidenceStatus.PENDING


def test_a_rejection_without_a_reason_is_refused_and_nothing_changes(
    client, office_user, reporter_a, unit_a, gdp
):
    evidence = record(unit_a, gdp, reporter_a)
    client.force_login(office_user)

    response = client.post(decide_url(), {"records": [evidence.pk], "decision": "reject"})

    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert str(evidence.pk) in response.context["checked"]  # the choice is kept
    evidence.refresh_from_db()
    assert evidence.status == EvidenceStatus.PENDING and evidence.verified_by is None


def test_a_rejection_with_a_reason_names_the_reason(client, office_user, reporter_a, unit_a, gdp):
    evidence = record(unit_a, gdp, reporter_a)
    client.force_login(office_user)

    client.post(
        decide_url(), {"records": [evidence.pk], "decision": "reject", "reason": "缺少佐证"}
    )

    evidence.refresh_from_db()
    assert (evidence.status, evidence.status_reason) == (EvidenceStatus.REJECTED, "缺少佐证")


def test_the_queue_filters_by_unit_indicator_and_date(
    client, office_user, reporter_a, reporter_b, unit_a, unit_b, gdp, education
):
    in_may = record(unit_a, gdp, reporter_a)
    record(unit_a, gdp, reporter_a, day=datetime.date(2026, 8, 1))
    record(unit_b, gdp, reporter_b)
    record(unit_a, education, reporter_a)
    client.force_login(office_user)

    response = client.get(
        queue_url(),
        {"unit": "A01", "indicator": gdp.pk, "date_from": "2026-04-01", "date_to": "2026-06-30"},
    )

    assert shown(response) == {in_may.pk}


def test_a_lead_department_sees_only_its_indicators_and_not_its_own_unit(
    client, lead_user, lead_unit, reporter_a, unit_a, gdp, education, year, economic
):
    own_indicator = IndicatorFactory(year=year, category=economic, code="OWN", lead_unit=lead_unit)
    visible = record(unit_a, gdp, reporter_a)
    record(unit_a, education, reporter_a)
    office = UserFactory(username="office3", role=Role.OFFICE, unit=None)
    record(lead_unit, own_indicator, office)
    client.force_login(lead_user)

    response = client.get(queue_url())

    assert response.status_code == 200
    assert shown(response) == {visible.pk}


def test_a_lead_department_cannot_verify_another_indicator_by_posting(
    client, lead_user, reporter_a, unit_a, education
):
    evidence = record(unit_a, education, reporter_a)
    client.force_login(lead_user)

    client.post(decide_url(), {"records": [evidence.pk], "decision": "verify"})

    assert Evidence.objects.get(pk=evidence.pk).status == EvidenceStatus.PENDING


@pytest.mark.parametrize("view", ["verify_queue", "verify_failure_record"])
def test_a_reporter_is_forbidden(client, reporter_a, year, view):
    client.force_login(reporter_a)

    assert client.get(reverse(f"assessment:{view}", kwargs={"year": 2026})).status_code == 403


def test_a_reporter_cannot_decide(client, reporter_b, reporter_a, unit_a, gdp):
    evidence = record(unit_a, gdp, reporter_a)
    client.force_login(reporter_b)

    response = client.post(decide_url(), {"records": [evidence.pk], "decision": "verify"})

    assert response.status_code == 403
    assert Evidence.objects.get(pk=evidence.pk).status == EvidenceStatus.PENDING


def test_the_proposer_of_a_veto_sees_no_verify_button_and_is_refused(
    client, office_user, office_2, unit_a, veto
):
    proposal = record(unit_a, veto, office_user, value=1)
    client.force_login(office_user)

    assert proposal.pk not in shown(client.get(queue_url()))
    response = client.post(
        decide_url(), {"records": [proposal.pk], "decision": "verify"}, follow=True
    )

    errors = [str(m) for m in response.context["messages"]]
    assert any("甲镇" in message for message in errors)  # the message names the record
    assert Evidence.objects.get(pk=proposal.pk).status == EvidenceStatus.PENDING

    client.force_login(office_2)
    response = client.get(queue_url())
    assert proposal.pk in shown(response)
    assert b"veto-badge" in response.content
    client.post(decide_url(), {"records": [proposal.pk], "decision": "verify"})
    proposal.refresh_from_db()
    assert (proposal.status, proposal.verified_by) == (EvidenceStatus.VERIFIED, office_2)


def test_a_veto_is_not_shown_to_a_lead_department(client, lead_user, office_user, unit_a, year,
                                                  town, lead_unit):  # fmt: skip
    led_veto = IndicatorFactory(
        year=year, category=town, code="V2", method="veto", points=D(0), lead_unit=lead_unit
    )
    record(unit_a, led_veto, office_user, value=1)
    client.force_login(lead_user)

    assert shown(client.get(queue_url())) == set()


def test_supervision_records_a_deduction_against_a_unit(client, supervision_user, unit_a, safety):
    client.force_login(supervision_user)
    assert client.get(failure_url(), {"unit": "A01"}).status_code == 200

    response = client.post(failure_url(), failure_form(safety, "发生一般安全事故"))

    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert (evidence.unit, evidence.indicator, evidence.value) == (unit_a, safety, D(2))
    assert evidence.status == EvidenceStatus.PENDING
    assert evidence.recorded_by == supervision_user


def test_a_veto_recorded_by_the_office_waits_for_a_second_member(client, office_user, unit_a, veto):
    client.force_login(office_user)

    client.post(failure_url(), failure_form(veto, "重大事故", value=None))

    evidence = Evidence.objects.get()
    assert (evidence.value, evidence.status) == (D(1), EvidenceStatus.PENDING)


def test_supervision_cannot_pick_a_completion_indicator(
    client, supervision_user, unit_a, gdp, safety
):
    client.force_login(supervision_user)

    response = client.post(failure_url(), failure_form(gdp, "不应记录"))

    assert response.status_code == 200
    assert response.context["form"].errors["indicator"]
    assert gdp not in response.context["form"].fields["indicator"].queryset
    assert "不应记录" in response.content.decode()  # what was typed is kept
    assert not Evidence.objects.exists()


def test_a_failure_form_with_errors_keeps_the_input_and_names_the_fields(
    client, english, supervision_user, unit_a, safety
):
    client.force_login(supervision_user)

    response = client.post(
        failure_url(), failure_form(safety, "typed text", value="", date="2025-06-03")
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert "value" in form.errors
    assert b"typed text" in response.content and b"Points lost" in response.content
    assert not Evidence.objects.exists()


def test_get_on_the_post_urls_changes_nothing(client, office_user, reporter_a, unit_a, gdp, safety):
    evidence = record(unit_a, gdp, reporter_a)
    client.force_login(office_user)

    assert (
        client.get(decide_url(), {"records": evidence.pk, "decision": "verify"}).status_code == 405
    )
    client.get(failure_url(), failure_form(safety, "x"))

    assert Evidence.objects.get(pk=evidence.pk).status == EvidenceStatus.PENDING
    assert Evidence.objects.count() == 1


def test_the_record_page_shows_the_description_and_a_rejection_form(
    client, office_user, reporter_a, unit_a, gdp
):
    evidence = record(unit_a, gdp, reporter_a)
    client.force_login(office_user)

    response = client.get(
        reverse("assessment:verify_record", kwargs={"year": 2026, "pk": evidence.pk})
    )

    assert response.status_code == 200
    assert b"record-decision-form" in response.content


def test_a_record_imported_by_the_command_line_shows_in_the_queue(client, office_user, unit_a, gdp):
    # the command line acts as the office with no person: such records have no recorder
    imported = Evidence.objects.create(
        unit=unit_a, indicator=gdp, date=MAY_DAY, value=5, description="命令行导入"
    )
    client.force_login(office_user)
    response = client.get(queue_url())
    assert response.status_code == 200
    assert imported.pk in shown(response)
    assert (
        client.get(
            reverse("assessment:verify_record", kwargs={"year": 2026, "pk": imported.pk})
        ).status_code
        == 200
    )


# --- queries ----------------------------------------------------------------------------------


def _queue_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(queue_url()).status_code == 200
    return len(queries)


def test_the_queue_makes_the_same_queries_for_two_records_or_forty(
    client, office_user, lead_user, reporter_a, unit_a, town, gdp, education, veto
):
    """A month-end queue is long: a page of it (25 records) reads no more for forty records of
    nine units, with a correction and a veto among them, than for two of one unit."""
    record(unit_a, gdp, reporter_a, value=1)
    record(unit_a, education, reporter_a, value=2)
    client.force_login(office_user)
    few_office = _queue_queries(client)
    client.force_login(lead_user)
    few_lead = _queue_queries(client)

    for number in range(8):
        unit = UnitFactory(code=f"Q{number:02d}", name=f"第{number}镇", category=town)
        reporter = UserFactory(username=f"reporter_q{number}", role=Role.REPORTER, unit=unit)
        for day in (1, 2):
            record(unit, gdp, reporter, value=day, day=datetime.date(2026, 5, day))
            record(unit, education, reporter, value=day, day=datetime.date(2026, 6, day))
    for value in range(4):
        record(unit_a, gdp, reporter_a, value=value + 10)
    evidence_correct(record=record(unit_a, gdp, reporter_a, value=7), value=D(8),
                     description="更正", reason="录错", by=reporter_a)  # fmt: skip
    record(unit_a, veto, office_user, value=1)
    assert Evidence.objects.awaiting_verification().count() == 40

    client.force_login(office_user)
    response = client.get(queue_url())
    assert len(shown(response)) == 25  # a full page
    assert _queue_queries(client) == few_office
    client.force_login(lead_user)
    # its indicator (GDP) only: 16 of the new towns, 4 + 1 corrected of 甲镇, 1 from before
    assert len(shown(client.get(queue_url()))) == 22
    assert _queue_queries(client) == few_lead
