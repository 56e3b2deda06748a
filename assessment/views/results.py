"""The results workflow's pages: score sheets, the records behind a score, objections (异议),
publishing and the published versions.

Thin, like ``assessment.views.years``: forms parse, the services decide and write
(``services.objections``, ``services.publication``), these pages choose what to show and show
the refusals. Who may see what is ``assessment.access``.
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessment.access import manages_assessment, objection_file_refusal
from assessment.forms.base import add_service_errors
from assessment.forms.results import ObjectionForm, ObjectionResolveForm, PublishForm
from assessment.lib.explanations import explanation_texts
from assessment.lib.whatif_pages import decider_chart, tier_label
from assessment.models import (
    AssessmentYear,
    Evidence,
    Indicator,
    Objection,
    ObjectionStatus,
    Publication,
    UnitResult,
    YearStatus,
)
from assessment.policy import TRANSITIONS
from assessment.scoring import EvidenceRow, aggregate_evidence
from assessment.selectors import drafts as draft_selectors
from assessment.selectors import provenance
from assessment.selectors import results as result_selectors
from assessment.selectors import years as selectors
from assessment.services import objections as objection_service
from assessment.services import publication as publication_service
from assessment.views.feedback import say_refusal
from units.access import AnyUser, sees_all_units, user_unit_id
from units.downloads import attachment
from units.models import Unit
from units.selectors import unit_get_for_user
from units.submissions import once_per_submission

# --- the year page's part ---------------------------------------------------------------------


def year_results_context(user: AnyUser, year: AssessmentYear, may_transition: bool) -> dict:
    """What the year page shows of the publicity, objections and publishing (three queries)."""
    status = YearStatus(year.status)
    may_publish = may_transition and YearStatus.PUBLISHED in TRANSITIONS[status]
    ends = year.publicity_ends_on
    return {
        "publish_form": PublishForm(prefix="publish") if may_publish else None,
        "publish_early": status == YearStatus.PUBLICITY
        and (ends is None or timezone.localdate() <= ends),
        "publish_problems": objection_service.objections_blocking_publication(year)
        if may_publish
        else [],
        "open_objections": Objection.objects.filter(year=year, status=ObjectionStatus.OPEN).count(),
        "publication_count": year.publications.count(),
        "asks_publicity_end": may_transition and YearStatus.PUBLICITY in TRANSITIONS[status],
    }


@require_POST
@login_required
def publish(request: HttpRequest, year: int) -> HttpResponse:
    assessment_year = selectors.year_get_for_user(request.user, year)
    if not request.user.has_perm("assessment.publish_results", assessment_year):
        raise PermissionDenied
    form = PublishForm(request.POST, prefix="publish")
    if not form.is_valid():  # pragma: no cover - two optional fields
        messages.error(request, _("The publication could not be read."))
        return redirect("assessment:year_detail", year=assessment_year.year)
    try:
        publication = publication_service.publish(
            year=assessment_year,
            by=request.user,
            confirm_early=form.cleaned_data["confirm_early"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        say_refusal(request, error)
        return redirect("assessment:year_detail", year=assessment_year.year)
    messages.success(
        request,
        _("The %(year)s results were published as version %(version)s.")
        % {"year": assessment_year.year, "version": publication.version},
    )
    return redirect("assessment:publication_list", year=assessment_year.year)


# --- publications -----------------------------------------------------------------------------


@require_GET
@login_required
def publication_list(request: HttpRequest, year: int) -> HttpResponse:
    assessment_year = selectors.year_get_for_user(request.user, year)
    if not request.user.has_perm("assessment.view_publication"):
        raise PermissionDenied
    publications = list(
        Publication.objects.filter(year=assessment_year)
        .select_related("published_by", "run")
        .order_by("-version")
    )
    names = _unit_and_indicator_names(assessment_year)
    for publication in publications:
        publication.change_rows = [
            _named_change(change, names) for change in publication.changes or []
        ]
    context = {
        "year": assessment_year,
        "publications": publications,
        "may_download": request.user.has_perm("assessment.download_publication"),
    }
    return render(request, "results/publications.html", context)


def _unit_and_indicator_names(year: AssessmentYear) -> tuple[dict, dict]:
    units = dict(Unit.objects.values_list("code", "name"))
    indicators = {
        (category, code): name
        for category, code, name in Indicator.objects.filter(year=year).values_list(
            "category__code", "code", "name"
        )
    }
    by_code: dict[str, str] = {}
    for (_category, code), name in indicators.items():
        by_code.setdefault(code, name)
    return units, by_code


def _named_change(change: dict, names: tuple[dict, dict]) -> dict:
    units, indicators = names
    indicator = change.get("indicator")
    return {
        "unit": units.get(change.get("unit"), change.get("unit")),
        "indicator": "" if indicator == "total" else indicators.get(indicator, indicator),
        "before": change.get("before"),
        "after": change.get("after"),
    }


@require_GET
@login_required
def publication_document(request: HttpRequest, year: int, version: int) -> HttpResponse:
    """The stored document exactly as published (its SHA-256 is over its canonical form)."""
    assessment_year = selectors.year_get_for_user(request.user, year)
    if not request.user.has_perm("assessment.download_publication"):
        raise PermissionDenied
    publication = get_object_or_404(Publication, year=assessment_year, version=version)
    body = json.dumps(publication.document, ensure_ascii=False, indent=2, sort_keys=True)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    year, version = assessment_year.year, publication.version
    name = pgettext("file name", "%(year)s results, version %(version)s") % {
        "year": year,
        "version": version,
    }
    return attachment(response, f"{name}.json", f"results-{year}-v{version}.json")


# --- a unit's score sheet ---------------------------------------------------------------------


def _sheet_for_user(user: AnyUser, year: AssessmentYear, unit: Unit) -> UnitResult:
    run = result_selectors.current_run(year)
    if run is None:
        raise Http404
    result = get_object_or_404(
        UnitResult.objects.select_related("unit", "category"), run=run, unit=unit
    )
    result.run = run
    if not user.has_perm("assessment.see_score_sheet", result):
        raise PermissionDenied
    return result


@require_GET
@login_required
def score_sheet(request: HttpRequest, year: int, unit: str) -> HttpResponse:
    """One unit's full score sheet: every indicator's score with its rule and numbers, the
    records behind it, and the unit's objections."""
    assessment_year = selectors.year_get_for_user(request.user, year)
    target = get_object_or_404(Unit.objects.select_related("category"), code=unit)
    result = _sheet_for_user(request.user, assessment_year, target)
    indicators = selectors.scheme_indicators(assessment_year, target.category)
    objections = list(
        Objection.objects.filter(year=assessment_year, unit=target)
        .select_related("indicator", "filed_by", "resolved_by")
        .order_by("-filed_at", "-pk")
    )
    open_codes = {o.indicator.code for o in objections if o.is_open}
    may_object = (
        objection_service.objections_open(assessment_year)
        and objection_file_refusal(request.user, target) is None
    )
    details = result.explanations()
    texts = explanation_texts(details, result.scores)
    entries = provenance.entry_summaries(assessment_year, target)
    lines = [
        {
            "indicator": indicator,
            "source": provenance.figure_source_label(
                indicator.method, provenance.indicator_data_source(indicator)
            ),
            "entries": entries.get(indicator.code),
            "score": (result.scores or {}).get(indicator.code),
            "detail": {**details.get(indicator.code, {}), "text": texts.get(indicator.code, "")},
            "records": indicator.method in result_selectors.RECORDED_METHODS
            and result_selectors.may_see_records(request.user, target, indicator),
            "may_object": may_object and indicator.code not in open_codes,
        }
        for indicator in indicators
    ]
    context = {
        "year": assessment_year,
        "unit": target,
        "result": result,
        "bonus_coefficient": assessment_year.scoring_params().tier_coefficients.get(result.tier),
        "lines": lines,
        "objections": objections,
        "may_object": may_object,
        **_decider_context(request.user, assessment_year, target),
    }
    return render(request, "results/score_sheet.html", context)


