"""Leadership teams and cadres (三位一体): scores with their formulas, a cadre's dossier, and the
cadres with outstanding key-project contributions."""

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from assessment.models import CadreResult, Contribution, KeyProject, TeamResult
from tests.assessment.factories import RunFactory, UnitResultFactory, YearFactory
from tests.factories import CadreFactory, UnitFactory
from tests.reports import test_staff_district as staff_district
from units.models import Cadre

pytestmark = pytest.mark.django_db

# The small district's fixtures (tests.reports.test_staff_district), shared.
district = staff_district.district
unit_c = staff_district.unit_c
D = Decimal


@pytest.fixture
def zhang(district):
    return Cadre.objects.get(name="张三")


@pytest.fixture
def li(unit_b):
    return CadreFactory(unit=unit_b, name="李四", position="镇长", rank_kind="principal")


@pytest.fixture
def run(district, unit_a, unit_b, zhang, li):
    """A computed 2026: 甲镇 88.40 with team evaluation 90.00; 张三 evaluated 90.00 with 3.50
    contribution points counted; 乙镇 80.00, 李四 80.00 and nothing else."""
    run = RunFactory(year=district)
    UnitResultFactory(run=run, unit=unit_a, total=D("88.40"), rank=1, tier="good")
    UnitResultFactory(run=run, unit=unit_b, total=D("80.00"), rank=2, tier="good")
    # 0.7 × 88.40 + 0.3 × 90.00 = 61.88 + 27.00 = 88.88
    TeamResult.objects.create(
        run=run, unit=unit_a, evaluation=D("90.00"), score=D("88.88"), rank=1, tier="good"
    )
    for cadre, evaluation, contribution, score, rank, tier in [
        # 0.6 × 88.40 + 0.4 × 90.00 + 3.50 = 53.04 + 36.00 + 3.50 = 92.54
        (zhang, "90.00", "3.50", "92.54", 1, "excellent"),
        # 0.6 × 80 + 0.4 × 80 = 80.00
        (li, "80.00", "0.00", "80.00", 2, "good"),
    ]:
        CadreResult.objects.create(
            run=run, cadre=cadre, evaluation=D(evaluation), contribution=D(contribution),
            score=D(score), rank=rank, tier=tier,
        )  # fmt: skip
    return run


def _contribution(project, cadre, points, status="verified", current=True):
    return Contribution.objects.create(
        project=project,
        cadre=cadre,
        points=D(points),
        description="贡献",
        status=status,
        is_current=current,
    )


@pytest.fixture
def projects(district, unit_a, unit_b, zhang, li):
    """张三 leads 老旧小区改造 (3.00 verified) and serves on 产业园 (2.50 verified): 5.50 in all,
    above the cap of 5. 李四 has 2.00 verified, 4.00 pending and 3.00 rejected."""
    renewal = KeyProject.objects.create(
        year=district, name="老旧小区改造", unit=unit_a, lead_cadre=zhang
    )
    park = KeyProject.objects.create(year=district, name="产业园", unit=unit_b, lead_cadre=li)
    park.members.add(zhang)
    _contribution(renewal, zhang, "1.00", current=False)  # superseded by the next one
    _contribution(renewal, zhang, "3.00")
    _contribution(park, zhang, "2.50")
    _contribution(park, li, "2.00")
    _contribution(park, li, "4.00", status="pending")
    _contribution(park, li, "3.00", status="rejected")
    return renewal, park


# --- teams and cadres -------------------------------------------------------------------------


def test_the_team_formula_shows_the_numbers_behind_the_score(client, run, office_user):
    client.force_login(office_user)

    response = client.get(reverse("reports:teams", args=[2026]))

    [line] = response.context["lines"]
    assert line.unit_total == D("88.40")
    assert line.formula == "0.7 × 88.40 + 0.3 × 90.00 = 88.88"
    assert line.matches
    assert not response.context["mismatch"]
    assert "0.7 × 88.40 + 0.3 × 90.00 = 88.88" in response.content.decode()


def test_the_cadre_formula_counts_the_contribution_points_after_the_cap(client, run, leader_user):
    client.force_login(leader_user)

    response = client.get(reverse("reports:cadres", args=[2026]))

    lines = {line.result.cadre.name: line for line in response.context["lines"]}
    assert lines["张三"].formula == "0.6 × 88.40 + 0.4 × 90.00 + 3.50 = 92.54"
    assert lines["李四"].formula == "0.6 × 80.00 + 0.4 × 80.00 + 0.00 = 80.00"
    assert all(line.matches for line in lines.values())


def test_a_score_that_no_longer_follows_from_the_weights_is_flagged(client, run, office_user):
    run.year.cadre_unit_weight = D("0.5")
    run.year.cadre_evaluation_weight = D("0.5")
    run.year.save()
    client.force_login(office_user)

    response = client.get(reverse("reports:cadres", args=[2026]))

    assert response.context["mismatch"]
    assert 'id="formula-warning"' in response.content.decode()


def test_the_cadre_list_filters_by_name(client, run, office_user):
    client.force_login(office_user)

    response = client.get(reverse("reports:cadres", args=[2026]), {"q": "李"})

    assert [line.result.cadre.name for line in response.context["lines"]] == ["李四"]


def test_without_a_computation_the_pages_say_so(client, district, office_user):
    client.force_login(office_user)

    for name in ("reports:teams", "reports:cadres", "reports:bonus"):
        response = client.get(reverse(name, args=[2026]))
        assert response.status_code == 200
        assert 'id="no-run"' in response.content.decode()


