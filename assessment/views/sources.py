"""The data sources (一数一源): a source unit's figures for every unit, recorded on one form
or imported from one evidence workbook, and the office's list of units whose own figure
differs from their source's.

Thin: the form parses, ``services.evidence.evidence_record`` decides (who may record a
source-fed indicator is ``assessment.access.evidence_record_refusal``); reads are
``selectors.sources``.
"""

from __future__ import annotations

from functools import partial

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from assessment.access import manages_assessment, provides_indicator
from assessment.forms.sources import SourceRecordForm
from assessment.lib.attachments import accepted_kinds_text
from assessment.selectors import sources as source_selectors
from assessment.selectors import years as selectors
from assessment.services import evidence as evidence_service
from assessment.services.records import recording_open, recording_refusal
from assessment.views.records import calling, client_address, form_submitted, recorded_message
from units.submissions import once_per_submission


@require_http_methods(["GET", "POST"])
@login_required
@once_per_submission
def source_index(request: HttpRequest, year: int) -> HttpResponse:
    """The indicators the user's unit provides (every source's, for the office and leaders):
    per unit the source's figure and its date; the form to record one, for the source unit and
    the office."""
    user = request.user
    source_year = selectors.year_get_for_user(user, year)
    indicators = source_selectors.provided_indicators(user, source_year)
    if not indicators and not source_selectors.sees_every_source(user):
        raise PermissionDenied
    recordable = [
        indicator
        for indicator in indicators
        if manages_assessment(user) or provides_indicator(user, indicator)
    ]
    form = None
    here = reverse("assessment:source_index", kwargs={"year": source_year.year})
    if recordable and recording_open(user, source_year):
        form = SourceRecordForm(
            request.POST or None,
            request.FILES or None,
            user=user,
            year=source_year,
            indicators=recordable,
        )
        record = partial(evidence_service.evidence_record, address=client_address(request))
        if done := form_submitted(
            request, form, calling(record, by=user, then=here), recorded_message()
        ):
            return done
    elif request.method == "POST":
        raise PermissionDenied
    context = {
        "year": source_year,
        "sourced": source_selectors.source_figures(indicators),
        "form": form,
        "closed": recording_refusal(user, source_year) if recordable else None,
        "accepted_kinds": accepted_kinds_text(),
        "may_import": bool(recordable),
        "sees_differences": bool(manages_assessment(user)),
    }
    return render(request, "sources/index.html", context)


@require_GET
@login_required
def source_differences(request: HttpRequest, year: int) -> HttpResponse:
    """The office's list: each unit whose own figure differs from its data source's beyond
    the year's tolerance, with both figures and their records."""
    if not manages_assessment(request.user):
        raise PermissionDenied
    source_year = selectors.year_get_for_user(request.user, year)
    context = {
        "year": source_year,
        "differences": source_selectors.source_differences(source_year),
        "tolerance": format((source_year.source_tolerance * 100).normalize(), "f"),
    }
    return render(request, "sources/differences.html", context)
