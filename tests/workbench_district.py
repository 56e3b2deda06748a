"""A small district with work waiting for every role, for the workbench's tests (view and
browser). On 20 April 2026, with a reporting period of 31 days:

- 甲镇 (A01): GDP verified on 10 January and rejected on 1 March (last record 50 days ago:
  overdue); no accident recorded (a ceiling: not overdue); a deduction by supervision pending
  and not yet answered.
- 乙镇 (B01): GDP rejected on 5 April and pending on 10 April (10 days: not overdue); a veto
  event proposed by supervision, pending (the office must confirm it).
- GDP is led by 区发展和改革局 (JJ01): its queue is B01's pending record.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from assessment.models import AssessmentYear, Evidence, EvidenceStatus, Indicator, YearStatus
from tests.assessment.factories import IndicatorFactory, TargetFactory, YearFactory

TODAY = datetime.date(2026, 4, 20)
PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< >>\n%%EOF\n"


@dataclass
class District:
    year: AssessmentYear
    gdp: Indicator
    accidents: Indicator
    bonus: Indicator
    safety: Indicator
    veto: Indicator
    a_rejected: Evidence
    a_failure: Evidence
    b_pending: Evidence
    b_veto: Evidence


def record(unit, indicator, day, value, by, status=EvidenceStatus.PENDING, **fields):
    return Evidence.objects.create(
        unit=unit,
        indicator=indicator,
        date=datetime.date(2026, *day),
        value=Decimal(value),
        description=f"{indicator.name}记录",
        status=status,
        recorded_by=by,
        **fields,
    )


def build(*, town, unit_a, unit_b, lead_unit, reporter_a, reporter_b, supervision_user) -> District:
    year = YearFactory(year=2026, status=YearStatus.COLLECTING, reporting_period_days=31)
    gdp = IndicatorFactory(
        year=year, category=town, code="E01", name="地区生产总值", measure="万元",
        lead_unit=lead_unit,
    )  # fmt: skip
    accidents = IndicatorFactory(
        year=year, category=town, code="S02", name="生产安全事故", method="ceiling"
    )
    bonus = IndicatorFactory(year=year, category=town, code="B01", name="创新加分", method="bonus")
    safety = IndicatorFactory(
        year=year, category=town, code="S01", name="安全生产", method="deduction"
    )
    veto = IndicatorFactory(year=year, category=town, code="V01", name="一票否决", method="veto")
    for unit in (unit_a, unit_b):
        TargetFactory(indicator=gdp, unit=unit, target=Decimal(1000))
        TargetFactory(indicator=accidents, unit=unit, target=Decimal(4))
    verified = {"status": EvidenceStatus.VERIFIED}
    record(unit_a, gdp, (1, 10), 100, reporter_a, **verified)
    a_rejected = record(
        unit_a, gdp, (3, 1), 80, reporter_a, EvidenceStatus.REJECTED, status_reason="数据有误"
    )
    a_failure = record(unit_a, safety, (4, 2), 2, supervision_user)
    record(unit_b, gdp, (4, 5), 90, reporter_b, EvidenceStatus.REJECTED, status_reason="缺附件")
    b_pending = record(unit_b, gdp, (4, 10), 120, reporter_b)
    b_veto = record(unit_b, veto, (4, 12), 1, supervision_user)
    return District(
        year=year, gdp=gdp, accidents=accidents, bonus=bonus, safety=safety, veto=veto,
        a_rejected=a_rejected, a_failure=a_failure, b_pending=b_pending, b_veto=b_veto,
    )  # fmt: skip
