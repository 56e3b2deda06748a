"""The demo's three-colour warnings: the year's quarters with cumulative targets (20 %, 45 %,
70 % and 100 % of each annual target; a ceiling's allowance spread evenly, 25 % a quarter; at
Q2, the half-year figures agreed with the units behind), Q1 to Q3 closed with their colours and
notices, the rectification reports (accepted, one sent back first, the last quarter's waiting
for review, exactly one overdue: 城关街道's of Q3, for its reporter to answer), one unit on the
talk list (the unit vetoed in June, red at Q2 and Q3: its talk still to hold), and leaders'
instructions (one answered, one waiting).

Every unit a notice reaches answers through a reporter account of its own (made here, with no
usable password: only the demo's own accounts log in)."""

from __future__ import annotations

import datetime
from dataclasses import replace
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.models import User as AuthUser

from assessment.demo.world import District, bulk_write
from assessment.models import (
    AssessmentYear,
    Indicator,
    PeriodTarget,
    ReportingPeriod,
    ReportStatus,
    TalkListEntry,
    Target,
    WarningNotice,
)
from assessment.scoring.colours import (
    TARGETED_METHODS,
    Colour,
    indicator_colour,
    period_target,
)
from assessment.scoring.inputs import Method
from assessment.selectors.warnings import standings
from assessment.services import warnings as service
from units.models import Membership, Unit
from units.roles import GROUP_NAMES, Role

SHARES = (Decimal("0.20"), Decimal("0.45"), Decimal("0.70"), Decimal(1))
CEILING_SHARES = (Decimal("0.25"), Decimal("0.50"), Decimal("0.75"), Decimal(1))
LEADER_USERNAME = "lingdao"
OVERDUE_UNIT = "ZJ01"  # 城关街道, the demo reporter's unit: its Q3 report is the one overdue


def seed_warnings(year: AssessmentYear, district: District) -> str:
    """Seed the warnings of `year`; a line for the seed's report."""
    office = district.office
    periods = service.periods_create(year=year, by=office)
    targets = list(
        Target.objects.filter(
            indicator__year=year, indicator__method__in=TARGETED_METHODS, target__isnull=False
        ).values_list("unit_id", "indicator_id", "indicator__method", "target")
    )
    half_year = _half_year_plans(year, periods[1], targets)
    bulk_write(
        PeriodTarget,
        [
            PeriodTarget(
                period=period,
                unit_id=unit_id,
                indicator_id=indicator_id,
                share=None if value is not None else _share(method, number),
                value=value,
            )
            for number, period in enumerate(periods)
            for unit_id, indicator_id, method, _annual in targets
            for value in [half_year.get((unit_id, indicator_id)) if number == 1 else None]
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


def _share(method: str, number: int) -> Decimal:
    return (CEILING_SHARES if method == Method.CEILING else SHARES)[number]


def _half_year_plans(
    year: AssessmentYear,
    period: ReportingPeriod,
    targets: list[tuple[int, int, str, Decimal | None]],
) -> dict[tuple[int, int], Decimal]:
    """The half-year figures agreed with the units behind at Q2: their own (a completion met, a
    ceiling's allowance just used, so yellow), where 45 % / 50 % of the year would make them
    red. So no indicator is red at both Q2 and Q3 but by a failure record (the veto of June)."""
    reached = standings(year, period.ends_on, None)
    agreed = {}
    for unit_id, indicator_id, method, annual in targets:
        standing = reached.get((unit_id, indicator_id))
        if standing is None or annual is None or not standing.actual:
            continue
        target = period_target(annual, share=_share(method, 1))
        colour = indicator_colour(replace(standing, target=target))
        if colour == Colour.RED:
            agreed[(unit_id, indicator_id)] = Decimal(standing.actual)
    return agreed


def _reporter(district: District, unit: Unit) -> AuthUser:
    """The unit's reporter: the demo's own, or one made for the unit (no usable password)."""
    found = district.reporters.get(unit.pk)
    if found is not None:
        return found
    User = get_user_model()
    user = User.objects.create_user(
        username=f"reporter-{unit.code.lower()}", password=None, first_name=f"{unit.name} 填报员"
    )
    user.groups.add(Group.objects.get(name=GROUP_NAMES[Role.REPORTER]))
    Membership.objects.create(user=user, unit=unit)
    district.reporters[unit.pk] = user
    return user


def _seed_reports(year: AssessmentYear, district: District) -> None:
    """Every unit answers its notices: those of Q1 and Q2 are accepted (the first sent back
    once), those of the last closed quarter wait for review, but for 城关街道's, the one
    report overdue."""
    notices = list(
        WarningNotice.objects.filter(period__year=year)
        .select_related("unit", "period")
        .order_by("period__ends_on", "unit__code")
    )
    last_period = notices[-1].period if notices else None
    sent_back = False
    measures = "成立专班逐项对账，倒排工期，按月调度重点项目，确保下季度补足序时进度缺口。"
    for notice in notices:
        if notice.period == last_period and notice.unit.code == OVERDUE_UNIT:
            continue  # the one overdue
        reporter = _reporter(district, notice.unit)
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
    _seed_talks(year, district, last_period)


def _seed_talks(
    year: AssessmentYear, district: District, last_period: ReportingPeriod | None
) -> None:
    """The office holds the talk with every unit on a talk list, nine days after the close,
    but for one unit of the last closed quarter: still on the talk list."""
    listed = list(
        TalkListEntry.objects.filter(period__year=year)
        .order_by("period__ends_on", "unit__code")
        .values_list("period_id", "unit_id")
        .distinct()
    )
    waiting = next((pair for pair in listed if pair[0] == getattr(last_period, "pk", None)), None)
    periods = {p.pk: p for p in ReportingPeriod.objects.filter(year=year)}
    units = {unit.pk: unit for unit in district.units}
    for period_id, unit_id in listed:
        if (period_id, unit_id) == waiting:
            continue
        period = periods[period_id]
        service.talk_record(
            period=period, unit=units[unit_id], held_on=period.ends_on + datetime.timedelta(days=9),
            attendees="区考核办主任，该单位党政主要负责人、分管负责人",
            commitments="下季度每月报送整改进展，年底前补足差距。", by=district.office,
        )  # fmt: skip


def _seed_instructions(year: AssessmentYear, district: District, leader: AuthUser) -> None:
    """On 城关街道 (the demo reporter's unit): an instruction on its notice before the last
    (Q1's), answered, and one on an indicator and the Q3 bulletin, waiting."""
    notices = list(
        WarningNotice.objects.filter(period__year=year, unit__code=OVERDUE_UNIT)
        .select_related("unit")
        .order_by("period__ends_on")
    )
    if not notices:
        return
    notice = notices[-2] if len(notices) > 1 else notices[-1]
    answered = service.instruction_write(
        year=year, unit=notice.unit, notice=notice, by=leader,
        text="请高度重视预警事项，主要负责同志亲自抓，按期报送整改报告。",
    )  # fmt: skip
    service.instruction_answer(
        instruction=answered, by=_reporter(district, notice.unit),
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
