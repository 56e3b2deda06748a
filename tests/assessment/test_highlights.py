"""A unit's highlights (亮点/典型): 2–4 a year, by its own users or the office."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessment.models import Highlight, YearStatus
from assessment.services.highlights import highlight_register, highlight_withdraw
from tests.assessment.factories import IndicatorFactory, YearFactory

pytestmark = pytest.mark.django_db


def register(year, unit, by, title="亮点"):
    return highlight_register(year=year, unit=unit, title=title, description="做法与成效", by=by)


def test_the_first_highlight_warns_the_second_does_not(year, unit_a, reporter_a):
    first = register(year, unit_a, reporter_a, "一")
    assert first.below_minimum
    second = register(year, unit_a, reporter_a, "二")
    assert not second.below_minimum
    assert second.highlight.created_by == reporter_a
    assert second.highlight.history.get().history_user == reporter_a


def test_a_fifth_highlight_is_refused(year, unit_a, reporter_a, office_user):
    for number in range(4):
        register(year, unit_a, reporter_a if number % 2 else office_user, f"亮点{number}")
    with pytest.raises(ValidationError, match="最多登记 4 个工作亮点"):
        register(year, unit_a, reporter_a, "第五个")
    assert Highlight.objects.filter(unit=unit_a).count() == 4


def test_another_units_users_may_not_register_or_withdraw(year, unit_a, reporter_a, reporter_b):
    with pytest.raises(ValidationError):
        register(year, unit_a, reporter_b)
    registered = register(year, unit_a, reporter_a)
    with pytest.raises(ValidationError):
        highlight_withdraw(highlight=registered.highlight, by=reporter_b)
    assert Highlight.objects.count() == 1


def test_the_office_registers_for_any_unit_during_set_up(unit_a, office_user):
    year = YearFactory(year=2026, status=YearStatus.SETUP)
    assert register(year, unit_a, office_user).highlight.pk


@pytest.mark.parametrize("status", [YearStatus.SCORING, YearStatus.PUBLISHED])
def test_nothing_changes_once_the_year_is_being_scored(year, unit_a, reporter_a, status):
    registered = register(year, unit_a, reporter_a)
    year.status = status
    year.save()
    with pytest.raises(ValidationError, match="才能修改工作亮点"):
        register(year, unit_a, reporter_a)
    with pytest.raises(ValidationError, match="才能修改工作亮点"):
        highlight_withdraw(highlight=registered.highlight, by=reporter_a)
    assert Highlight.objects.count() == 1


def test_withdrawing_deletes_and_keeps_the_history(year, unit_a, reporter_a):
    highlight = register(year, unit_a, reporter_a).highlight
    highlight_withdraw(highlight=highlight, by=reporter_a)
    assert not Highlight.objects.exists()
    deleted = Highlight.history.get(history_type="-")
    assert (deleted.title, deleted.history_user) == ("亮点", reporter_a)


# --- on the unit's home page ------------------------------------------------------------------


def home_url(unit="A01"):
    return reverse("assessment:evidence_unit_home", args=[2026, unit])


def test_the_home_page_shows_the_highlights_the_warning_and_the_form(
    client, english, year, town, unit_a, reporter_a
):
    bonus = IndicatorFactory(year=year, category=town, code="JF", method="bonus")
    register(year, unit_a, reporter_a, "一网统管")
    client.force_login(reporter_a)
    html = client.get(home_url()).content.decode()
    assert "一网统管" in html
    assert 'id="highlights-warning"' in html
    assert 'id="highlight-form"' in html
    assert f"?indicator={bonus.pk}&amp;description=" in html

    response = client.post(
        reverse("assessment:highlight_add", args=[2026, "A01"]),
        {"title": "企业服务专员", "description": "专员服务企业"},
        follow=True,
    )
    html = response.content.decode()
    assert "企业服务专员" in html and 'id="highlights-warning"' not in html


def test_the_form_keeps_what_was_typed_when_refused(client, english, year, unit_a, reporter_a):
    for number in range(4):
        register(year, unit_a, reporter_a, f"亮点{number}")
    client.force_login(reporter_a)
    response = client.post(
        reverse("assessment:highlight_add", args=[2026, "A01"]),
        {"title": "第五个亮点", "description": "说明"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "at most 4" in html and 'value="第五个亮点"' in html
    assert Highlight.objects.count() == 4


def test_other_units_see_no_form_and_may_not_post(client, year, unit_a, reporter_a, lead_user):
    register(year, unit_a, reporter_a, "一网统管")
    client.force_login(lead_user)
    html = client.get(home_url()).content.decode()
    assert "一网统管" in html and 'id="highlight-form"' not in html
    response = client.post(
        reverse("assessment:highlight_add", args=[2026, "A01"]),
        {"title": "x", "description": "y"},
    )
    assert response.status_code == 403
    assert Highlight.objects.count() == 1


def test_the_record_form_is_filled_from_the_highlight_link(client, year, town, unit_a, reporter_a):
    bonus = IndicatorFactory(year=year, category=town, code="JF", method="bonus")
    client.force_login(reporter_a)
    url = reverse("assessment:evidence_record", args=[2026, "A01"])
    response = client.get(url, {"indicator": bonus.pk, "description": "获省级推广"})
    form = response.context["form"]
    assert form["indicator"].value() == str(bonus.pk)
    assert form["description"].value() == "获省级推广"
