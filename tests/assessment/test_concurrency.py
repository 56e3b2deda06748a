"""No lost updates: a form opened on data changed since is refused, and the user's input stays.

Each form carries the digest of the rows it was opened on; the service locks the rows, reads
them again and refuses a stale save (``assessment.services.concurrency``). The real race, two
connections saving at once, is tested on PostgreSQL at the end.
"""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from assessment.forms.years import TargetsForm
from assessment.models import AssessmentYear, Grade, Indicator, Target, YearStatus
from assessment.selectors.years import targets_grid
from assessment.services import scheme as scheme_service
from assessment.services.concurrency import StaleError
from assessment.services.grading import grading_save
from tests.assessment.factories import IndicatorFactory, TargetFactory, YearFactory
from tests.factories import UnitFactory
from tests.races import race

D = Decimal
STALE = "This data has been changed by someone else"


def _data(form) -> dict[str, str]:
    """What the browser sends back for an unchanged form: every field's shown value."""
    data = {}
    for field in form:
        value = field.value()
        data[field.html_name] = "" if value is None else str(value)
    return data


def _refused(response) -> bool:
    return response.status_code == 200 and any(
        STALE in str(error) for error in response.context["form"].non_field_errors()
    )


# --- year parameters --------------------------------------------------------------------------


@pytest.mark.django_db
def test_stale_year_parameters_are_refused_and_the_input_kept(english, office_user):
    YearFactory(year=2026)
    url = reverse("assessment:year_detail", args=[2026])
    english.force_login(office_user)
    opened = _data(english.get(url).context["form"])
    scheme_service.year_update_parameters(  # a colleague saves first
        year=AssessmentYear.objects.get(year=2026), by=office_user, data={"excellent_threshold": 95}
    )

    response = english.post(url, {**opened, "good_threshold": "85"})

    assert _refused(response)
    assert response.context["form"]["good_threshold"].value() == "85"
    year = AssessmentYear.objects.get(year=2026)
    assert (year.excellent_threshold, year.good_threshold) == (D(95), D(80))
    # Reopened, the page shows the colleague's change and saves.
    reopened = _data(english.get(url).context["form"])
    assert english.post(url, {**reopened, "good_threshold": "85"}).status_code == 302
    assert AssessmentYear.objects.get(year=2026).good_threshold == D(85)


@pytest.mark.django_db
def test_the_service_refuses_a_stale_year_digest(office_user):
    year = YearFactory(year=2026)
    opened = scheme_service.year_state(year)
    scheme_service.year_update_parameters(year=year, by=office_user, data={"grade_b": D("0.9")})

    with pytest.raises(StaleError):
        scheme_service.year_update_parameters(
            year=AssessmentYear.objects.get(pk=year.pk),
            by=office_user,
            data={"grade_c": D("0.6")},
            expected_state=opened,
        )
    assert AssessmentYear.objects.get(pk=year.pk).grade_c == D("0.70")


# --- an indicator -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_stale_indicator_is_refused_and_the_input_kept(english, office_user, town):
    indicator = IndicatorFactory(year=YearFactory(year=2026), category=town, name="地区生产总值")
    url = reverse("assessment:indicator_edit", args=[2026, indicator.pk])
    english.force_login(office_user)
    opened = _data(english.get(url).context["form"])
    theirs = Indicator.objects.get(pk=indicator.pk)
    theirs.name = "地区生产总值（修订）"
    scheme_service.indicator_save(indicator=theirs, by=office_user)

    response = english.post(url, {**opened, "points": "25"})

    assert _refused(response)
    assert response.context["form"]["points"].value() == "25"
    saved = Indicator.objects.get(pk=indicator.pk)
    assert (saved.name, saved.points) == ("地区生产总值（修订）", D(20))
    reopened = _data(english.get(url).context["form"])
    assert english.post(url, {**reopened, "points": "25"}).status_code == 302
    saved.refresh_from_db()
    assert (saved.name, saved.points) == ("地区生产总值（修订）", D(25))


# --- a unit's targets -------------------------------------------------------------------------


@pytest.fixture
def targets_setup(town, unit_a):
    year = YearFactory(year=2026)
    c01 = IndicatorFactory(year=year, category=town, code="C01", method="completion")
    k01 = IndicatorFactory(year=year, category=town, code="K01", method="ceiling")
    n01 = IndicatorFactory(year=year, category=town, code="N01", method="completion")
    TargetFactory(indicator=c01, unit=unit_a, target=D(500))
    TargetFactory(indicator=k01, unit=unit_a, target=D(5))
    return year, {"C01": c01, "K01": k01, "N01": n01}


