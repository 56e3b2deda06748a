"""The bonus distribution (奖优罚劣): shares and amounts that add up to the pool, and the
workbook for the finance office.

The towns of ``test_staff_district`` compute to 甲镇 excellent (coefficient 1.2, headcount 40),
乙镇 good (1.0, 30) and 丙镇 average (0.8, 30): weights 48, 30 and 24, Σ = 102. Of a pool of
100 yuan: 47.06, 29.41 and 23.53; floors 47 + 29 + 23 = 99, and the yuan left over goes to the
largest remainder, 丙镇's 0.53: 47 + 29 + 24 = 100.
"""

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from assessment.services.compute import results_compute
from tests.assessment.factories import UnitResultFactory
from tests.factories import UnitFactory
from tests.reports import test_staff_district as staff_district
from tests.reports.test_staff_district import build_district

pytestmark = pytest.mark.django_db

# The small district's fixtures (tests.reports.test_staff_district), shared.
unit_c = staff_district.unit_c
D = Decimal


@pytest.fixture
def towns(town, unit_a, unit_b, unit_c):
    return build_district(town, (unit_a, unit_b, unit_c))


@pytest.fixture
def run(towns, office_user):
    return results_compute(year=towns, by=office_user, bonus_pool=100)


def _bonus():
    return reverse("reports:bonus", args=[2026])


def _xlsx():
    return reverse("reports:bonus_xlsx", args=[2026])


def test_the_amounts_add_up_to_the_pool_as_worked_out_by_hand(client, run, office_user):
    client.force_login(office_user)

    response = client.get(_bonus())

    table = response.context["table"]
    got = [
        (
            line.result.unit.code,
            line.result.tier,
            line.coefficient,
            line.headcount,
            line.weight,
            line.share,
            line.percent,
            line.amount,
        )
        for line in table.lines
    ]
    assert got == [
        ("A01", "excellent", D("1.2"), 40, D(48), D("47.06"), D("47.06"), 47),
        ("B01", "good", D("1.0"), 30, D(30), D("29.41"), D("29.41"), 29),
        ("C01", "average", D("0.8"), 30, D(24), D("23.53"), D("23.53"), 24),
    ]
    assert (table.pool, table.total_amount, table.total_weight) == (100, 100, D(102))
    assert table.consistent and table.paid
    html = response.content.decode()
    assert 'id="bonus-total">100<' in html and 'id="bonus-pool">100<' in html


def test_a_pool_of_five_million(client, towns, office_user):
    results_compute(year=towns, by=office_user, bonus_pool=5_000_000)
    client.force_login(office_user)

    table = client.get(_bonus()).context["table"]

    # 5,000,000 × 48 / 102 = 2,352,941.18; × 30 / 102 = 1,470,588.24; × 24 / 102 = 1,176,470.59;
    # the floors leave 1 yuan, to 丙镇 (remainder 0.59).
    assert [line.amount for line in table.lines] == [2_352_941, 1_470_588, 1_176_471]
    assert [line.share for line in table.lines] == [
        D("2352941.18"),
        D("1470588.24"),
        D("1176470.59"),
    ]
    assert table.total_amount == 5_000_000


def test_the_workbook_has_numbers_as_numbers_and_a_total_row(client, run, leader_user):
    client.force_login(leader_user)

    response = client.get(_xlsx())

    assert response.status_code == 200
    assert 'filename="bonus-2026.xlsx"' in response["Content-Disposition"]
    rows = list(
        load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True)
    )
    assert rows[1] == ("A01", "甲镇", "镇街", rows[1][3], 1.2, 40, 48, 47.06, 47)
    assert rows[2][4:] == (1, 30, 30, 29.41, 29)
    assert rows[3][4:] == (0.8, 30, 24, 23.53, 24)
    total = rows[4]
    assert total[5:] == (100, 102, None, 100)
    assert sum(row[8] for row in rows[1:4]) == 100
    assert rows[6][8] == 100  # the pool, under the table
    for row in rows[1:5]:
        assert all(isinstance(value, int | float) for value in row[5:7] + row[8:9])


def test_a_changed_headcount_is_flagged_until_the_results_are_recomputed(
    client, run, office_user, unit_b
):
    unit_b.headcount = 60
    unit_b.save()
    client.force_login(office_user)

    response = client.get(_bonus())

    assert not response.context["table"].consistent
    assert 'id="bonus-stale"' in response.content.decode()


def test_results_without_a_pool_have_no_distribution(client, towns, office_user):
    results_compute(year=towns, by=office_user, bonus_pool=None)
    client.force_login(office_user)

    response = client.get(_bonus())

    assert 'id="no-pool"' in response.content.decode()
    assert client.get(_xlsx()).status_code == 404


@pytest.mark.parametrize("user", ["reporter_a", "supervision_user", "nobody"])
def test_only_the_office_and_district_leaders_see_the_bonus(client, run, user, request):
    client.force_login(request.getfixturevalue(user))

    assert client.get(_bonus()).status_code == 403
    assert client.get(_xlsx()).status_code == 403


def test_the_bonus_page_does_not_query_per_unit(client, run, office_user, town):
    client.force_login(office_user)
    with CaptureQueriesContext(connection) as few:
        client.get(_bonus())
    for n in range(6):
        UnitResultFactory(run=run, unit=UnitFactory(category=town), rank=4 + n, bonus=0)
    with CaptureQueriesContext(connection) as many:
        response = client.get(_bonus())
    assert len(response.context["table"].lines) == 9
    assert len(many) == len(few)


def test_the_results_table_and_score_sheet_show_headcount_and_coefficient_beside_the_bonus(
    client, run, office_user, in_english
):
    client.cookies["django_language"] = "en"
    client.force_login(office_user)
    url = reverse("assessment:results", kwargs={"year": 2026, "category": "town"})
    html = " ".join(client.get(url).content.decode().split())
    # 甲镇: 47 yuan = its share of 1.2 × 40 of Σ 102; 丙镇: 24 yuan from 0.8 × 30.
    assert '<td class="text-end" data-bonus="A01">47<div' in html
    assert "40 staff × coefficient 1.2<" in html and "30 staff × coefficient 0.8<" in html
    sheet = reverse("assessment:score_sheet", kwargs={"year": 2026, "unit": "C01"})
    html = " ".join(client.get(sheet).content.decode().split())
    assert 'data-bonus="C01">24<div' in html and "30 staff × coefficient 0.8<" in html
