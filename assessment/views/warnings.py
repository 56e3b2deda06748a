"""Pages of the three-colour warnings: the year's periods, colours and follow-up (office and
leaders see every unit, a unit only its own), a notice with its reports, talks, and leaders'
instructions with their answers."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessment.access import manages_assessment
from assessment.forms.base import add_service_errors
from assessment.forms.warnings import (
    AnswerForm,
    InstructionForm,
    ReportForm,
    ReviewForm,
    TalkForm,
)
from assessment.models import (
    Indicator,
    Instruction,
    RectificationReport,
    ReportingPeriod,
    ReportStatus,
    WarningNotice,
)
from assessment.selectors import warnings as read
from assessment.selectors import years as selectors
from assessment.services import warnings as service
from assessment.views.feedback import say_form_errors, say_refusal
from units.access import is_admin, is_leader, is_own_unit, user_unit_id
from units.models import Unit
from units.selectors import unit_get_for_user
from units.submissions import once_per_submission


def _office_only(request: HttpRequest) -> None:
    if not manages_assessment(request.user):
        raise PermissionDenied


def _period_for_office(request: HttpRequest, pk: int) -> ReportingPeriod:
    _office_only(request)
    return get_object_or_404(ReportingPeriod.objects.select_related("year"), pk=pk)


@require_GET
@login_required
def warnings_year(request: HttpRequest, year: int) -> HttpResponse:
    """The year's periods, the colours at a closed period's end (or now), the notices, the
    reports to review and the talk list."""
    assessment_year = selectors.year_get_for_user(request.user, year)
    today = timezone.localdate()
    periods = read.year_periods(assessment_year)
    closed = [period for period in periods if period.is_closed]
    chosen = next((p for p in periods if str(p.pk) == request.GET.get("period")), None)
    period = chosen or (closed[-1] if closed else None)
    now = request.GET.get("view") == "now" or period is None or not period.is_closed
    units = read.visible_unit_ids(request.user, assessment_year)
    if now or period is None:
        colours = read.colours_now(assessment_year, today)
    else:
        colours = read.colours_at(period)
    office = manages_assessment(request.user)
    next_open = next((p for p in periods if not p.is_closed), None)
    context = {
        "year": assessment_year,
        "periods": periods,
        "period": period,
        "now": now,
        "heat": read.heat_map(assessment_year, colours, units),
        "notices": list(read.notices_for_user(request.user, period)) if period else [],
        "talk_list": list(read.talk_list(period).filter(unit_id__in=units)) if period else [],
        "to_review": list(read.reports_awaiting_review(assessment_year)) if office else [],
        "office": office,
        "may_close": next_open if office and next_open and next_open.ends_on < today else None,
        "rules": read.warning_rules(assessment_year),
    }
    return render(request, "warnings/year.html", context)


@require_POST
@login_required
@once_per_submission
def periods_create(request: HttpRequest, year: int) -> HttpResponse:
    _office_only(request)
    assessment_year = selectors.year_get_for_user(request.user, year)
    try:
        service.periods_create(year=assessment_year, by=request.user)
    except ValidationError as error:
        say_refusal(request, error)
    else:
        messages.success(request, _("The four quarters of the year are set."))
    return redirect("assessment:warnings_year", year=year)


@require_POST
@login_required
@once_per_submission
def period_close(request: HttpRequest, pk: int) -> HttpResponse:
    period = _period_for_office(request, pk)
    try:
        notices = service.period_close(period=period, by=request.user)
    except ValidationError as error:
        say_refusal(request, error)
    else:
        messages.success(
            request,
            _("%(period)s is closed: %(count)s warning notices issued.")
            % {"period": period.name, "count": len(notices)},
        )
    response = redirect("assessment:warnings_year", year=period.year.year)
    response["Location"] += f"?period={period.pk}"
    return response


# --- notices and reports ----------------------------------------------------------------------


def _notice_page(
    request: HttpRequest,
    notice: WarningNotice,
    report_form: ReportForm | None = None,
    review_form: ReviewForm | None = None,
) -> HttpResponse:
    reports = list(notice.reports.prefetch_related("attachments").select_related("filed_by"))
    last = reports[-1] if reports else None
    own = is_own_unit(request.user, notice.unit)
    may_file = own and read.report_is_open(notice)
    may_review = manages_assessment(request.user) and last and last.status == ReportStatus.FILED
    context: dict[str, Any] = {
        "year": notice.period.year,
        "notice": notice,
        "reds": list(read.notice_reds(notice)),
        "reports": reports,
        "overdue": may_file and notice.report_due < timezone.localdate(),
        "report_form": (report_form or ReportForm()) if may_file else None,
        "review_form": (review_form or ReviewForm()) if may_review else None,
        "review_target": last if may_review else None,
        "instructions": list(notice.instructions.select_related("written_by")),
    }
    return render(request, "warnings/notice.html", context)


@require_GET
@login_required
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _notice_page(request, read.notice_get_for_user(request.user, pk))


@require_POST
@login_required
@once_per_submission
def notice_report(request: HttpRequest, pk: int) -> HttpResponse:
    notice = read.notice_get_for_user(request.user, pk)
    if not is_own_unit(request.user, notice.unit):
        raise PermissionDenied
    form = ReportForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            service.report_file(
                notice=notice,
                measures=data["measures"],
                done_by=data["done_by"],
                uploads=data["attachments"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error, form.fields)
        else:
            messages.success(request, _("Your rectification report was filed."))
            return redirect("assessment:notice_detail", pk=notice.pk)
    return _notice_page(request, notice, report_form=form)


@require_POST
@login_required
@once_per_submission
def report_review(request: HttpRequest, pk: int) -> HttpResponse:
    _office_only(request)
    report = get_object_or_404(
        RectificationReport.objects.select_related("notice__unit", "notice__period__year"), pk=pk
    )
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            service.report_review(
                report=report, accept=form.accept, note=form.cleaned_data["note"], by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error, form.fields)
        else:
            messages.success(request, _("The review of the report is recorded."))
            return redirect("assessment:notice_detail", pk=report.notice_id)
    return _notice_page(request, report.notice, review_form=form)


# --- talks ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
@once_per_submission
def talk_record(request: HttpRequest, pk: int, unit: str) -> HttpResponse:
    period = _period_for_office(request, pk)
    target = unit_get_for_user(request.user, unit)
    entries = list(read.talk_list(period).filter(unit=target))
    form = TalkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service.talk_record(period=period, unit=target, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error, form.fields)
        else:
            messages.success(request, _("The talk is recorded."))
            response = redirect("assessment:warnings_year", year=period.year.year)
            response["Location"] += f"?period={period.pk}"
            return response
    context = {"year": period.year, "period": period, "unit": target, "entries": entries}
    return render(request, "warnings/talk.html", {**context, "form": form})


# --- leaders' instructions --------------------------------------------------------------------


def _writes_instructions(request: HttpRequest) -> bool:
    return bool(is_leader(request.user) or is_admin(request.user))


@require_http_methods(["GET", "POST"])
@login_required
@once_per_submission
def instructions(request: HttpRequest, year: int) -> HttpResponse:
    """The instructions of the year the user may read; a leader writes a new one here."""
    assessment_year = selectors.year_get_for_user(request.user, year)
    form = None
    if _writes_instructions(request):
        visible = read.visible_unit_ids(request.user, assessment_year)
        units = list(Unit.objects.filter(pk__in=visible))
        form = InstructionForm(
            request.POST or None,
            units=units,
            indicators=list(Indicator.objects.filter(year=assessment_year)),
            notices=list(WarningNotice.objects.filter(period__year=assessment_year)),
            initial={"unit": request.GET.get("unit"), "notice": request.GET.get("notice")},
        )
        if request.method == "POST" and form.is_valid():
            try:
                written = service.instruction_write(
                    year=assessment_year, by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error, form.fields)
            else:
                messages.success(request, _("The instruction was sent to the unit."))
                return redirect("assessment:instruction_detail", pk=written.pk)
    elif request.method == "POST":
        raise PermissionDenied
    context = {
        "year": assessment_year,
        "instructions": list(read.instructions_for_user(request.user, assessment_year)),
        "form": form,
    }
    return render(request, "warnings/instructions.html", context)


def _may(request: HttpRequest, perm: str, record: Model) -> None:
    if not request.user.has_perm(perm, record):
        raise PermissionDenied


def _instruction_for_user(request: HttpRequest, pk: int) -> Instruction:
    related = ("year", "unit", "indicator", "notice__period", "written_by", "answered_by")
    instruction = get_object_or_404(Instruction.objects.select_related(*related), pk=pk)
    _may(request, "assessment.view_instruction", instruction)
    return instruction


@require_GET
@login_required
def instruction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    instruction = _instruction_for_user(request, pk)
    may_answer = not instruction.is_answered and user_unit_id(request.user) == instruction.unit_id
    context = {
        "year": instruction.year,
        "instruction": instruction,
        "form": AnswerForm() if may_answer else None,
    }
    return render(request, "warnings/instruction.html", context)


@require_POST
@login_required
@once_per_submission
def instruction_answer(request: HttpRequest, pk: int) -> HttpResponse:
    instruction = _instruction_for_user(request, pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        say_form_errors(request, form)
        return redirect("assessment:instruction_detail", pk=pk)
    try:
        service.instruction_answer(
            instruction=instruction, answer=form.cleaned_data["answer"], by=request.user
        )
    except ValidationError as error:
        say_refusal(request, error)
    else:
        messages.success(request, _("Your answer was sent to the leader."))
    return redirect("assessment:instruction_detail", pk=pk)