def _decider_context(user: AnyUser, year: AssessmentYear, unit: Unit) -> dict[str, Any]:
    """What decided the unit's tier, for the assessment office only."""
    if not manages_assessment(user):
        return {}
    decider = draft_selectors.stored_decider(year, unit)
    if decider is None:
        return {}
    return {
        "decider": decider,
        "target_label": tier_label(decider.target) if decider.target else "",
        "decider_charts": decider_chart(decider),
    }


# --- the records behind a score ---------------------------------------------------------------


@require_GET
@login_required
def indicator_records(request: HttpRequest, year: int, unit: str, indicator: str) -> HttpResponse:
    """The verified, current records of one unit on one indicator in the year: what its actual
    value is built from."""
    record_year = selectors.year_get_for_user(request.user, year)
    target = unit_get_for_user(request.user, unit)
    item = get_object_or_404(
        Indicator.objects.select_related("lead_unit", "category"),
        year=record_year,
        category_id=target.category_id,
        code=indicator,
    )
    if not result_selectors.may_see_records(request.user, target, item):
        raise PermissionDenied
    records = list(
        Evidence.objects.counting()
        .filter(
            unit=target,
            indicator=item,
            date__range=(
                datetime.date(record_year.year, 1, 1),
                datetime.date(record_year.year, 12, 31),
            ),
        )
        .select_related("recorded_by", "verified_by", "supersedes")
        .prefetch_related("attachments", "statements__stated_by")
        .order_by("date", "recorded_at", "pk")
    )
    for evidence in records:
        evidence.unit, evidence.indicator = target, item
    total = aggregate_evidence(
        [EvidenceRow(date=r.date, sequence=n, value=r.value) for n, r in enumerate(records)],
        item.aggregation,
    )
    context = {
        "year": record_year,
        "unit": target,
        "indicator": item,
        "records": records,
        "actual": Decimal(total.value),
    }
    return render(request, "results/indicator_records.html", context)


