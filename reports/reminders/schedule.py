"""Deadline arithmetic: pure functions on dates, no database.

A one-off phase (target setting, grading, the democratic evaluation, the publicity) is due on
one day. Monthly reporting repeats: the records of month *m* are due by day *d* of month
*m* + 1 (December's in January of the next year); a day past the end of a shorter month is
that month's last day (the 31st in February is the 28th or 29th).

A deadline is *passed* from the day after it (the due day itself is still in time) and *due
soon* from ``notice_days`` before it up to the due day.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass


def clamped_day(year: int, month: int, day: int) -> datetime.date:
    """``day`` of the month, or the month's last day when the month is shorter."""
    return datetime.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def month_deadline(year: int, month: int, day: int) -> datetime.date:
    """The day the records of ``month`` of ``year`` are due: ``day`` of the following month."""
    if month == 12:
        return clamped_day(year + 1, 1, day)
    return clamped_day(year, month + 1, day)


def month_deadlines(year: int, day: int, first_month: int = 1) -> list[tuple[int, datetime.date]]:
    """(month, due day) of every month of the year reported, from ``first_month`` on."""
    return [(month, month_deadline(year, month, day)) for month in range(first_month, 13)]


def is_passed(due: datetime.date, today: datetime.date) -> bool:
    return today > due


def is_due_soon(due: datetime.date, notice_days: int, today: datetime.date) -> bool:
    """From ``notice_days`` before the deadline up to the deadline itself."""
    return due - datetime.timedelta(days=notice_days) <= today <= due


@dataclass(frozen=True)
class MonthSplit:
    """The months of a year's monthly reporting as of one day."""

    passed: list[tuple[int, datetime.date]]  # deadline passed: a missing month is overdue
    due_soon: tuple[int, datetime.date] | None  # the next deadline, if within the notice
    upcoming: tuple[int, datetime.date] | None  # the next deadline, whenever it is


def split_months(
    year: int, day: int, first_month: int, notice_days: int, today: datetime.date
) -> MonthSplit:
    deadlines = month_deadlines(year, day, first_month)
    passed = [(month, due) for month, due in deadlines if is_passed(due, today)]
    upcoming = next(((m, due) for m, due in deadlines if not is_passed(due, today)), None)
    soon = upcoming if upcoming and is_due_soon(upcoming[1], notice_days, today) else None
    return MonthSplit(passed=passed, due_soon=soon, upcoming=upcoming)
