"""The cumulative period targets on a unit's targets form: a figure or a share such as 45% per
period, blank for the pro-rata default (shown as the placeholder); the import's rules, audited."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from assessment.models import PeriodTarget, Target
from assessment.services import warnings as warnings_service
from tests.assessment.factories import IndicatorFactory, YearFactory
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def scheme(town):
    year = YearFactory(year=2026)
    return {
        code: IndicatorFactory(year=year, category=town, code=code, method=method)
        for code, method in [("C01", "completion"), ("K01", "ceiling"), ("R01", "base_ratio")]
    }


@pytest.fixture
def periods(scheme, office_user):
    return warnings_service.periods_create(year=scheme["C01"].year, by=office_user)


def _url(unit="A01"):
    return reverse("assessment:targets", args=[2026, unit])


def _post(scheme, periods, *, c01="1000", k01="12", **by_period):
    """The form's fields; by_period such as C01_Q2="45%" fills a period field."""
    c, k, r = scheme["C01"].pk, scheme["K01"].pk, scheme["R01"].pk
    data = {f"target-{c}": c01, f"target-{k}": k01, f"base-{r}": ""}
    data.update({f"leader-{pk}": "" for pk in (c, k, r)})
    for period in periods:
        for code in ("C01", "K01"):
            value = by_period.get(f"{code}_{period.name}", "")
            data[f"period-{period.pk}-{scheme[code].pk}"] = value
    return data


def test_the_form_has_a_field_per_period_for_targeted_indicators_with_the_default_shown(
    client, office_user, scheme, periods, unit_a
):
    client.force_login(office_user)
    with translation.override("zh-hans"):
        response = client.get(_url(), HTTP_ACCEPT_LANGUAGE="zh-hans")
    form = response.context["form"]
    c, r = scheme["C01"].pk, scheme["R01"].pk
    assert [f"period-{p.pk}-{c}" in form.fields for p in periods] == [True] * 4
    assert not any(f"period-{p.pk}-{r}" in form.fields for p in periods)  # not coloured
    # 2026: 181 of 365 days by 30 June = 49.59 %; by 30 September 273 days = 74.79 %
    html = response.content.decode()
    assert 'placeholder="默认按时间进度：49.59%"' in html
    assert 'placeholder="默认按时间进度：74.79%"' in html


def test_a_share_and_a_figure_are_saved_blank_is_the_default_again(
    client, office_user, scheme, periods, unit_a
):
    client.force_login(office_user)
    data = _post(scheme, periods, C01_Q2="45%", C01_Q3="700", K01_Q2="6")
    assert client.post(_url(), data).status_code == 302
    q2, q3 = periods[1], periods[2]
    saved = {
        (t.period.name, t.indicator.code): (t.share, t.value) for t in PeriodTarget.objects.all()
    }
    assert saved == {
        ("Q2", "C01"): (Decimal("0.45"), None),
        ("Q3", "C01"): (None, Decimal(700)),
        ("Q2", "K01"): (None, Decimal(6)),
    }
    row = PeriodTarget.objects.get(period=q2, indicator=scheme["C01"])
    assert row.history.get().history_user == office_user  # audited
    # the form shows them again as typed
    form = client.get(_url()).context["form"]
    assert form.initial[f"period-{q2.pk}-{scheme['C01'].pk}"] == "45%"
    assert form.initial[f"period-{q3.pk}-{scheme['C01'].pk}"] == "700"
    # Q3 left blank: the entered figure goes, the pro-rata default applies again
    data = _post(scheme, periods, C01_Q2="45%", K01_Q2="6")
    assert client.post(_url(), data).status_code == 302
    assert not PeriodTarget.objects.filter(period=q3).exists()
    assert PeriodTarget.history.filter(history_type="-").get().history_user == office_user


@pytest.mark.parametrize(
    ("typed", "message"),
    [("abc", "「abc」不是数字。"), ("150%", "此项不能大于 1。")],
)
def test_bad_input_is_refused_in_chinese_and_nothing_is_saved(
    client, office_user, scheme, periods, unit_a, typed, message
):
    client.force_login(office_user)
    data = _post(scheme, periods, C01_Q2=typed)
    with translation.override("zh-hans"):
        response = client.post(_url(), data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    errors = response.context["form"].errors[f"period-{periods[1].pk}-{scheme['C01'].pk}"]
    assert message in errors
    assert not Target.objects.exists() and not PeriodTarget.objects.exists()


def test_a_closed_periods_figure_is_kept(client, office_user, scheme, periods, unit_a):
    q1 = periods[0]
    PeriodTarget.objects.create(period=q1, unit=unit_a, indicator=scheme["C01"], value=200)
    type(q1).objects.filter(pk=q1.pk).update(closed_at="2026-04-01T00:00Z")
    client.force_login(office_user)
    assert client.post(_url(), _post(scheme, periods, C01_Q1="999")).status_code == 302
    assert PeriodTarget.objects.get(period=q1).value == Decimal(200)


def test_another_units_ids_in_the_url_change_nothing(
    client, office_user, reporter_a, scheme, periods, unit_a, unit_b, economic
):
    client.force_login(reporter_a)  # a reporter of A01 on B01's form
    assert client.post(_url("B01"), _post(scheme, periods, C01_Q2="45%")).status_code == 403
    # the office on a unit of another category: A01's indicator fields are not its form's
    UnitFactory(code="JJ09", name="丙局", category=economic)
    client.force_login(office_user)
    client.post(_url("JJ09"), _post(scheme, periods, C01_Q2="45%"))
    assert not PeriodTarget.objects.exists()
