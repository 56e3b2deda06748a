"""The results pages of the workflow: explanations beside the scores, the records behind them,
what a unit sees before, during and after the publicity, and what changed since the last run."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from assessment.models import Evidence, Grade, Indicator, YearStatus
from assessment.services.compute import results_compute
from tests.assessment.workflow import build_district, open_publicity
from tests.factories import UnitFactory, UserFactory
from units.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(_default_language, client, settings):
    settings.LANGUAGE_CODE = "en"  # the stored explanations are worded in the site's language
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def district(town, unit_a, unit_b, office_user):
    return build_district(town, unit_a, unit_b, office_user)


def _results(client, category="town"):
    return client.get(reverse("assessment:results", args=[2026, category]))


def test_each_score_is_shown_with_its_rule_and_numbers(client, leader_user, district):
    client.force_login(leader_user)
    response = _results(client)
    first = response.context["table"].rows[0]
    assert first.result.unit.code == "A01"
    gdp, party = first.cells
    assert (gdp.score, gdp.text) == ("55.20", "completion rate = 460 ÷ 500 = 92%; 60 × 92% = 55.20")
    assert gdp.records and not party.records  # a grade has no records behind it
    assert party.text == "grade B: 40 × 0.85 = 34.00"
    page = response.content.decode()
    assert "completion rate = 460 ÷ 500 = 92%; 60 × 92% = 55.20" in page
    assert reverse("assessment:indicator_records", args=[2026, "A01", "E01"]) in page
    assert reverse("assessment:score_sheet", args=[2026, "A01"]) in page


def test_the_records_page_lists_the_verified_current_records_behind_the_actual(
    client, office_user, district, unit_a
):
    gdp = Indicator.objects.get(code="E01")
    Evidence.objects.create(
        unit=unit_a, indicator=gdp, date="2026-07-01", value=999, description="待核实",
    )  # pending: not listed  # fmt: skip
    client.force_login(office_user)
    response = client.get(reverse("assessment:indicator_records", args=[2026, "A01", "E01"]))
    assert [r.value for r in response.context["records"]] == [120, 180, 160]
    assert response.context["actual"] == 460
    assert "待核实" not in response.content.decode()


@pytest.mark.parametrize("who", ["reporter_b", "nobody"])
def test_the_records_page_is_checked_like_the_evidence_pages(request, client, district, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("assessment:indicator_records", args=[2026, "A01", "E01"]))
    assert response.status_code == 403


def test_a_lead_department_reads_the_records_of_the_indicators_it_leads(
    client, district, lead_user, lead_unit
):
    client.force_login(lead_user)
    url = reverse("assessment:indicator_records", args=[2026, "A01", "E01"])
    assert client.get(url).status_code == 403  # not an indicator it leads
    Indicator.objects.filter(code="E01").update(lead_unit=lead_unit)
    assert client.get(url).status_code == 200


def test_the_score_sheet_explains_every_indicator_to_the_units_own_users(
    client, district, reporter_a, reporter_b
):
    client.force_login(reporter_a)
    response = client.get(reverse("assessment:score_sheet", args=[2026, "A01"]))
    assert response.status_code == 200
    assert [line["detail"]["text"] for line in response.context["lines"]] == [
        "completion rate = 460 ÷ 500 = 92%; 60 × 92% = 55.20",
        "grade B: 40 × 0.85 = 34.00",
    ]
    assert not response.context["may_object"]  # not in publicity yet
    client.force_login(reporter_b)
    assert client.get(reverse("assessment:score_sheet", args=[2026, "A01"])).status_code == 403


def test_before_the_publicity_a_reporter_sees_only_their_own_row(client, district, reporter_b):
    client.force_login(reporter_b)
    table = _results(client).context["table"]
    assert [row.result.unit.code for row in table.rows] == ["B01"]
    assert table.only_own_unit


def test_during_the_publicity_a_reporter_sees_the_ranking_of_their_own_category(
    client, district, office_user, reporter_b, economic
):
    other = UnitFactory(code="JJ09", category=economic)
    other_reporter = UserFactory(username="other", role=Role.REPORTER, unit=other)
    Indicator.objects.create(
        year=district, category=economic, code="X01", name="x", points=100, method="graded"
    )
    Grade.objects.create(indicator=Indicator.objects.get(code="X01"), unit=other, grade="A")
    results_compute(year=district, by=office_user)
    open_publicity(district, office_user)

    client.force_login(reporter_b)
    table = _results(client).context["table"]
    assert [row.result.unit.code for row in table.rows] == ["A01", "B01"]
    assert table.only_own_category and not table.only_own_unit
    assert _results(client, "economic").context["table"].rows == []  # another category
    # Its own sheet, with every rule, and the ranking; a peer's sheet (every score explained,
    # its objections) stays with that peer until the results are published.
    own = client.get(reverse("assessment:score_sheet", args=[2026, "B01"]))
    assert own.status_code == 200 and own.context["may_object"]
    assert client.get(reverse("assessment:score_sheet", args=[2026, "A01"])).status_code == 403
    client.force_login(other_reporter)
    assert [row.result.unit.code for row in _results(client).context["table"].rows] == []


@pytest.mark.parametrize("status", [YearStatus.PUBLISHED, YearStatus.REVIEW])
def test_after_publication_every_row_is_seen(client, district, reporter_b, status):
    district.status = status
    district.save()
    client.force_login(reporter_b)
    assert len(_results(client).context["table"].rows) == 2
    # Published, the explanations are public: a peer's sheet is readable too.
    assert client.get(reverse("assessment:score_sheet", args=[2026, "A01"])).status_code == 200


def test_the_results_page_shows_what_changed_since_the_previous_computation(
    client, district, office_user, unit_a
):
    client.force_login(office_user)
    assert _results(client).context["table"].previous is None  # computed once so far
    Grade.objects.filter(unit=unit_a).update(grade="A")
    results_compute(year=district, by=office_user, reason="异议成立后重新计算")
    response = _results(client)
    changes = [(c.unit, c.indicator, c.before, c.after) for c in response.context["table"].changes]
    assert changes == [("甲镇", "党建工作", "34.00", "40.00"), ("甲镇", "", "89.20", "95.20")]
    page = response.content.decode()
    assert "Changes since the previous computation" in page and "异议成立后重新计算" in page


def test_the_year_page_opens_the_publicity_with_an_end_date(client, district, office_user):
    client.force_login(office_user)
    page = client.get(reverse("assessment:year_detail", args=[2026]))
    assert page.context["asks_publicity_end"] and page.context["publish_form"] is None
    url = reverse("assessment:year_transition", args=[2026])
    response = client.post(
        url,
        {"transition-to": "publicity", "transition-publicity_ends": "2000-01-01"},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [
        "The publicity period cannot end in the past (2000-01-01)."
    ]
    client.post(url, {"transition-to": "publicity", "transition-publicity_ends": "2099-12-31"})
    district.refresh_from_db()
    assert district.status == YearStatus.PUBLICITY
    page = client.get(reverse("assessment:year_detail", args=[2026]))
    assert page.context["publish_form"] is not None and page.context["publish_early"]
    assert "2099-12-31" in page.content.decode()


def test_the_objection_and_publication_pages_need_a_staff_member(client, district, nobody):
    client.force_login(nobody)
    for url in (
        reverse("assessment:objection_list", args=[2026]),
        reverse("assessment:publication_list", args=[2026]),
        reverse("assessment:score_sheet", args=[2026, "A01"]),
    ):
        assert client.get(url).status_code == 403, url
    assert settings.LANGUAGE_CODE == "en"


def test_the_year_page_offers_a_review_once_published_and_a_new_version_in_review(
    client, district, office_user, reporter_a
):
    from assessment.services.publication import publish
    from assessment.services.year import year_transition

    open_publicity(district, office_user)
    publish(year=district, by=office_user, confirm_early=True)
    client.force_login(office_user)
    page = client.get(reverse("assessment:year_detail", args=[2026]))
    assert page.context["transitions"] == [YearStatus.REVIEW, YearStatus.ARCHIVED]
    assert page.context["publish_form"] is None and page.context["publication_count"] == 1
    year_transition(year=district, to=YearStatus.REVIEW, by=office_user, reason="复核")
    page = client.get(reverse("assessment:year_detail", args=[2026]))
    assert page.context["transitions"] == [] and not page.context["publish_early"]
    assert "Publish a new version" in page.content.decode()

    client.force_login(reporter_a)
    assert client.post(reverse("assessment:publish", args=[2026])).status_code == 403
    assert client.get(reverse("assessment:publish", args=[2026])).status_code == 405
