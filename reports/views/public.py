"""Public results pages (公开发布): open to anyone, no login, read only from publications.

Thin: ``reports.public`` does every read and ``reports.downloads`` builds the files; a view
picks the publication (404 for anything unpublished) and renders.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.http import parse_etags, quote_etag
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from reports import downloads, public
from reports.public_cache import kept, page_tag
from units.access import is_staff_member


def _tag(request: HttpRequest, **kwargs: Any) -> str | None:
    match = request.resolver_match
    return page_tag(
        request, [match.url_name if match else "", sorted(kwargs.items()), get_language()]
    )


def unchanged_answered_again(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For an anonymous visitor: an entity tag on the page, and ``304 Not Modified`` to a
    browser that has it (``reports.public_cache``). The browser asks each time (no-cache), and
    the page being private (the language form's token is the visitor's), no shared cache keeps
    it. A page that is not found carries no tag."""

    @wraps(view)
    def answered(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        found = _tag(request, **kwargs)
        tag = quote_etag(found) if found else None
        response: HttpResponse
        if tag and tag in parse_etags(request.headers.get("If-None-Match", "")):
            response = HttpResponseNotModified()
        else:
            response = view(request, *args, **kwargs)
        if tag and response.status_code in (200, 304):
            response["ETag"] = tag
            patch_cache_control(response, private=True, no_cache=True)
        return response

    return answered


@require_safe
@unchanged_answered_again
def year_list(request: HttpRequest) -> HttpResponse:
    context = {"publications": public.published_years(), "download_formats": downloads.LINKS}
    return render(request, "public/year_list.html", context)


@require_safe
@unchanged_answered_again
def checking(request: HttpRequest) -> HttpResponse:
    """How anyone checks that a downloaded file is the one published (its SHA-256)."""
    return render(request, "public/checking.html")


@require_safe
@unchanged_answered_again
def year_results(request: HttpRequest, year: int, version: int | None = None) -> HttpResponse:
    publication = public.get_publication(year, version)
    language = get_language()
    page = kept(request, f"year:{publication.pk}:{language}", lambda: public.year_page(publication))
    context = {
        "publication": publication,
        "version": version,
        "page": page,
        "latest_version": page.latest_version,
        "download_formats": downloads.download_links(publication),
        "internal_hash": is_staff_member(request.user),
        "charts": page.charts,
    }
    return render(request, "public/year.html", context)


@require_safe
@unchanged_answered_again
def unit_results(
    request: HttpRequest, year: int, code: str, version: int | None = None
) -> HttpResponse:
    publication = public.get_publication(year, version)
    report = kept(
        request,
        f"unit:{publication.pk}:{code}:{get_language()}",
        lambda: public.unit_report(publication, code, public.trend_documents(publication)),
    )
    context = {
        "publication": publication,
        "version": version,
        "report": report,
        "download_formats": downloads.download_links(publication),
        "internal_hash": is_staff_member(request.user),
        "charts": public.unit_charts(report),
    }
    return render(request, "public/unit.html", context)


@require_safe
def download(request: HttpRequest, year: int, fmt: str, version: int | None = None) -> HttpResponse:
    return downloads.download(request, public.get_publication(year, version), fmt)
