"""The demo district's 2026 assessment year: complete, computed, and safe to load twice; and
its 2025 year, published."""

import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count, F, Q, Sum
from django.urls import reverse

from assessment.demo.integrity import SHARED_PDF_NAME
from assessment.demo.scheme import DEMO_YEAR, OFFICE_USERNAME
from assessment.lib.explanations import explanation_text
from assessment.models import (
    AssessmentYear,
    CadreEvaluation,
    CadreResult,
    CityRank,
    ComputationRun,
    Contribution,
    Evidence,
    EvidenceAttachment,
    EvidenceStatement,
    Grade,
    Highlight,
    Indicator,
    Instruction,
    IntegritySignal,
    KeyProject,
    Milestone,
    PeriodColour,
    PeriodTarget,
    ProgressUpdate,
    ProjectTask,
    RectificationReport,
    ReportingPeriod,
    SurveyRate,
    TalkListEntry,
    Target,
    TeamEvaluation,
    TeamResult,
    UnitResult,
    WarningNotice,
)
from assessment.scoring import Aggregation, Method
from reports.waiting import Waiting
from tests.canonical import canonical_sha256
from tests.demo_seed import seeded_demo
from units.models import Cadre, Unit

pytestmark = pytest.mark.django_db

MODELS = [
    AssessmentYear, Indicator, Target, Evidence, CityRank, Grade, SurveyRate, TeamEvaluation,
    CadreEvaluation, KeyProject, Contribution, ComputationRun, UnitResult, TeamResult, CadreResult,
    Highlight, EvidenceStatement, EvidenceAttachment, Milestone, ProjectTask, ProgressUpdate,
]  # fmt: skip
AUDITED = [
    AssessmentYear, Indicator, Target, Evidence, CityRank, Grade, SurveyRate, TeamEvaluation,
    CadreEvaluation, KeyProject, Contribution, Highlight, EvidenceStatement, EvidenceAttachment,
    Milestone, ProjectTask, ProgressUpdate,
]  # fmt: skip


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo, seeded once for the module (inside a transaction rolled back at its end; each
    test's own changes roll back to it). Returns what ``seed_demo`` printed."""
    with seeded_demo(django_db_blocker, tmp_path_factory) as out:
        yield out


def _counts() -> dict[str, int]:
    counts = {model.__name__: model.objects.count() for model in MODELS}
    counts |= {f"history of {model.__name__}": model.history.count() for model in AUDITED}
    return counts


def test_the_demo_year_is_left_collecting_with_a_current_run(seeded):
    year = AssessmentYear.objects.get(year=DEMO_YEAR)
    assert year.status == "collecting"  # a newcomer's reporter records right away
    assert year.bonus_pool == 5_000_000  # yuan
    run = ComputationRun.objects.get(year=year, is_current=True)
    assert run.bonus_pool == 5_000_000 and run.bonus_paid
    assert run.warnings == [] and run.missing == {"teams": [], "cadres": []}
    # the year went through its states, each change on record
    assert list(year.history.order_by("history_id").values_list("status", flat=True)) == [
        "setup",
        "collecting",
        "scoring",
        "collecting",
    ]


def test_the_demo_reporter_opens_an_active_record_form_for_the_current_year(seeded, client):
    reporter = get_user_model().objects.get(username="tianbao")
    client.force_login(reporter)
    unit = reporter.membership.unit
    url = reverse("assessment:evidence_record", kwargs={"year": DEMO_YEAR, "unit": unit.code})
    page = client.get(url).content.decode()
    assert 'id="year-closed"' not in page and 'id="record-submit"' in page
    # the previous year stays published: its form is read-only
    url = reverse("assessment:evidence_record", kwargs={"year": DEMO_YEAR - 1, "unit": unit.code})
    assert 'id="year-closed"' in client.get(url).content.decode()


def test_every_scheme_adds_up_to_100_and_every_method_and_aggregation_appears(seeded):
    indicators = Indicator.objects.filter(year__year=DEMO_YEAR)
    regular = [Method.BONUS, Method.DEDUCTION, Method.VETO, Method.DISQUALIFY]
    per_category = (
        indicators.exclude(method__in=regular)
        .values_list("category__code")
        .annotate(points=Sum("points"))
        .order_by()
    )
    assert dict(per_category) == {
        code: Decimal(100) for code in ["town", "economic", "management", "social"]
    }
    assert set(indicators.values_list("method", flat=True)) == {m.value for m in Method}
    assert set(indicators.values_list("aggregation", flat=True)) == {a.value for a in Aggregation}
    assert indicators.filter(name="地区生产总值", lead_unit__code="JJ01").exists()


def test_every_unit_that_needs_a_target_or_base_has_one_with_a_responsible_cadre(seeded):
    for indicator in Indicator.objects.filter(
        year__year=DEMO_YEAR,
        method__in=[Method.COMPLETION, Method.CEILING, Method.INCREMENT, Method.BASE_RATIO],
    ):
        units = Unit.objects.active().filter(category=indicator.category)
        targets = Target.objects.filter(indicator=indicator, unit__in=units)
        assert targets.count() == units.count()
        assert not targets.filter(leader__isnull=True).exists()
        if indicator.method != Method.BASE_RATIO:
            assert not targets.filter(Q(target__isnull=True) | Q(target__lte=0)).exists()
        if indicator.method in (Method.INCREMENT, Method.BASE_RATIO):
            assert not targets.filter(Q(base__isnull=True) | Q(base__lte=0)).exists()


def test_the_evidence_has_pending_rejected_and_superseded_records_on_record(seeded):
    evidence = Evidence.objects.filter(indicator__year__year=DEMO_YEAR)
    by_status = dict(evidence.values_list("status").annotate(n=Count("id")).order_by())
    assert by_status["verified"] > 0.8 * evidence.count()
    assert by_status["pending"] > 0
    assert by_status["rejected"] > 0
    assert not evidence.filter(status="rejected", status_reason="").exists()
    superseded = evidence.filter(is_current=False)
    assert superseded.exists()
    for old in superseded:
        assert old.superseded_by.is_current and old.superseded_by.status == "verified"
        assert old.history.filter(history_type="~", is_current=False).exists()
    assert evidence.filter(
        indicator__method=Method.VETO, status="verified", is_current=True
    ).exists()
    # every record has its audit history, written in bulk
    created = Evidence.history.filter(history_type="+", indicator__year__year=DEMO_YEAR)
    assert created.count() == evidence.count()


def test_evidence_is_verified_by_the_office_and_recorded_by_the_units_reporter(seeded):
    evidence = Evidence.objects.filter(indicator__year__year=DEMO_YEAR)
    reviewed = evidence.exclude(status="pending")
    office = get_user_model().objects.get(username=OFFICE_USERNAME)
    assert reviewed.filter(verified_by=office).count() == reviewed.count()
    assert not reviewed.filter(verified_at__isnull=True).exists()
    assert not evidence.filter(status="pending", verified_by__isnull=False).exists()
    assert not reviewed.filter(verified_by__membership__unit=F("unit")).exists()
    own = evidence.filter(unit__code="ZJ01").exclude(indicator__method=Method.DEDUCTION)
    assert {user.username for user in _recorders(own)} == {"tianbao"}
    assert evidence.filter(date__year=DEMO_YEAR, date__month__lte=10).count() == evidence.count()


def _recorders(records):
    User = get_user_model()
    return User.objects.filter(pk__in=records.values("recorded_by"))


def test_ranks_grades_surveys_and_evaluations_cover_every_unit_and_cadre(seeded):
    units = Unit.objects.active()
    for method, model in [
        (Method.CITY_RANK, CityRank),
        (Method.GRADED, Grade),
        (Method.SURVEY, SurveyRate),
    ]:
        for indicator in Indicator.objects.filter(year__year=DEMO_YEAR, method=method):
            expected = units.filter(category=indicator.category).count()
            assert model.objects.filter(indicator=indicator).count() == expected
    grades = Grade.objects.filter(indicator__year__year=DEMO_YEAR)
    assert not grades.filter(grade__in=["A", "D"], reason="").exists()
    assert grades.filter(grade="D").exists()
    rates = SurveyRate.objects.filter(indicator__year__year=DEMO_YEAR)
    assert rates.filter(rate__gt=1).exists() and rates.filter(rate__lte=1).exists()
    assert TeamEvaluation.objects.filter(year__year=DEMO_YEAR).count() == units.count()
    cadres = Cadre.objects.filter(is_active=True, unit__is_active=True)
    assert CadreEvaluation.objects.filter(year__year=DEMO_YEAR).count() == cadres.count()


def test_key_projects_have_a_team_a_plan_progress_and_points(seeded):
    """Three projects, each with a lead, members, two milestones with tasks, and progress of
    every status; one overstated update corrected; something overdue; none decided by its
    creator; the second project's second claim still pending."""
    projects = KeyProject.objects.filter(year__year=DEMO_YEAR)
    assert projects.count() == 3
    for project in projects:
        assert project.members.exists()
        assert project.milestones.count() == 2
        assert project.contributions.filter(status="verified", cadre=project.lead_cadre).exists()
    updates = ProgressUpdate.objects.filter(task__milestone__project__year__year=DEMO_YEAR)
    assert {"verified", "pending", "rejected"} <= set(updates.values_list("status", flat=True))
    assert not updates.filter(status="rejected", status_reason="").exists()
    corrected = updates.get(supersedes__isnull=False)
    assert not corrected.supersedes.is_current and corrected.correction_reason
    decided = updates.exclude(status="pending")
    assert not decided.filter(verified_by=F("recorded_by")).exists()
    assert decided.filter(verified_by__username="ducha").exists()  # supervision checks too
    zj01 = projects.get(unit__code="ZJ01")
    assert zj01.milestones.get(title="改造工程完工").tasks.count() == 2
    assert updates.filter(task__milestone__project=zj01, recorded_by__username="tianbao").exists()
    assert Contribution.objects.filter(status="pending").count() == 1


def test_every_unit_has_a_result_and_the_bonus_adds_up_to_the_pool(seeded):
    run = ComputationRun.objects.get(year__year=DEMO_YEAR, is_current=True)
    results = UnitResult.objects.filter(run=run)
    assert set(results.values_list("unit_id", flat=True)) == set(
        Unit.objects.active().values_list("id", flat=True)
    )
    assert results.aggregate(total=Sum("bonus"))["total"] == 5_000_000  # the whole pool
    assert results.filter(veto=True, tier="poor", bonus=0).exists()
    assert {"excellent", "good", "average"} <= set(results.values_list("tier", flat=True))
    assert TeamResult.objects.filter(run=run).count() == results.count()
    assert CadreResult.objects.filter(run=run, contribution=Decimal(5)).exists()  # capped


def test_most_units_have_two_or_three_highlights_and_one_has_a_single_one(seeded):
    units = Unit.objects.active()
    counts = dict(
        Highlight.objects.filter(year__year=DEMO_YEAR)
        .values_list("unit_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    assert set(counts) == set(units.values_list("id", flat=True))
    assert sorted(counts.values()).count(1) == 1
    assert all(1 <= n <= 4 for n in counts.values())
    created = Highlight.history.filter(history_type="+", year__year=DEMO_YEAR)
    assert created.count() == sum(counts.values())


def test_two_deductions_are_answered_with_a_statement(seeded):
    statements = EvidenceStatement.objects.filter(evidence__indicator__year__year=DEMO_YEAR)
    assert statements.count() == 2
    for statement in statements:
        assert statement.evidence.indicator.method == Method.DEDUCTION
        assert statement.unit_id == statement.evidence.unit_id
        assert statement.stated_by.membership.unit_id == statement.unit_id


def test_one_late_record_by_the_office_and_a_pdf_on_a_verified_record(seeded):
    office = get_user_model().objects.get(username=OFFICE_USERNAME)
    (late,) = Evidence.objects.filter(indicator__year__year=DEMO_YEAR, is_late=True)
    assert late.late_reason and late.recorded_by == office
    (attachment,) = EvidenceAttachment.objects.filter(
        evidence__indicator__year__year=DEMO_YEAR
    ).exclude(original_name=SHARED_PDF_NAME)  # (the integrity queue's planted copy aside)
    assert attachment.evidence.status == "verified" and attachment.evidence.is_current
    assert attachment.content_type == "application/pdf"
    assert attachment.original_name.endswith(".pdf")
    with attachment.file.open("rb") as stored:
        assert stored.read().startswith(b"%PDF-1.4")


def test_loading_the_demo_twice_changes_nothing(seeded):
    first = _counts()
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert _counts() == first
    assert "exists already" in out.getvalue()


# --- 2025: the previous year, published ------------------------------------------------------


def test_the_previous_year_is_published_once_with_an_intact_document(seeded):
    from assessment.models import Publication

    year = AssessmentYear.objects.get(year=2025)
    assert (year.status, year.bonus_pool) == ("published", 4_800_000)
    assert year.publicity_ends_on < datetime.date.today()
    (publication,) = Publication.objects.filter(year=year)
    assert (publication.version, publication.early, publication.changes) == (1, False, [])
    assert publication.sha256 == canonical_sha256(publication.document) and publication.intact
    assert publication.published_by.username == "kaoheban"  # the demo office account
    run = ComputationRun.objects.get(year=year, is_current=True)
    assert publication.run == run and run.warnings == []
    document = publication.document
    assert (document["year"], document["input_sha256"]) == (2025, run.input_hash)
    units = Unit.objects.active()
    assert {u["unit"] for u in document["units"]} == set(units.values_list("code", flat=True))
    assert sum(u["bonus"] for u in document["units"]) == 4_800_000
    assert all(u["explanations"] and u["highlights"] for u in document["units"])
    assert {u["tier"] for u in document["units"]} >= {"excellent", "good"}
    assert list(year.history.order_by("history_id").values_list("status", flat=True)) == [
        "setup", "collecting", "scoring", "publicity", "published",
    ]  # fmt: skip


def test_the_previous_year_has_its_own_full_year_of_verified_evidence(seeded):

    evidence = Evidence.objects.filter(indicator__year__year=2025)
    assert evidence.exists()
    assert not evidence.exclude(status="verified").exists()
    assert evidence.filter(date__year=2025).count() == evidence.count()
    assert evidence.filter(date__month=12).exists()
    assert Target.objects.filter(indicator__year__year=2025).count() == (
        Target.objects.filter(indicator__year__year=DEMO_YEAR).count()
    )
    assert not KeyProject.objects.filter(year__year=2025).exists()


def test_the_towns_evaluations_come_from_a_closed_round_and_an_open_one_takes_votes(seeded):
    from assessment.demo.ballots import DEPARTMENT_ROUND, TOWN_ROUND
    from assessment.models import EvaluationRound, RoundStatus
    from assessment.services import voting

    closed = EvaluationRound.objects.get(name=TOWN_ROUND)
    assert closed.status == RoundStatus.CLOSED
    towns = Unit.objects.filter(category__code="town", is_active=True)
    balloted = TeamEvaluation.objects.filter(year__year=DEMO_YEAR, round=closed)
    assert balloted.count() == towns.count()  # every town's team, in place of the import
    assert (
        CadreEvaluation.objects.filter(round=closed).count()
        == Cadre.objects.filter(unit__in=towns, is_active=True).count()
    )
    # the results of the year were computed with them
    team = TeamResult.objects.get(run__is_current=True, run__year__year=DEMO_YEAR, unit=towns[0])
    assert team.evaluation == balloted.get(unit=towns[0]).score

    still_open = EvaluationRound.objects.get(name=DEPARTMENT_ROUND)
    assert still_open.status == RoundStatus.OPEN
    codes = seeded.split("one-time codes: ")[1].split()[0:3]
    paper = voting.ballot_paper(codes[0].rstrip(","))
    assert paper.round == still_open and paper.group.name == "区领导"


def test_one_towns_satisfaction_rate_comes_from_a_closed_survey(seeded):
    from assessment.demo.surveys import CLOSED_ANSWERS
    from assessment.models import Survey, SurveyStatus

    closed, still_open = Survey.objects.order_by("pk")
    assert (closed.status, still_open.status) == (SurveyStatus.CLOSED, SurveyStatus.OPEN)
    # two answers do not count: one sent back too fast, one a repeat of the same phone
    assert closed.responses.count() == CLOSED_ANSWERS
    assert closed.responses.filter(is_valid=True).count() == CLOSED_ANSWERS - 2
    rate = SurveyRate.objects.get(survey=closed)
    assert (rate.unit, rate.indicator) == (closed.unit, closed.indicator)
    assert rate.rate == closed.rate


def test_the_demo_has_catalogues_claims_by_the_list_a_disqualified_unit_and_a_waiver(seeded):
    year = AssessmentYear.objects.get(year=DEMO_YEAR)
    bonus_and_deduction = Indicator.objects.filter(
        year=year, method__in=[Method.BONUS, Method.DEDUCTION]
    )
    assert not bonus_and_deduction.filter(items__isnull=True).exists()  # each has a catalogue
    listed = Evidence.objects.filter(indicator__in=bonus_and_deduction)
    assert not listed.filter(item__isnull=True).exists()  # every record names its item
    # one document claimed by two units, one item over its cap
    assert listed.filter(document="省委〔2026〕18号").values("unit").distinct().count() == 2
    capped = listed.get(document="市委〔2026〕66号")
    assert capped.item.points * capped.value > capped.item.cap
    run = year.runs.get(is_current=True)
    disqualified = run.units.get(disqualified=True)
    assert disqualified.tier != "excellent" and not disqualified.veto
    waived = listed.get(is_waived=True)
    waiver = waived.waivers.get()
    assert waiver.confirmed_by != waiver.proposed_by
    result = run.units.get(unit=waived.unit)
    code = waived.indicator.code
    text = explanation_text(result.explanations()[code], result.scores.get(code))
    assert waiver.reason in text


def test_the_year_has_quarterly_targets_colours_for_q1_to_q3_and_the_follow_up(seeded):
    periods = list(ReportingPeriod.objects.filter(year__year=DEMO_YEAR).order_by("ends_on"))
    assert [p.name for p in periods] == ["Q1", "Q2", "Q3", "Q4"]
    assert [p.is_closed for p in periods] == [True, True, True, False]
    # Q2: 45 % of the year's target, a ceiling's allowance 50 %; where that would be red, the
    # half-year figure agreed with the unit is its own verified one (met, or the allowance used)
    q2_targets = PeriodTarget.objects.filter(period=periods[1])
    assert set(q2_targets.exclude(share=None).values_list("share", flat=True)) == {
        Decimal("0.45"),
        Decimal("0.50"),
    }
    agreed = {(t.unit_id, t.indicator_id): t.value for t in q2_targets.filter(share=None)}
    assert agreed
    stored = PeriodColour.objects.filter(
        period=periods[1], indicator__method__in=["completion", "ceiling"]
    )
    for colour in stored.filter(unit_id__in={unit for unit, _indicator in agreed}):
        if (colour.unit_id, colour.indicator_id) in agreed:
            assert colour.actual == colour.target == agreed[(colour.unit_id, colour.indicator_id)]
            assert colour.colour in {"green", "yellow"}
    assert list(
        PeriodColour.objects.filter(period=periods[1], colour="red").values_list(
            "unit__code", "indicator__code"
        )
    ) == [("ZJ03", "FJ")]
    for period in periods[:3]:
        assert PeriodColour.objects.filter(period=period, colour="red").exists()
        assert WarningNotice.objects.filter(period=period).exists()
    # On the demo day exactly one report is overdue: 城关街道's of Q3 (due 16 October), for
    # the demo reporter to answer; every other notice has its report.
    waiting = Waiting(AssessmentYear.objects.get(year=DEMO_YEAR), datetime.date(DEMO_YEAR, 11, 28))
    assert [(n.unit.code, n.period.name) for n in waiting.reports_overdue] == [("ZJ01", "Q3")]
    assert WarningNotice.objects.filter(reports__isnull=True).count() == 1
    assert RectificationReport.objects.filter(status="returned").count() == 1
    assert RectificationReport.objects.filter(status="accepted").exists()
    assert waiting.reports_to_review  # the last quarter's, waiting for the office
    # One unit on the talk list: 镇街 ZJ03, vetoed in June, red on 一票否决 at Q2 and Q3; every
    # other red is red at one period end of two running (Q2's half-year figures, deductions
    # from July). Its talk is still to hold.
    listed = TalkListEntry.objects.filter(period__year__year=DEMO_YEAR)
    assert [(e.period.name, e.unit.code, e.indicator.code) for e in listed] == [
        ("Q3", "ZJ03", "FJ")
    ]
    assert [(t.period.name, len(t.indicators) > 0) for t in waiting.talks_to_hold] == [("Q3", True)]
    assert not TalkListEntry.objects.filter(talk__isnull=False).exists()
    assert Instruction.objects.filter(answered_at__isnull=False).count() == 1
    assert Instruction.objects.filter(answered_at__isnull=True).count() == 1
    assert "warnings: 3 quarters closed" in seeded


def test_the_integrity_queue_holds_the_planted_cases(seeded):
    year = AssessmentYear.objects.get(year=DEMO_YEAR)
    found = {
        (signal.kind, tuple(signal.unit_codes), signal.indicator.code if signal.indicator else "")
        for signal in IntegritySignal.objects.filter(year=year)
    }
    names = dict(Unit.objects.values_list("name", "code"))
    planted = {
        # the same PDF on a record of 花园街道 and one of 新城街道
        ("shared_attachment", (names["花园街道"], names["新城街道"]), "FAI"),
        # one description but for the numbers and the names
        ("similar_description", (names["西山镇"], names["南塘镇"]), "MS"),
        # four records entered one November morning, dated February to May
        ("backdated", (names["北岭镇"],), "REV"),
        # a fixed-asset investment six times the largest of the other towns
        ("outlier", (names["青石镇"],), "FAI"),
    }
    assert planted <= found
    # Every unit's events and deals happen in a place of its own: no two units' records of them
    # read alike. (Awards and deductions still do where two units got the same commendation or
    # the same criticism, as such bulletins name several units; and two latest values fall.)
    unplanted = found - planted
    assert {(kind, indicator) for kind, _units, indicator in unplanted} <= {
        ("similar_description", "JF"),
        ("similar_description", "KF"),
        ("cumulative_decrease", "VA"),
        ("cumulative_decrease", "GDP"),
    }
    backdated = IntegritySignal.objects.get(year=year, kind="backdated")
    assert backdated.records.count() == 4
    entered, dated = datetime.date(2026, 11, 18), datetime.date(2026, 2, 10)
    assert backdated.facts["longest_gap"] == (entered - dated).days == 281
    assert all(signal.is_open for signal in IntegritySignal.objects.filter(year=year))
