"""A unit's evidence pages: its home (progress and timeline), record, correct, answer, download.

Thin: a form parses, one service acts (``services.evidence``), the view renders or redirects;
reads are ``selectors.evidence``. Recording and correcting go through the pages of every
verified record (``views.records``). Who may do what is ``assessment.access``; the year's clock
is the services'.
"""

from __future__ import annotations

from decimal import Decimal
from functools import partial
from typing import Any

from csp.decorators import csp_replace
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods

from assessment.access import (
    evidence_record_refusal,
    evidence_statement_refusal,
    provides_indicator,
    self_report_refusal,
    source_refusal,
)
from assessment.forms.base import add_service_errors, model_choices
from assessment.forms.evidence import (
    EvidenceCorrectForm,
    EvidenceRecordForm,
    EvidenceStatementForm,
    HighlightForm,
    SelfReportForm,
    sourced_elsewhere,
)
from assessment.forms.records import CorrectionForm
from assessment.lib.attachments import accepted_kinds_text, attachment_get_for_user
from assessment.lib.marks import mark
from assessment.models import (
    AssessmentYear,
    Evidence,
    EvidenceAttachment,
    Highlight,
    Indicator,
    MethodChoices,
)
from assessment.selectors import evidence as evidence_selectors
from assessment.selectors import years as selectors
from assessment.services import evidence as evidence_service
from assessment.services import highlights as highlight_service
from assessment.services.records import recording_open, recording_refusal
from assessment.views.items import mark_waivers
from assessment.views.records import (
    calling,
    client_address,
    correction_page,
    form_submitted,
    recorded_message,
    say_refusal,
)
from units.access import AnyUser, user_unit_id
from units.models import Unit
from units.selectors import unit_get_for_user
from units.submissions import once_per_submission

RECORDS_PER_PAGE = 20


def _unit_and_year(request: HttpRequest, year: int, unit: str) -> tuple[Unit, AssessmentYear]:
    """The year (403 unless staff) and the unit (403 unless the user may see it)."""
    record_year = selectors.year_get_for_user(request.user, year)
    return unit_get_for_user(request.user, unit), record_year


def _home_url(unit: Unit, year: AssessmentYear) -> str:
    return reverse("assessment:evidence_unit_home", kwargs={"year": year.year, "unit": unit.code})


def _exceeded(indicator: Indicator, ratio: Decimal | None) -> int | None:
    """For a ceiling indicator above its ceiling, the share of the ceiling reached (in %):
    shown as exceeded, never as a full bar."""
    if indicator.method != MethodChoices.CEILING or ratio is None or ratio <= 1:
        return None
    return int((ratio * 100).to_integral_value())


# --- the unit's home --------------------------------------------------------------------------


def _highlights_context(
    user: AnyUser,
    unit: Unit,
    year: AssessmentYear,
    form: HighlightForm | None,
    may_record: bool,
    indicators: list[Indicator],
) -> dict:
    """The unit's highlights, the warning below two, the form and the link to record a bonus
    (on the first bonus indicator of the unit's scheme, ``indicators``, it may record on)."""
    highlights = evidence_selectors.unit_highlights(unit, year)
    may_change = (
        highlight_service.highlights_open(year)
        and highlight_service.highlight_refusal(user, unit) is None
    )
    bonus = None
    if may_record:
        bonus = next(
            (
                indicator
                for indicator in indicators
                if indicator.method == MethodChoices.BONUS
                and evidence_record_refusal(user, unit, indicator) is None
            ),
            None,
        )
    return {
        "highlights": highlights,
        "highlights_below_minimum": len(highlights) < highlight_service.MIN_HIGHLIGHTS,
        "highlights_min": highlight_service.MIN_HIGHLIGHTS,
        "highlights_max": highlight_service.MAX_HIGHLIGHTS,
        "may_change_highlights": may_change,
        "highlight_form": form
        if form is not None
        else (
            HighlightForm()
            if may_change and len(highlights) < highlight_service.MAX_HIGHLIGHTS
            else None
        ),
        "bonus_indicator": bonus,
    }


@require_GET
@login_required
def unit_home(request: HttpRequest, year: int, unit: str) -> HttpResponse:
    target_unit, record_year = _unit_and_year(request, year, unit)
    return _render_home(request, target_unit, record_year)


