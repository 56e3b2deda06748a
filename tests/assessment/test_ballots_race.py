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

    def check_then_wait(paper, given):  # type: ignore[no-untyped-def]
        problems = checked(paper, given)
        barrier.wait()  # both have read the code as unused and checked their ballot
        return problems

    outcomes: dict[str, str] = {}

    def phone(mark: str) -> None:
        from django.db import connection as own  # this thread's own connection

        try:
            voting.ballot_cast(code=code, answers=ballots[mark])
        except CodeRefused as refused:
            outcomes[mark] = f"refused: {refused.reason}"
        except Exception as error:  # reported by the main thread
            outcomes[mark] = f"error: {error!r}"
        else:
            outcomes[mark] = "cast"
        finally:
            own.close()

    with mock.patch.object(voting, "ballot_problems", check_then_wait):
        threads = [threading.Thread(target=phone, args=(mark,)) for mark in ballots]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)

    assert sorted(outcomes.values()) == ["cast", "refused: used"], outcomes
    (winner,) = [mark for mark, outcome in outcomes.items() if outcome == "cast"]
    assert Ballot.objects.count() == 1
    assert set(BallotMark.objects.values_list("mark", flat=True)) == {winner}
    assert BallotMark.objects.count() == 5
    assert BallotCode.objects.get().used_on is not None
