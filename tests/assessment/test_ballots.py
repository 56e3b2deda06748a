"""Evaluation rounds through the services: voting by the rules, closing, and the evaluations
carried into the three-in-one scores. Numbers worked by hand in each test."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction

from assessment.models import (
    Ballot,
    BallotCode,
    BallotMark,
    CadreEvaluation,
    CadreResult,
    RoundResult,
    RoundStatus,
    TeamEvaluation,
    TeamResult,
)
from assessment.services import ballots as ballot_service
from assessment.services import voting
from assessment.services.compute import results_compute
from assessment.services.voting import BallotRefused, CodeRefused
from tests.assessment.ballots_world import answers, cast, codes, opened_round, prepared_round
from tests.assessment.workflow import build_district

pytestmark = pytest.mark.django_db

LEADERS = "区领导"
STAFF = "本单位干部职工"


@pytest.fixture
def year(town, unit_a, unit_b, office_user, cadres):
    return build_district(town, unit_a, unit_b, office_user)  # 甲镇 89.20, 乙镇 85.00


@pytest.fixture
def round_(year, office_user, unit_a, unit_b):
    return opened_round(year, office_user, [unit_a, unit_b])


def vote_the_district(evaluation_round, office_user, unit_a, unit_b):
    leaders = codes(evaluation_round, office_user, LEADERS, 3)
    staff_a = codes(evaluation_round, office_user, STAFF, 2, unit=unit_a)
    staff_b = codes(evaluation_round, office_user, STAFF, 2, unit=unit_b)
    everyone = ["甲镇", "张三", "李四", "乙镇", "王五"]
    for code, row in zip(
        leaders,
        [
            ["excellent", "good", "average", "good", "excellent"],
            ["excellent", "good", "average", "good", "good"],
            ["good", "good", "good", "excellent", "average"],
        ],
        strict=True,
    ):
        cast(evaluation_round, code, dict(zip(everyone, row, strict=True)))
    cast(evaluation_round, staff_a[0], {"甲镇": "good", "张三": "excellent", "李四": "good"})
    cast(
        evaluation_round,
        staff_a[1],
        {"甲镇": "average", "张三": "excellent", "李四": "poor"},
        reasons={"李四": "分管工作推进不力"},
    )
    cast(
        evaluation_round, staff_b[0], {"乙镇": "excellent", "王五": "good"}
    )  # B's staff: 1 of at least 2
    return staff_b[1]


def test_closing_scores_by_group_weight_and_feeds_the_three_in_one(
    year, round_, office_user, unit_a, unit_b
):
    TeamEvaluation.objects.create(year=year, unit=unit_a, score=Decimal(50))  # imported before
    TeamEvaluation.objects.create(year=year, unit=unit_b, score=Decimal(70))
    vote_the_district(round_, office_user, unit_a, unit_b)

    with pytest.raises(ValidationError) as refused:
        ballot_service.round_close(evaluation_round=round_, by=office_user)
    assert "乙镇" in " ".join(refused.value.messages)
    assert "本单位干部职工 1" in " ".join(refused.value.messages)
    round_.refresh_from_db()
    assert round_.status == RoundStatus.OPEN

    ballot_service.round_close(evaluation_round=round_, by=office_user, confirm_short=True)

    scores = {
        str(result.subject): result.score
        for result in RoundResult.objects.filter(round=round_).select_related("subject__cadre")
    }
    # 甲镇 team: leaders (100+100+80)/3, staff (80+60)/2 = 70 → 0.6 × 93.33… + 0.4 × 70 = 84.00
    # 张三: leaders 80, staff 100 → 48 + 40 = 88.00
    # 李四: leaders (60+60+80)/3 = 66.67, staff (80+0)/2 = 40 → 40 + 16 = 56.00
    assert scores["甲镇 · 张三"] == Decimal("88.00")
    assert scores["甲镇 · 李四"] == Decimal("56.00")
    team_a = TeamEvaluation.objects.get(year=year, unit=unit_a)
    assert (team_a.score, team_a.round) == (Decimal("84.00"), round_)
    # 乙镇 and 王五 fell short: no score from the round, the imported team value stays
    team_b = TeamEvaluation.objects.get(year=year, unit=unit_b)
    assert (team_b.score, team_b.round) == (Decimal("70.00"), None)
    assert not CadreEvaluation.objects.filter(cadre__name="王五").exists()
    short = RoundResult.objects.get(round=round_, subject__cadre__name="王五")
    assert short.score is None
    assert [g["short"] for g in short.details["groups"]] == [False, True]

    results_compute(year=year, by=office_user)
    # team 甲镇 = 0.7 × 89.20 + 0.3 × 84.00 = 62.44 + 25.20 = 87.64
    assert TeamResult.objects.get(run__year=year, unit=unit_a).score == Decimal("87.64")
    # 张三 = 0.6 × 89.20 + 0.4 × 88.00 = 53.52 + 35.20 = 88.72
    assert CadreResult.objects.get(run__year=year, cadre__name="张三").score == Decimal("88.72")
    assert "年度民主测评" in team_a.history.first().history_change_reason


def test_the_calculation_is_stored_with_the_result(year, round_, office_user, unit_a, unit_b):
    vote_the_district(round_, office_user, unit_a, unit_b)
    ballot_service.round_close(evaluation_round=round_, by=office_user, confirm_short=True)
    details = RoundResult.objects.get(round=round_, subject__cadre__name="李四").details
    leaders, staff = details["groups"]
    assert leaders == {
        "name": "区领导",
        "weight": "0.6000",
        "ballots": 3,
        "min_ballots": 2,
        "counts": {
            "综合评价（德、能、勤、绩、廉）": {"excellent": 0, "good": 1, "average": 2, "poor": 0}
        },
        "mean": "66.6667",
        "short": False,
    }
    assert staff["mean"] == "40.0000"
    assert details["exact"] == "56.0000"


def test_a_code_votes_once(year, round_, office_user):
    (code,) = codes(round_, office_user, LEADERS, 1)
    marks = {"甲镇": "good", "张三": "good", "李四": "good", "乙镇": "good", "王五": "good"}
    cast(round_, code, marks)
    with pytest.raises(CodeRefused) as refused:
        cast(round_, code, marks)
    assert refused.value.reason == "used"
    assert Ballot.objects.count() == 1
    assert BallotMark.objects.count() == 5


def test_a_forged_or_mistyped_code_is_refused(year, round_, office_user):
    codes(round_, office_user, LEADERS, 2)
    with pytest.raises(CodeRefused) as forged:
        voting.ballot_paper("ABCD-EFGH-JKMN")  # the shape of a code, but never issued
    assert forged.value.reason == "unknown"
    with pytest.raises(CodeRefused) as mistyped:
        voting.ballot_paper("123")
    assert mistyped.value.reason == "unknown"
    assert Ballot.objects.count() == 0


def test_a_code_is_read_as_people_type_it(year, round_, office_user):
    (code,) = codes(round_, office_user, LEADERS, 1)
    typed = " " + code.replace("-", "").lower() + " "
    paper = voting.ballot_paper(typed)
    assert paper.group.name == LEADERS
    assert len(paper.subjects) == 5


def test_own_unit_codes_open_only_their_units_people(year, round_, office_user, unit_a):
    (code,) = codes(round_, office_user, STAFF, 1, unit=unit_a)
    paper = voting.ballot_paper(code)
    assert [(s.unit.name, s.cadre.name if s.cadre else None) for s in paper.subjects] == [
        ("甲镇", None),
        ("甲镇", "张三"),  # the principal before the deputy
        ("甲镇", "李四"),
    ]
    # marking a person of another unit on this ballot is refused
    with pytest.raises(BallotRefused):
        cast(round_, code, {"甲镇": "good", "张三": "good", "李四": "good", "乙镇": "good"})
    assert BallotCode.objects.filter(used_on__isnull=False).count() == 0


def test_more_excellent_marks_than_allowed_leave_the_code_unused(year, round_, office_user):
    (code,) = codes(round_, office_user, LEADERS, 1)
    marks = {"甲镇": "excellent", "张三": "excellent", "李四": "excellent", "乙镇": "good"}
    marks["王五"] = "good"
    with pytest.raises(BallotRefused) as refused:
        cast(round_, code, marks)
    ((where, messages),) = refused.value.problems.items()
    assert where is None  # about the whole ballot, not one person
    assert "3" in messages[0] and "2" in messages[0]
    assert Ballot.objects.count() == 0
    cast(round_, code, {**marks, "李四": "good"})  # corrected: the same code still votes
    assert Ballot.objects.count() == 1


def test_a_poor_mark_needs_a_reason_and_every_person_a_mark(year, round_, office_user):
    (code,) = codes(round_, office_user, LEADERS, 1)
    with pytest.raises(BallotRefused) as refused:
        cast(round_, code, {"甲镇": "poor", "张三": "good", "李四": "good", "乙镇": "good"})
    problems = refused.value.problems
    team_a = answers(round_, {"甲镇": "poor"})
    ((key, _mark),) = team_a.items()
    assert key in problems  # 甲镇: a reason is needed
    assert len(refused.value.messages) == 2  # and 王五 has no mark
    assert BallotCode.objects.get().used_on is None


def test_voided_codes_stop_working_but_used_ones_stay_counted(year, round_, office_user):
    first, second = codes(round_, office_user, LEADERS, 2)
    cast(round_, first, dict.fromkeys(["甲镇", "张三", "李四", "乙镇", "王五"], "good"))
    batch = round_.batches.get()
    with pytest.raises(ValidationError):
        ballot_service.batch_void(batch=batch, by=office_user, reason=" ")
    assert ballot_service.batch_void(batch=batch, by=office_user, reason="一张票页遗失") == 1
    with pytest.raises(CodeRefused) as refused:
        voting.ballot_paper(second)
    assert refused.value.reason == "void"
    (leaders,) = [row for row in ballot_service.round_turnout(round_) if row.unit is None]
    assert (leaders.issued, leaders.used, leaders.ballots) == (1, 1, 1)


def test_codes_work_only_while_the_round_is_open(year, office_user, unit_a, unit_b):
    evaluation_round = prepared_round(year, office_user, [unit_a, unit_b])
    (code,) = codes(
        evaluation_round, office_user, LEADERS, 1
    )  # slips are printed before voting opens
    with pytest.raises(CodeRefused) as early:
        voting.ballot_paper(code)
    assert early.value.reason == "not_open"
    ballot_service.round_open(evaluation_round=evaluation_round, by=office_user)
    assert voting.ballot_paper(code).round == evaluation_round
    later = evaluation_round.closes_on + datetime.timedelta(days=1)
    with pytest.raises(CodeRefused) as late:
        voting.ballot_paper(code, today=later)
    assert late.value.reason == "closed"


def test_the_round_is_fixed_once_open(year, round_, office_user, unit_a):
    with pytest.raises(ValidationError):
        ballot_service.subjects_add(
            evaluation_round=round_, by=office_user, units=[unit_a], teams=True, cadres=False
        )
    with pytest.raises(ValidationError):
        ballot_service.subject_remove(subject=round_.subjects.first(), by=office_user)


def test_a_round_cannot_open_empty(year, office_user):
    evaluation_round = ballot_service.round_create(
        year=year, by=office_user, name="空测评", closes_on=datetime.date(2099, 1, 1)
    )
    with pytest.raises(ValidationError) as refused:
        ballot_service.round_open(evaluation_round=evaluation_round, by=office_user)
    assert len(refused.value.messages) == 1  # nobody to evaluate (groups and question exist)


def test_own_unit_codes_need_a_unit_with_people_in_the_round(year, round_, office_user, lead_unit):
    staff = round_.groups.get(name=STAFF)
    with pytest.raises(ValidationError):
        ballot_service.batch_create(
            evaluation_round=round_, by=office_user, group=staff, unit=None, size=5
        )
    with pytest.raises(ValidationError):
        ballot_service.batch_create(
            evaluation_round=round_, by=office_user, group=staff, unit=lead_unit, size=5
        )
    leaders = round_.groups.get(name=LEADERS)
    with pytest.raises(ValidationError):
        ballot_service.batch_create(
            evaluation_round=round_, by=office_user, group=leaders, unit=None, size=0
        )


def test_codes_are_kept_only_as_digests(year, round_, office_user):
    issued = codes(round_, office_user, LEADERS, 3)
    stored = list(BallotCode.objects.values_list("digest", flat=True))
    assert len(set(issued)) == 3
    for code in issued:
        assert all(code.replace("-", "") not in digest.upper() for digest in stored)
    serials = sorted(BallotCode.objects.values_list("serial", flat=True))
    assert serials == [1, 2, 3]
    codes(round_, office_user, LEADERS, 2)
    assert sorted(BallotCode.objects.values_list("serial", flat=True))[-1] == 5


def test_a_cast_ballot_cannot_be_changed(year, round_, office_user):
    (code,) = codes(round_, office_user, LEADERS, 1)
    ballot = cast(round_, code, dict.fromkeys(["甲镇", "张三", "李四", "乙镇", "王五"], "good"))
    mark = ballot.marks.first()
    mark.mark = "excellent"
    with pytest.raises(ValidationError):
        mark.save()
    with pytest.raises(ValidationError):
        BallotMark.objects.filter(ballot=ballot).update(mark="excellent")
    with pytest.raises(ValidationError):
        ballot.delete()
    with pytest.raises(ValidationError):
        Ballot.objects.all().delete()
    # below the ORM, the database refuses too
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE assessment_ballotmark SET mark = 'excellent'")
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE assessment_ballotcode SET used_on = NULL")
    assert set(BallotMark.objects.values_list("mark", flat=True)) == {"good"}
    assert BallotCode.objects.get().used_on is not None


def test_closing_needs_an_open_round_and_happens_once(year, round_, office_user, unit_a, unit_b):
    vote_the_district(round_, office_user, unit_a, unit_b)
    ballot_service.round_close(evaluation_round=round_, by=office_user, confirm_short=True)
    with pytest.raises(ValidationError):
        ballot_service.round_close(evaluation_round=round_, by=office_user, confirm_short=True)
    assert RoundResult.objects.filter(round=round_).count() == 5
