"""The democratic-evaluation tally and the ballot check, with hand-worked numbers."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from assessment.scoring.ballots import (
    CastBallot,
    GroupRule,
    QuestionRule,
    SubjectRef,
    check_ballot,
    tally,
)

POINTS = {
    "excellent": Decimal(100),
    "good": Decimal(80),
    "average": Decimal(60),
    "poor": Decimal(0),
}
E, G, A, P = "excellent", "good", "average", "poor"


def ballots(group, unit, question, **marks_by_subject):
    """One ballot per position: ballots("L", None, "Q", teamA=[E, G]) is two ballots."""
    count = max(len(marks) for marks in marks_by_subject.values())
    return [
        CastBallot(
            group,
            unit,
            [(subject, question, marks[i]) for subject, marks in marks_by_subject.items()],
        )
        for i in range(count)
    ]


def district_round():
    subjects = [SubjectRef("teamA", "A"), SubjectRef("cadreA1", "A"), SubjectRef("teamB", "B")]
    groups = [
        GroupRule("L", Decimal("0.4"), 2),
        GroupRule("P", Decimal("0.3"), 2),
        GroupRule("S", Decimal("0.3"), 2, own_unit=True),
    ]
    cast = [
        *ballots("L", None, "Q", teamA=[E, E, G], cadreA1=[G, G, G], teamB=[A, A, P]),
        *ballots("P", None, "Q", teamA=[G, A], cadreA1=[E, G], teamB=[G, G]),
        *ballots("S", "A", "Q", teamA=[E, G, G, P], cadreA1=[E, E, E, G]),
        *ballots("S", "B", "Q", teamB=[E]),
    ]
    return subjects, groups, cast


def test_weighted_by_group_and_rounded_once():
    subjects, groups, cast = district_round()
    result = tally(
        subjects=subjects,
        groups=groups,
        questions=[QuestionRule("Q")],
        points=POINTS,
        ballots=cast,
    )
    # team A: leaders (100+100+80)/3 = 93.33…, peers (80+60)/2 = 70, own staff
    # (100+80+80+0)/4 = 65 → 0.4 × 280/3 + 0.3 × 70 + 0.3 × 65 = 77.8333… → 77.83
    team_a = result["teamA"]
    assert team_a.score == Decimal("77.83")
    assert team_a.exact_score == Fraction(467, 6)
    assert [g.ballots for g in team_a.groups] == [3, 2, 4]
    assert team_a.groups[0].counts["Q"] == {E: 2, G: 1, A: 0, P: 0}
    assert team_a.groups[2].mean == 65
    # cadre A1: 0.4 × 80 + 0.3 × (100+80)/2 + 0.3 × (300+80)/4 = 32 + 27 + 28.5 = 87.50
    assert result["cadreA1"].score == Decimal("87.50")


def test_a_group_below_its_minimum_gives_no_score():
    subjects, groups, cast = district_round()
    result = tally(
        subjects=subjects, groups=groups, questions=[QuestionRule("Q")], points=POINTS, ballots=cast
    )
    team_b = result["teamB"]
    assert team_b.score is None
    assert [g.group for g in team_b.short_groups] == ["S"]  # one ballot of B's staff, minimum 2
    assert team_b.groups[2].ballots == 1
    # the other groups are still counted, for the record
    assert team_b.groups[0].mean == Fraction(40)  # (60+60+0)/3


def test_own_unit_ballots_count_only_for_their_unit():
    subjects, groups, cast = district_round()
    # A ballot of A's staff that (wrongly) also marks team B does not count for team B.
    cast.append(CastBallot("S", "A", [("teamA", "Q", E), ("cadreA1", "Q", E), ("teamB", "Q", E)]))
    result = tally(
        subjects=subjects, groups=groups, questions=[QuestionRule("Q")], points=POINTS, ballots=cast
    )
    assert result["teamB"].groups[2].ballots == 1
    assert result["teamA"].groups[2].ballots == 5


def test_questions_are_weighted():
    # Q1 (weight 2): excellent, good = 180; Q2 (weight 1): average, poor = 60
    # mean = (2 × 180 + 1 × 60) / (2 ballots × 3) = 70
    cast = [
        CastBallot("G", None, [("x", "Q1", E), ("x", "Q2", A)]),
        CastBallot("G", None, [("x", "Q1", G), ("x", "Q2", P)]),
    ]
    result = tally(
        subjects=[SubjectRef("x", "U")],
        groups=[GroupRule("G", Decimal(1), 1)],
        questions=[QuestionRule("Q1", Decimal(2)), QuestionRule("Q2", Decimal(1))],
        points=POINTS,
        ballots=cast,
    )
    assert result["x"].score == Decimal("70.00")


def test_any_scale_is_normalised_to_100():
    cast = [CastBallot("G", None, [("x", "Q", G)]), CastBallot("G", None, [("x", "Q", A)])]
    ten = {E: Decimal(10), G: Decimal(8), A: Decimal(6), P: Decimal(0)}
    result = tally(
        subjects=[SubjectRef("x", "U")],
        groups=[GroupRule("G", Decimal(1), 1)],
        questions=[QuestionRule("Q")],
        points=ten,
        ballots=cast,
    )
    assert result["x"].score == Decimal("70.00")  # (8 + 6) / 2 = 7 of 10


def test_halves_round_away_from_zero():
    # points good 85: one good and seven poor = 85 / 8 = 10.625 → 10.63
    cast = [CastBallot("G", None, [("x", "Q", G)])] + [
        CastBallot("G", None, [("x", "Q", P)]) for _ in range(7)
    ]
    points = {**POINTS, G: Decimal(85)}
    result = tally(
        subjects=[SubjectRef("x", "U")],
        groups=[GroupRule("G", Decimal(1), 1)],
        questions=[QuestionRule("Q")],
        points=points,
        ballots=cast,
    )
    assert result["x"].score == Decimal("10.63")


def test_a_round_needs_groups_and_questions():
    with pytest.raises(ValueError):
        tally(subjects=[], groups=[], questions=[QuestionRule("Q")], points=POINTS, ballots=[])


CHECK = {
    "subjects": ["a", "b", "c"],
    "questions": ["Q"],
    "excellent_limit": 2,
    "needs_reason": {P: True},
}


def test_a_complete_ballot_within_the_rules_passes():
    answers = {("a", "Q"): (E, ""), ("b", "Q"): (E, ""), ("c", "Q"): (P, "未完成年度任务")}
    assert check_ballot(answers, **CHECK) == []


def test_every_subject_must_be_marked():
    problems = check_ballot({("a", "Q"): (G, "")}, **CHECK)
    assert [(p.code, p.subject) for p in problems] == [("missing", "b"), ("missing", "c")]


def test_more_excellent_marks_than_allowed_are_refused():
    answers = {("a", "Q"): (E, ""), ("b", "Q"): (E, ""), ("c", "Q"): (E, "")}
    (problem,) = check_ballot(answers, **CHECK)
    assert (problem.code, problem.count, problem.limit) == ("over_limit", 3, 2)


def test_an_extreme_mark_needs_a_reason():
    answers = {("a", "Q"): (G, ""), ("b", "Q"): (G, ""), ("c", "Q"): (P, "   ")}
    (problem,) = check_ballot(answers, **CHECK)
    assert (problem.code, problem.subject) == ("reason_required", "c")


def test_unknown_subjects_and_marks_are_refused():
    answers = {("a", "Q"): (G, ""), ("b", "Q"): ("superb", ""), ("c", "Q"): (G, "")}
    answers[("z", "Q")] = (G, "")
    codes = sorted(p.code for p in check_ballot(answers, **CHECK))
    assert codes == ["invalid_mark", "unknown"]