@pytest.mark.django_db
@pytest.mark.parametrize("change", ["another row", "a new row"])
def test_stale_targets_are_refused_whatever_row_changed(
    english, office_user, unit_a, targets_setup, change
):
    _year, scheme = targets_setup
    url = reverse("assessment:targets", args=[2026, "A01"])
    english.force_login(office_user)
    opened = _data(english.get(url).context["form"])
    if change == "another row":  # a colleague changes K01; this user only touches C01
        Target.objects.filter(indicator=scheme["K01"]).update(target=D(3))
    else:  # a colleague gives N01 its first target
        Target.objects.create(indicator=scheme["N01"], unit=unit_a, target=D(7))

    response = english.post(url, {**opened, f"target-{scheme['C01'].pk}": "600"})

    assert _refused(response)
    assert response.context["form"][f"target-{scheme['C01'].pk}"].value() == "600"
    assert Target.objects.get(indicator=scheme["C01"]).target == D(500)
    reopened = _data(english.get(url).context["form"])
    response = english.post(url, {**reopened, f"target-{scheme['C01'].pk}": "600"})
    assert response.status_code == 302
    assert Target.objects.get(indicator=scheme["C01"]).target == D(600)


@pytest.mark.django_db
def test_a_save_without_a_digest_is_not_checked(office_user, unit_a, targets_setup):
    """Imports and scripts call the services without a digest: they save as before."""
    year, scheme = targets_setup
    row = scheme_service.TargetRow(indicator=scheme["C01"], target=D(650))
    scheme_service.targets_save_many(year=year, unit=unit_a, rows=[row], by=office_user)
    assert Target.objects.get(indicator=scheme["C01"]).target == D(650)


# --- the grading grid -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_stale_grading_grid_is_refused_and_the_input_kept(
    english, lead_user, office_user, economic, lead_unit
):
    year = YearFactory(year=2026, status=YearStatus.COLLECTING)
    for n in (2, 3):
        UnitFactory(code=f"JJ{n:02d}", category=economic)
    graded = IndicatorFactory(
        year=year, category=economic, code="Q1", method="graded", lead_unit=lead_unit
    )
    grading_save(indicator=graded, rows={"JJ02": {"grade": "B"}}, by=lead_user)
    url = reverse("assessment:grading_grid", kwargs={"year": 2026, "pk": graded.pk})
    english.force_login(lead_user)
    opened = _data(english.get(url).context["form"])
    grading_save(indicator=graded, rows={"JJ02": {"grade": "C"}}, by=office_user)

    response = english.post(url, {**opened, "JJ03-grade": "B"})

    assert _refused(response)
    assert response.context["form"]["JJ03-grade"].value() == "B"
    assert not Grade.objects.filter(unit__code="JJ03").exists()
    assert Grade.objects.get(unit__code="JJ02").grade == "C"
    reopened = _data(english.get(url).context["form"])
    assert english.post(url, {**reopened, "JJ03-grade": "B"}).status_code == 302
    assert Grade.objects.get(unit__code="JJ03").grade == "B"


# --- the real race, on PostgreSQL -------------------------------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_saves_of_the_same_target_one_wins_one_is_refused(
    office_user, unit_a, targets_setup
):
    """Two users open the same targets form, both save a change of C01 at the same moment:
    exactly one is saved; the other is refused as stale, never a silent overwrite."""
    year, scheme = targets_setup
    field = f"target-{scheme['C01'].pk}"
    barrier = threading.Barrier(2, timeout=30)

    def user(value: str) -> str:
        grid = targets_grid(year, unit_a)
        opened = _data(TargetsForm(grid=grid, year=year))
        barrier.wait()  # both have opened the form before either saves
        form = TargetsForm({**opened, field: value}, grid=targets_grid(year, unit_a), year=year)
        assert form.is_valid(), form.errors
        barrier.wait()  # and both save at once
        try:
            scheme_service.targets_save_many(
                year=year,
                unit=unit_a,
                rows=form.rows(),
                by=office_user,
                expected_state=form.cleaned_data["state"],
            )
        except StaleError:
            return "stale"
        return "saved"

    outcomes = race(user, ["600", "700"])
    assert sorted(outcomes.values()) == ["saved", "stale"], outcomes
    (winner,) = [value for value, outcome in outcomes.items() if outcome == "saved"]
    target = Target.objects.get(indicator=scheme["C01"], unit=unit_a)
    assert target.target == D(winner)
    assert target.history.count() == 2  # created, then the winner's change: nothing else
