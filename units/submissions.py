"""Forms that create something count once, however often they are sent.

A form carries a one-time token (``{% submission_field %}``). ``once_per_submission`` claims the
token in the same transaction as the view's work: if the view ends by redirecting (it did its
work), the claim is kept with where it led; otherwise (the form is shown again with its
problems) everything is rolled back and the token stays unused. A second post of the same token
— a double click, or a retry after a dropped connection, even while the first is still being
written (the database's unique index makes it wait) — is sent to the first one's result.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from units.models import Submission

FIELD = "submission"
REDIRECTS = frozenset({301, 302, 303})


class _NotDone(Exception):
    def __init__(self, response: HttpResponse) -> None:
        super().__init__()
        self.response = response


def _already(request: HttpRequest, token: uuid.UUID) -> HttpResponse:
    done = Submission.objects.filter(token=token).first()
    messages.info(
        request,
        _("This form had already been sent: here is what it did. Nothing was saved twice."),
    )
    return redirect(done.result_url if done is not None and done.result_url else "home")


def once_per_submission(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method != "POST" or not request.user.is_authenticated:
            return view(request, *args, **kwargs)
        try:
            token = uuid.UUID(request.POST.get(FIELD, ""))
        except ValueError:
            return view(request, *args, **kwargs)  # a form of an older page: as before
        if Submission.objects.filter(token=token).exists():
            return _already(request, token)
        try:
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        claim = Submission.objects.create(
                            token=token, user=request.user, result_url=""
                        )
                except IntegrityError:
                    return _already(request, token)  # the same form, sent meanwhile
                response = view(request, *args, **kwargs)
                if response.status_code not in REDIRECTS or not response.has_header("Location"):
                    raise _NotDone(response)
                claim.result_url = response["Location"][:500]
                claim.save(update_fields=["result_url"])
                return response
        except _NotDone as not_done:
            return not_done.response

    return wrapper
