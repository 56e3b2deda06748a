"""Quarterly progress bulletins: made by the office, kept unchanged, compared across the year."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessment.models import Evidence, Indicator
from reports.models import ProgressBulletin
from reports.staff.bulletins import bulletin_create, bulletin_series
from tests.factories import UnitFactory
from tests.reports import test_staff_district as staff_district
from tests.reports.test_staff_district import record

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


# The small district's fixtures (tests.reports.test_staff_district), shared.
district = staff_district.district
district_with_problem = staff_district.district_with_problem
unit_c = staff_district.unit_c
D = Decimal
JULY = datetime.date(2026, 7, 15)


def _units(bulletin, category="town"):
    entry = next(c for c in bulletin.document["categories"] if c["code"] == category)
    return [(u["unit"], u["total"], u["rank"], u["tier"], u["overdue"]) for u in entry["units"]]


def test_a_bulletin_keeps_the_projected_standings_worked_out_by_hand(
    district_with_problem, office_user
):
    bulletin = bulletin_create(year=district_with_problem, quarter=2, as_of=JULY, by=office_user)

    assert bulletin.title == "2026, quarter 2: progress bulletin"
    assert bulletin.created_by == office_user
    # Overdue on 15 July: A01 last reported 10 May, B01 1 June (> 31 days); C01 20 June.
    assert _units(bulletin) == [
        ("A01", "94.00", 1, "excellent", 1),
        ("B01", "88.00", 2, "good", 1),
        ("C01", "70.00", 3, "average", 0),
    ]
    town = bulletin.document["categories"][0]
    assert (town["average"], town["projected"], town["unprojected"]) == ("84.00", 3, [])
    economic = bulletin.document["categories"][1]
    assert economic["units"] == [] and economic["average"] is None
    assert [(u["unit"], [p["code"] for p in u["problems"]]) for u in economic["unprojected"]] == [
        ("JJ01", ["missing_target"])
    ]
    assert bulletin.intact


def test_a_bulletin_cannot_be_changed_or_deleted(district, office_user):
    bulletin = bulletin_create(year=district, quarter=1, as_of=JULY, by=office_user)

    bulletin.title = "改过的标题"
    with pytest.raises(ValidationError):
        bulletin.save()
    with pytest.raises(ValidationError):
        bulletin.delete()
    assert ProgressBulletin.objects.get().title == "2026, quarter 1: progress bulletin"


def test_later_evidence_does_not_change_an_earlier_bulletin(district, office_user, unit_c):
    first = bulletin_create(year=district, quarter=2, as_of=JULY, by=office_user)
    gdp = Indicator.objects.get(code="E01")
    record(unit_c, gdp, 100, day=datetime.date(2026, 8, 1))  # C01 reaches 200 of 200: 100.00

    second = bulletin_create(year=district, quarter=3, as_of=datetime.date(2026, 9, 30))

    first.refresh_from_db()
    assert _units(first)[2][:3] == ("C01", "70.00", 3)
    assert [row[:3] for row in _units(second)] == [
        ("C01", "100.00", 1),
        ("A01", "94.00", 2),
        ("B01", "88.00", 3),
    ]


def test_a_quarter_has_one_bulletin(district, office_user):
    bulletin_create(year=district, quarter=3, as_of=JULY, by=office_user)

    with pytest.raises(ValidationError, match="already"):
        bulletin_create(year=district, quarter=3, as_of=JULY, by=office_user)
    # A bulletin dated only may be made any day.
    bulletin_create(year=district, as_of=JULY, by=office_user)
    bulletin_create(year=district, as_of=JULY, by=office_user)
    assert ProgressBulletin.objects.count() == 3


def test_the_command_makes_a_bulletin(district, capsys):
    call_command("make_bulletin", "--year", "2026", "--quarter", "3", "--date", "2026-07-15")

    bulletin = ProgressBulletin.objects.get()
    assert (bulletin.quarter, bulletin.as_of, bulletin.created_by) == (3, JULY, None)
    assert "3" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("make_bulletin", "--year", "2026", "--quarter", "3")
    with pytest.raises(CommandError):
        call_command("make_bulletin", "--year", "1999", "--quarter", "1")


def test_a_units_standing_across_the_bulletins(district, office_user, unit_c):
    first = bulletin_create(year=district, quarter=2, as_of=JULY, by=office_user)
    record(unit_c, Indicator.objects.get(code="E01"), 100, day=datetime.date(2026, 8, 1))
    second = bulletin_create(year=district, quarter=3, as_of=datetime.date(2026, 9, 30))

    series = bulletin_series([first, second], unit="C01")

    [row] = series.rows
    assert [(c.total, c.rank, c.of, c.tier) for c in row.cells] == [
        ("70.00", 3, 3, "average"),
        ("100.00", 1, 3, "excellent"),
    ]
    # (94 + 88 + 100) / 3 = 94.00
    assert series.averages == ["84.00", "94.00"]

    category = bulletin_series([first, second], category="town")
    assert [r.unit for r in category.rows] == ["C01", "A01", "B01"]  # by the latest rank


# --- pages ------------------------------------------------------------------------------------


def _list(year=2026):
    return reverse("reports:bulletin_list", args=[year])


def test_the_office_makes_a_bulletin_from_the_list(client, district, office_user):
    client.force_login(office_user)

    response = client.post(
        reverse("reports:bulletin_create", args=[2026]), {"quarter": "2", "as_of": "2026-07-15"}
    )

    bulletin = ProgressBulletin.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:bulletin_detail", args=[2026, bulletin.pk])
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert [e["unit"] for e in page.context["view"].categories[0]["units"]] == [
        "A01",
        "B01",
        "C01",
    ]
    assert "94.00" in page.content.decode()


def test_a_second_bulletin_of_a_quarter_is_refused_with_a_message(client, district, office_user):
    client.force_login(office_user)
    url = reverse("reports:bulletin_create", args=[2026])
    client.post(url, {"quarter": "2"})

    response = client.post(url, {"quarter": "2"}, follow=True)

    assert ProgressBulletin.objects.count() == 1
    assert any("already" in str(m) or "已" in str(m) for m in response.context["messages"])


def test_unprojected_units_are_shown_with_their_reasons(client, district_with_problem, office_user):
    bulletin = bulletin_create(year=district_with_problem, quarter=2, as_of=JULY)
    client.force_login(office_user)

    response = client.get(reverse("reports:bulletin_detail", args=[2026, bulletin.pk]))

    [economic] = [c for c in response.context["view"].categories if c["code"] == "economic"]
    [entry] = economic["unprojected"]
    assert entry["unit"] == "JJ01"
    assert "招商引资" in entry["messages"][0]
    assert response.context["view"].unprojected_count == 1


def test_district_leaders_read_bulletins_but_do_not_make_them(client, district, leader_user):
    bulletin = bulletin_create(year=district, quarter=1, as_of=JULY)
    client.force_login(leader_user)

    assert client.get(_list()).context["form"] is None
    assert (
        client.get(reverse("reports:bulletin_detail", args=[2026, bulletin.pk])).status_code == 200
    )
    assert client.get(reverse("reports:bulletin_compare", args=[2026])).status_code == 200
    assert client.post(reverse("reports:bulletin_create", args=[2026])).status_code == 403
    assert ProgressBulletin.objects.count() == 1


@pytest.mark.parametrize("user", ["reporter_a", "lead_user", "supervision_user", "nobody"])
def test_other_roles_may_not_open_bulletins(client, district, user, request):
    bulletin = bulletin_create(year=district, quarter=1, as_of=JULY)
    client.force_login(request.getfixturevalue(user))

    assert client.get(_list()).status_code == 403
    assert (
        client.get(reverse("reports:bulletin_detail", args=[2026, bulletin.pk])).status_code == 403
    )
    assert client.get(reverse("reports:bulletin_compare", args=[2026])).status_code == 403
    assert client.post(reverse("reports:bulletin_create", args=[2026]), {}).status_code == 403


def test_a_bulletin_of_another_year_is_not_found(client, district, office_user):
    from tests.assessment.factories import YearFactory

    YearFactory(year=2025)
    bulletin = bulletin_create(year=district, quarter=1, as_of=JULY)
    client.force_login(office_user)

    assert (
        client.get(reverse("reports:bulletin_detail", args=[2025, bulletin.pk])).status_code == 404
    )


def test_the_compare_page_shows_a_unit_across_bulletins(client, district, office_user):
    bulletin_create(year=district, quarter=1, as_of=JULY)
    bulletin_create(year=district, quarter=2, as_of=JULY)
    client.force_login(office_user)

    response = client.get(reverse("reports:bulletin_compare", args=[2026]), {"unit": "B01"})

    [row] = response.context["page"].object_list
    assert [(c.total, c.rank) for c in row.cells] == [("88.00", 2), ("88.00", 2)]
    assert response.context["chart"]["series"][0]["values"] == [88.0, 88.0]


def _queries(client, url, method="get", data=None, status=200) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(url, data or {})
    assert response.status_code == status
    return len(captured)


def test_making_and_reading_bulletins_does_not_query_per_unit(client, district, office_user, town):
    client.force_login(office_user)
    create = reverse("reports:bulletin_create", args=[2026])
    few = _queries(client, create, "post", {}, status=302)  # to the new bulletin
    bulletin = ProgressBulletin.objects.latest("pk")
    reads = [
        _queries(client, _list()),
        _queries(client, reverse("reports:bulletin_detail", args=[2026, bulletin.pk])),
        _queries(client, reverse("reports:bulletin_compare", args=[2026])),
    ]
    gdp = Indicator.objects.get(code="E01")
    for n in range(8):
        unit = UnitFactory(code=f"T{n:02d}", category=town)
        gdp.targets.create(unit=unit, target=D(100))
        Evidence.objects.create(
            unit=unit, indicator=gdp, date=JULY, value=D(n), description="x", status="verified"
        )

    assert _queries(client, create, "post", {}, status=302) == few
    bulletin = ProgressBulletin.objects.latest("pk")
    assert [
        _queries(client, _list()),
        _queries(client, reverse("reports:bulletin_detail", args=[2026, bulletin.pk])),
        _queries(client, reverse("reports:bulletin_compare", args=[2026])),
    ] == reads
