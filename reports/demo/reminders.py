"""The demo year's phase deadlines (``manage.py seed_demo``), so that the reminders show.

The demo is set in late November 2026 with the year in `scoring`: targets were due in
February, each month's records by the 5th of the next month, grades and the democratic
evaluation are due in December (within their notice, so the home page lists them); the
records still waiting for verification since the summer are overdue. Idempotent: a phase that
has a deadline already keeps it.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.models import User
from django.core.management.base import OutputWrapper

from assessment.lib.history import set_history_user
from assessment.models import AssessmentYear
from reports.models import Phase, PhaseDeadline


def seed_deadlines(
    year: AssessmentYear, *, by: User | None = None, stdout: OutputWrapper | None = None
) -> int:
    """Write the demo deadlines of ``year`` that are missing; return how many were written."""
    y = year.year
    wanted = [
        PhaseDeadline(
            year=year, phase=Phase.TARGETS, due_on=datetime.date(y, 2, 28),
            note="目标责任书签订后报送",
        ),
        PhaseDeadline(
            year=year, phase=Phase.MONTHLY, day_of_month=5, first_month=1,
            note="每月5日前报送上月数据",
        ),
        PhaseDeadline(
            year=year, phase=Phase.GRADING, due_on=datetime.date(y, 12, 10), notice_days=14,
            note="牵头单位完成定性评价",
        ),
        PhaseDeadline(
            year=year, phase=Phase.EVALUATION, due_on=datetime.date(y, 12, 15), notice_days=21,
            note="年终述职及民主测评",
        ),
    ]  # fmt: skip
    have = set(PhaseDeadline.objects.filter(year=year).values_list("phase", flat=True))
    written = 0
    for deadline in wanted:
        if deadline.phase in have:
            continue
        deadline.updated_by = by
        if by is not None:
            set_history_user(deadline, by)
        deadline.full_clean()
        deadline.save()
        written += 1
    if stdout is not None:
        stdout.write(f"assessment year {y}: {written} phase deadlines")
    return written
