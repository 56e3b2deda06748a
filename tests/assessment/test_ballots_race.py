"""Two phones cast with one code at the same moment (PostgreSQL, real connections)."""

from __future__ import annotations

import threading
from unittest import mock

import pytest
from django.db import connection

from assessment.models import Ballot, BallotCode, BallotMark
from assessment.services import voting
from assessment.services.voting import CodeRefused
from tests.assessment.ballots_world import answers, codes, opened_round
from tests.assessment.workflow import build_district
from tests.races import race


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a real race needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_casts_with_one_code_store_one_ballot(
    town, unit_a, unit_b, office_user, cadres
):
    year = build_district(town, unit_a, unit_b, office_user)
    evaluation_round = opened_round(year, office_user, [unit_a, unit_b])
    (code,) = codes(evaluation_round, office_user, "区领导", 1)
    people = ["甲镇", "张三", "李四", "乙镇", "王五"]
    ballots = {
        "good": answers(evaluation_round, dict.fromkeys(people, "good")),
        "average": answers(evaluation_round, dict.fromkeys(people, "average")),
    }
    barrier = threading.Barrier(2, timeout=30)
    checked = voting.ballot_problems

    def check_then_wait(paper, given):
        problems = checked(paper, given)
        barrier.wait()  # both have read the code as unused and checked their ballot
        return problems

    def phone(mark: str) -> str:
        try:
            voting.ballot_cast(code=code, answers=ballots[mark])
        except CodeRefused as refused:
            return f"refused: {refused.reason}"
        return "cast"

    with mock.patch.object(voting, "ballot_problems", check_then_wait):
        outcomes = race(phone, ballots)

    assert sorted(outcomes.values()) == ["cast", "refused: used"], outcomes
    (winner,) = [mark for mark, outcome in outcomes.items() if outcome == "cast"]
    assert Ballot.objects.count() == 1
    assert set(BallotMark.objects.values_list("mark", flat=True)) == {winner}
    assert BallotMark.objects.count() == 5
    assert BallotCode.objects.get().used_on is not None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a real race needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_batches_made_at_once_never_share_a_slip_number(
    town, unit_a, unit_b, office_user, cadres
):
    """Each office clerk waits, after reading the last slip number, for the other to read it
    too (or for 3 s, when the other is held back by a lock): the numbers still run 1 to 10.

    The audit chain's own lock, which today happens to serialise every audited write, is taken
    out of the way: the numbering must not depend on it."""
    from assessment.lib import codes as code_lib
    from assessment.services import ballots as ballot_service

    year = build_district(town, unit_a, unit_b, office_user)
    evaluation_round = opened_round(year, office_user, [unit_a, unit_b])
    group = evaluation_round.groups.get(name="区领导")
    barrier = threading.Barrier(2, timeout=3)
    made = code_lib.make_code
    waited: set[int] = set()

    def make_after_the_other_read() -> str:
        if threading.get_ident() not in waited:
            waited.add(threading.get_ident())
            try:
                barrier.wait()
            except threading.BrokenBarrierError:
                pass  # the other clerk is waiting for the round's lock: go on alone
        return made()

    errors: list[str] = []

    def clerk() -> None:
        from django.db import connection as own

        try:
            ballot_service.batch_create(
                evaluation_round=evaluation_round, by=office_user, group=group, unit=None, size=5
            )
        except Exception as error:  # reported by the main thread
            errors.append(repr(error))
        finally:
            own.close()

    with (
        mock.patch.object(ballot_service, "make_code", make_after_the_other_read),
        mock.patch("units.audit.lock_chain", lambda using="default": None),
    ):
        threads = [threading.Thread(target=clerk) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)

    assert errors == []
    serials = sorted(BallotCode.objects.values_list("serial", flat=True))
    assert serials == list(range(1, 11))
