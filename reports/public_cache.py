"""The public pages answered again without work: they change only when something is published.

A published document is never changed or deleted, so everything a public page shows follows
from the publications there are (``publications_state``: the newest id and the count), the
language and the code and templates the site runs (``site_build``). Those make each page's
entity tag: a browser that has the page asks again with it and is answered ``304 Not
Modified`` after one small query. What a page computes from a publication (the rankings, the
charts, the trends) is kept in the cache under the same state, so another visitor's first
request does not compute it again.

Only for visitors who are not signed in: a signed-in user's pages carry their own name and
menu, which this state does not describe.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max
from django.http import HttpRequest

from assessment.models import Publication

T = TypeVar("T")
KEPT_SECONDS = 24 * 3600  # a key names its state: an entry is never stale, only unused
# what the site's pages are made of, besides the data
BUILD_FOLDERS = ("templates", "locale", "reports", "assessment", "units", "config", "static")


def publications_state(request: HttpRequest) -> str:
    """Changes whenever anything is published (publications are only ever added); read once a
    request."""
    state: str | None = getattr(request, "_publications_state", None)
    if state is None:
        found = Publication.objects.aggregate(newest=Max("pk"), count=Count("pk"))
        state = f"{found['newest'] or 0}.{found['count']}"
        setattr(request, "_publications_state", state)  # noqa: B010
    return state


@functools.cache
def site_build() -> str:
    """A digest of the files the pages are made from (names, sizes, times), read once a process:
    a new release of the site is a new build, and no browser keeps an older page."""
    digest = hashlib.sha256()
    base = Path(settings.BASE_DIR)
    for folder in BUILD_FOLDERS:
        for root, directories, files in os.walk(base / folder):
            directories.sort()
            for name in sorted(files):
                if name.endswith((".pyc", ".sqlite3")):
                    continue
                stat = (Path(root) / name).stat()
                digest.update(f"{root}/{name}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def page_tag(request: HttpRequest, parts: Iterable[object]) -> str | None:
    """The entity tag of a public page for an anonymous visitor (None for a signed-in user)."""
    if request.user.is_authenticated:
        return None
    text = "|".join(map(str, [*parts, publications_state(request), site_build()]))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def kept(request: HttpRequest, key: str, make: Callable[[], T]) -> T:
    """``make()``, kept in the cache under ``key`` with the publications' state."""
    full_key = f"public:{publications_state(request)}:{key}"
    found = cache.get(full_key)
    if found is None:
        found = make()
        cache.set(full_key, found, KEPT_SECONDS)
    return found
