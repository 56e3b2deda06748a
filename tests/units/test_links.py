"""``units.links.path_to`` gives the very path ``reverse`` gives, whatever the route and values."""

from __future__ import annotations

import uuid

import pytest
from django.urls import NoReverseMatch, reverse

from units.links import path_to

ROUTES = [
    ("assessment:indicator_records", {"year": 2026, "unit": "ZJ01", "indicator": "GDP"}),
    ("assessment:indicator_records", {"year": 2025, "unit": "JJ-07", "indicator": "tax_2"}),
    ("assessment:evidence_unit_home", {"year": 2026, "unit": "SH06"}),
    ("assessment:notice_detail", {"pk": 7}),
    ("assessment:notice_detail", {"pk": 123456789}),
    ("reminders:year", {"year": 2026}),
]


@pytest.mark.parametrize(("name", "kwargs"), ROUTES)
def test_plain_values_give_the_path_reverse_gives(name: str, kwargs: dict) -> None:
    assert path_to(name, **kwargs) == reverse(name, kwargs=kwargs)
    assert path_to(name, **kwargs) == reverse(name, kwargs=kwargs)  # from the kept pattern


def test_one_route_many_values() -> None:
    paths = [path_to("assessment:evidence_unit_home", year=2026, unit=f"U{n}") for n in range(3)]
    assert paths == ["/years/2026/units/U0/", "/years/2026/units/U1/", "/years/2026/units/U2/"]


@pytest.mark.parametrize("unit", ["镇01", "a b", "R&D", "x~0~y", "-lead", "semi;colon", "100%"])
def test_other_codes_are_reversed_by_django(unit: str) -> None:
    kwargs = {"year": 2026, "unit": unit, "indicator": "GDP"}
    assert path_to("assessment:indicator_records", **kwargs) == reverse(
        "assessment:indicator_records", kwargs=kwargs
    )


def test_a_route_whose_converter_refuses_a_stand_in_is_reversed_by_django() -> None:
    job = uuid.uuid4()
    assert path_to("assessment:import_job", pk=str(job)) == f"/imports/jobs/{job}/"
    assert path_to("assessment:import_job", pk=str(job)) == f"/imports/jobs/{job}/"
    with pytest.raises(NoReverseMatch):
        path_to("assessment:import_job", pk="not-a-uuid")


def test_numbers_that_are_not_plain_are_reversed_by_django() -> None:
    with pytest.raises(NoReverseMatch):
        path_to("assessment:notice_detail", pk=-1)
    with pytest.raises(NoReverseMatch):
        path_to("assessment:notice_detail", pk=True)


def test_a_code_where_a_number_was_given_before_is_judged_by_the_route() -> None:
    assert path_to("assessment:notice_detail", pk=7) == reverse(
        "assessment:notice_detail", kwargs={"pk": 7}
    )
    with pytest.raises(NoReverseMatch):  # the route takes a number: "abc" is refused
        path_to("assessment:notice_detail", pk="abc")
