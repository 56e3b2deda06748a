"""Extreme numbers in every form of the site answer with the form and its message, never 500.

A clerk can paste anything into a number box: 29 nines, their negative, 1e400, "NaN". Each
page of the access matrix is opened as each role that may see it; every POST form on it is sent
back as rendered, with one number field at a time set to such a value. Nothing may raise (the
test client re-raises a view's exception) or answer 5xx, and nothing stays written: every post
runs in a savepoint that is rolled back.
"""

from __future__ import annotations

import functools
import re
from html.parser import HTMLParser
from urllib.parse import urljoin

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tests.access_matrix import build_world
from tests.access_matrix_all import MATRIX
from tests.shared_rows import shared_world

EXTREMES = [
    "99999999999999999999999999999",
    "-99999999999999999999999999999",
    "1e400",
    "NaN",
]
ROLES = ("reporter_a", "lead", "supervision", "office")
NUMBER_NAMES = ("value", "target", "base", "points", "rank", "total", "rate", "pool", "size")


class Forms(HTMLParser):
    """The POST forms of a page: action and fields (name → value), numbers marked."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            post = a.get("method", "get").lower() == "post"
            self.forms.append({"post": post, "action": a.get("action", ""), "fields": {}, "n": []})
            return
        if not self.forms or "name" not in a:
            return
        form, name = self.forms[-1], a["name"]
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in a and name not in form["fields"]:
                    form["fields"][name] = a.get("value", "on")
                return
            form["fields"][name] = a.get("value", "")
            numeric = kind == "number" or a.get("inputmode") in {"decimal", "numeric"}
            if numeric or any(word in name for word in NUMBER_NAMES):
                form["n"].append(name)
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and self._select not in form["fields"]:
            form["fields"][self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = name
            form["fields"][name] = "说明"

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


# Pages of objects that exist only once the year is in the publicity (an objection, a bulletin);
# every other page is walked while the year collects, when most forms are open.
IN_PUBLICITY = {"assessment:objection_detail", "reports:bulletin_detail"}


def _world(phase: str, django_db_blocker, tmp_path_factory):
    build = functools.partial(build_world, publicity=phase == "publicity")
    with shared_world(django_db_blocker, tmp_path_factory, build) as world:
        yield world


def number_forms(client: Client, url: str) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200, url  # a page the access matrix opens for this role
    if "text/html" not in response.get("Content-Type", ""):  # a download: no forms
        if response.streaming:  # read to the end: the client then closes the file (only it)
            b"".join(response.streaming_content)
        return []
    parser = Forms()
    parser.feed(response.content.decode())
    return [f for f in parser.forms if f["post"] and f["n"]]


def _one_of_each_kind(names: list[str]) -> list[str]:
    """The first number field of each kind: a grid's rows (``points-12``, ``points-13``, …) are
    the same field, cleaned by the same code, so one row stands for all (a draft's grid has a
    row per indicator, and each post scores the draft again)."""
    kinds: dict[str, str] = {}
    for name in names:
        kinds.setdefault(re.sub(r"\d+", "#", name), name)
    return list(kinds.values())


def _pages(phase: str) -> list:
    return [
        pytest.param(key, role, id=f"{key}-{role}")
        for key in MATRIX
        if not key.startswith("admin:")
        if (key.split("#")[0] in IN_PUBLICITY) == (phase == "publicity")
        for role in ROLES
        if MATRIX[key][1][role] == 200
    ]


def _no_server_error(world, key: str, role: str) -> None:
    build_kwargs, _statuses = MATRIX[key]
    url = reverse(key.split("#", 1)[0], kwargs=build_kwargs(world))
    client = Client(raise_request_exception=True)
    client.force_login(world.users[role])
    for form in number_forms(client, url):
        target = urljoin(url, form["action"]) if form["action"] else url
        for name in _one_of_each_kind(form["n"]):
            for extreme in EXTREMES:
                data = {**form["fields"], name: extreme}
                with transaction.atomic():
                    response = client.post(target, data)
                    transaction.set_rollback(True)
                assert response.status_code < 500, f"POST {target} {name}={extreme} as {role}"


# One world per phase, built once for all its pages; a class each, so that the first world is
# rolled back before the second is built (both hold the same accounts).
@pytest.fixture(scope="class")
def collecting_world(django_db_setup, django_db_blocker, tmp_path_factory):
    yield from _world("collecting", django_db_blocker, tmp_path_factory)


@pytest.fixture(scope="class")
def publicity_world(django_db_setup, django_db_blocker, tmp_path_factory):
    yield from _world("publicity", django_db_blocker, tmp_path_factory)


class TestWhileCollecting:
    @pytest.mark.django_db
    @pytest.mark.parametrize(("key", "role"), _pages("collecting"))
    def test_extreme_numbers_never_make_a_server_error(self, collecting_world, key, role):
        _no_server_error(collecting_world, key, role)


class TestInThePublicity:
    @pytest.mark.django_db
    @pytest.mark.parametrize(("key", "role"), _pages("publicity"))
    def test_extreme_numbers_never_make_a_server_error(self, publicity_world, key, role):
        _no_server_error(publicity_world, key, role)
