"""The demo district: realistic enough to show every feature, and safe to load twice."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count

from tests.demo_seed import seeded_demo
from units.models import Cadre, Unit

pytestmark = pytest.mark.django_db


def _seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo, seeded (once per worker, inside a transaction rolled back in the end; each
    test's own changes roll back to it). Returns what ``seed_demo`` printed."""
    with seeded_demo(django_db_blocker, tmp_path_factory) as out:
        yield out


def _snapshot() -> dict[str, int]:
    return {
        "units": Unit.objects.count(),
        "cadres": Cadre.objects.count(),
        "users": get_user_model().objects.count(),
        "unit_history": Unit.history.count(),
        "cadre_history": Cadre.history.count(),
    }


def test_the_demo_district_has_units_in_every_category_with_teams(seeded):
    per_category = dict(
        Unit.objects.values_list("category__code").annotate(n=Count("id")).order_by()
    )
    assert sum(per_category.values()) >= 30
    assert set(per_category) == {"town", "economic", "management", "social"}
    assert min(Unit.objects.annotate(n=Count("cadres")).values_list("n", flat=True)) >= 2
    assert all(unit.headcount > 0 for unit in Unit.objects.all())


def test_the_demo_has_one_account_per_role_with_a_printed_generated_password(seeded):
    output = seeded
    User = get_user_model()
    # one account a role that can log in (the units the demo's warnings reach have reporters
    # of their own, with no password: they exist to be named, not to log in)
    for group_name in ["考核办", "牵头单位", "单位填报员", "督查室", "区领导"]:
        members = User.objects.filter(groups__name=group_name)
        assert sum(u.has_usable_password() for u in members) == 1
    reporter = User.objects.get(username="tianbao")
    assert reporter.membership.unit.code == "ZJ01"
    line = next(line for line in output.splitlines() if line.startswith("tianbao"))
    password = line.split()[-1]
    assert len(password) >= 10 and password != "admin"
    assert reporter.check_password(password)


def test_loading_the_demo_twice_changes_nothing(seeded):
    first = _snapshot()
    output = _seed()
    assert _snapshot() == first
    # the same passwords are shown again, and they still work
    line = next(line for line in output.splitlines() if line.startswith("kaoheban"))
    assert get_user_model().objects.get(username="kaoheban").check_password(line.split()[-1])
