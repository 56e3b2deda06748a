"""Say no before the user types: a record form the user may not send now is shown read-only
with the reason (no button to press), and a POST sent anyway is still refused; a reporter's
form lists only the indicators its unit reports."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from assessment.models import Evidence, EvidenceStatus, ProgressUpdate, YearStatus
from tests.assessment.factories import IndicatorFactory, town_indicators

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

D = Decimal
RECORD = reverse("assessment:evidence_record", args=[2026, "A01"])
NO_LONGER = (
    "Evidence for the 2026 assessment is no longer collected: only the assessment office may "
    "add a late record."
)
A_RECORD = {"date": "2026-11-20", "value": "150", "description": "十一月完成"}


@pytest.fixture
def indicators(year, town):
    """E01 (completion) and G01 (graded) of the towns, a city rank, a survey rate and a bonus."""
    gdp, party = town_indicators(year, town)
    extra = {
        method: IndicatorFactory(year=year, category=town, code=code, method=method, points=D(5))
        for code, method in [("R01", "city_rank"), ("S01", "survey"), ("B01", "bonus")]
    }
    return {"completion": gdp, "graded": party, **extra}


def _closed(year, status):  # type: ignore[no-untyped-def]
    year.status = status
    year.save()


def _read_only(html: str) -> bool:
    """The record's fields sit in a disabled fieldset and there is no button to send them."""
    return "<fieldset disabled>" in html and 'id="record-submit"' not in html


def test_a_reporter_s_form_lists_only_what_the_unit_reports(english, reporter_a, indicators):
    english.force_login(reporter_a)
    form = english.get(RECORD).context["form"]
    listed = [indicator.code for indicator in form.fields["indicator"].queryset]
    assert sorted(listed) == ["B01", "E01"]  # not the grade, the city rank nor the survey rate
    refused = english.post(RECORD, {**A_RECORD, "indicator": indicators["graded"].pk})
    assert "Select a valid choice" in refused.content.decode()
    assert not Evidence.objects.exists()


def test_the_lead_department_still_records_on_the_indicator_it_leads(
    english, lead_user, lead_unit, unit_a, indicators
):
    indicators["graded"].lead_unit = lead_unit
    indicators["graded"].save()
    english.force_login(lead_user)
    form = english.get(RECORD).context["form"]
    assert [i.code for i in form.fields["indicator"].queryset] == ["G01"]


def test_past_collection_the_reporter_s_form_is_read_only_with_the_reason(
    english, reporter_a, indicators, year
):
    _closed(year, YearStatus.SCORING)
    english.force_login(reporter_a)
    page = english.get(RECORD).content.decode()
    assert NO_LONGER in page and 'id="year-closed"' in page
    assert _read_only(page)
    # Sent anyway (an old tab, a crafted request): refused on the server, nothing stored.
    sent = english.post(RECORD, {**A_RECORD, "indicator": indicators["completion"].pk})
    assert sent.status_code == 200 and NO_LONGER in sent.content.decode()
    assert not Evidence.objects.exists()


def test_a_published_year_says_a_review_must_be_opened_first(english, reporter_a, indicators, year):
    _closed(year, YearStatus.PUBLISHED)
    english.force_login(reporter_a)
    page = english.get(RECORD).content.decode()
    assert "The 2026 results are published and cannot change" in page and _read_only(page)


def test_the_office_still_records_late_with_a_reason_on_an_active_form(
    english, office_user, unit_a, indicators, year
):
    _closed(year, YearStatus.SCORING)
    english.force_login(office_user)
    page = english.get(RECORD).content.decode()
    assert 'id="year-closed"' not in page and 'name="late_reason"' in page
    assert not _read_only(page)


def test_a_correction_past_collection_is_read_only(english, reporter_a, unit_a, indicators, year):
    record = Evidence.objects.create(
        unit=unit_a,
        indicator=indicators["completion"],
        date=datetime.date(2026, 3, 1),
        value=D(5),
        description="三月",
        status=EvidenceStatus.REJECTED,
        recorded_by=reporter_a,
    )
    _closed(year, YearStatus.SCORING)
    english.force_login(reporter_a)
    url = reverse("assessment:evidence_correct", args=[record.pk])
    page = english.get(url).content.decode()
    assert NO_LONGER in page and _read_only(page)
    english.post(url, {"date": "2026-03-01", "value": "6", "description": "三月", "reason": "改"})
    assert Evidence.objects.count() == 1


def test_progress_past_collection_is_read_only_and_refused(english, reporter_a, task, year):
    _closed(year, YearStatus.SCORING)
    english.force_login(reporter_a)
    url = reverse("assessment:project_progress_record", args=[task.pk])
    page = english.get(url).content.decode()
    assert NO_LONGER in page and _read_only(page)
    english.post(url, {"date": "2026-05-10", "amount": "30", "description": "完成 30 亩"})
    assert not ProgressUpdate.objects.exists()


def test_while_collecting_the_forms_are_active(english, reporter_a, indicators, task):
    english.force_login(reporter_a)
    progress = reverse("assessment:project_progress_record", args=[task.pk])
    for url in (RECORD, progress):
        page = english.get(url).content.decode()
        assert 'id="year-closed"' not in page and 'id="record-submit"' in page


def test_out_of_the_publicity_the_objection_form_is_read_only(
    english, reporter_a, unit_a, indicators
):
    english.force_login(reporter_a)
    page = english.get(reverse("assessment:objection_file", args=[2026, "A01"])).content.decode()
    assert "Objections can be filed only while the results are in publicity" in page
    assert "<fieldset disabled>" in page and 'id="objection-submit"' not in page
