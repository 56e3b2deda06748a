"""The integrity review queue (疑点线索), the office's: the year's signals by kind, one signal
with its records side by side, and the decision (dismiss with a reason, or confirm naming the
deduction or disqualification supervision is to record).

Thin: a form parses, one service acts (``services.integrity``), reads are
``selectors.integrity``.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import groupby
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessment.forms.integrity import SignalConfirmForm, SignalDismissForm, SignalFailureForm
from assessment.lib.marks import mark
from assessment.models import AssessmentYear, IntegritySignal, SignalStatus
from assessment.scoring.signals import SignalKind
from assessment.selectors import integrity as integrity_selectors
from assessment.selectors import years as selectors
from assessment.services import integrity as integrity_service
from assessment.views.feedback import say_refusal
from assessment.views.records import form_submitted
from units.access import AnyUser, is_supervision
from units.submissions import once_per_submission


def explain(signal: IntegritySignal) -> tuple[str, str]:
    """What was seen, and why it is unusual, in the office's words."""
    f = signal.facts
    units = "、".join(signal.unit_codes)
    digits = " ".join(map(str, f.get("counts", [])))
    # each kind reads only its own facts: built on demand
    texts: dict[SignalKind, Callable[[], tuple[str, str]]] = {
        SignalKind.SHARED_ATTACHMENT: lambda: (
            _(
                "The same file (SHA-256 %(sha)s…) is attached to records of %(units)s, dated "
                "%(dates)s."
            )
            % {
                "sha": str(f.get("sha256", ""))[:12],
                "units": units,
                "dates": "、".join(f.get("dates", [])),
            },
            _(
                "One document rarely proves the work of several units or several dates: it may "
                "have been copied."
            ),
        ),
        SignalKind.SIMILAR_DESCRIPTION: lambda: (
            _(
                "Records of %(units)s have near-identical descriptions (similarity %(similarity)s, "
                "threshold %(threshold)s) once numbers and unit names are removed."
            )
            % {"units": units, "similarity": f.get("similarity"), "threshold": f.get("threshold")},
            _(
                "Units describing their own work rarely use the same words: the text may have "
                "been copied from another unit."
            ),
        ),
        SignalKind.BURST: lambda: (
            _(
                "%(late)s of the unit's %(total)s records were entered in the %(days)s days before "
                "the collection closed on %(closes)s."
            )
            % f,
            _(
                "Work recorded as it happens is spread over the year; a rush at the end may be "
                "records made up to fill the gaps."
            ),
        ),
        SignalKind.BACKDATED: lambda: (
            _(
                "Records were entered up to %(longest_gap)s days after the date they carry "
                "(threshold %(days)s days)."
            )
            % f,
            _("A record entered long after its date may have been backdated."),
        ),
        SignalKind.OUTLIER: lambda: (
            _(
                "The unit's figure %(value)s is far above the median %(median)s of its category "
                "(robust z %(z)s, threshold %(threshold)s)."
            )
            % f,
            _(
                "A figure several times its peers' and beyond the unit's own history may be "
                "inflated."
            ),
        ),
        SignalKind.CUMULATIVE_DECREASE: lambda: (
            _("The cumulative figure went down from %(before)s to %(after)s.") % f,
            _("A cumulative figure only grows: a fall means one of the figures is wrong."),
        ),
        SignalKind.DIGIT_HEAPING: lambda: (
            _(
                "The last digits of the unit's %(records)s figures are uneven (counts of 0–9: "
                "%(counts)s; χ² = %(statistic)s)."
            )
            % {**f, "counts": digits},
            _(
                "Measured figures end in every digit about equally often; invented ones favour "
                "some digits."
            ),
        ),
        SignalKind.ROUND_NUMBERS: lambda: (
            _("%(round)s of the unit's %(records)s figures of 100 or more are whole hundreds.") % f,
            _(
                "About one figure in a hundred is a whole hundred by chance; many more suggest "
                "estimates or invented figures."
            ),
        ),
        SignalKind.SOURCE_CONTRADICTION: lambda: (
            _(
                "The unit reported %(claim)s itself; its data source unit %(source_unit)s gives "
                "%(source)s (difference %(difference)s %%, tolerance %(tolerance)s %%)."
            )
            % {**f, "difference": f.get("difference") or "—"},
            _(
                "One figure has one source (一数一源): a unit's own figure far from its data "
                "source's may have been inflated, or the source's may be wrong."
            ),
        ),
    }
    return texts[SignalKind(signal.kind)]()


def _office_year(user: AnyUser, year: int) -> AssessmentYear:
    if not integrity_selectors.sees_integrity_queue(user):
        raise PermissionDenied
    return selectors.year_get_for_user(user, year)