def _render_home(
    request: HttpRequest,
    target_unit: Unit,
    record_year: AssessmentYear,
    highlight_form: HighlightForm | None = None,
) -> HttpResponse:
    user = request.user
    progress = evidence_selectors.unit_progress(unit=target_unit, year=record_year)
    overdue = {
        row.indicator.pk: row
        for row in evidence_selectors.indicators_overdue(
            unit=target_unit, year=record_year, today=timezone.localdate()
        )
    }
    readable = evidence_selectors.readable_indicators(user, target_unit)
    rows = [
        {
            "row": row,
            "percent": row.percent,
            "overdue": overdue.get(row.indicator.pk),
            "exceeded": _exceeded(row.indicator, row.ratio),
        }
        for row in progress.indicators
        # A lead department reads the figures of the indicators it leads, not the others'; a
        # data source unit those it provides.
        if readable is None
        or user_unit_id(user) in (row.indicator.lead_unit_id, row.indicator.source_unit_id)
    ]
    records = evidence_selectors.unit_timeline(user, target_unit, record_year)
    page = Paginator(records, RECORDS_PER_PAGE).get_page(request.GET.get("page"))
    indicators = [row.indicator for row in progress.indicators]
    evidence_selectors.with_indicators(page, indicators)
    for record in page:
        record.unit = target_unit  # every record is this unit's: no query per record for it
        mark(
            record,
            may_correct=record.is_current
            and evidence_record_refusal(user, record.unit, record.indicator) is None,
            may_answer=evidence_statement_refusal(user, record) is None,
        )
        mark_waivers(user, record)
    may_record = recording_open(user, record_year) and any(
        evidence_record_refusal(user, target_unit, row.indicator) is None
        for row in progress.indicators
    )
    context = {
        "year": record_year,
        "unit": target_unit,
        "progress": progress,
        "rows": rows,
        "overdue_count": len(overdue),
        "page": page,
        "may_record": may_record,
        # the user's own unit provides figures for every unit (一数一源): a link to them
        "provides": user_unit_id(user) == target_unit.pk
        and Indicator.objects.filter(year=record_year, source_unit=target_unit).exists(),
        **_highlights_context(
            user, target_unit, record_year, highlight_form, may_record, indicators
        ),
    }
    return render(request, "evidence/unit_home.html", context)


# --- highlights -------------------------------------------------------------------------------


@require_http_methods(["POST"])
@login_required
@once_per_submission
def highlight_add(request: HttpRequest, year: int, unit: str) -> HttpResponse:
    target_unit, record_year = _unit_and_year(request, year, unit)
    if highlight_service.highlight_refusal(request.user, target_unit) is not None:
        raise PermissionDenied
    form = HighlightForm(request.POST)
    if form.is_valid():
        try:
            registered = highlight_service.highlight_register(
                year=record_year,
                unit=target_unit,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error, form.fields)
        else:
            messages.success(request, _("The highlight was registered."))
            if registered.below_minimum:
                messages.warning(
                    request,
                    _("A unit is expected to register at least %(count)s highlights a year.")
                    % {"count": highlight_service.MIN_HIGHLIGHTS},
                )
            return redirect(_home_url(target_unit, record_year))
    return _render_home(request, target_unit, record_year, highlight_form=form)


@require_http_methods(["POST"])
@login_required
def highlight_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    highlight = get_object_or_404(Highlight.objects.select_related("year", "unit"), pk=pk)
    target_unit, record_year = _unit_and_year(request, highlight.year.year, highlight.unit.code)
    try:
        highlight_service.highlight_withdraw(highlight=highlight, by=request.user)
    except ValidationError as error:
        say_refusal(request, error)
    else:
        messages.success(request, _("The highlight was withdrawn."))
    return redirect(_home_url(target_unit, record_year))


# --- recording --------------------------------------------------------------------------------


def _record_initial(request: HttpRequest) -> dict[str, str]:
    """What a link may fill in (a highlight's recognition: the bonus indicator and its title)."""
    initial = {}
    if (indicator := request.GET.get("indicator", "")).isdigit():
        initial["indicator"] = indicator
    if description := request.GET.get("description", "").strip():
        initial["description"] = description[:500]
    return initial


@require_http_methods(["GET", "POST"])
@login_required
@once_per_submission
def record(request: HttpRequest, year: int, unit: str) -> HttpResponse:
    target_unit, record_year = _unit_and_year(request, year, unit)
    form = EvidenceRecordForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        unit=target_unit,
        year=record_year,
        initial=_record_initial(request),
    )
    choices = model_choices(form, "indicator")
    sourced = sourced_elsewhere(request.user, target_unit, record_year)
    asked = request.POST.get("indicator") or request.GET.get("indicator", "")
    # 一数一源: an indicator another unit provides is shown read-only, with who provides it
    refused = next((i for i in sourced if str(i.pk) == asked), None)
    if refused is None and not choices.queryset.exists():
        raise PermissionDenied
    self_report = None
    if refused is not None:
        choices.queryset = Indicator.objects.filter(
            Q(pk__in=choices.queryset.values("pk")) | Q(pk=refused.pk)
        ).order_by("sort_order", "code")
        form = EvidenceRecordForm(
            user=request.user,
            unit=target_unit,
            year=record_year,
            initial={**_record_initial(request), "indicator": refused.pk},
        )
        model_choices(form, "indicator").queryset = choices.queryset
        self_report, done = _self_report(request, target_unit, refused)
        if done:
            return done
    else:
        record_evidence = partial(
            evidence_service.evidence_record, unit=target_unit, address=client_address(request)
        )
        act = calling(record_evidence, by=request.user, then=_home_url(target_unit, record_year))
        if done := form_submitted(request, form, act, recorded_message()):
            return done
    context = {
        "year": record_year,
        "unit": target_unit,
        "form": form,
        "closed": source_refusal(refused)
        if refused is not None
        else recording_refusal(request.user, record_year),
        "sourced": sourced,
        "refused": refused,
        "self_report": self_report,
        "accepted_kinds": accepted_kinds_text(),
    }
    return render(request, "evidence/record_form.html", context)


