# TEMPORARY (deleted after verification): the access matrix with MATRIX_SURVEYS merged.
import pytest
from django.test import Client
from django.urls import reverse

from tests.access_matrix import MATRIX, ROLES
from tests.access_matrix_surveys import MATRIX_SURVEYS
from tests.test_access_matrix import base_name, is_admin_model_page, outcome, url_names, world  # noqa: F401

MERGED = {**MATRIX, **MATRIX_SURVEYS}


def test_every_url_pattern_has_an_access_rule_merged():
    covered = {base_name(key) for key in MERGED}
    missing = sorted(
        name or route for name, route in url_names()
        if name not in covered and not is_admin_model_page(name, route)
        and not name.startswith(("vote:", "assessment:round", "assessment:batch", "assessment:ballot"))
    )
    assert not [m for m in missing if "survey" in m], missing
    for key, (_kwargs, statuses) in MATRIX_SURVEYS.items():
        assert set(statuses) == set(ROLES), key


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "role"), [(k, r) for k in MATRIX_SURVEYS for r in ROLES])
def test_access_surveys(world, key, role):
    build_kwargs, statuses = MATRIX_SURVEYS[key]
    url = reverse(base_name(key), kwargs=build_kwargs(world))
    client = Client()
    if (user := world.users[role]) is not None:
        client.force_login(user)
    response = client.get(url)
    got = outcome(response)
    assert got == statuses[role], f"GET {url} as {role}: expected {statuses[role]}, got {got}"
