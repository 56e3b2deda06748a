"""The public survey page (``/survey/<token>/``): no login, made for a phone.

Whoever has the link (or, for a survey with codes, a code) answers once. What keeps it honest,
in the order it is checked (see docs/surveys.md):

- a survey not open yet, or closed, says so; an unknown link (or one still being prepared) is
  a 404;
- each client address may send ``SURVEY_RATE_LIMIT`` answers an hour to a survey: beyond, 429;
- a survey by link: a signed cookie marks a browser that has answered, and a second answer is
  refused; a survey with codes: each code answers once (the code is the only check, so a
  shared tablet at a counter can serve many people);
- the service stores answers that came back too fast, filled the hidden field or repeat a
  device and network already seen, but does not count them.
"""

from __future__ import annotations

from axes.helpers import get_client_ip_address
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from assessment.forms.base import add_service_errors
from assessment.forms.surveys import HONEYPOT, ResponseForm
from assessment.models import Survey, SurveyStatus
from assessment.services import survey_answers as answering
from assessment.services import surveys as survey_service

ANSWERED_MAX_AGE = 400 * 24 * 60 * 60  # as long as browsers keep a cookie


def _survey(token: str) -> Survey:
    survey = (
        Survey.objects.select_related("unit")
        .filter(token=token)
        .exclude(status=SurveyStatus.DRAFT)
        .first()
    )
    if survey is None:
        raise Http404
    return survey


def _answered(request: HttpRequest, survey: Survey) -> bool:
    name = answering.answered_cookie_name(survey)
    value = request.get_signed_cookie(name, default=None, salt=survey_service.COOKIE_SALT)
    return value == "1"


def _message(request: HttpRequest, survey: Survey, kind: str, status: int = 200) -> HttpResponse:
    texts = {
        "not_open": (
            _("This survey is not open yet"),
            _("Please come back when it opens."),
        ),
        "closed": (
            _("This survey is closed"),
            _("Thank you for your interest: answers are no longer taken."),
        ),
        "answered": (
            _("You have already answered this survey"),
            _("Answers are taken once per person; your earlier answers have been counted."),
        ),
        "limited": (
            _("Too many answers from your network"),
            _(
                "This survey has received too many answers from your network in a short time. "
                "Please try again in an hour."
            ),
        ),
    }
    heading, text = texts[kind]
    context = {"survey": survey, "heading": heading, "text": text, "kind": kind}
    response = render(request, "surveys/public_message.html", context, status=status)
    add_never_cache_headers(response)
    return response


@require_http_methods(["GET", "POST"])
def respond(request: HttpRequest, token: str) -> HttpResponse:
    survey = _survey(token)
    refusal = answering.public_refusal(survey)
    if refusal is not None:
        return _message(request, survey, refusal)
    if not survey.uses_codes and _answered(request, survey):
        return _message(request, survey, "answered", 409 if request.method == "POST" else 200)
    questions = list(survey.questions.order_by("position", "pk"))
    address = get_client_ip_address(request) or ""
    if request.method == "POST":
        if answering.rate_limited(survey, address):
            return _message(request, survey, "limited", 429)
        form = ResponseForm(request.POST, questions=questions, uses_codes=survey.uses_codes)
        if form.is_valid():
            try:
                answering.response_submit(
                    survey=survey,
                    choices=form.choices(),
                    fingerprint=answering.client_fingerprint(
                        survey, address, request.META.get("HTTP_USER_AGENT", "")
                    ),
                    stamp=form.cleaned_data["stamp"],
                    honeypot=form.cleaned_data[HONEYPOT],
                    code=form.cleaned_data.get("code", ""),
                )
            except ValidationError as error:
                add_service_errors(form, error, form.fields)
            else:
                response: HttpResponse = redirect("survey:thanks", token=survey.token)
                if not survey.uses_codes:
                    response.set_signed_cookie(
                        answering.answered_cookie_name(survey),
                        "1",
                        salt=survey_service.COOKIE_SALT,
                        max_age=ANSWERED_MAX_AGE,
                        secure=request.is_secure(),
                        httponly=True,
                        samesite="Lax",
                    )
                return response
    else:
        initial = {"stamp": answering.form_stamp(survey)}
        if survey.uses_codes:
            initial["code"] = request.GET.get("code", "")[:40]
        form = ResponseForm(initial=initial, questions=questions, uses_codes=survey.uses_codes)
    context = {"survey": survey, "form": form, "honeypot": form[HONEYPOT]}
    response = render(request, "surveys/public_form.html", context)
    add_never_cache_headers(response)
    return response


@require_GET
def thanks(request: HttpRequest, token: str) -> HttpResponse:
    survey = _survey(token)
    response = render(request, "surveys/public_thanks.html", {"survey": survey})
    add_never_cache_headers(response)
    return response
