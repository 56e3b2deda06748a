"""The verification queue and the recording of failures (deductions, veto events).

Thin: the forms parse, ``assessment.services.evidence`` decides and writes (who may verify or
record what is the service's rule, from ``assessment.access``); which records to list is
``selectors.verify``; a decision goes through the pages of every verified record
(``views.records``). These pages show the refusals.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from assessment.access import evidence_verify_refusal, manages_assessment
from assessment.forms.base import add_service_errors
from assessment.forms.verify import (
    DecisionForm,
    FailureForm,
    FailureUnitForm,
    QueueFilterForm,
)
from assessment.models import AssessmentYear, MethodChoices
from assessment.selectors import verify as verify_selectors
from assessment.selectors import years as selectors
from assessment.services.evidence import evidence_record, evidence_verify_many
from assessment.services.records import recording_is_late
from assessment.views.items import mark_shared_documents
from assessment.views.records import client_address, decision_submitted
from units.access import is_lead, is_supervision, user_unit_id
from units.models import Unit
from units.submissions import once_per_submission

RECORDS_PER_PAGE = 25


# --- who sees what ----------------------------------------------------------------------------


def _require_verifier(request: HttpRequest) -> None:
    user = request.user
    if not user.has_perm("assessment.verify_evidence"):
        raise PermissionDenied
    if not (manages_assessment(user) or (is_lead(user) and user_unit_id(user) is not None)):
        raise PermissionDenied


# --- the queue --------------------------------------------------------------------------------


def _queue_page(
    request: HttpRequest, year: AssessmentYear, query: QueryDict, form: DecisionForm | None
) -> HttpResponse:
    filters = QueueFilterForm(query or None, year=year)
    records = filters.apply(verify_selectors.queue_for_user(request.user, year))
    page = Paginator(records, RECORDS_PER_PAGE).get_page(query.get("page"))
    mark_shared_documents(year, page)
    rows = [(record, evidence_verify_refusal(request.user, record)) for record in page]
    if form is None:
        form = DecisionForm(initial={"query": query.urlencode()}, records=records)
    checked = {str(value) for value in (form["records"].value() or [])}
    context = {
        "year": year,
        "filters": filters,
        "page": page,
        "rows": rows,
        "form": form,
        "checked": checked,
        "query": query.urlencode(),
        "is_office": manages_assessment(request.user),
    }
    return render(request, "verify/queue.html", context)


@require_http_methods(["GET"])
@login_required
def verify_queue(request: HttpRequest, year: int) -> HttpResponse:
    _require_verifier(request)
    assessment_year = selectors.year_get_for_user(request.user, year)
    return _queue_page(request, assessment_year, request.GET, None)


def _queue_url(year: AssessmentYear, query: str) -> str:
    url = reverse("assessment:verify_queue", kwargs={"year": year.year})
    return f"{url}?{query}" if query else url


@require_POST
@login_required
def verify_decide(request: HttpRequest, year: int) -> HttpResponse:
    """Verify or reject the chosen records (several, or one with a row's button)."""
    _require_verifier(request)
    assessment_year = selectors.year_get_for_user(request.user, year)
    data = request.POST.copy()
    if one := data.get("verify_one"):  # a row's own button: that record only
        data.setlist("records", [one])
        data["decision"] = "verify"
    decidable = verify_selectors.decidable_for_user(request.user, assessment_year)
    form = DecisionForm(data, records=decidable)
    query = QueryDict(data.get("query", ""))

    def act(accept: bool, reason: str) -> str:
        chosen = list(form.cleaned_data["records"].select_related("unit", "indicator"))
        counts = evidence_verify_many(records=chosen, by=request.user, accept=accept, reason=reason)
        if accept:
            return _("%(count)s records were verified.") % {"count": counts.verified}
        return _("%(count)s records were rejected.") % {"count": counts.rejected}

    return decision_submitted(
        request,
        form,
        act,
        page=lambda: _queue_page(request, assessment_year, query, form),
        then=_queue_url(assessment_year, data.get("query", "").strip()),
    )


@require_http_methods(["GET"])
@login_required
def verify_record(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    """One record of the queue in full, to verify or reject it with the evidence at hand: its
    attachments shown in place, the unit's target and progress on the indicator, and the
    unit's earlier records on it."""
    _require_verifier(request)
    record_year = selectors.year_get_for_user(request.user, year)
    evidence = verify_selectors.decidable_get_for_user(request.user, record_year, pk)
    form = DecisionForm(
        initial={"records": [evidence.pk], "query": request.GET.get("query", "")},
        records=verify_selectors.decidable_for_user(request.user, record_year),
    )
    setting = verify_selectors.record_setting(evidence)
    mark_shared_documents(record_year, [evidence])
    context = {
        "year": record_year,
        "record": evidence,
        "attachments": evidence.attachments.all(),
        "progress": setting.progress,
        "earlier": setting.earlier,
        "earlier_total": setting.earlier_total,
        "refusal": evidence_verify_refusal(request.user, evidence),
        "form": form,
    }
    return render(request, "verify/record.html", context)


# --- failures ---------------------------------------------------------------------------------


def _require_failure_recorder(request: HttpRequest) -> None:
    user = request.user
    if not user.has_perm("assessment.add_evidence"):
        raise PermissionDenied
    if not (manages_assessment(user) or is_supervision(user)):
        raise PermissionDenied


@require_http_methods(["GET", "POST"])
@login_required
@once_per_submission
def verify_failure_record(request: HttpRequest, year: int) -> HttpResponse:
    """Record a deduction or veto event against a unit: choose the unit, then the rest."""
    _require_failure_recorder(request)
    record_year = selectors.year_get_for_user(request.user, year)
    source = request.POST if request.method == "POST" else request.GET
    unit_form = FailureUnitForm(source if "unit" in source else None)
    unit: Unit | None = unit_form.cleaned_data["unit"] if unit_form.is_valid() else None
    if request.method == "POST" and unit is None:
        messages.error(request, _("Choose the unit the failure is recorded against."))
    late = recording_is_late(request.user, record_year)
    form = None
    if unit is not None:
        bound = request.method == "POST"
        form = FailureForm(
            request.POST if bound else None,
            request.FILES if bound else None,
            year=record_year,
            unit=unit,
            late=late,
        )
        if bound and form.is_valid():
            data = form.cleaned_data
            try:
                saved = evidence_record(
                    unit=unit,
                    indicator=data["indicator"],
                    date=data["date"],
                    value=data["value"],
                    description=data["description"],
                    by=request.user,
                    attachments=data["attachments"],
                    late_reason=data.get("late_reason", ""),
                    item=data.get("item"),
                    document=data.get("document") or "",
                    address=client_address(request),
                )
            except ValidationError as error:
                add_service_errors(form, error, form.fields)
            else:
                if saved.indicator.method == MethodChoices.VETO:
                    text = _(
                        "The veto event against %(unit)s was recorded: it takes effect once a "
                        "second member of the assessment office confirms it."
                    )
                else:
                    text = _("The deduction against %(unit)s was recorded and awaits verification.")
                messages.success(request, text % {"unit": unit.name})
                url = reverse("assessment:verify_failure_record", kwargs={"year": year})
                return redirect(f"{url}?unit={unit.code}")
    context = {"year": record_year, "unit_form": unit_form, "unit": unit, "form": form}
    return render(request, "verify/failure_form.html", context)
