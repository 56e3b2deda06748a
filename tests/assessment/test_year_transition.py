"""A year's life: every allowed move works, every other one is refused with a reason."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from assessment.models import YearStatus
from assessment.policy import TRANSITIONS
from assessment.services.compute import results_compute
from assessment.services.year import year_transition
from tests.assessment.factories import RunFactory, YearFactory

pytestmark = pytest.mark.django_db

S = YearStatus
# The year's life as the office expects it: forwards, with the few steps back it needs.
ALLOWED_MOVES = [
    (S.SETUP, S.COLLECTING),
    (S.COLLECTING, S.SCORING),
    (S.SCORING, S.COLLECTING),
    (S.SCORING, S.PUBLICITY),
    (S.PUBLICITY, S.SCORING),
    (S.PUBLICITY, S.PUBLISHED),
    (S.PUBLISHED, S.REVIEW),
    (S.PUBLISHED, S.ARCHIVED),
    (S.REVIEW, S.PUBLISHED),
]
# "published" is reached by publishing a version (services.publication), tested there.
STATE_MOVES = [(a, b) for a, b in ALLOWED_MOVES if b != S.PUBLISHED]
REFUSED_MOVES = [(a, b) for a in S for b in S if (a, b) not in ALLOWED_MOVES]
ENDS = datetime.date(2099, 12, 31)


def test_the_policy_table_is_the_one_the_office_expects():
    moves = [(a, b) for a, targets in TRANSITIONS.items() for b in targets]
    assert sorted(moves) == sorted(ALLOWED_MOVES)


@pytest.mark.parametrize(("start", "to"), STATE_MOVES)
def test_every_allowed_move_changes_the_state(start, to, office_user):
    year = YearFactory(status=start)
    if to == S.PUBLICITY:  # publicity needs current results; the other moves ignore them
        results_compute(year=year)
    else:
        RunFactory(year=year)
    moved = year_transition(year=year, to=to, by=office_user, reason="理由", publicity_ends=ENDS)
    year.refresh_from_db()
    assert moved.status == year.status == to
    assert year.history.first().history_user == office_user


@pytest.mark.parametrize("start", [S.PUBLICITY, S.REVIEW])
def test_published_is_reached_only_by_publishing(start, office_user):
    year = YearFactory(status=start)
    RunFactory(year=year)
    with pytest.raises(ValidationError) as refused:
        year_transition(year=year, to=S.PUBLISHED, by=office_user, reason="试一下")
    assert refused.value.error_list[0].code == "publish_required"
    year.refresh_from_db()
    assert year.status == start


def test_a_review_needs_a_reason(office_user):
    year = YearFactory(status=S.PUBLISHED)
    with pytest.raises(ValidationError) as refused:
        year_transition(year=year, to=S.REVIEW, by=office_user, reason="  ")
    assert refused.value.error_list[0].code == "reason_required"
    year_transition(year=year, to=S.REVIEW, by=office_user, reason="市考核办通知复核")
    latest = year.history.first()
    assert (latest.status, latest.history_change_reason) == (S.REVIEW, "市考核办通知复核")


def test_the_publicity_needs_an_end_date_not_in_the_past(office_user):
    year = YearFactory(status=S.SCORING)
    results_compute(year=year)
    with pytest.raises(ValidationError) as refused:
        year_transition(year=year, to=S.PUBLICITY, by=office_user)
    assert refused.value.error_list[0].code == "publicity_end_missing"
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        year_transition(year=year, to=S.PUBLICITY, by=office_user, publicity_ends=yesterday)
    assert refused.value.error_list[0].code == "publicity_end_past"
    today = timezone.localdate()
    year_transition(year=year, to=S.PUBLICITY, by=office_user, publicity_ends=today)
    year.refresh_from_db()
    assert (year.status, year.publicity_ends_on, year.publicity_ends) == (
        S.PUBLICITY,
        today,
        today,
    )


def test_the_publicity_needs_results_that_still_match_the_inputs(office_user, town, unit_a):
    from assessment.models import Grade
    from tests.assessment.factories import IndicatorFactory

    year = YearFactory(status=S.SCORING)
    party = IndicatorFactory(year=year, category=town, code="G01", method="graded")
    grade = Grade.objects.create(indicator=party, unit=unit_a, grade="B")
    results_compute(year=year)
    grade.grade = "A"
    grade.save()
    with pytest.raises(ValidationError) as refused:
        year_transition(year=year, to=S.PUBLICITY, by=office_user, publicity_ends=ENDS)
    assert refused.value.error_list[0].code == "results_outdated"
    results_compute(year=year)
    year_transition(year=year, to=S.PUBLICITY, by=office_user, publicity_ends=ENDS)
    assert year.status == S.PUBLICITY


@pytest.mark.parametrize(("start", "to"), REFUSED_MOVES)
def test_every_other_move_is_refused_and_changes_nothing(start, to, office_user):
    year = YearFactory(status=start)
    RunFactory(year=year)
    with pytest.raises(ValidationError) as refused:
        year_transition(year=year, to=to, by=office_user, reason="试一下")
    assert refused.value.error_list[0].code == "transition_refused"
    year.refresh_from_db()
    assert year.status == start
    assert year.history.count() == 1


def test_publicity_without_computed_results_is_refused(office_user):
    year = YearFactory(status=S.SCORING)
    with pytest.raises(ValidationError) as refused:
        year_transition(year=year, to=S.PUBLICITY, by=office_user, publicity_ends=ENDS)
    assert refused.value.error_list[0].code == "no_results"
    assert "2026" in refused.value.messages[0]
    year.refresh_from_db()
    assert year.status == S.SCORING


def test_an_old_run_that_is_no_longer_current_does_not_count(office_user):
    year = YearFactory(status=S.SCORING)
    RunFactory(year=year, is_current=False)
    with pytest.raises(ValidationError):
        year_transition(year=year, to=S.PUBLICITY, by=office_user, publicity_ends=ENDS)


def test_the_reason_of_a_move_is_kept_in_the_history(office_user):
    year = YearFactory(status=S.SCORING)
    results_compute(year=year)
    year_transition(
        year=year, to=S.PUBLICITY, by=office_user, reason="区委常委会审定", publicity_ends=ENDS
    )
    latest = year.history.first()
    assert (latest.status, latest.history_change_reason) == (S.PUBLICITY, "区委常委会审定")


def test_a_stale_copy_of_the_year_is_judged_on_the_real_state(office_user):
    year = YearFactory(status=S.SETUP)
    stale = type(year).objects.get(pk=year.pk)
    year_transition(year=year, to=S.COLLECTING, by=office_user)
    with pytest.raises(ValidationError) as refused:  # a double click, or a colleague was first
        year_transition(year=stale, to=S.COLLECTING, by=office_user)
    assert refused.value.error_list[0].code == "transition_refused"
    assert year.history.count() == 2


def test_an_unknown_state_is_refused(office_user):
    year = YearFactory()
    with pytest.raises(ValidationError):
        year_transition(year=year, to="finished", by=office_user)
