"""The reminders rows of the access matrix, requested by every role against the matrix's
world until they are part of the whole matrix (``tests.access_matrix_all``; then
``tests.test_access_matrix`` requests them and this module only checks they are complete)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.access_matrix import ROLES, build_world
from tests.access_matrix_all import MATRIX
from tests.access_matrix_reminders import MATRIX_REMINDERS
from tests.shared_rows import shared_world
from tests.test_access_matrix import base_name, outcome_of_get, session_keys, url_names

try:
    from tests.access_matrix_all import MATRIX
except ImportError:  # not merged yet
    from tests.access_matrix import MATRIX

UNMERGED = {key: row for key, row in MATRIX_REMINDERS.items() if key not in MATRIX}


def test_every_reminders_url_has_an_access_rule():
    names = {name for name, _route in url_names() if name.startswith("reminders:")}
    assert names, "the reminders URLs are not included (config/urls.py)"
    covered = {base_name(key) for key in MATRIX_REMINDERS}
    assert names == covered
    for key, (_kwargs, statuses) in MATRIX_REMINDERS.items():
        assert set(statuses) == set(ROLES), key


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    with shared_world(django_db_blocker, tmp_path_factory, build_world) as world:
        yield world


@pytest.fixture(scope="module")
def sessions(world, django_db_blocker) -> dict[str, str]:
    with django_db_blocker.unblock():
        return session_keys(world)


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "role"), [(k, r) for k in UNMERGED for r in ROLES])
def test_access(world, sessions, key, role):
    build_kwargs, statuses = MATRIX_REMINDERS[key]
    url = reverse(base_name(key), kwargs=build_kwargs(world))
    got = outcome_of_get(sessions, role, url)
    assert got == statuses[role], f"GET {url} as {role}: expected {statuses[role]}, got {got}"
