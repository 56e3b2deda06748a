"""Results per category: who sees which rows, and the office's compute button."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from assessment.models import ComputationRun, Evidence, EvidenceStatus, UnitResult, YearStatus
from tests.assessment.factories import (
    IndicatorFactory,
    RunFactory,
    TargetFactory,
    UnitResultFactory,
    YearFactory,
)
from tests.pages import messages_after

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def results(town, unit_a, unit_b):
    """A computed town category: 甲镇 first and excellent, 乙镇 vetoed."""
    year = YearFactory(year=2026, status=YearStatus.SCORING)
    IndicatorFactory(year=year, category=town, code="E01", name="地区生产总值", group="经济发展")
    IndicatorFactory(year=year, category=town, code="G01", name="党建工作", group="党的建设")
    run = RunFactory(year=year)
    UnitResultFactory(
        run=run,
        unit=unit_a,
        total=D("92.50"),
        rank=1,
        tier="excellent",
        scores={"E01": "18.00", "G01": "74.5"},
        group_totals={"经济发展": "18.00", "党的建设": "74.50"},
    )
    UnitResultFactory(
        run=run,
        unit=unit_b,
        total=D("81.25"),
        rank=2,
        tier="poor",
        veto=True,
        scores={"E01": "16.25", "G01": "65.00"},
        group_totals={"经济发展": "16.25", "党的建设": "65.00"},
        warnings=[{"code": "missing_grade", "category": "town", "unit": "B01", "indicator": "G01"}],
    )
    return run


def _url(category="town"):
    return reverse("assessment:results", args=[2026, category])


def _codes(response) -> list[str]:
    return [row.result.unit.code for row in response.context["table"].rows]


@pytest.mark.parametrize(
    "user_fixture", ["office_user", "leader_user", "lead_user", "supervision_user"]
)
def test_office_leaders_lead_departments_and_supervision_see_every_row(
    request, client, user_fixture, results
):
    client.force_login(request.getfixturevalue(user_fixture))
    response = client.get(_url())
    assert response.status_code == 200
    assert _codes(response) == ["A01", "B01"]


@pytest.mark.usefixtures("english")
def test_a_row_shows_group_and_indicator_scores_total_tier_veto_and_warnings(
    client, leader_user, results
):
    client.force_login(leader_user)
    response = client.get(_url())
    table = response.context["table"]
    assert table.groups == ["经济发展", "党的建设"]
    first, second = table.rows
    assert (first.group_scores, first.indicator_scores) == (
        ["18.00", "74.50"],
        ["18.00", "74.50"],
    )
    assert second.warnings == [
        "乙镇 (B01) has no grade for indicator 党建工作 (G01); the indicator scores 0."
    ]
    page = response.content.decode()
    assert 'data-tier="excellent"' in page and 'data-tier="poor"' in page
    assert "92.50" in page and "81.25" in page and "vetoed" in page


def test_a_reporter_sees_only_their_own_units_row_before_publication(client, reporter_b, results):
    client.force_login(reporter_b)
    response = client.get(_url())
    assert _codes(response) == ["B01"]
    page = response.content.decode()
    assert "92.50" not in page and "甲镇" not in page


@pytest.mark.parametrize("status", [YearStatus.PUBLISHED, YearStatus.ARCHIVED])
def test_once_published_a_reporter_sees_the_whole_table(client, reporter_b, results, status):
    results.year.status = status
    results.year.save()
    client.force_login(reporter_b)
    assert _codes(client.get(_url())) == ["A01", "B01"]


def test_the_row_rule_matches_the_table_role_by_role(
    results, office_user, lead_user, reporter_a, reporter_b, nobody
):
    row_a = UnitResult.objects.get(unit__code="A01")
    assert office_user.has_perm("assessment.see_unit_result", row_a)
    assert lead_user.has_perm("assessment.see_unit_result", row_a)
    assert reporter_a.has_perm("assessment.see_unit_result", row_a)
    assert not reporter_b.has_perm("assessment.see_unit_result", row_a)
    assert not nobody.has_perm("assessment.see_unit_result", row_a)
    results.year.status = YearStatus.PUBLISHED
    results.year.save()
    assert reporter_b.has_perm("assessment.see_unit_result", UnitResult.objects.get(pk=row_a.pk))


def test_the_results_page_needs_few_queries_however_many_units(
    client, leader_user, results, town, django_assert_max_num_queries
):
    for n in range(30):
        UnitResultFactory(run=results, unit__category=town, rank=3 + n, scores={"E01": "1"})
    client.force_login(leader_user)
    with django_assert_max_num_queries(10):
        response = client.get(_url())
    assert len(response.context["table"].rows) == 32


def test_without_a_computation_the_page_says_so(client, leader_user, town):
    YearFactory(year=2026)
    client.force_login(leader_user)
    response = client.get(_url())
    assert response.status_code == 200
    assert response.context["table"].run is None


def test_the_results_index_opens_the_first_category(client, leader_user, results):
    client.force_login(leader_user)
    response = client.get(reverse("assessment:results_index", args=[2026]))
    assert response["Location"] == _url("town")


# --- the compute button -------------------------------------------------------------------------


@pytest.fixture
def computable(town, unit_a, unit_b):
    """Towns with one completion indicator of 100 points; targets 500 and 400.

    甲镇 has verified evidence 120 + 180 + 150 = 450: 100 × 450 / 500 = 90.00.
    乙镇 has 300 verified (and 100 pending, which does not count): 100 × 300 / 400 = 75.00.
    """
    year = YearFactory(year=2026, status=YearStatus.COLLECTING)
    indicator = IndicatorFactory(
        year=year, category=town, code="E01", name="地区生产总值", points=D(100)
    )
    TargetFactory(indicator=indicator, unit=unit_a, target=D(500))
    TargetFactory(indicator=indicator, unit=unit_b, target=D(400))
    for unit, value, status in [
        (unit_a, 120, EvidenceStatus.VERIFIED),
        (unit_a, 180, EvidenceStatus.VERIFIED),
        (unit_a, 150, EvidenceStatus.VERIFIED),
        (unit_b, 300, EvidenceStatus.VERIFIED),
        (unit_b, 100, EvidenceStatus.PENDING),
    ]:
        Evidence.objects.create(
            unit=unit,
            indicator=indicator,
            date=datetime.date(2026, 6, 30),
            value=D(value),
            description="月报",
            status=status,
        )
    return year


def test_the_office_computes_and_sees_the_hand_worked_scores(client, office_user, computable):
    client.force_login(office_user)
    assert client.get(_url()).context["compute_form"] is not None
    response = client.post(
        reverse("assessment:compute", args=[2026]), {"category": "town"}, follow=True
    )
    assert response.redirect_chain[-1][0] == _url()
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    rows = {
        row.result.unit.code: (row.result.total, row.result.rank, row.result.tier)
        for row in response.context["table"].rows
    }
    # Two towns: the excellent quota is max(1, floor(2 × 0.30)) = 1.
    assert rows == {"A01": (D("90.00"), 1, "excellent"), "B01": (D("75.00"), 2, "average")}
    assert ComputationRun.objects.get().computed_by == office_user


@pytest.mark.usefixtures("english")
def test_a_computation_stopped_by_setup_errors_lists_them(client, office_user, computable, unit_b):
    computable.indicators.get().targets.filter(unit=unit_b).delete()
    client.force_login(office_user)
    url = reverse("assessment:compute", args=[2026])
    messages = messages_after(client, url, {"category": "town"})
    assert messages == [
        "乙镇 (B01) has no target for indicator 地区生产总值 (E01): enter it on the unit's "
        "targets page (or import the targets), then compute again."
    ]
    assert not ComputationRun.objects.exists()


def test_in_publicity_a_recomputation_needs_a_reason(client, office_user, computable):
    RunFactory(year=computable)
    computable.status = YearStatus.PUBLICITY
    computable.save()
    client.force_login(office_user)
    assert "reason" in client.get(_url()).context["compute_form"].fields
    response = client.post(reverse("assessment:compute", args=[2026]), follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert ComputationRun.objects.count() == 1
    client.post(reverse("assessment:compute", args=[2026]), {"reason": "异议复核"})
    assert ComputationRun.objects.filter(is_current=True).get().input_hash != "0" * 64


@pytest.mark.parametrize(
    "user_fixture", ["leader_user", "lead_user", "supervision_user", "reporter_a"]
)
def test_only_the_office_may_compute(request, client, user_fixture, computable):
    client.force_login(request.getfixturevalue(user_fixture))
    assert client.get(_url()).context["compute_form"] is None
    assert client.post(reverse("assessment:compute", args=[2026])).status_code == 403
    assert not ComputationRun.objects.exists()


def test_computing_needs_a_post(client, office_user, computable):
    client.force_login(office_user)
    assert client.get(reverse("assessment:compute", args=[2026])).status_code == 405
