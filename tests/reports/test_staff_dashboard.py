"""The leaders' dashboard, its rule for indicators at risk, and the reports index."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessment.models import AssessmentYear, Indicator, Target, YearStatus
from assessment.services.compute import year_data, year_progress
from reports.staff.dashboard import dashboard
from reports.staff.projection import at_risk, elapsed_share
from tests.assessment.factories import YearFactory
from tests.factories import UnitFactory
from tests.reports import test_staff_district as staff_district
from tests.reports.test_staff_district import record

pytestmark = pytest.mark.django_db

# The small district's fixtures (tests.reports.test_staff_district), shared.
district = staff_district.district
unit_c = staff_district.unit_c
D = Decimal


# Risks are listed from the whole year's inputs (the dashboard's projection) and from its
# progress alone (a leader's home page, the full list): both give the same hand-worked rows.
READS = pytest.mark.parametrize("read", [year_data, year_progress], ids=["inputs", "progress"])


def _risks(year, day, read=year_data):
    return [
        (r.unit, r.indicator, r.expected, r.actual, r.ratio, r.percent)
        for r in at_risk(read(year), 2026, day)
    ]


def test_the_share_of_the_year_gone_by():
    assert elapsed_share(2026, datetime.date(2025, 12, 31)) == 0
    assert elapsed_share(2026, datetime.date(2026, 1, 1)) * 365 == 1
    assert elapsed_share(2026, datetime.date(2026, 10, 1)) * 365 == 274
    assert elapsed_share(2026, datetime.date(2027, 3, 1)) == 1


@READS
def test_an_indicator_is_at_risk_below_80_percent_of_the_pro_rata_target(district, read):
    # 1 July, 182 of 365 days gone: 丙镇 has 100 of a pro-rata 200 × 182 / 365 = 99.73.
    assert _risks(district, datetime.date(2026, 7, 1), read) == []
    # 1 October, 274 days: 200 × 274 / 365 = 150.14, and 100 / 150.14 = 66.6% < 80%.
    # 甲镇 450 of 375.34 and 乙镇 400 of 300.27 are ahead.
    assert _risks(district, datetime.date(2026, 10, 1), read) == [
        ("C01", "E01", D("150.14"), D("100.000000"), D("0.6661"), D("66.6")),
    ]


def test_the_progress_is_read_in_five_queries_without_what_only_scoring_reads(district, settings):
    settings.RUNNING_TOTALS_CHECK = False  # as in service: the suite's check sums once more
    with CaptureQueriesContext(connection) as queries:
        progress = year_progress(district)

    # the year's units (2), its scheme, its targets and the evidence's running totals (one
    # query whatever the indicators' aggregation)
    assert len(queries) == 5
    inputs = progress.inputs
    assert inputs.targets and inputs.evidence
    assert not (inputs.grades or inputs.city_ranks or inputs.cadres or inputs.item_records)


@READS
def test_a_level_from_the_latest_record_is_held_to_the_full_target(district, unit_a, town, read):
    level = Indicator.objects.create(
        year=district,
        category=town,
        code="L01",
        name="森林覆盖率",
        points=0,
        method="completion",
        aggregation="latest",
    )
    Target.objects.create(indicator=level, unit=unit_a, target=D(10))
    record(unit_a, level, 5, day=datetime.date(2026, 3, 1))
    record(unit_a, level, 7, day=datetime.date(2026, 4, 1))

    # 7 of the full 10 already in July: 70% < 80%.
    assert _risks(district, datetime.date(2026, 7, 1), read) == [
        ("A01", "L01", D("10.00"), D("7.000000"), D("0.7000"), D("70.0")),
    ]


def test_the_dashboard_gathers_standings_risks_overdue_and_pending(district):
    board = dashboard(district, datetime.date(2026, 10, 1))

    [town, economic] = board.standings
    assert (town.code, town.average, [u.code for u in town.top]) == (
        "town",
        D("84.00"),
        ["A01", "B01", "C01"],
    )
    assert town.bottom == []  # three units: all shown among the best
    assert (economic.code, economic.units, economic.unprojected) == ("economic", [], 1)
    assert [(r.unit, r.indicator) for r in board.risks] == [("C01", "E01")]
    # On 1 October every town last reported more than 31 days before.
    assert [(u.code, u.count) for u in board.overdue] == [("A01", 1), ("B01", 1), ("C01", 1)]
    assert board.pending.evidence == 1  # 丙镇's pending record
    assert board.pending.total == 1
    assert board.open_objections in (0, None)  # None until objections are recorded


def test_a_category_larger_than_twice_the_top_shows_its_last_units(district, town):
    gdp = Indicator.objects.get(code="E01")
    for n in range(5):
        unit = UnitFactory(code=f"T{n}", category=town)
        Target.objects.create(indicator=gdp, unit=unit, target=D(100))
        record(unit, gdp, 10 * n)

    town_standing = dashboard(district, datetime.date(2026, 10, 1)).standings[0]

    assert len(town_standing.units) == 8
    assert [u.code for u in town_standing.top] == ["A01", "B01", "C01"]
    assert [u.code for u in town_standing.bottom] == ["T2", "T1", "T0"]


# --- pages ------------------------------------------------------------------------------------


def test_leaders_open_the_dashboard_of_the_latest_year(client, district, leader_user):
    YearFactory(year=2027, status=YearStatus.SETUP)  # not started: not the one shown
    client.force_login(leader_user)

    response = client.get(reverse("reports:dashboard_latest"))

    assert response.status_code == 302
    assert response["Location"] == reverse("reports:dashboard", args=[2026])
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="risk-count"' in html and 'data-chart="category-chart"' in html
    assert page.context["chart"]["labels"] == ["镇街", "经济部门"]


def test_without_any_year_the_dashboard_goes_back_to_the_index(client, db, leader_user):
    client.force_login(leader_user)

    response = client.get(reverse("reports:dashboard_latest"))

    assert response["Location"] == reverse("reports:index")


def test_the_full_lists_of_risks_and_overdue_units(client, district, office_user):
    client.force_login(office_user)

    risks = client.get(reverse("reports:dashboard_risks", args=[2026]))
    overdue = client.get(reverse("reports:dashboard_overdue", args=[2026]))

    assert risks.status_code == overdue.status_code == 200
    assert risks.context["count"] == len(risks.context["page"].object_list)
    assert overdue.context["count"] == len(overdue.context["page"].object_list)


@pytest.mark.parametrize("user", ["reporter_a", "lead_user", "supervision_user", "nobody"])
def test_only_the_office_and_district_leaders_open_the_dashboard(client, district, user, request):
    client.force_login(request.getfixturevalue(user))

    for name in ("reports:dashboard", "reports:dashboard_risks", "reports:dashboard_overdue"):
        assert client.get(reverse(name, args=[2026])).status_code == 403
    assert client.get(reverse("reports:dashboard_latest")).status_code == 403


def test_the_dashboard_does_not_query_per_unit(client, district, office_user, town):
    client.force_login(office_user)
    url = reverse("reports:dashboard", args=[2026])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    gdp = Indicator.objects.get(code="E01")
    for n in range(8):
        unit = UnitFactory(category=town)
        Target.objects.create(indicator=gdp, unit=unit, target=D(100))
        record(unit, gdp, n, status="pending" if n % 2 else "verified")
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["board"].projection.units) == 11
    assert len(many) == len(few)


# --- the index and the navigation -------------------------------------------------------------


def _links(response) -> str:
    return response.content.decode()


def test_the_index_lists_every_report_for_the_office(client, district, office_user):
    client.force_login(office_user)

    html = _links(client.get(reverse("reports:index")))

    for name in ("dashboard", "bulletin_list", "letter_list", "teams", "cadres", "bonus"):
        assert reverse(f"reports:{name}", args=[2026]) in html
    assert reverse("reports:outstanding", args=[2026]) in html


def test_a_reporter_finds_only_their_units_letter(client, district, reporter_a):
    client.force_login(reporter_a)

    html = _links(client.get(reverse("reports:index")))

    assert reverse("reports:letter", args=[2026, "A01"]) in html
    assert reverse("reports:dashboard", args=[2026]) not in html
    assert reverse("reports:bonus", args=[2026]) not in html


def test_the_index_follows_the_chosen_year(client, district, leader_user):
    YearFactory(year=2025)
    client.force_login(leader_user)

    html = _links(client.get(reverse("reports:index"), {"year": "2025"}))

    assert reverse("reports:dashboard", args=[2025]) in html


def test_the_index_is_for_staff_only(client, district, nobody):
    client.force_login(nobody)

    assert client.get(reverse("reports:index")).status_code == 403


def test_the_navigation_has_a_reports_entry(client, district, reporter_a):
    client.force_login(reporter_a)

    response = client.get(reverse("reports:index"))

    [entry] = [item for item in response.context["nav_items"] if item["url"] == "/reports/"]
    assert entry["current"]


def test_no_year_means_an_empty_index(client, db, office_user):
    assert not AssessmentYear.objects.exists()
    client.force_login(office_user)

    response = client.get(reverse("reports:index"))

    assert response.status_code == 200 and response.context["year"] is None
