"""Target-responsibility letters (目标责任书): who reads which, and what they say."""

import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from assessment.models import Indicator, Target
from tests.factories import CadreFactory, UnitFactory
from tests.reports import test_staff_district as staff_district

pytestmark = pytest.mark.django_db

# The small district's fixtures (tests.reports.test_staff_district), shared.
district = staff_district.district
unit_c = staff_district.unit_c


def _letter(unit="A01", year=2026):
    return reverse("reports:letter", args=[year, unit])


def _pdf(unit="A01", year=2026):
    return reverse("reports:letter_pdf", args=[year, unit])


def _pdf_text(content: bytes) -> str:
    """The PDF's text without whitespace (and NULs): pypdf spaces out CJK characters."""
    reader = PdfReader(io.BytesIO(content))
    return re.sub(r"[\s\x00]+", "", "".join(page.extract_text() for page in reader.pages))


def test_the_letter_lists_the_units_indicators_grouped_with_targets_and_cadres(
    client, district, office_user, lead_unit
):
    client.force_login(office_user)

    response = client.get(_letter())

    assert response.status_code == 200
    letter = response.context["letter"]
    assert [g.name for g in letter.groups] == ["经济发展", "党的建设"]
    [gdp] = letter.groups[0].lines
    assert (gdp.indicator.code, gdp.target_text, gdp.base_text, gdp.leader.name) == (
        "E01",
        "500",
        "300",
        "张三",
    )
    assert letter.regular_points == 100
    html = response.content.decode()
    for text in ["地区生产总值", "党建工作", "亿元", "张三", lead_unit.name, "甲镇"]:
        assert text in html
    assert "js-print" in html  # printable: a print button and a print stylesheet
    assert "@media print" in html


def test_the_letter_pdf_reads_back_with_the_targets_and_the_signature_lines(
    client, district, office_user
):
    client.force_login(office_user)

    response = client.get(_pdf())

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="letter-2026-A01.pdf"' in response["Content-Disposition"]
    text = _pdf_text(response.content)
    for expected in ["甲镇", "A01", "地区生产总值", "党建工作", "500", "300", "张三", "亿元"]:
        assert expected in text
    # Signature lines for the unit and for the district.
    assert "Responsibleunit(seal)" in text or "责任单位" in text
    assert "Districtassessmentcommittee(seal)" in text or "考核委员会" in text
    assert text.count("____") >= 3


def test_the_letter_pdf_sets_numbers_in_chinese_text_without_gaps(client, district, office_user):
    client.force_login(office_user)
    content = client.get(_pdf()).content
    # Only pypdf's NULs go; the spaces are the PDF's own.
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    text = text.replace("\x00", "")
    # The intro runs over two lines: set flush left, its spaces keep their width, where a
    # justified line stretched "在 2026 年度" to "在  2026  年度" (a gap of 5½ characters).
    intro = text[text.index("根据") : text.index("常规分值。")]
    assert "甲镇承诺在 2026 年度完成以下目标任务" in intro
    assert "  " not in intro and "合计 100" in intro


def test_a_reporter_reads_their_own_units_letter_only(client, district, reporter_a):
    client.force_login(reporter_a)

    assert client.get(_letter("A01")).status_code == 200
    assert client.get(_pdf("A01")).status_code == 200
    assert client.get(_letter("B01")).status_code == 403
    assert client.get(_pdf("B01")).status_code == 403
    # The list takes them straight to their own letter.
    response = client.get(reverse("reports:letter_list", args=[2026]))
    assert response.status_code == 302 and response["Location"] == _letter("A01")


def test_a_lead_department_reads_its_own_letter_not_the_towns(client, district, lead_user):
    client.force_login(lead_user)

    assert client.get(_letter("A01")).status_code == 403
    assert client.get(_letter("JJ01")).status_code == 200


def test_district_leaders_read_every_letter(client, district, leader_user):
    client.force_login(leader_user)

    assert client.get(_letter("B01")).status_code == 200
    response = client.get(reverse("reports:letter_list", args=[2026]), {"category": "town"})
    assert [u.code for u in response.context["page"]] == ["A01", "B01", "C01"]


def test_the_wrong_people_get_no_letter(client, district, supervision_user, nobody):
    client.force_login(supervision_user)  # no unit of their own here
    assert client.get(_letter("A01")).status_code == 403
    assert client.get(reverse("reports:letter_list", args=[2026])).status_code == 403
    client.force_login(nobody)
    assert client.get(_letter("A01")).status_code == 403
    client.logout()
    assert client.get(_pdf("A01")).status_code == 302  # to the login page


def test_an_unknown_unit_or_year_is_not_found(client, district, office_user):
    client.force_login(office_user)

    assert client.get(_letter("ZZ99")).status_code == 404
    assert client.get(_letter("A01", year=2030)).status_code == 404


def test_the_letter_makes_the_same_queries_whatever_the_size_of_the_scheme(
    client, district, office_user, town, unit_a
):
    client.force_login(office_user)
    with CaptureQueriesContext(connection) as few:
        client.get(_letter())
    for n in range(6):
        indicator = Indicator.objects.create(
            year=district,
            category=town,
            code=f"N{n}",
            name=f"指标{n}",
            group="经济发展",
            points=1,
            method="completion",
            sort_order=1,
        )
        leader = CadreFactory(unit=unit_a, name=f"干部{n}")
        Target.objects.create(indicator=indicator, unit=unit_a, target=10, leader=leader)
        UnitFactory(category=town)
    with CaptureQueriesContext(connection) as many:
        response = client.get(_letter())
    assert len(response.context["letter"].groups[0].lines) == 7
    assert len(many) == len(few)
