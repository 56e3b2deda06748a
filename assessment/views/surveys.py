"""The office's pages of the satisfaction surveys (群众满意度): list, prepare, open, close, print.

Thin, like the other pages: forms parse, ``assessment.services.surveys`` decides and writes,
these pages show the tally and the refusals. The office manages; a unit's users read their own
unit's surveys (and print the poster of its link), district leaders read them all.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessment.access import manages_assessment
from assessment.documents.slips import SURVEY_WORDING, Slip, poster_pdf, slips_pdf
from assessment.forms.base import add_service_errors
from assessment.forms.surveys import SurveyCloseForm, SurveyCodesForm, SurveyForm
from assessment.lib.survey_words import rate_words
from assessment.models import AssessmentYear, Survey, SurveyRate, SurveyStatus
from assessment.policy import ALLOWED, Action
from assessment.selectors import surveys as survey_selectors
from assessment.selectors import years as selectors
from assessment.services import survey_answers as answering
from assessment.services import surveys as survey_service
from assessment.views.feedback import say_form_errors, say_refusal
from units.downloads import attachment
from units.models import Unit


def _open_for_surveys(year: AssessmentYear) -> bool:
    return year.status in ALLOWED[Action.RUN_EVALUATIONS]


def _require_office(request: HttpRequest) -> None:
    if not manages_assessment(request.user):
        raise PermissionDenied


def _survey_for_office(request: HttpRequest, pk: int) -> Survey:
    """A survey the office manages: 404 when there is none, 403 for anyone but the office."""
    survey = survey_service.survey_get_for_user(request.user, pk)
    _require_office(request)
    return survey


def _closed_year(request: HttpRequest, year: AssessmentYear) -> bool:
    """Past the states that allow running surveys, say so instead of showing a form in vain."""
    if _open_for_surveys(year):
        return False
    messages.error(
        request,
        _(
            "The %(year)s assessment is in the state “%(status)s”: satisfaction surveys can no "
            "longer be prepared, opened or closed."
        )
        % {"year": year.year, "status": year.get_status_display()},
    )
    return True


def public_url(request: HttpRequest, survey: Survey) -> str:
    """The survey's public link: on ``PUBLIC_BASE_URL`` if the site sets one (the address the
    public reaches, when the office works on an internal one), else this site's."""
    path = reverse("survey:respond", kwargs={"token": survey.token})
    base = settings.PUBLIC_BASE_URL
    return f"{base.rstrip('/')}{path}" if base else request.build_absolute_uri(path)


