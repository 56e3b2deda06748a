"""Democratic evaluation (民主测评): checking a ballot and tallying a round. Pure Python.

A round has rater groups (weight W_g, a minimum of valid ballots), questions (weight w_q) and
points per mark (优秀/良好/一般/较差, by default 100/80/60/0). Every ballot marks every subject
in its scope on every question: a group's ballots cover all subjects, or — for a unit's own
staff — only the subjects of the ballot's unit.

For one subject, each group's mean is

    m_g = Σ_q w_q × (Σ over the group's ballots of the points of the mark) / (n_g × Σ_q w_q)

where n_g is the number of the group's ballots covering the subject, and the score is

    score = 100 × Σ_g W_g × m_g / (Σ_g W_g × points of “excellent”)

evaluated exactly and rounded once to 2 places (ROUND_HALF_UP), like every score of the spec.
Dividing by the points of “excellent” normalises any scale to 0–100 (with the default points it
changes nothing). A subject for which any group has fewer valid ballots than its minimum gets
no score: the tally says which group fell short, and the subject is listed as missing data, as
the spec lists teams and cadres without an evaluation.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Generic, TypeVar

from .numbers import exact, round2

MARKS = ("excellent", "good", "average", "poor")

# The keys of subjects, groups and questions: any one hashable type (the database ids).
K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class GroupRule(Generic[K]):
    key: K
    weight: Decimal
    min_ballots: int
    own_unit: bool = False


@dataclass(frozen=True)
class QuestionRule(Generic[K]):
    key: K
    weight: Decimal = Decimal(1)


@dataclass(frozen=True)
class SubjectRef(Generic[K]):
    key: K
    unit: Hashable


@dataclass(frozen=True)
class CastBallot(Generic[K]):
    """A cast ballot: its group, its unit (own-unit groups only) and (subject, question, mark)."""

    group: K
    unit: Hashable | None
    marks: Sequence[tuple[K, K, str]]


@dataclass(frozen=True)
class GroupTally(Generic[K]):
    group: K
    weight: Decimal
    ballots: int
    min_ballots: int
    counts: Mapping[K, Mapping[str, int]]  # question → mark → count
    mean: Fraction | None  # None without ballots

    @property
    def short(self) -> bool:
        return self.ballots < self.min_ballots


@dataclass(frozen=True)
class SubjectTally(Generic[K]):
    subject: K
    score: Decimal | None
    exact_score: Fraction | None
    groups: Sequence[GroupTally[K]] = field(default_factory=tuple)

    @property
    def short_groups(self) -> list[GroupTally[K]]:
        return [group for group in self.groups if group.short]


# --- one ballot --------------------------------------------------------------------------------


@dataclass(frozen=True)
class BallotProblem(Generic[K]):
    """Why a ballot cannot be cast: ``code`` with the subject and question concerned."""

    code: str  # "missing", "unknown", "over_limit", "reason_required", "invalid_mark"
    subject: K | None = None
    question: K | None = None
    count: int = 0
    limit: int = 0


def check_ballot(
    answers: Mapping[tuple[K, K], tuple[str, str]],
    *,
    subjects: Iterable[K],
    questions: Sequence[K],
    excellent_limit: int | None,
    needs_reason: Mapping[str, bool],
) -> list[BallotProblem[K]]:
    """Every problem of a ballot: ``answers`` maps (subject, question) to (mark, reason).

    A ballot must mark every subject in its scope on every question with one of the four
    marks, give a reason where the round asks for one (a blank reason is none), and give at
    most ``excellent_limit`` “excellent” marks per question.
    """
    subjects = list(subjects)
    expected = {(subject, question) for subject in subjects for question in questions}
    problems: list[BallotProblem[K]] = []
    for key in answers:
        if key not in expected:
            problems.append(BallotProblem("unknown", key[0], key[1]))
    excellent: Counter[K] = Counter()
    for question in questions:
        for subject in subjects:
            answer = answers.get((subject, question))
            if answer is None or not answer[0]:
                problems.append(BallotProblem("missing", subject, question))
                continue
            mark, reason = answer
            if mark not in MARKS:
                problems.append(BallotProblem("invalid_mark", subject, question))
                continue
            if mark == "excellent":
                excellent[question] += 1
            if needs_reason.get(mark) and not reason.strip():
                problems.append(BallotProblem("reason_required", subject, question))
    if excellent_limit is not None:
        for question in questions:
            if excellent[question] > excellent_limit:
                problems.append(
                    BallotProblem(
                        "over_limit",
                        question=question,
                        count=excellent[question],
                        limit=excellent_limit,
                    )
                )
    return problems


# --- a round -----------------------------------------------------------------------------------


def tally(
    *,
    subjects: Sequence[SubjectRef[K]],
    groups: Sequence[GroupRule[K]],
    questions: Sequence[QuestionRule[K]],
    points: Mapping[str, Decimal],
    ballots: Iterable[CastBallot[K]],
) -> dict[K, SubjectTally[K]]:
    """Each subject's tally (see the module's formula), keyed by subject."""
    if not groups or not questions:
        raise ValueError("a round needs at least one rater group and one question")
    top = exact(points["excellent"])
    if top <= 0:
        raise ValueError("the points of “excellent” must be positive")
    mark_points = {mark: exact(points[mark]) for mark in MARKS}
    question_weights = {question.key: exact(question.weight) for question in questions}
    question_total = sum(question_weights.values(), Fraction(0))
    group_rules = {group.key: group for group in groups}
    unit_of = {subject.key: subject.unit for subject in subjects}

    # (subject, group) → ballots; (subject, group, question) → Counter of marks
    ballot_count: Counter[tuple[K, K]] = Counter()
    mark_count: dict[tuple[K, K, K], Counter[str]] = {}
    for ballot in ballots:
        rule = group_rules[ballot.group]
        covered: set[K] = set()
        for marked, question, mark in ballot.marks:
            if marked not in unit_of:
                continue
            if rule.own_unit and unit_of[marked] != ballot.unit:
                continue
            covered.add(marked)
            mark_count.setdefault((marked, ballot.group, question), Counter())[mark] += 1
        for marked in covered:
            ballot_count[(marked, ballot.group)] += 1

    weight_total = sum((exact(group.weight) for group in groups), Fraction(0))
    results: dict[K, SubjectTally[K]] = {}
    for subject in subjects:
        group_tallies = []
        weighted = Fraction(0)
        for group in groups:
            n = ballot_count[(subject.key, group.key)]
            counts = {
                question.key: {
                    mark: mark_count.get((subject.key, group.key, question.key), Counter())[mark]
                    for mark in MARKS
                }
                for question in questions
            }
            mean = None
            if n:
                total = sum(
                    (
                        question_weights[question]
                        * sum(
                            (mark_points[mark] * count for mark, count in marks.items()),
                            Fraction(0),
                        )
                        for question, marks in counts.items()
                    ),
                    Fraction(0),
                )
                mean = total / (n * question_total)
                weighted += exact(group.weight) * mean
            group_tallies.append(
                GroupTally(
                    group=group.key,
                    weight=group.weight,
                    ballots=n,
                    min_ballots=group.min_ballots,
                    counts=counts,
                    mean=mean,
                )
            )
        short = any(tally.short for tally in group_tallies)
        exact_score = None if short else 100 * weighted / (weight_total * top)
        results[subject.key] = SubjectTally(
            subject=subject.key,
            score=None if exact_score is None else round2(exact_score),
            exact_score=exact_score,
            groups=tuple(group_tallies),
        )
    return results
