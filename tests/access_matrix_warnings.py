"""The three-colour warnings' rows of the access matrix (merged in ``tests.access_matrix_all``).

A unit's notices, reports and leaders' instructions are read by its own users and by everyone
who sees every unit (乙镇's reporter gets a 404 for 甲镇's notice, a 403 for its instruction);
periods are closed and talks recorded by the office. The quarters, a notice of 甲镇 with a
report, and a leader's instruction to 甲镇 are made the first time a row needs them.
"""

from __future__ import annotations

import datetime
from typing import Any

from assessment.models import (
    Instruction,
    RectificationReport,
    ReportingPeriod,
    WarningNotice,
)
from assessment.services.warnings import periods_create
from tests.access_matrix import Row, World, _year, everyone, office_only, roles


def _q1(w: World) -> ReportingPeriod:
    period = ReportingPeriod.objects.filter(year=w.year).order_by("ends_on").first()
    if period is None:
        period = periods_create(year=w.year, by=w.users["office"])[0]
    return period


def _notice(w: World) -> WarningNotice:
    notice, _created = WarningNotice.objects.get_or_create(
        period=_q1(w),
        unit=w.unit_a,
        defaults={"issued_by": w.users["office"], "report_due": datetime.date(2026, 4, 15)},
    )
    return notice


def _report(w: World) -> dict[str, Any]:
    notice = _notice(w)
    report = notice.reports.first() or RectificationReport.objects.create(
        notice=notice,
        measures="加快进度",
        done_by=datetime.date(2026, 5, 31),
        filed_by=w.users["reporter_a"],
    )
    return {"pk": report.pk}


def _instruction(w: World) -> dict[str, Any]:
    instruction = Instruction.objects.filter(year=w.year, unit=w.unit_a).first()
    if instruction is None:
        instruction = Instruction.objects.create(
            year=w.year, unit=w.unit_a, text="请抓紧整改", written_by=w.users["leader"]
        )
    return {"pk": instruction.pk}


MATRIX_WARNINGS: dict[str, Row] = {
    "assessment:warnings_year": (_year, roles()),
    "assessment:warning_periods_create": (_year, everyone(405)),
    "assessment:warning_period_close": (lambda w: {"pk": _q1(w).pk}, everyone(405)),
    "assessment:warning_talk_record": (
        lambda w: {"pk": _q1(w).pk, "unit": w.unit_a.code},
        office_only(),
    ),
    "assessment:notice_detail": (lambda w: {"pk": _notice(w).pk}, roles(reporter_b=404)),
    "assessment:notice_report": (lambda w: {"pk": _notice(w).pk}, everyone(405)),
    "assessment:report_review": (_report, everyone(405)),
    "assessment:instructions": (_year, roles()),
    "assessment:instruction_detail": (_instruction, roles(reporter_b=403)),
    "assessment:instruction_answer": (_instruction, everyone(405)),
}