def _pdf(content: bytes, name: str, fallback: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Cache-Control"] = "private, no-store"
    return attachment(response, name, fallback)


# --- lists ------------------------------------------------------------------------------------


@require_GET
@login_required
def survey_index(request: HttpRequest) -> HttpResponse:
    """The surveys of the newest year (the navigation's entry)."""
    if not survey_service.may_list_surveys(request.user):
        raise PermissionDenied
    newest = AssessmentYear.objects.order_by("-year").first()
    if newest is None:
        return redirect("assessment:year_list")
    return redirect("assessment:survey_list", year=newest.year)


@require_GET
@login_required
def survey_list(request: HttpRequest, year: int) -> HttpResponse:
    assessment_year = selectors.year_get_for_user(request.user, year)
    if not survey_service.may_list_surveys(request.user):
        raise PermissionDenied
    surveys = survey_service.surveys_for_user(request.user, assessment_year)
    units = Unit.objects.filter(pk__in=surveys.values("unit_id")).order_by("code")
    unit, status = request.GET.get("unit", ""), request.GET.get("status", "")
    if unit:
        surveys = surveys.filter(unit__code=unit)
    if status in SurveyStatus.values:
        surveys = surveys.filter(status=status)
    context = {
        "year": assessment_year,
        "surveys": list(surveys),
        "units": list(units),
        "unit": unit,
        "status": status,
        "statuses": SurveyStatus.choices,
        "may_create": manages_assessment(request.user) and _open_for_surveys(assessment_year),
        "has_indicators": survey_service.survey_indicators(assessment_year).exists(),
    }
    return render(request, "surveys/list.html", context)


# --- preparing --------------------------------------------------------------------------------


def _form_page(request: HttpRequest, year: AssessmentYear, survey: Survey | None) -> HttpResponse:
    form = SurveyForm(request.POST or None, instance=survey, year=year)
    if request.method == "POST" and form.is_valid():
        try:
            saved = survey_service.survey_save(
                year=year,
                survey=survey,
                by=request.user,
                data=form.settings(),
                questions=form.question_list(),
            )
        except ValidationError as error:
            add_service_errors(form, error, form.fields)
        else:
            messages.success(request, _("The survey was saved."))
            return redirect("assessment:survey_detail", pk=saved.pk)
    context = {"year": year, "survey": survey, "form": form}
    return render(request, "surveys/form.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def survey_create(request: HttpRequest, year: int) -> HttpResponse:
    assessment_year = selectors.year_get_for_user(request.user, year)
    _require_office(request)
    if _closed_year(request, assessment_year):
        return redirect("assessment:survey_list", year=assessment_year.year)
    return _form_page(request, assessment_year, None)


@require_http_methods(["GET", "POST"])
@login_required
def survey_edit(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey_for_office(request, pk)
    if survey.status != SurveyStatus.DRAFT:
        messages.error(request, _("Only a survey being prepared can be changed."))
        return redirect("assessment:survey_detail", pk=survey.pk)
    if _closed_year(request, survey.year):
        return redirect("assessment:survey_detail", pk=survey.pk)
    return _form_page(request, survey.year, survey)


# --- one survey -------------------------------------------------------------------------------


@require_GET
@login_required
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    survey = survey_service.survey_get_for_user(request.user, pk)
    report = survey_service.survey_report(survey)
    pool = survey_service.pool_for(survey)
    office = manages_assessment(request.user) and _open_for_surveys(survey.year)
    siblings = list(
        Survey.objects.of_pair(indicator_id=survey.indicator_id, unit_id=survey.unit_id)
        .exclude(pk=survey.pk)
        .order_by("pk")
    )
    context = {
        "year": survey.year,
        "survey": survey,
        "report": report,
        "pool": pool,
        "siblings": siblings,
        "own_words": rate_words(report.tally, survey.min_responses),
        "pool_words": rate_words(pool.tally, pool.needed),
        "link": public_url(request, survey),
        "public_state": answering.public_refusal(survey),
        "may_edit": office and survey.status == SurveyStatus.DRAFT,
        "may_open": office and survey.status == SurveyStatus.DRAFT,
        "may_close": office and survey.status == SurveyStatus.OPEN,
        "may_make_codes": office and survey.uses_codes and survey.status != SurveyStatus.CLOSED,
        "close_form": SurveyCloseForm(),
        "codes_form": SurveyCodesForm(),
        "rate": SurveyRate.objects.filter(indicator_id=survey.indicator_id, unit_id=survey.unit_id)
        .select_related("survey")
        .first(),
        "history": survey.history.select_related("history_user").order_by("-history_date")[:20],
        "days": survey_selectors.answers_by_day(survey),
    }
    return render(request, "surveys/detail.html", context)


@require_POST
@login_required
def survey_open(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey_for_office(request, pk)
    try:
        survey_service.survey_open(survey=survey, by=request.user)
    except ValidationError as error:
        say_refusal(request, error)
    else:
        messages.success(request, _("The survey is open: its link now takes answers."))
    return redirect("assessment:survey_detail", pk=survey.pk)


@require_POST
@login_required
def survey_close(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey_for_office(request, pk)
    form = SurveyCloseForm(request.POST)
    form.is_valid()  # one optional box
    try:
        closed = survey_service.survey_close(
            survey=survey,
            by=request.user,
            without_rate=bool(form.cleaned_data.get("without_rate")),
        )
    except ValidationError as error:
        say_refusal(request, error)
    else:
        if closed.rate is None:
            messages.warning(request, _("The survey was closed without a rate."))
        else:
            messages.success(
                request,
                _("The survey was closed. The rate of %(unit)s on %(indicator)s is now %(rate)s.")
                % {
                    "unit": closed.unit.name,
                    "indicator": closed.indicator.name,
                    "rate": closed.rate,
                },
            )
    return redirect("assessment:survey_detail", pk=survey.pk)


@require_POST
@login_required
def survey_codes(request: HttpRequest, pk: int) -> HttpResponse:
    """Make a batch of codes and answer with their slips (PDF): the only time they are shown."""
    survey = _survey_for_office(request, pk)
    form = SurveyCodesForm(request.POST)
    if not form.is_valid():
        say_form_errors(request, form)
        return redirect("assessment:survey_detail", pk=survey.pk)
    try:
        batch, codes = survey_service.codes_make(
            survey=survey,
            size=form.cleaned_data["size"],
            void_earlier=form.cleaned_data["void_earlier"],
            by=request.user,
        )
    except ValidationError as error:
        say_refusal(request, error)
        return redirect("assessment:survey_detail", pk=survey.pk)
    link = public_url(request, survey)
    lines = [survey.unit.name]
    if survey.service:
        lines.append(survey.service)
    if survey.closes_on:
        lines.append(_("Answer by %(date)s") % {"date": survey.closes_on.isoformat()})
    slips = [
        Slip(serial=serial, code=code, url=f"{link}?code={code}", lines=lines)
        for serial, code in codes
    ]
    name = pgettext("file name", "Survey code cards")
    return _pdf(
        slips_pdf(survey.title, slips, SURVEY_WORDING),
        f"{name}-{survey.pk}-{batch.pk}.pdf",
        f"survey-codes-{survey.pk}-{batch.pk}.pdf",
    )


@require_GET
@login_required
def survey_poster(request: HttpRequest, pk: int) -> HttpResponse:
    """An A4 poster with the QR code of the public link (for a survey answered by link)."""
    survey = survey_service.survey_get_for_user(request.user, pk)
    lines = [survey.unit.name]
    if survey.service:
        lines.append(survey.service)
    if survey.uses_codes:
        lines.append(_("Answer with the code on your slip."))
    else:
        lines.append(_("Scan the code to answer. It takes about a minute and is anonymous."))
    if survey.closes_on:
        lines.append(_("Answer by %(date)s") % {"date": survey.closes_on.isoformat()})
    content = poster_pdf(survey.title, public_url(request, survey), lines)
    name = pgettext("file name", "Survey poster")
    return _pdf(content, f"{name}-{survey.pk}.pdf", f"survey-poster-{survey.pk}.pdf")
