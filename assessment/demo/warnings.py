"""The demo's three-colour warnings: the year's quarters with cumulative targets (20 %, 45 %,
70 % and 100 % of each annual target), Q1 to Q3 closed with their colours, notices and talk
list, the rectification reports (accepted, sent back, one overdue), a talk, and leaders'
instructions (one answered, one waiting)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User as AuthUser

from assessment.demo.world import District, bulk_write
from assessment.models import (
    AssessmentYear,
    Indicator,
    PeriodTarget,
    ReportStatus,
    TalkListEntry,
    Target,
    WarningNotice,
)
from assessment.scoring.colours import TARGETED_METHODS
from assessment.services import warnings as service

SHARES = (Decimal("0.20"), Decimal("0.45"), Decimal("0.70"), Decimal(1))
LEADER_USERNAME = "lingdao"


def seed_warnings(year: AssessmentYear, district: District) -> str:
    """Seed the warnings of `year`; a line for the seed's report."""
    office = district.office
    periods = service.periods_create(year=year, by=office)
    targets = Target.objects.filter(
        indicator__year=year, indicator__method__in=TARGETED_METHODS, target__isnull=False
    ).values_list("unit_id", "indicator_id")
    bulk_write(
        PeriodTarget,
        [
            PeriodTarget(period=period, unit_id=unit_id, indicator_id=indicator_id, share=share)
            for period, share in zip(periods, SHARES, strict=True)
            for unit_id, indicator_id in targets
        ],
        district,
    )
    for period in periods[:3]:
        service.period_close(
            period=period, by=office, today=period.ends_on + datetime.timedelta(days=1)
        )
    _seed_reports(year, district)
    leader = get_user_model().objects.filter(username=LEADER_USERNAME).first()
    if leader is not None:
        _seed_instructions(year, district, leader)
    talks = TalkListEntry.objects.filter(period=periods[2]).values("unit").distinct().count()
    notices = WarningNotice.objects.filter(period__year=year).count()
    return f"warnings: 3 quarters closed, {notices} notices, {talks} units on the talk list"


def _reporter(district: District, notice: WarningNotice) -> AuthUser | None:
    return district.reporters.get(notice.unit_id)


def _seed_reports(year: AssessmentYear, district: District) -> None:
    """The units with a reporter account answer: their notices of Q1 and Q2 are accepted (one
    sent back first), of Q3 they wait for review, but for the last, whose report is overdue
    (as are those of the units without a reporter account)."""
    notices = list(
        WarningNotice.objects.filter(period__year=year)
        .select_related("unit", "period")
        .order_by("period__ends_on", "unit__code")
    )
    last_period = notices[-1].period if notices else None
    q3 = [n for n in notices if n.period == last_period and n.unit_id in district.reporters]
    sent_back = False
    for notice in notices:
        reporter = _reporter(district, notice)
        if reporter is None or (q3 and notice == q3[-1]):
            continue
        measures = "成立专班逐项对账，倒排工期，按月调度重点项目，确保下季度补足序时进度缺口。"
        report = service.report_file(
            notice=notice,
            measures=measures,
            done_by=notice.period.ends_on + datetime.timedelta(days=60),
            uploads=[],
            by=reporter,
        )
        if notice.period == last_period:
            continue  # waiting for the office
        if not sent_back:
            sent_back = True
            service.report_review(
                report=report, accept=False, note="措施不够具体，请细化到项目和月份。",
                by=district.office,
            )  # fmt: skip
            report = service.report_file(
                notice=notice, measures=measures + "逐项目明确责任人和完成月份。",
                done_by=report.done_by, uploads=[], by=reporter,
            )  # fmt: skip
        if report.status == ReportStatus.FILED:
            service.report_review(report=report, accept=True, note="", by=district.office)
    entry = TalkListEntry.objects.filter(period=last_period).select_related("unit").first()
    if entry is not None and last_period is not None:
        held_on = last_period.ends_on + datetime.timedelta(days=9)
        service.talk_record(
            period=last_period, unit=entry.unit, held_on=held_on,
            attendees="区考核办主任，该单位党政主要负责人、分管负责人",
            commitments="四季度每月报送整改进展，年底前补足差距。", by=district.office,
        )  # fmt: skip


def _seed_instructions(year: AssessmentYear, district: District, leader: AuthUser) -> None:
    notice = (
        WarningNotice.objects.filter(period__year=year, unit_id__in=list(district.reporters))
        .select_related("unit")
        .order_by("-period__ends_on", "unit__code")
        .first()
    )
    if notice is None:
        return
    answered = service.instruction_write(
        year=year, unit=notice.unit, notice=notice, by=leader,
        text="请高度重视预警事项，主要负责同志亲自抓，按期报送整改报告。",
    )  # fmt: skip
    reporter = _reporter(district, notice)
    if reporter is not None:
        service.instruction_answer(
            instruction=answered, by=reporter,
            answer="已召开专题会议部署整改，主要负责同志每周调度，整改报告已按期报送。",
        )  # fmt: skip
    indicator = Indicator.objects.filter(
        year=year, category_id=notice.unit.category_id, method__in=TARGETED_METHODS
    ).first()
    service.instruction_write(
        year=year, unit=notice.unit, indicator=indicator, bulletin_quarter=3,
        text="三季度讲评通报所列差距要逐项销号，四季度末向区政府专题报告。",
        by=leader,
    )  # fmt: skip