# --- objections -------------------------------------------------------------------------------


@require_GET
@login_required
def objection_list(request: HttpRequest, year: int) -> HttpResponse:
    assessment_year = selectors.year_get_for_user(request.user, year)
    objections = Objection.objects.filter(year=assessment_year).select_related(
        "unit", "indicator", "filed_by", "resolved_by", "resolved_run"
    )
    if not sees_all_units(request.user):
        own = user_unit_id(request.user)
        objections = objections.filter(unit_id=own) if own is not None else objections.none()
    status = request.GET.get("status", "")
    if status in ObjectionStatus.values:
        objections = objections.filter(status=status)
    context = {
        "year": assessment_year,
        "objections": list(objections.order_by("-filed_at", "-pk")),
        "status": status,
        "statuses": ObjectionStatus.choices,
    }
    return render(request, "results/objection_list.html", context)


@require_http_methods(["GET", "POST"])
@login_required
@once_per_submission
def objection_file(request: HttpRequest, year: int, unit: str) -> HttpResponse:
    assessment_year = selectors.year_get_for_user(request.user, year)
    target = unit_get_for_user(request.user, unit)
    if objection_file_refusal(request.user, target) is not None:
        raise PermissionDenied
    indicators = selectors.scheme_indicators(assessment_year, target.category)
    initial = {}
    if code := request.GET.get("indicator"):
        initial["indicator"] = next((i.pk for i in indicators if i.code == code), None)
    form = ObjectionForm(
        request.POST or None, request.FILES or None, indicators=indicators, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            objection = objection_service.objection_file(
                year=assessment_year,
                unit=target,
                indicator=data["indicator"],
                reason=data["reason"],
                attachments=data["attachments"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error, form.fields)
        else:
            messages.success(
                request, _("Your objection was filed. The assessment office will answer it.")
            )
            return redirect("assessment:objection_detail", pk=objection.pk)
    context = {
        "year": assessment_year,
        "unit": target,
        "form": form,
        "open_now": objection_service.objections_open(assessment_year),
    }
    return render(request, "results/objection_form.html", context)


def _objection_for_user(request: HttpRequest, pk: int) -> Objection:
    objection = get_object_or_404(
        Objection.objects.select_related(
            "year", "unit", "indicator", "filed_by", "resolved_by", "run", "resolved_run"
        ),
        pk=pk,
    )
    if not request.user.has_perm("assessment.view_objection", objection):
        raise PermissionDenied
    return objection


@require_GET
@login_required
def objection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    objection = _objection_for_user(request, pk)
    return _objection_page(request, objection, None)


def _objection_page(
    request: HttpRequest, objection: Objection, form: ObjectionResolveForm | None
) -> HttpResponse:
    may_resolve = (
        objection.is_open
        and request.user.has_perm("assessment.resolve_objection", objection)
        and objection.year.status in objection_service.RESOLVING_STATES
    )
    after = None
    if objection.resolved_run is not None:
        scores = (
            UnitResult.objects.filter(run=objection.resolved_run, unit=objection.unit)
            .values_list("scores", flat=True)
            .first()
        )
        after = (scores or {}).get(objection.indicator.code)
    context = {
        "year": objection.year,
        "objection": objection,
        "attachments": list(objection.attachments.all()),
        "after": after,
        "history": objection.history.select_related("history_user").order_by("history_date"),
        "form": form or (ObjectionResolveForm() if may_resolve else None),
    }
    return render(request, "results/objection_detail.html", context)


@require_POST
@login_required
def objection_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    objection = _objection_for_user(request, pk)
    if not request.user.has_perm("assessment.resolve_objection", objection):
        raise PermissionDenied
    form = ObjectionResolveForm(request.POST)
    if not form.is_valid():
        return _objection_page(request, objection, form)
    try:
        objection_service.objection_resolve(
            objection=objection,
            by=request.user,
            accept=form.accept,
            resolution=form.cleaned_data["resolution"],
        )
    except ValidationError as error:
        add_service_errors(form, error, form.fields)
        return _objection_page(request, objection, form)
    if form.accept:
        messages.success(
            request,
            _(
                "The objection was accepted. Now amend the input it concerns and compute the "
                "results again; the new computation will be recorded with it."
            ),
        )
    else:
        messages.success(request, _("The objection was rejected; the unit sees your reason."))
    return redirect("assessment:objection_detail", pk=objection.pk)
