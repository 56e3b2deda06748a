"""Pages of catalogued items and waivers: the claims list (per unit, per item), proposing a
fault-tolerance waiver of a record, confirming or declining it, and the office's waiver list.

Thin: a form parses, one service acts (``services.waivers``), reads are ``selectors.items``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessment.access import manages_assessment, waiver_decide_refusal, waiver_propose_refusal
from assessment.forms.items import ClaimFilterForm, WaiverProposeForm
from assessment.lib.marks import mark
from assessment.models import AssessmentYear, Evidence, Waiver
from assessment.selectors import evidence as evidence_selectors
from assessment.selectors import items as item_selectors
from assessment.selectors import years as selectors
from assessment.services import waivers as waiver_service
from assessment.views.records import form_submitted, say_refusal
from units.access import AnyUser, user_unit_id
from units.models import Unit
from units.submissions import once_per_submission


def mark_waivers(user: AnyUser, record: Evidence) -> None:
    """What the pages offer on a record: proposing a waiver (the office), and on each open
    waiver the decision (a second member of the office)."""
    mark(record, may_waive=waiver_propose_refusal(user, record) is None)
    for waiver in record.waivers.all():
        mark(waiver, decide_form=waiver_decide_refusal(user, waiver) is None)


def mark_shared_documents(year: AssessmentYear, records: Iterable[Evidence]) -> None:
    """On each record citing a document another unit cites too: those units' names (for the
    verifier, who may honour both or find one claimed by mistake)."""
    records = list(records)
    shared = item_selectors.shared_documents(year, (record.document for record in records))
    for record in records:
        units = shared.get(record.document, [])
        mark(record, shared_with=[name for pk, name in units if pk != record.unit_id])


def _timeline_url(record: Evidence) -> str:
    url = reverse(
        "assessment:evidence_unit_home",
        kwargs={"year": record.indicator.year.year, "unit": record.unit.code},
    )
    return f"{url}#record-{record.pk}"


@require_GET
@login_required
def claims(request: HttpRequest, year: int) -> HttpResponse:
    """The claims and findings by the list: per unit, per item across units, or all the user
    may read; a document another unit cites too is flagged to those who verify."""
    claims_year = selectors.year_get_for_user(request.user, year)
    user = request.user
    own = user_unit_id(user)
    units = Unit.objects.filter(is_active=True).order_by("category__sort_order", "code")
    if not item_selectors.sees_shared_documents(user):
        units = units.filter(pk=own) if own is not None else units.none()
    filters = ClaimFilterForm(
        request.GET or None, units=units, items=item_selectors.items_of_year(claims_year)
    )
    chosen = filters.cleaned_data if filters.is_valid() else {}
    rows = item_selectors.claims_for_user(
        user, claims_year, unit=chosen.get("unit"), item=chosen.get("item")
    )
    for claim in rows:
        mark_waivers(user, claim.record)
    context = {
        "year": claims_year,
        "filters": filters,
        "claims": rows,
        "shared": sum(1 for claim in rows if claim.shared_with),
    }
    return render(request, "items/claims.html", context)


@require_http_methods(["GET", "POST"])
@login_required
@once_per_submission
def waiver_propose(request: HttpRequest, pk: int) -> HttpResponse:
    """The office proposes waiving a record, with the reason and the clause."""
    record = evidence_selectors.evidence_get_for_user(request.user, pk)
    if not manages_assessment(request.user):
        raise PermissionDenied
    form = WaiverProposeForm(request.POST or None)

    def act(data: dict[str, str]) -> str:
        waiver_service.waiver_propose(
            record=record, reason=data["reason"], clause=data["clause"], by=request.user
        )
        return _timeline_url(record)

    success = _("The waiver was proposed. A second member of the assessment office confirms it.")
    if done := form_submitted(request, form, act, success):
        return done
    context = {
        "year": record.indicator.year,
        "unit": record.unit,
        "record": record,
        "form": form,
        "refusal": waiver_propose_refusal(request.user, record),
    }
    return render(request, "items/waiver_form.html", context)


@require_POST
@login_required
def waiver_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """A second member of the office confirms or declines a proposed waiver."""
    if not manages_assessment(request.user):
        raise PermissionDenied
    waiver = get_object_or_404(
        Waiver.objects.select_related("evidence__unit", "evidence__indicator__year"), pk=pk
    )
    record = waiver.evidence
    decision = request.POST.get("decision")
    try:
        if decision == "confirm":
            waiver_service.waiver_confirm(waiver=waiver, by=request.user)
            messages.success(request, _("The waiver is confirmed: the record no longer counts."))
        elif decision == "decline":
            reason = request.POST.get("reason", "")
            waiver_service.waiver_decline(waiver=waiver, by=request.user, reason=reason)
            messages.success(request, _("The waiver was declined: the record counts as before."))
        else:
            messages.error(request, _("Choose whether to confirm or decline the waiver."))
    except ValidationError as error:
        say_refusal(request, error)
    back = request.POST.get("next", "")
    if back == "waivers":
        return redirect("assessment:waiver_list", year=record.indicator.year.year)
    return redirect(_timeline_url(record))


@require_GET
@login_required
def waiver_list(request: HttpRequest, year: int) -> HttpResponse:
    """The office's list of the year's waivers, those awaiting a second member first."""
    if not manages_assessment(request.user):
        raise PermissionDenied
    waivers_year = selectors.year_get_for_user(request.user, year)
    waivers = list(item_selectors.waivers_for_user(request.user, waivers_year))
    for waiver in waivers:
        mark(waiver, decide_form=waiver_decide_refusal(request.user, waiver) is None)
    waivers.sort(key=lambda waiver: not waiver.is_open)  # stable: newest first within each
    return render(request, "items/waivers.html", {"year": waivers_year, "waivers": waivers})
