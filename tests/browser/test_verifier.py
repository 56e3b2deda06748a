"""A verifier's and a supervisor's main path in a real browser: the office verifies two records
of the queue at once; supervision records a deduction against a unit."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from assessment.models import Evidence, EvidenceStatus, YearStatus
from assessment.services.evidence import evidence_record
from tests.assessment.factories import IndicatorFactory, YearFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
]


def test_the_office_verifies_two_records_and_supervision_records_a_failure(
    page, log_in, csp_violations, office_user, supervision_user, reporter_a, unit_a, town,
    screenshot_dir,
):  # fmt: skip
    year = YearFactory(year=2026, status=YearStatus.COLLECTING)
    gdp = IndicatorFactory(year=year, category=town, code="E01", name="地区生产总值")
    safety = IndicatorFactory(
        year=year, category=town, code="S01", name="安全生产", method="deduction"
    )
    records = [
        evidence_record(
            unit=unit_a, indicator=gdp, date=datetime.date(2026, 3, day), value=Decimal(day),
            description=f"第{day}次填报", by=reporter_a,
        )
        for day in (1, 2, 3)
    ]  # fmt: skip
    log_in("office")

    page.goto(page.base_url + "/years/2026/verify/")
    rows = page.locator("#queue-table tbody tr[data-record]")
    expect(rows).to_have_count(3)
    page.locator(f"#record-{records[0].pk}").check()
    page.locator(f"#record-{records[1].pk}").check()
    page.locator("#verify-selected").click()

    expect(page.locator(".alert-success")).to_be_visible()
    expect(rows).to_have_count(1)
    page.screenshot(path=str(screenshot_dir / "verify-queue.png"), full_page=True)
    statuses = [Evidence.objects.get(pk=r.pk).status for r in records]
    assert statuses == [EvidenceStatus.VERIFIED, EvidenceStatus.VERIFIED, EvidenceStatus.PENDING]

    log_in("supervision")
    page.goto(page.base_url + "/years/2026/failures/record/")
    page.locator("#failure-unit-form select").select_option(value="A01")  # submits itself
    page.locator("#id_indicator").select_option(value=str(safety.pk))
    page.locator("#id_date").fill("2026-06-03")
    page.locator("#id_value").fill("2")
    page.locator("#id_description").fill("发生一般安全事故")
    page.screenshot(path=str(screenshot_dir / "failure-form.png"), full_page=True)
    page.locator("#failure-submit").click()

    expect(page.locator(".alert-success")).to_be_visible()
    failure = Evidence.objects.get(indicator=safety)
    assert (failure.unit, failure.value, failure.status) == (
        unit_a,
        Decimal(2),
        EvidenceStatus.PENDING,
    )
    assert failure.recorded_by == supervision_user
    assert csp_violations == []
