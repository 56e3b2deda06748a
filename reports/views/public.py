"""Public results pages (公开发布): open to anyone, no login, read only from publications.

Thin: ``reports.public`` does every read and ``reports.downloads`` builds the files; a view
picks the publication (404 for anything unpublished) and renders.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from reports import downloads, public
from units.access import is_staff_member


@require_safe
def year_list(request: HttpRequest) -> HttpResponse:
    context = {"publications": public.published_years(), "download_formats": downloads.LINKS}
    return render(request, "public/year_list.html", context)


@require_safe
def checking(request: HttpRequest) -> HttpResponse:
    """How anyone checks that a downloaded file is the one published (its SHA-256)."""
    return render(request, "public/checking.html")


@require_safe
def year_results(request: HttpRequest, year: int, version: int | None = None) -> HttpResponse:
    publication = public.get_publication(year, version)
    page = public.year_page(publication)
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
def unit_results(
    request: HttpRequest, year: int, code: str, version: int | None = None
) -> HttpResponse:
    publication = public.get_publication(year, version)
    report = public.unit_report(publication, code, public.trend_documents(publication))
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
