"""The access matrix: every URL pattern of the site, GET by every role, with real objects.

The rules are data (``tests.access_matrix.MATRIX``): a new URL without an entry fails
``test_every_url_pattern_has_an_access_rule``; every entry is requested by each role and must
answer what the access rules say (200, a redirect to the login, 403, 404, 405 for a GET of a
POST-only view...). The admin's model pages are one family: its index, login and other
top-level pages are in the matrix, and one changelist per app.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.access_matrix import (
    ADMIN_LOGIN,
    KNOWN_BUGS,
    LOGIN,
    REDIRECT,
    ROLES,
    build_world,
)
from tests.access_matrix_all import MATRIX
from tests.shared_rows import shared_world


def url_names(resolver: URLResolver | None = None, namespace: str = "") -> list[tuple[str, str]]:
    """(name, route) of every URL pattern, recursively; unnamed patterns have the name ""."""
    resolver = resolver or get_resolver()
    found = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found += [
                (name, f"{pattern.pattern}{route}") for name, route in url_names(pattern, inner)
            ]
        else:
            assert isinstance(pattern, URLPattern)
            found.append(
                (f"{namespace}{pattern.name}" if pattern.name else "", str(pattern.pattern))
            )
    return found


def admin_model_prefixes() -> list[str]:
    return [f"{m._meta.app_label}/{m._meta.model_name}/" for m in admin.site._registry]


def is_admin_model_page(name: str, route: str) -> bool:
    """A page of one registered model in the admin (list, add, change, history, delete, its
    imports and exports) or the admin's catch-all: the family the changelists stand for."""
    if not route.startswith("admin/"):
        return False
    rest = route.removeprefix("admin/")
    return (
        any(rest.startswith(prefix) for prefix in admin_model_prefixes()) or rest == "(?P<url>.*)$"
    )


def base_name(key: str) -> str:
    return key.split("#", 1)[0]


def test_every_url_pattern_has_an_access_rule():
    covered = {base_name(key) for key in MATRIX}
    missing = sorted(
        name or route
        for name, route in url_names()
        if name not in covered and not is_admin_model_page(name, route)
    )
    assert not missing, "\n".join(f"new URL without an access rule: {name}" for name in missing)


def test_the_matrix_names_only_real_urls_and_one_changelist_per_admin_app():
    names = {name for name, _route in url_names()}
    assert {base_name(key) for key in MATRIX} <= names
    apps = {model._meta.app_label for model in admin.site._registry}
    changelists = [base_name(key) for key in MATRIX if key.endswith("_changelist")]
    # Match on the prefix: an app label may itself hold underscores (django_tasks_database).
    listed = {app for app in apps if any(name.startswith(f"admin:{app}_") for name in changelists)}
    assert listed == apps, f"admin apps without a changelist in the matrix: {apps - listed}"
    for key, (_kwargs, statuses) in MATRIX.items():
        assert set(statuses) == set(ROLES), key


# --- the requests -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The district, built once for the module and rolled back at its end."""
    with shared_world(django_db_blocker, tmp_path_factory, build_world) as world:
        yield world


def outcome(response) -> object:
    if response.status_code != 302:
        return response.status_code
    path = urlsplit(response["Location"]).path
    if path == reverse("login"):
        return LOGIN
    if path == reverse("admin:login"):
        return ADMIN_LOGIN
    return REDIRECT


def session_keys(world) -> dict[str, str]:
    """Each role's session key: logged in once, for a module, inside the world's transaction.
    Each test's savepoint is rolled back with whatever its request did to the session."""
    keys = {}
    for role, user in world.users.items():
        if user is not None:
            client = Client()
            client.force_login(user)
            keys[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return keys


@pytest.fixture(scope="module")
def sessions(world, django_db_blocker) -> dict[str, str]:
    with django_db_blocker.unblock():
        return session_keys(world)


def outcome_of_get(sessions, role: str, url: str) -> object:
    """What ``role`` (logged in, or anonymous) gets for a GET of ``url``."""
    client = Client()
    if role in sessions:
        client.cookies[settings.SESSION_COOKIE_NAME] = sessions[role]
    response = client.get(url)
    if response.streaming:  # read to the end: the client then closes the file (and only it)
        b"".join(response.streaming_content)
    return outcome(response)


def _cases() -> list:
    cases = []
    for key in MATRIX:
        for role in ROLES:
            marks = []
            if reason := KNOWN_BUGS.get((key, role)):
                marks.append(pytest.mark.xfail(strict=True, reason=reason))
            cases.append(pytest.param(key, role, marks=marks, id=f"{key}-{role}"))
    return cases


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "role"), _cases())
def test_access(world, sessions, key, role):
    build_kwargs, statuses = MATRIX[key]
    url = reverse(base_name(key), kwargs=build_kwargs(world))
    got = outcome_of_get(sessions, role, url)
    expected = statuses[role]
    assert got == expected, f"GET {url} as {role}: expected {expected}, got {got}"
