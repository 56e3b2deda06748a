"""Lead departments assess their own indicators: the grid of grades, city ranks and survey
rates, saved as one change; their own unit's row is the office's; the year's clock."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessment.models import CityRank, Grade, SurveyRate, YearStatus
from assessment.policy import Action, year_check
from assessment.services.evidence import evidence_record
from assessment.services.grading import GridError, grading_save
from tests.assessment.factories import IndicatorFactory
from tests.factories import UnitFactory, UserFactory
from units.roles import Role

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def peers(economic, lead_unit):
    """The economic departments assessed with the lead department itself."""
    return [UnitFactory(code=f"JJ{n:02d}", category=economic) for n in (2, 3)]


@pytest.fixture
def graded(year, economic, lead_unit, peers):
    return IndicatorFactory(
        year=year, category=economic, code="Q1", method="graded", lead_unit=lead_unit
    )


@pytest.fixture
def ranked(year, economic, lead_unit, peers):
    return IndicatorFactory(
        year=year, category=economic, code="R1", method="city_rank", lead_unit=lead_unit
    )


@pytest.fixture
def survey(year, economic, lead_unit, peers):
    return IndicatorFactory(
        year=year, category=economic, code="S1", method="survey", lead_unit=lead_unit
    )


def grid_url(indicator):
    return reverse("assessment:grading_grid", kwargs={"year": 2026, "pk": indicator.pk})


def index_url():
    return reverse("assessment:grading_index", kwargs={"year": 2026})


def test_the_lead_department_saves_every_other_unit_in_one_post(client, lead_user, graded):
    client.force_login(lead_user)

    response = client.post(
        grid_url(graded),
        {"JJ02-grade": "A", "JJ02-reason": "全市第一", "JJ03-grade": "B", "JJ03-reason": ""},
        follow=True,
    )

    assert response.status_code == 200
    (message,) = response.context["messages"]
    assert message.level_tag == "success" and "2" in str(message)
    grades = {g.unit.code: g for g in Grade.objects.filter(indicator=graded)}
    assert {code: g.grade for code, g in grades.items()} == {"JJ02": "A", "JJ03": "B"}
    assert grades["JJ02"].reason == "全市第一"
    for grade in grades.values():
        assert grade.history.latest().history_user == lead_user


def test_the_service_counts_new_changed_and_unchanged_rows(lead_user, graded):
    first = grading_save(
        indicator=graded, rows={"JJ02": {"grade": "B"}, "JJ03": {"grade": "C"}}, by=lead_user
    )
    second = grading_save(
        indicator=graded,
        rows={"JJ02": {"grade": "B"}, "JJ03": {"grade": "D", "reason": "未完成"}},
        by=lead_user,
    )

    assert (first.created, first.updated, first.unchanged) == (2, 0, 0)
    assert (second.created, second.updated, second.unchanged) == (0, 1, 1)
    jj03 = Grade.objects.get(indicator=graded, unit__code="JJ03")
    assert (jj03.grade, jj03.reason, jj03.history.count()) == ("D", "未完成", 2)
    assert Grade.objects.get(indicator=graded, unit__code="JJ02").history.count() == 1


def test_a_grade_a_without_a_reason_refuses_the_whole_grid(client, lead_user, graded):
    client.force_login(lead_user)

    response = client.post(
        grid_url(graded), {"JJ02-grade": "A", "JJ02-reason": "", "JJ03-grade": "B"}
    )

    assert response.status_code == 200
    form = response.context["form"]
    (error,) = form.errors["JJ02-reason"]
    assert error == "评为 A 或 D 等级须填写理由。"
    assert form["JJ03-grade"].value() == "B"  # what was typed is kept
    assert "JJ02" in form["JJ02-reason"].label or "JJ02" in form.fields["JJ02-reason"].label
    assert not Grade.objects.exists()


def test_the_service_keys_its_errors_by_unit_code(lead_user, graded):
    with pytest.raises(GridError) as raised:
        grading_save(
            indicator=graded,
            rows={"JJ02": {"grade": "D"}, "JJ03": {"grade": "B"}},
            by=lead_user,
        )

    assert set(raised.value.message_dict) == {"JJ02"}
    assert "JJ02" in raised.value.message_dict["JJ02"][0]
    assert not Grade.objects.exists()


def test_the_lead_departments_own_row_is_the_offices(client, lead_user, office_user, graded):
    client.force_login(lead_user)
    response = client.get(grid_url(graded))
    assert "JJ01-grade" not in response.context["form"].fields
    assert [row.editable for row in response.context["rows"]] == [False, True, True]

    client.post(grid_url(graded), {"JJ01-grade": "A", "JJ01-reason": "自评", "JJ02-grade": "B"})
    assert set(Grade.objects.values_list("unit__code", flat=True)) == {"JJ02"}

    with pytest.raises(GridError) as raised:
        grading_save(indicator=graded, rows={"JJ01": {"grade": "B"}}, by=lead_user)
    assert set(raised.value.message_dict) == {"JJ01"}

    client.force_login(office_user)
    client.post(grid_url(graded), {"JJ01-grade": "C"})
    own = Grade.objects.get(indicator=graded, unit__code="JJ01")
    assert own.grade == "C" and own.history.latest().history_user == office_user


def test_a_lead_department_of_another_indicator_is_refused(client, year, economic, graded):
    other = UnitFactory(code="JJ09", category=economic)
    other_lead = UserFactory(username="other_lead", role=Role.LEAD, unit=other)
    client.force_login(other_lead)

    assert client.get(grid_url(graded)).status_code == 403
    assert client.post(grid_url(graded), {"JJ02-grade": "B"}).status_code == 403
    assert not Grade.objects.exists()
    assert client.get(index_url()).context["indicators"] == []


def test_a_reporter_is_refused(client, reporter_a, graded):
    client.force_login(reporter_a)

    assert client.get(index_url()).status_code == 403
    assert client.get(grid_url(graded)).status_code == 403
    assert client.post(grid_url(graded), {"JJ02-grade": "B"}).status_code == 403


def test_the_index_lists_what_the_user_assesses(
    client, lead_user, office_user, year, economic, graded, ranked, survey
):
    IndicatorFactory(year=year, category=economic, code="C1", method="completion")
    IndicatorFactory(year=year, category=economic, code="Q2", method="graded", lead_unit=None)

    client.force_login(lead_user)
    codes = {i.code for i in client.get(index_url()).context["indicators"]}
    assert codes == {"Q1", "R1", "S1"}

    client.force_login(office_user)
    codes = {i.code for i in client.get(index_url()).context["indicators"]}
    assert codes == {"Q1", "R1", "S1", "Q2"}


def test_a_year_in_setup_is_refused_with_the_policys_message(client, lead_user, year, graded):
    year.status = YearStatus.SETUP
    year.save()
    with pytest.raises(ValidationError) as expected:
        year_check(year, Action.ENTER_ASSESSMENTS)
    client.force_login(lead_user)

    response = client.post(grid_url(graded), {"JJ02-grade": "B"})

    assert response.status_code == 200
    assert expected.value.messages[0] in response.context["form"].non_field_errors()
    assert expected.value.messages[0] in response.content.decode()
    assert not Grade.objects.exists()


def test_a_city_rank_above_the_number_ranked_is_refused(client, lead_user, ranked):
    client.force_login(lead_user)

    response = client.post(
        grid_url(ranked),
        {"JJ02-rank": "12", "JJ02-total": "10", "JJ03-rank": "3", "JJ03-total": "10"},
    )

    assert response.context["form"].errors["JJ02-rank"]
    assert response.context["form"]["JJ02-rank"].value() == "12"
    assert not CityRank.objects.exists()

    client.post(grid_url(ranked), {"JJ02-rank": "10", "JJ02-total": "10"})
    assert CityRank.objects.get(unit__code="JJ02").rank == 10


def test_a_survey_percentage_is_stored_as_given(client, lead_user, survey):
    client.force_login(lead_user)

    client.post(grid_url(survey), {"JJ02-rate": "85", "JJ03-rate": "0.9"})

    rates = dict(SurveyRate.objects.values_list("unit__code", "rate"))
    assert rates == {"JJ02": D("85"), "JJ03": D("0.9")}

    response = client.post(grid_url(survey), {"JJ02-rate": "120"})
    assert response.context["form"].errors["JJ02-rate"]
    assert SurveyRate.objects.get(unit__code="JJ02").rate == D("85")


def test_the_grid_reads_thirty_units_in_a_bounded_number_of_queries(
    client, office_user, year, town, django_assert_max_num_queries
):
    units = [UnitFactory(code=f"T{n:02d}", category=town) for n in range(30)]
    indicator = IndicatorFactory(year=year, category=town, code="Q9", method="graded")
    for unit in units[:10]:
        for day in (1, 2, 3, 4):
            evidence_record(
                unit=unit,
                indicator=indicator,
                date=datetime.date(2026, 3, day),
                value=D(day),
                description=f"记录{day}",
                by=office_user,
            )
    client.force_login(office_user)

    with django_assert_max_num_queries(12):
        response = client.get(grid_url(indicator))

    assert response.status_code == 200
    rows = {row.unit.code: row for row in response.context["rows"]}
    assert len(rows) == 30
    assert [e.description for e in rows["T00"].evidence.recent] == ["记录4", "记录3", "记录2"]
    assert rows["T00"].evidence.pending == D(10)
