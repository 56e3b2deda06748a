"""Deadline arithmetic (``reports.reminders.schedule``): no database."""

import datetime

import pytest

from reports.reminders.schedule import (
    clamped_day,
    is_due_soon,
    is_passed,
    month_deadline,
    month_deadlines,
    split_months,
)

D = datetime.date


@pytest.mark.parametrize(
    ("year", "month", "day", "expected"),
    [
        (2026, 1, 5, D(2026, 2, 5)),
        (2026, 1, 31, D(2026, 2, 28)),  # no 31 February: its last day
        (2028, 1, 30, D(2028, 2, 29)),  # a leap year
        (2026, 3, 31, D(2026, 4, 30)),
        (2026, 12, 5, D(2027, 1, 5)),  # December's records are due in January
    ],
)
def test_a_months_records_are_due_on_the_day_of_the_next_month(year, month, day, expected):
    assert month_deadline(year, month, day) == expected


def test_a_day_past_the_end_of_a_month_is_its_last_day():
    assert clamped_day(2026, 2, 31) == D(2026, 2, 28)
    assert clamped_day(2026, 2, 5) == D(2026, 2, 5)


def test_the_months_reported_start_with_the_first_month():
    deadlines = month_deadlines(2026, 10, first_month=10)
    assert deadlines == [(10, D(2026, 11, 10)), (11, D(2026, 12, 10)), (12, D(2027, 1, 10))]


def test_the_due_day_itself_is_in_time_and_the_notice_counts_back_from_it():
    due = D(2026, 4, 5)
    assert not is_passed(due, D(2026, 4, 5)) and is_passed(due, D(2026, 4, 6))
    assert not is_due_soon(due, 3, D(2026, 4, 1))
    assert is_due_soon(due, 3, D(2026, 4, 2))
    assert is_due_soon(due, 3, D(2026, 4, 5))
    assert not is_due_soon(due, 3, D(2026, 4, 6))
    assert is_due_soon(due, 0, D(2026, 4, 5)) and not is_due_soon(due, 0, D(2026, 4, 4))


def test_the_months_split_into_passed_due_soon_and_next():
    on_20_april = split_months(2026, 5, 1, 3, D(2026, 4, 20))
    assert [m for m, _due in on_20_april.passed] == [1, 2, 3]
    assert on_20_april.due_soon is None
    assert on_20_april.upcoming == (4, D(2026, 5, 5))

    on_3_may = split_months(2026, 5, 1, 3, D(2026, 5, 3))
    assert on_3_may.due_soon == (4, D(2026, 5, 5))

    after_the_year = split_months(2026, 5, 1, 3, D(2027, 2, 1))
    assert len(after_the_year.passed) == 12 and after_the_year.upcoming is None

    before_it = split_months(2026, 5, 3, 3, D(2026, 1, 10))
    assert before_it.passed == [] and before_it.upcoming == (3, D(2026, 4, 5))
