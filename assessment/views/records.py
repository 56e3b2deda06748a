"""The pages of every verified record: record or correct it on a form, verify or reject it.

Evidence (``views.evidence``, ``views.verify``) and key-project progress and contribution points
(``views.project_progress``) go through these helpers, so that a record, a correction and a
decision behave the same on every page: a form parses, the service of the one flow
(``services.records``) decides, and its refusal is shown under the field it concerns, or on
top of the page; a superseded record is never corrected again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from assessment.forms.base import add_service_errors
from assessment.forms.records import CorrectionForm, DecisionForm
from assessment.lib.marks import mark
from assessment.models import VerifiedRecord
from assessment.services.records import superseded_message
from assessment.views.feedback import say_refusal
from units.access import AnyUser


def recorded_message() -> str:
    return _("The record was saved. It now waits for verification.")


def corrected_message() -> str:
    return _("The correction was saved. It now waits for verification.")


def form_submitted(
    request: HttpRequest, form: BaseForm, act: Callable[[dict[str, Any]], str], success: str
) -> HttpResponse | None:
    """On a POST that parses, let the service act and go to the URL it returns, saying
    ``success``. None: show the form (again), with what was typed and the service's reasons
    under the fields they concern."""
    if request.method == "POST" and form.is_valid():
        try:
            url = act(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error, form.fields)
        else:
            messages.success(request, success)
            return redirect(url)
    return None


def client_address(request: HttpRequest) -> str | None:
    """The address the request came from, as the server saw it (never a header the client
    could set): kept with a typed record to show where it was entered."""
    return request.META.get("REMOTE_ADDR") or None


def calling(
    service: Callable[..., object], *, by: AnyUser, then: str
) -> Callable[[dict[str, Any]], str]:
    """What ``form_submitted`` acts with on a record's form: ``service`` called by ``by`` with
    what the form parsed (the form's fields are the service's keyword arguments), then
    ``then``."""

    def act(data: dict[str, Any]) -> str:
        service(**data, by=by)
        return then

    return act


def correction_page(
    request: HttpRequest,
    record: VerifiedRecord,
    *,
    may_correct: bool,
    form_class: type[CorrectionForm],
    correct: Callable[..., object],
    back_url: str,
    show: Callable[[CorrectionForm], HttpResponse],
) -> HttpResponse:
    """The page that corrects ``record`` with ``correct`` (its service, the record given).

    403 for a user who may never correct it; back to ``back_url``, saying so, for a superseded
    one (the newest is corrected, not this); else the form opened on the record's values,
    ``show``n until the correction is saved, then back to ``back_url``.
    """
    if not may_correct:
        raise PermissionDenied
    if not record.is_current:
        messages.error(request, superseded_message())
        return redirect(back_url)
    form = form_class(request.POST or None, request.FILES or None, record=record)
    act = calling(correct, by=request.user, then=back_url)
    return form_submitted(request, form, act, corrected_message()) or show(form)


def decision_submitted(
    request: HttpRequest,
    form: DecisionForm,
    act: Callable[[bool, str], str],
    *,
    page: Callable[[], HttpResponse],
    then: str,
    refused: str = "",
) -> HttpResponse:
    """Verify or reject as the form says: ``act`` lets the service decide and returns what to
    say, then the user goes to ``then``. A form that does not parse, or a missing reason, is
    shown again on ``page()`` as typed; a refusal in words is said on top of ``page()``, or of
    ``refused`` when given."""
    if not form.is_valid():
        return page()
    try:
        done = act(form.accept, form.cleaned_data["reason"])
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            add_service_errors(form, error, form.fields)
            return page()
        say_refusal(request, error)
        return redirect(refused) if refused else page()
    messages.success(request, done)
    return redirect(then)


# --- decisions in place, on a page of several records -----------------------------------------


@dataclass
class Decided:
    """A decision form sent back with an error, to show in place of the record's own."""

    kind: str  # the form's prefix and the anchor with the pk, e.g. "update"
    pk: int
    form: DecisionForm


def mark_decision(
    user: AnyUser,
    kind: str,
    record: VerifiedRecord,
    refusal_of: Callable[[AnyUser, Any], str | None],
    decided: Decided | None,
    form_class: type[DecisionForm],
) -> None:
    """What a verifier sees on a record awaiting a decision: its form, or why not."""
    refusal = refusal_of(user, record)
    mark(record, refusal=refusal)
    if refusal is not None:
        return
    if decided is not None and (decided.kind, decided.pk) == (kind, record.pk):
        mark(record, decision_form=decided.form)
    else:
        mark(record, decision_form=form_class(prefix=f"{kind}-{record.pk}"))
