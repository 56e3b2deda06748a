"""The integrity review queue: the office computes the year's signals, dismisses one with a
reason or confirms it, and supervision records the failure a confirmed signal calls for."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessment.models import Evidence, EvidenceStatus, IntegritySignal, SignalStatus, YearStatus
from assessment.selectors.integrity import (
    open_signal_count,
    previous_figures,
    signal_records,
    signals_for,
)
from assessment.services.integrity import (
    integrity_compute,
    integrity_confirm,
    integrity_dismiss,
    integrity_record_failure,
)
from reports.waiting import Waiting
from tests.assessment.factories import IndicatorFactory, YearFactory, evidence_with

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root", "in_english")]

MAY = datetime.date(2026, 5, 4)
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< >>\n%%EOF\n"


def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def scheme(town):
    year = YearFactory(year=2026, status=YearStatus.COLLECTING)
    return {
        "year": year,
        "GDP": IndicatorFactory(year=year, category=town, code="GDP"),
        "FAIL": IndicatorFactory(year=year, category=town, code="FAIL", method="deduction"),
    }


@pytest.fixture
def shared(scheme, unit_a, unit_b, office_user):
    """One statistics report, attached by two towns to their GDP records."""
    first = evidence_with(unit_a, scheme["GDP"], office_user, pdf("甲镇报表.pdf"), value=120)
    second = evidence_with(unit_b, scheme["GDP"], office_user, pdf("乙镇报表.pdf"), value=80)
    # entered on the day they are dated (not months later, which would be backdating)
    entered = datetime.datetime(2026, 3, 1, 9, tzinfo=datetime.UTC)
    Evidence.objects.filter(pk__in=[first.pk, second.pk]).update(recorded_at=entered)
    return first, second


def test_the_same_file_in_two_towns_records_is_one_open_signal_linking_both(
    scheme, shared, unit_a, office_user
):
    assert integrity_compute(year=scheme["year"], by=office_user) == (1, 0)
    signal = IntegritySignal.objects.get()
    assert (signal.kind, signal.status, signal.unit, signal.unit_codes) == (
        "shared_attachment", "open", unit_a, ["A01", "B01"],
    )  # fmt: skip
    assert signal.indicator == scheme["GDP"]
    assert [record.unit.code for record in signal_records(signal)] == ["A01", "B01"]
    assert signal.history.get().history_user == office_user
    assert open_signal_count(scheme["year"]) == 1
    # computing again finds the same signal: nothing added, nothing removed
    assert integrity_compute(year=scheme["year"], by=office_user) == (0, 0)


def test_only_the_office_computes_and_reads_the_queue(
    scheme, shared, reporter_a, supervision_user, office_user
):
    with pytest.raises(ValidationError, match="Only the assessment office"):
        integrity_compute(year=scheme["year"], by=reporter_a)
    integrity_compute(year=scheme["year"], by=office_user)
    assert signals_for(reporter_a, scheme["year"]).count() == 0
    # supervision sees a signal only once it is confirmed
    assert signals_for(supervision_user, scheme["year"]).count() == 0
    assert signals_for(office_user, scheme["year"]).count() == 1


def test_a_dismissed_signal_needs_a_reason_and_stays_dismissed(scheme, shared, office_user):
    integrity_compute(year=scheme["year"], by=office_user)
    signal = IntegritySignal.objects.get()
    with pytest.raises(ValidationError, match="Give the reason"):
        integrity_dismiss(signal=signal, by=office_user, reason="  ")
    assert IntegritySignal.objects.get().status == SignalStatus.OPEN

    integrity_dismiss(signal=signal, by=office_user, reason="两镇共用区统计局的同一份报表")
    assert integrity_compute(year=scheme["year"], by=office_user) == (0, 0)
    signal = IntegritySignal.objects.get()
    assert (signal.status, signal.reason, signal.decided_by) == (
        "dismissed", "两镇共用区统计局的同一份报表", office_user,
    )  # fmt: skip
    assert open_signal_count(scheme["year"]) == 0
    with pytest.raises(ValidationError, match="already been decided"):
        integrity_dismiss(signal=signal, by=office_user, reason="again")


def test_an_open_signal_no_longer_found_is_removed(scheme, shared, office_user):
    integrity_compute(year=scheme["year"], by=office_user)
    Evidence.objects.filter(pk=shared[1].pk).update(status=EvidenceStatus.REJECTED)
    assert integrity_compute(year=scheme["year"], by=office_user) == (0, 1)
    assert not IntegritySignal.objects.exists()


def test_confirming_names_a_deduction_and_supervision_records_it_pending(
    scheme, shared, unit_a, office_user, supervision_user, reporter_a
):
    integrity_compute(year=scheme["year"], by=office_user)
    signal = IntegritySignal.objects.get()
    with pytest.raises(ValidationError, match="deduction or disqualification"):
        integrity_confirm(
            signal=signal, by=office_user, reason="报表系伪造", indicator=scheme["GDP"]
        )
    with pytest.raises(ValidationError, match="Only a confirmed signal"):
        integrity_record_failure(
            signal=signal, by=supervision_user, date=MAY,
            value=Decimal(2), description="数据造假扣分",
        )  # fmt: skip

    integrity_confirm(signal=signal, by=office_user, reason="报表系伪造", indicator=scheme["FAIL"])
    assert [s.pk for s in signals_for(supervision_user, scheme["year"])] == [signal.pk]
    with pytest.raises(ValidationError, match="Supervision records"):
        integrity_record_failure(
            signal=signal, by=reporter_a, date=MAY,
            value=Decimal(2), description="数据造假扣分",
        )  # fmt: skip

    record = integrity_record_failure(
        signal=signal, by=supervision_user, date=MAY,
        value=Decimal(2), description="数据造假扣分",
    )  # fmt: skip
    assert (record.unit, record.indicator, record.value, record.status) == (
        unit_a, scheme["FAIL"], Decimal(2), EvidenceStatus.PENDING,
    )  # fmt: skip
    assert record.recorded_by == supervision_user
    signal.refresh_from_db()
    assert (signal.status, signal.record) == ("confirmed", record)
    with pytest.raises(ValidationError, match="recorded already"):
        integrity_record_failure(
            signal=signal, by=supervision_user, date=MAY,
            value=Decimal(2), description="again",
        )  # fmt: skip


# --- the pages


def queue_url(pk: int | None = None) -> str:
    if pk is None:
        return reverse("assessment:integrity_queue", kwargs={"year": 2026})
    return reverse("assessment:integrity_signal", kwargs={"year": 2026, "pk": pk})


def test_the_office_computes_reads_and_confirms_a_signal_on_its_pages(
    scheme, shared, client, office_user
):
    client.force_login(office_user)
    compute = reverse("assessment:integrity_compute", kwargs={"year": 2026})
    assert client.post(compute).status_code == 302
    assert Waiting(scheme["year"], MAY).open_signals == 1
    page = client.get(queue_url()).content.decode()
    signal = IntegritySignal.objects.get()
    assert f'data-signal="{signal.pk}"' in page and "同一佐证材料出现在多条记录中" in page

    page = client.get(queue_url(signal.pk)).content.decode()
    # both records side by side, each with its file and how it entered
    assert f'data-record="{shared[0].pk}"' in page and f'data-record="{shared[1].pk}"' in page
    assert "甲镇报表.pdf" in page and "乙镇报表.pdf" in page
    assert "在表单中填报" in page

    refused = client.post(queue_url(signal.pk), {"decision": "dismiss", "dismiss-reason": ""})
    assert refused.status_code == 200 and "排除理由：此项为必填项。" in refused.content.decode()
    assert IntegritySignal.objects.get().status == "open"

    confirm = {
        "decision": "confirm",
        "confirm-indicator": str(scheme["FAIL"].pk),
        "confirm-reason": "报表系复制",
    }
    assert client.post(queue_url(signal.pk), confirm).status_code == 302
    signal.refresh_from_db()
    assert (signal.status, signal.failure_indicator, signal.decided_by) == (
        "confirmed", scheme["FAIL"], office_user,
    )  # fmt: skip
    assert Waiting(scheme["year"], MAY).open_signals == 0


def test_nobody_but_the_office_reaches_the_queue(scheme, shared, client, office_user, reporter_a):
    integrity_compute(year=scheme["year"], by=office_user)
    signal = IntegritySignal.objects.get()
    client.force_login(reporter_a)
    assert client.get(queue_url()).status_code == 403
    assert client.get(queue_url(signal.pk)).status_code == 403
    dismiss = {"decision": "dismiss", "dismiss-reason": "无"}
    assert client.post(queue_url(signal.pk), dismiss).status_code == 403
    assert IntegritySignal.objects.get().status == "open"


def test_supervision_records_the_failure_of_a_confirmed_signal_on_its_page(
    scheme, shared, client, office_user, supervision_user, unit_a
):
    integrity_compute(year=scheme["year"], by=office_user)
    signal = IntegritySignal.objects.get()
    failure_url = reverse("assessment:integrity_failure", kwargs={"year": 2026, "pk": signal.pk})
    client.force_login(supervision_user)
    # an open signal is the office's: supervision neither sees it nor records for it
    assert client.get(queue_url(signal.pk)).status_code == 404
    assert client.get(failure_url).status_code == 404

    integrity_confirm(signal=signal, by=office_user, reason="报表系复制", indicator=scheme["FAIL"])
    page = client.get(queue_url(signal.pk)).content.decode()
    assert 'id="record-failure"' in page and 'id="confirm-form"' not in page
    refused = client.post(failure_url, {"date": "2026-05-04", "value": "", "description": ""})
    assert refused.status_code == 200 and not Evidence.objects.filter(indicator=scheme["FAIL"])
    data = {"date": "2026-05-04", "value": "2", "description": "佐证材料系复制，扣 2 分"}
    assert client.post(failure_url, data).status_code == 302
    record = Evidence.objects.get(indicator=scheme["FAIL"])
    assert (record.unit, record.value, record.status) == (unit_a, Decimal(2), "pending")
    signal.refresh_from_db()
    assert signal.record == record
    # recorded once: the page is gone
    assert client.get(failure_url).status_code == 403


def test_the_workbench_counts_open_signals_and_failures_to_record(scheme, shared, office_user):
    integrity_compute(year=scheme["year"], by=office_user)
    waiting = Waiting(scheme["year"], MAY)
    assert (waiting.open_signals, waiting.failures_to_record) == (1, 0)
    signal = IntegritySignal.objects.get()
    integrity_confirm(signal=signal, by=office_user, reason="报表系复制", indicator=scheme["FAIL"])
    waiting = Waiting(scheme["year"], MAY)
    assert (waiting.open_signals, waiting.failures_to_record) == (0, 1)


def test_the_year_before_gives_each_unit_its_own_history(scheme, town, unit_a, unit_b):
    before = YearFactory(year=2025, status=YearStatus.COLLECTING)
    gdp = IndicatorFactory(year=before, category=town, code="GDP")
    growth = IndicatorFactory(year=before, category=town, code="LAT", aggregation="latest")
    for unit, indicator, day, value, status in [
        (unit_a, gdp, 1, 30, EvidenceStatus.VERIFIED),
        (unit_a, gdp, 2, 12, EvidenceStatus.VERIFIED),
        (unit_a, gdp, 3, 99, EvidenceStatus.PENDING),  # does not count
        (unit_b, growth, 1, 50, EvidenceStatus.VERIFIED),
        (unit_b, growth, 2, 40, EvidenceStatus.VERIFIED),  # the latest
    ]:
        Evidence.objects.create(
            unit=unit, indicator=indicator, date=datetime.date(2025, 6, day), value=value,
            description="上年", status=status,
        )  # fmt: skip
    assert previous_figures(scheme["year"]) == {
        ("A01", "GDP"): [Decimal(42)],
        ("B01", "LAT"): [Decimal(40)],
    }
