"""What a page says on top of the next one when a form or a service refuses."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from assessment.models import AssessmentYear


def say_refusal(request: HttpRequest, error: ValidationError) -> None:
    """A service's refusal in words, on top of the next page."""
    for message in error.messages:
        messages.error(request, message)


def say_form_errors(request: HttpRequest, form: BaseForm) -> None:
    """Every error of a form that has no page of its own, on top of the page it goes back to."""
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))


def year_redirect(
    request: HttpRequest, year: AssessmentYear | None, to: str, *, otherwise: str
) -> HttpResponse:
    """To the page ``to`` of ``year``; with no year at all yet, to ``otherwise``, saying so."""
    if year is None:
        messages.info(request, _("There is no assessment year yet."))
        return redirect(otherwise)
    return redirect(to, year=year.year)