@pytest.mark.parametrize("user", ["reporter_a", "lead_user", "supervision_user", "nobody"])
def test_only_the_office_and_district_leaders_see_teams_and_cadres(
    client, run, projects, zhang, user, request
):
    client.force_login(request.getfixturevalue(user))

    for url in [
        reverse("reports:teams", args=[2026]),
        reverse("reports:cadres", args=[2026]),
        reverse("reports:cadre_dossier", args=[zhang.pk]),
        reverse("reports:outstanding", args=[2026]),
        reverse("reports:outstanding_xlsx", args=[2026]),
    ]:
        assert client.get(url).status_code == 403, url


def test_team_and_cadre_pages_do_not_query_per_row(client, run, office_user, town):
    client.force_login(office_user)
    urls = [reverse("reports:teams", args=[2026]), reverse("reports:cadres", args=[2026])]

    def counts() -> list[int]:
        result = []
        for url in urls:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            result.append(len(captured))
        return result

    few = counts()
    for n in range(6):
        unit = UnitFactory(category=town)
        UnitResultFactory(run=run, unit=unit, total=D(70 + n), rank=3 + n)
        TeamResult.objects.create(
            run=run, unit=unit, evaluation=D(80), score=D(73), rank=2 + n, tier="average"
        )
        CadreResult.objects.create(
            run=run,
            cadre=CadreFactory(unit=unit),
            evaluation=D(80),
            contribution=D(0),
            score=D(74),
            rank=3 + n,
            tier="average",
        )
    assert counts() == few


# --- a cadre's dossier ------------------------------------------------------------------------


def test_the_dossier_shows_each_year_with_the_projects_and_their_verified_points(
    client, run, projects, zhang, unit_a, office_user
):
    earlier = YearFactory(year=2025)
    old_run = RunFactory(year=earlier)
    UnitResultFactory(run=old_run, unit=unit_a, total=D("81.00"), rank=2, tier="good")
    client.force_login(office_user)

    response = client.get(reverse("reports:cadre_dossier", args=[zhang.pk]))

    assert response.status_code == 200
    this_year, last_year = response.context["years"]
    assert this_year.year.year == 2026 and last_year.year.year == 2025
    assert this_year.unit_result.total == D("88.40")
    assert this_year.team_result.score == D("88.88")
    assert this_year.cadre_result.score == D("92.54")
    assert [(p.project.name, p.is_lead, p.points) for p in this_year.projects] == [
        ("产业园", False, D("2.50")),
        ("老旧小区改造", True, D("3.00")),
    ]
    assert (this_year.verified_points, this_year.counted_points) == (D("5.50"), D("5"))
    assert last_year.unit_result.total == D("81.00") and last_year.cadre_result is None


def test_the_dossier_makes_the_same_queries_whatever_the_history(
    client, run, projects, zhang, unit_a, office_user
):
    client.force_login(office_user)
    url = reverse("reports:cadre_dossier", args=[zhang.pk])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for year in (2023, 2024, 2025):
        old_run = RunFactory(year=YearFactory(year=year))
        UnitResultFactory(run=old_run, unit=unit_a, total=D(80), rank=1)
        project = KeyProject.objects.create(
            year=old_run.year, name=f"项目{year}", unit=unit_a, lead_cadre=zhang
        )
        _contribution(project, zhang, "1.00")
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["years"]) == 4
    assert len(many) == len(few)


# --- outstanding contributions ----------------------------------------------------------------


def test_cadres_reaching_the_cap_are_listed_with_their_tier(client, run, projects, office_user):
    client.force_login(office_user)

    response = client.get(reverse("reports:outstanding", args=[2026]))

    [line] = response.context["page"].object_list
    assert (line.cadre.name, line.points, line.result.tier) == ("张三", D("5.50"), "excellent")
    assert line.projects == ["产业园", "老旧小区改造"]


def test_the_office_chooses_a_lower_threshold(client, run, projects, leader_user):
    client.force_login(leader_user)

    response = client.get(reverse("reports:outstanding", args=[2026]), {"threshold": "2"})

    # 李四: 2.00 verified; the pending 4.00 and the rejected 3.00 do not count.
    assert [(line.cadre.name, line.points) for line in response.context["page"]] == [
        ("张三", D("5.50")),
        ("李四", D("2.00")),
    ]


def test_an_invalid_threshold_falls_back_to_the_cap(client, run, projects, office_user):
    client.force_login(office_user)

    response = client.get(reverse("reports:outstanding", args=[2026]), {"threshold": "-1"})

    assert response.context["threshold"] == D("5")
    assert response.context["form"].errors


def test_the_outstanding_list_exports_to_excel_with_numbers_as_numbers(
    client, run, projects, office_user
):
    client.force_login(office_user)

    response = client.get(reverse("reports:outstanding_xlsx", args=[2026]), {"threshold": "2"})

    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3
    assert rows[1][:6] == ("A01", "甲镇", "张三", "党委书记", 5.5, 92.54)
    assert rows[2][:6] == ("B01", "乙镇", "李四", "镇长", 2, 80)
    assert rows[1][7] == "产业园、老旧小区改造"


def test_the_outstanding_list_does_not_query_per_cadre(client, run, projects, office_user, unit_a):
    client.force_login(office_user)
    url = reverse("reports:outstanding", args=[2026])
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"threshold": "1"})
    renewal, _park = projects
    for n in range(5):
        _contribution(renewal, CadreFactory(unit=unit_a, name=f"干部{n}"), "1.50")
    with CaptureQueriesContext(connection) as many:
        response = client.get(url, {"threshold": "1"})
    assert response.context["count"] == 7
    assert len(many) == len(few)
