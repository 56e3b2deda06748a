"""The public pages answered again without work: a visitor's browser that has a page is answered
``304 Not Modified`` after one query, until something is published; signed-in users always get
the page itself; a page kept from an earlier visit is the page computed afresh."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.reports.test_public_documents import (
    SCORES,
    build_document,
    publish,
    publish_district,
)

pytestmark = pytest.mark.django_db

PAGES = [
    ("year_list", {}),
    ("year", {"year": 2025}),
    ("year_version", {"year": 2025, "version": 1}),
    ("unit", {"year": 2025, "code": "ZJ01"}),
    ("checking", {}),
]


@pytest.fixture
def district():
    return publish_district()


def url(name: str, kwargs: dict) -> str:
    return reverse(f"public:{name}", kwargs=kwargs)


def without_token(page: bytes) -> str:
    """The page without the language form's token (a visitor's own)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page.decode())


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_a_browser_that_has_the_page_is_answered_304_after_one_query(
    client, district, name, kwargs
):
    first = client.get(url(name, kwargs))
    assert first.status_code == 200
    tag = first["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', tag)
    # the browser asks each time; no shared cache keeps the visitor's page
    assert set(first["Cache-Control"].split(", ")) == {"private", "no-cache"}
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url(name, kwargs), HTTP_IF_NONE_MATCH=tag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == tag
    assert len(queries) == 1  # what has been published: its newest id and count


def test_a_new_version_published_gives_the_page_again_with_its_changes(client, district):
    first = client.get(url("unit", {"year": 2025, "code": "ZJ01"}))
    corrected = {**SCORES[2025], "ZJ01": {"GDP": "11.00", "SAFE": "30.00"}}
    publish(2025, build_document(2025, corrected, 3), 3)
    again = client.get(
        url("unit", {"year": 2025, "code": "ZJ01"}), HTTP_IF_NONE_MATCH=first["ETag"]
    )
    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]
    assert "11.00" in again.content.decode() and "11.00" not in first.content.decode()


def test_each_language_is_a_page_of_its_own(client, district):
    chinese = client.get(url("year", {"year": 2025}))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url("year", {"year": 2025}), HTTP_IF_NONE_MATCH=chinese["ETag"])
    assert english.status_code == 200
    assert english["ETag"] != chinese["ETag"]
    assert "Ranking" in english.content.decode() or "ranking" in english.content.decode()


def test_a_signed_in_user_always_gets_the_page_itself(client, district, office_user):
    tag = client.get(url("year", {"year": 2025}))["ETag"]
    client.force_login(office_user)
    page = client.get(url("year", {"year": 2025}), HTTP_IF_NONE_MATCH=tag)
    assert page.status_code == 200
    assert not page.has_header("ETag")
    # staff see the document's internal fingerprint: never a page kept for the public
    assert 'id="publication-sha256"' in page.content.decode()


def test_a_page_not_published_carries_no_tag(client, district):
    missing = client.get(url("year", {"year": 2026}))
    assert missing.status_code == 404
    assert not missing.has_header("ETag")


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_a_kept_page_is_the_page_computed_afresh(client, district, name, kwargs):
    computed = client.get(url(name, kwargs))
    with CaptureQueriesContext(connection) as queries:
        kept = client.get(url(name, kwargs))
    cache.clear()
    with CaptureQueriesContext(connection) as fresh_queries:
        fresh = client.get(url(name, kwargs))
    assert without_token(kept.content) == without_token(computed.content)
    assert without_token(fresh.content) == without_token(computed.content)
    if name in ("year", "year_version", "unit"):
        # kept: neither the rankings nor the trends computed again
        assert len(queries) < len(fresh_queries)
