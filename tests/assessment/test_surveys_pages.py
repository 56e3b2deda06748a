"""The office's survey pages, who may do what, and where a closed survey's rate goes: the
computed results, the imports and the admin site."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from assessment.imports import workbook_import
from assessment.models import (
    Survey,
    SurveyAccess,
    SurveyCode,
    SurveyRate,
    SurveyStatus,
    UnitResult,
    YearStatus,
)
from assessment.services.compute import results_compute
from assessment.services.grading import GridError, grading_save
from assessment.services.surveys import survey_close
from tests.access_matrix_surveys import add_response, build_survey, survey_indicator
from tests.assessment.factories import IndicatorFactory
from tests.assessment.workflow import build_district
from tests.factories import UnitFactory, UserFactory
from tests.imports_helpers import xlsx_bytes
from tests.test_csp_pages import _assert_keeps_to_the_policy

pytestmark = pytest.mark.django_db

D = Decimal
SAT, FAIR, DIS = "satisfied", "fair", "dissatisfied"


@pytest.fixture
def indicator(year, town):
    return survey_indicator(year, town)


@pytest.fixture
def survey(year, indicator, unit_a):
    return build_survey(year=year, unit=unit_a, indicator=indicator, min_responses=2)


def page(client, name: str, **kwargs) -> str:
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# --- the office prepares, opens and closes ----------------------------------------------------


def test_the_office_creates_opens_and_closes_a_survey_from_the_pages(
    english, year, indicator, unit_a, office_user
):
    english.force_login(office_user)
    new = reverse("assessment:survey_create", kwargs={"year": 2026})
    _assert_keeps_to_the_policy(english.get(new), new)
    response = english.post(
        new,
        {
            "indicator": indicator.pk,
            "unit": unit_a.pk,
            "title": "甲镇便民服务满意度",
            "service": "便民服务中心",
            "access": SurveyAccess.LINK,
            "min_responses": 2,
            "value_satisfied": "1",
            "value_fair": "0.6",
            "value_dissatisfied": "0",
            "questions": "服务态度\n办事效率\n",
        },
    )
    survey = Survey.objects.get()
    assert response["Location"] == reverse("assessment:survey_detail", kwargs={"pk": survey.pk})
    detail = reverse("assessment:survey_detail", kwargs={"pk": survey.pk})
    _assert_keeps_to_the_policy(english.get(detail), detail)

    english.post(reverse("assessment:survey_open", kwargs={"pk": survey.pk}))
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.OPEN
    text = page(english, "assessment:survey_detail", pk=survey.pk)
    assert f"/survey/{survey.token}/" in text

    add_response(survey, [SAT, FAIR])  # 0.8
    refused = english.post(
        reverse("assessment:survey_close", kwargs={"pk": survey.pk}), follow=True
    )
    assert "Only 1 valid responses for 甲镇 on 群众满意度, 2 are needed" in refused.content.decode()

    add_response(survey, [DIS, FAIR])  # 0.3
    text = page(english, "assessment:survey_detail", pk=survey.pk)
    assert "1.1 ÷ 2 = 0.550000 (55.00%)" in text  # the rate in words, before closing
    closed = english.post(reverse("assessment:survey_close", kwargs={"pk": survey.pk}), follow=True)
    assert "The rate of 甲镇 on 群众满意度 is now 0.550000" in closed.content.decode()
    assert SurveyRate.objects.get(unit=unit_a).rate == D("0.55")


def test_the_detail_shows_the_live_tally_and_what_is_not_counted(english, survey, office_user):
    add_response(survey, [SAT, SAT])
    add_response(survey, [SAT, DIS])
    add_response(survey, [DIS, DIS], reason="too_fast")
    english.force_login(office_user)

    text = page(english, "assessment:survey_detail", pk=survey.pk)

    assert "2 valid responses (2 needed), 1 not counted." in text
    assert "sent back too quickly after the page was shown: 1" in text
    # 服务态度: 2 satisfied → mean 1; 办事效率: 1 satisfied, 1 dissatisfied → 0.5
    assert '<td class="text-end">1.0000</td>' in text and '<td class="text-end">0.5000</td>' in text
    # (1 + 0.5) ÷ 2 = 0.75
    assert "1.5 ÷ 2 = 0.750000 (75.00%)" in text


def test_a_draft_is_changed_on_its_page_but_not_an_open_survey(
    english, year, indicator, unit_a, office_user
):
    draft = build_survey(year=year, unit=unit_a, indicator=indicator, status=SurveyStatus.DRAFT)
    english.force_login(office_user)
    edit = reverse("assessment:survey_edit", kwargs={"pk": draft.pk})
    form = english.get(edit).context["form"]
    assert form["questions"].value() == "服务态度\n办事效率"
    data = {name: "" if form[name].value() is None else form[name].value() for name in form.fields}
    data.update({"indicator": indicator.pk, "unit": unit_a.pk, "questions": "窗口环境"})
    saved = english.post(edit, data)
    assert saved.status_code == 302, saved.context["form"].errors
    assert list(draft.questions.values_list("text", flat=True)) == ["窗口环境"]

    opened = build_survey(year=year, unit=unit_a, indicator=indicator, title="已开")
    response = english.get(reverse("assessment:survey_edit", kwargs={"pk": opened.pk}), follow=True)
    assert "Only a survey being prepared can be changed." in response.content.decode()


def test_the_list_counts_valid_and_invalid_responses_and_filters(
    english, year, indicator, unit_a, unit_b, office_user
):
    mine = build_survey(year=year, unit=unit_a, indicator=indicator, title="甲镇调查")
    build_survey(
        year=year, unit=unit_b, indicator=indicator, title="乙镇调查", status=SurveyStatus.DRAFT
    )
    add_response(mine, [SAT, SAT])
    add_response(mine, [SAT, SAT], reason="repeat")
    english.force_login(office_user)

    response = english.get(reverse("assessment:survey_list", kwargs={"year": 2026}))
    _assert_keeps_to_the_policy(response, "survey list")
    rows = {s.title: (s.valid_count, s.invalid_count) for s in response.context["surveys"]}
    assert rows == {"甲镇调查": (1, 1), "乙镇调查": (0, 0)}
    filtered = english.get(
        reverse("assessment:survey_list", kwargs={"year": 2026}), {"status": "draft"}
    )
    assert [s.title for s in filtered.context["surveys"]] == ["乙镇调查"]
    by_unit = english.get(reverse("assessment:survey_list", kwargs={"year": 2026}), {"unit": "A01"})
    assert [s.title for s in by_unit.context["surveys"]] == ["甲镇调查"]


# --- who may do what --------------------------------------------------------------------------


def test_a_unit_reads_its_own_surveys_only_and_changes_nothing(
    client, year, indicator, unit_a, unit_b, survey, reporter_a, reporter_b
):
    other = build_survey(year=year, unit=unit_b, indicator=indicator, title="乙镇调查")
    client.force_login(reporter_a)
    listed = client.get(reverse("assessment:survey_list", kwargs={"year": 2026}))
    assert [s.pk for s in listed.context["surveys"]] == [survey.pk]
    assert not listed.context["may_create"]
    detail = client.get(reverse("assessment:survey_detail", kwargs={"pk": survey.pk}))
    assert detail.status_code == 200 and not detail.context["may_close"]
    assert (
        client.get(reverse("assessment:survey_detail", kwargs={"pk": other.pk})).status_code == 403
    )
    for name in ("survey_close", "survey_open", "survey_codes"):
        assert (
            client.post(reverse(f"assessment:{name}", kwargs={"pk": survey.pk})).status_code == 403
        )
    assert client.get(reverse("assessment:survey_create", kwargs={"year": 2026})).status_code == 403
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.OPEN

    client.force_login(reporter_b)
    listed = client.get(reverse("assessment:survey_list", kwargs={"year": 2026}))
    assert [s.pk for s in listed.context["surveys"]] == [other.pk]


def test_a_district_leader_reads_every_survey_but_manages_none(
    client, year, indicator, unit_b, survey, leader_user
):
    build_survey(year=year, unit=unit_b, indicator=indicator, title="乙镇调查")
    client.force_login(leader_user)
    listed = client.get(reverse("assessment:survey_list", kwargs={"year": 2026}))
    assert len(listed.context["surveys"]) == 2
    assert (
        client.post(reverse("assessment:survey_close", kwargs={"pk": survey.pk})).status_code == 403
    )


def test_the_office_is_told_why_a_survey_cannot_be_prepared_in_the_publicity(
    english, year, office_user
):
    year.status = YearStatus.PUBLICITY
    year.save()
    english.force_login(office_user)
    response = english.get(reverse("assessment:survey_create", kwargs={"year": 2026}), follow=True)
    assert "satisfaction surveys can no longer be prepared, opened or closed" in (
        response.content.decode()
    )


# --- slips and poster -------------------------------------------------------------------------


def test_the_office_downloads_slips_whose_codes_are_stored_as_digests_only(
    client, year, indicator, unit_a, office_user
):
    survey = build_survey(year=year, unit=unit_a, indicator=indicator, access=SurveyAccess.CODES)
    client.force_login(office_user)
    response = client.post(
        reverse("assessment:survey_codes", kwargs={"pk": survey.pk}), {"size": 9}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "no-store" in response["Cache-Control"]
    assert SurveyCode.objects.filter(batch__survey=survey).count() == 9

    refused = client.post(
        reverse("assessment:survey_codes", kwargs={"pk": survey.pk}), {"size": 0}, follow=True
    )
    assert refused.redirect_chain and SurveyCode.objects.count() == 9


def test_a_unit_downloads_the_poster_of_its_survey(client, survey, reporter_a):
    client.force_login(reporter_a)
    response = client.get(reverse("assessment:survey_poster", kwargs={"pk": survey.pk}))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


# --- the rate in the results ------------------------------------------------------------------


def test_a_closed_surveys_rate_scores_points_times_rate_in_the_results(
    town, unit_a, unit_b, office_user
):
    """S01 群众满意度, 10 points: 甲镇's survey gives 0.7, so 10 × 0.7 = 7.00; 乙镇 has no rate
    and scores 0 (with the engine's warning)."""
    year = build_district(town, unit_a, unit_b, office_user)  # 甲镇 89.20, 乙镇 85.00
    indicator = survey_indicator(year, town, points=10)
    survey = build_survey(year=year, unit=unit_a, indicator=indicator, min_responses=3)
    add_response(survey, [SAT, FAIR])  # 0.8
    add_response(survey, [FAIR, DIS])  # 0.3
    add_response(survey, [SAT, SAT])  # 1  → 2.1 ÷ 3 = 0.7
    survey_close(survey=survey, by=office_user)
    with translation.override("en"):
        run = results_compute(year=year, by=office_user)

    result = UnitResult.objects.get(run=run, unit=unit_a)
    assert D(result.scores["S01"]) == D("7.00")
    assert result.total == D("96.20")  # 89.20 + 7.00
    assert result.details["S01"]["rate"] == "0.7"
    assert UnitResult.objects.get(run=run, unit=unit_b).total == D("85.00")


# --- no other door overwrites a survey's rate -------------------------------------------------


SURVEYS = ["年度", "单位代码", "指标代码", "得分率"]


def test_an_import_cannot_overwrite_a_rate_from_a_survey(
    year, indicator, survey, office_user, unit_b
):
    add_response(survey, [SAT, FAIR])
    add_response(survey, [SAT, FAIR])
    survey_close(survey=survey, by=office_user)  # 0.8
    rows = [SURVEYS, [2026, "A01", "S01", 0.95], [2026, "B01", "S01", 0.9]]
    with translation.override("en"):
        preview = workbook_import(
            kind="surveys", data=xlsx_bytes(rows), file_name="满意度.xlsx", user=office_user
        )
        errors = [str(error) for error in preview.errors]

    assert not preview.committed
    assert errors == [
        "Row 2, “得分率”: The rate of A01 on S01 comes from the satisfaction survey "
        "“政务服务满意度调查” and cannot be imported."
    ]
    assert SurveyRate.objects.get(unit__code="A01").rate == D("0.8")
    # The same rate again (a file exported and imported back) changes nothing and passes.
    again = [SURVEYS, [2026, "A01", "S01", 0.8], [2026, "B01", "S01", 0.9]]
    preview = workbook_import(
        kind="surveys", data=xlsx_bytes(again), file_name="满意度.xlsx", user=office_user
    )
    assert preview.committed
    assert SurveyRate.objects.get(unit=unit_b).survey is None


def test_an_import_cannot_set_a_rate_a_running_survey_will_give(
    year, indicator, survey, office_user
):
    with translation.override("en"):
        preview = workbook_import(
            kind="surveys",
            data=xlsx_bytes([SURVEYS, [2026, "A01", "S01", 0.95]]),
            file_name="满意度.xlsx",
            user=office_user,
        )
        error = str(preview.errors[0])
    assert "is open: its rate will come from the survey when it closes" in error
    assert not SurveyRate.objects.exists()


def test_the_admin_shows_a_survey_rate_read_only(client, year, indicator, survey, office_user):
    add_response(survey, [SAT, SAT])
    add_response(survey, [SAT, SAT])
    survey_close(survey=survey, by=office_user)
    rate = SurveyRate.objects.get()
    imported = SurveyRate.objects.create(
        indicator=IndicatorFactory(year=year, category=indicator.category, method="survey"),
        unit=survey.unit,
        rate=D("0.9"),
    )
    client.force_login(office_user)

    shown = client.get(reverse("admin:assessment_surveyrate_change", args=[rate.pk]))
    assert shown.status_code == 200
    assert 'name="rate"' not in shown.content.decode()  # view only
    posted = client.post(
        reverse("admin:assessment_surveyrate_change", args=[rate.pk]),
        {"indicator": rate.indicator_id, "unit": rate.unit_id, "rate": "0.1"},
    )
    assert posted.status_code == 403
    assert (
        client.get(reverse("admin:assessment_surveyrate_delete", args=[rate.pk])).status_code == 403
    )
    rate.refresh_from_db()
    assert rate.rate == D("1")
    editable = client.get(reverse("admin:assessment_surveyrate_change", args=[imported.pk]))
    assert 'name="rate"' in editable.content.decode()
    # The surveys and their anonymous responses are listed for administrators.
    admin_user = UserFactory(username="root", unit=None, is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    listed = client.get(reverse("admin:assessment_survey_changelist"))
    assert listed.status_code == 200 and "政务服务满意度调查" in listed.content.decode()
    responses = client.get(reverse("admin:assessment_surveyresponse_changelist"))
    assert responses.status_code == 200 and "fp-" not in responses.content.decode()


def test_the_grading_grid_cannot_overwrite_a_rate_from_a_survey(
    year, indicator, survey, office_user
):
    add_response(survey, [SAT, SAT])
    add_response(survey, [FAIR, FAIR])
    survey_close(survey=survey, by=office_user)  # 0.8
    with translation.override("en"), pytest.raises(GridError) as refused:
        grading_save(indicator=indicator, rows={"A01": {"rate": D("0.99")}}, by=office_user)
    assert "comes from a satisfaction survey" in str(refused.value)
    assert SurveyRate.objects.get().rate == D("0.8")


def test_the_survey_form_itself_checks_the_models_rules(year, indicator, unit_a):
    """The form validates its survey as the model does (values going down, dates in order),
    so the office sees each problem beside its field before anything reaches the service."""
    from assessment.forms.surveys import SurveyForm

    form = SurveyForm(
        {
            "indicator": indicator.pk,
            "unit": unit_a.pk,
            "title": "甲镇便民服务满意度",
            "access": SurveyAccess.LINK,
            "opens_on": "2026-06-30",
            "closes_on": "2026-06-01",
            "min_responses": 2,
            "value_satisfied": "0.5",
            "value_fair": "0.6",
            "value_dissatisfied": "0",
            "questions": "服务态度\n",
        },
        year=year,
    )
    with translation.override("en"):
        assert not form.is_valid()
        assert form.errors["closes_on"] == ["The answers cannot close before they open."]
        assert form.errors["value_fair"] == [
            "The values must go down from “satisfied” to “dissatisfied”, and “satisfied” must "
            "be worth more than “dissatisfied”."
        ]


# --- queries ----------------------------------------------------------------------------------


def _queries(client, name: str, **kwargs) -> int:
    with CaptureQueriesContext(connection) as queries:
        page(client, name, **kwargs)
    return len(queries)


def test_the_survey_pages_make_the_same_queries_for_one_survey_or_seven(
    client, year, indicator, unit_a, unit_b, town, office_user
):
    """The list reads no more for seven surveys of five units than for one; a survey's page no
    more for twelve responses, valid and not, on three questions than for one on two."""
    small = build_survey(year=year, unit=unit_a, indicator=indicator, title="甲镇调查")
    add_response(small, [SAT, FAIR])
    client.force_login(office_user)
    few_list = _queries(client, "assessment:survey_list", year=2026)
    few_detail = _queries(client, "assessment:survey_detail", pk=small.pk)

    units = [unit_b, *(UnitFactory(code=f"S{n}", category=town) for n in range(3))]
    for number, unit in enumerate(units):
        build_survey(year=year, unit=unit, indicator=indicator, title=f"调查{number}")
        build_survey(
            year=year, unit=unit, indicator=indicator, title=f"草稿{number}",
            status=SurveyStatus.DRAFT,
        )  # fmt: skip
    large = build_survey(
        year=year, unit=unit_a, indicator=indicator, title="甲镇第二次调查",
        questions=("服务态度", "办事效率", "窗口环境"),
    )  # fmt: skip
    for answers in ([SAT, SAT, FAIR], [DIS, FAIR, SAT], [SAT, SAT, SAT]) * 3:
        add_response(large, answers)
    add_response(large, [SAT, SAT, SAT], reason="repeat")
    add_response(large, [DIS, DIS, DIS], reason="too_fast")
    add_response(large, [FAIR, FAIR, FAIR], reason="repeat")
    assert Survey.objects.filter(year=year).count() == 1 + 8 + 1
    assert large.responses.count() == 12

    assert _queries(client, "assessment:survey_list", year=2026) == few_list
    assert _queries(client, "assessment:survey_detail", pk=large.pk) == few_detail