def _reader_year(user: AnyUser, year: int) -> AssessmentYear:
    """The office reads the whole queue; supervision the confirmed signals it records for."""
    if not (integrity_selectors.sees_integrity_queue(user) or is_supervision(user)):
        raise PermissionDenied
    return selectors.year_get_for_user(user, year)


@require_GET
@login_required
def queue(request: HttpRequest, year: int) -> HttpResponse:
    """The year's signals by kind, the open ones first within each kind."""
    queue_year = _reader_year(request.user, year)
    signals = sorted(
        integrity_selectors.signals_for(request.user, queue_year),
        key=lambda signal: (signal.kind, not signal.is_open, signal.unit.code, signal.pk),
    )
    for each in signals:
        mark(each, what=explain(each)[0])
    kinds = [
        (signals_of[0].get_kind_display(), signals_of)
        for _kind, group in groupby(signals, key=lambda signal: signal.kind)
        if (signals_of := list(group))
    ]
    context = {
        "year": queue_year,
        "kinds": kinds,
        "open": sum(1 for signal in signals if signal.is_open),
    }
    return render(request, "integrity/queue.html", context)


@require_POST
@login_required
def compute(request: HttpRequest, year: int) -> HttpResponse:
    queue_year = _office_year(request.user, year)
    try:
        added, removed = integrity_service.integrity_compute(year=queue_year, by=request.user)
    except ValidationError as error:
        say_refusal(request, error)
    else:
        messages.success(
            request,
            _("The signals were computed: %(added)s new, %(removed)s no longer found.")
            % {"added": added, "removed": removed},
        )
    return redirect("assessment:integrity_queue", year=queue_year.year)


@require_http_methods(["GET", "POST"])
@login_required
def signal(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    """One signal: what was seen, why it is unusual, its records side by side, the decision."""
    signal_year = _reader_year(request.user, year)
    found = get_object_or_404(integrity_selectors.signals_for(request.user, signal_year), pk=pk)
    decision = request.POST.get("decision") if request.method == "POST" else None
    dismiss = SignalDismissForm(request.POST if decision == "dismiss" else None, prefix="dismiss")
    confirm = SignalConfirmForm(
        request.POST if decision == "confirm" else None, prefix="confirm", signal=found
    )

    def act_dismiss(data: dict[str, str]) -> str:
        integrity_service.integrity_dismiss(signal=found, by=request.user, reason=data["reason"])
        return request.path

    def act_confirm(data: dict[str, object]) -> str:
        integrity_service.integrity_confirm(
            signal=found, by=request.user, reason=str(data["reason"]),
            indicator=data["indicator"],  # type: ignore[arg-type]
        )  # fmt: skip
        return request.path

    if decision == "dismiss" and (
        done := form_submitted(request, dismiss, act_dismiss, _("The signal was dismissed."))
    ):
        return done
    confirmed = _("The signal was confirmed: supervision records the failure.")
    if decision == "confirm" and (done := form_submitted(request, confirm, act_confirm, confirmed)):
        return done
    what, why = explain(found)
    context = {
        "year": signal_year,
        "signal": found,
        "what": what,
        "why": why,
        "records": integrity_selectors.signal_records(found),
        "dismiss": dismiss,
        "confirm": confirm,
        "decides": integrity_selectors.sees_integrity_queue(request.user),
        "records_failure": found.status == SignalStatus.CONFIRMED and found.record_id is None,
    }
    return render(request, "integrity/signal.html", context)


@require_http_methods(["GET", "POST"])
@login_required
@once_per_submission
def failure(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    """Supervision records the failure a confirmed signal calls for: an ordinary record of
    the signal's unit on the indicator the office named, pending verification."""
    signal_year = _reader_year(request.user, year)
    found = get_object_or_404(integrity_selectors.signals_for(request.user, signal_year), pk=pk)
    if found.status != SignalStatus.CONFIRMED or found.record_id is not None:
        raise PermissionDenied
    form = SignalFailureForm(request.POST or None)

    def act(data: dict[str, Any]) -> str:
        integrity_service.integrity_record_failure(signal=found, by=request.user, **data)
        url = reverse(
            "assessment:evidence_unit_home",
            kwargs={"year": signal_year.year, "unit": found.unit.code},
        )
        return url

    if done := form_submitted(request, form, act, _("The failure was recorded.")):
        return done
    what, why = explain(found)
    context = {"year": signal_year, "signal": found, "what": what, "why": why, "form": form}
    return render(request, "integrity/failure_form.html", context)