def _self_report(
    request: HttpRequest, unit: Unit, indicator: Indicator
) -> tuple[SelfReportForm | None, HttpResponse | None]:
    """The form of the unit's own figure (自报数) on an indicator another unit provides, when
    the user may state it now, and the response once it is saved."""
    year = indicator.year
    if self_report_refusal(request.user, unit, indicator) or recording_refusal(request.user, year):
        return None, None
    posted = request.method == "POST" and bool(request.POST.get("own-self_report"))
    form = SelfReportForm(
        request.POST if posted else None, request.FILES if posted else None, prefix="own"
    )
    state = partial(
        evidence_service.evidence_record,
        unit=unit,
        indicator=indicator,
        address=client_address(request),
        by=request.user,
        self_report=True,
    )

    def act(data: dict[str, Any]) -> str:
        state(**{k: v for k, v in data.items() if k != "self_report"})
        return _home_url(unit, year)

    message = _("Your unit's own figure was kept for the comparison; it does not count.")
    return form, form_submitted(request, form, act, message) if posted else None


def _back_url(user: AnyUser, record: Evidence) -> str:
    """Where a correction returns: the record's unit page, or, for the data source unit that
    provided the figure (it reads no other unit's page), its sources page."""
    year = record.indicator.year
    if user_unit_id(user) != record.unit_id and provides_indicator(user, record.indicator):
        return reverse("assessment:source_index", kwargs={"year": year.year})
    return _home_url(record.unit, year)


@require_http_methods(["GET", "POST"])
@login_required
@once_per_submission
def correct(request: HttpRequest, pk: int) -> HttpResponse:
    old = evidence_selectors.evidence_get_for_user(request.user, pk)

    def show(form: CorrectionForm) -> HttpResponse:
        context = {
            "year": old.indicator.year,
            "unit": old.unit,
            "record": old,
            "form": form,
            "closed": recording_refusal(request.user, old.indicator.year),
            "accepted_kinds": accepted_kinds_text(),
        }
        return render(request, "evidence/correct_form.html", context)

    return correction_page(
        request,
        old,
        may_correct=request.user.has_perm("assessment.add_evidence", old),
        form_class=EvidenceCorrectForm,
        correct=partial(
            evidence_service.evidence_correct, record=old, address=client_address(request)
        ),
        back_url=_back_url(request.user, old),
        show=show,
    )


@require_http_methods(["GET", "POST"])
@login_required
@once_per_submission
def statement(request: HttpRequest, pk: int) -> HttpResponse:
    failure = evidence_selectors.evidence_get_for_user(request.user, pk)
    # The rule itself, not has_perm: Django grants every permission to a superuser, but only the
    # users of the unit a failure is recorded against may answer it.
    if evidence_statement_refusal(request.user, failure) is not None:
        raise PermissionDenied
    form = EvidenceStatementForm(request.POST or None)

    answer = partial(evidence_service.evidence_statement_create, record=failure)
    act = calling(answer, by=request.user, then=_home_url(failure.unit, failure.indicator.year))
    if done := form_submitted(request, form, act, _("Your statement was saved with the record.")):
        return done
    context = {
        "year": failure.indicator.year,
        "unit": failure.unit,
        "record": failure,
        "statements": failure.statements.select_related("stated_by"),
        "form": form,
    }
    return render(request, "evidence/statement_form.html", context)


# --- attachments ------------------------------------------------------------------------------


def _file_response(stored: EvidenceAttachment, *, inline: bool) -> FileResponse:
    response = FileResponse(
        stored.file.open("rb"),
        as_attachment=not inline,
        filename=stored.original_name,
        content_type=stored.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@login_required
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    """The file, as a download, with the type stored at upload."""
    return _file_response(attachment_get_for_user(request.user, pk), inline=False)


@require_GET
@login_required
@xframe_options_sameorigin
# django-csp types a view as taking the request alone
@csp_replace({"frame-ancestors": ["'self'"], "object-src": ["'self'"]})  # type: ignore[arg-type]
def attachment_preview(request: HttpRequest, pk: int) -> FileResponse:
    """The file shown in place on the site's own pages (a PDF in a frame, an image), to the
    same people as its download; any other type is downloaded, never shown inline. The type is
    the one the upload checks identified from the content, and the browser may not guess
    another (nosniff)."""
    stored = attachment_get_for_user(request.user, pk)
    return _file_response(stored, inline=bool(stored.preview))
