"""Voting with a one-time code (no login): the pages a rater's phone opens from the QR code.

``start`` takes the code (typed, or from the slip's link ``?c=…``) and shows the ballot of its
rater group; ``cast`` checks the whole ballot and stores it with the code used, or shows the
ballot again with every problem beside its person and the marks kept. Nothing here records who
votes: no login, no name, no address kept.

Guessing is kept infeasible without locking out an office that votes from behind one address.
A code is 12 symbols of 31 (31¹² ≈ 7.9 × 10¹⁷, 59 bits). Each address may try
``VOTE_REFUSED_CODES_PER_HOUR`` wrong codes an hour at full speed; past that, one code every
``VOTE_SLOW_SECONDS`` — a right one still opens its ballot, so raters who share an address
with a clumsy typist only wait a few seconds. An attacker with 1,000 addresses gets about
2.6 × 10⁹ tries a year at 300 an hour each, and with 10,000 unused codes in circulation hits
one with a probability of about 3 × 10⁻⁵ a year.
"""

from __future__ import annotations

import hashlib

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from assessment.forms.ballots import CodeForm
from assessment.lib.codes import normalise
from assessment.models import Mark
from assessment.services import voting as ballot_service
from assessment.services.voting import BallotPaper, BallotRefused, CodeRefused


def client_address(request: HttpRequest) -> str:
    """The client's address, read as the login throttle reads it (``AXES_IPWARE_*`` settings
    say which proxy headers to trust)."""
    return get_client_ip_address(request) or "unknown"


def _failure_key(request: HttpRequest) -> str:
    return f"vote-refused:{client_address(request)}"


def _throttled(request: HttpRequest) -> bool:
    """Past the hour's budget of wrong codes, one try per ``VOTE_SLOW_SECONDS`` goes through."""
    if cache.get(_failure_key(request), 0) < settings.VOTE_REFUSED_CODES_PER_HOUR:
        return False
    slow_lane = f"vote-slow:{client_address(request)}"
    return not cache.add(slow_lane, 1, timeout=settings.VOTE_SLOW_SECONDS)


def _count_failure(request: HttpRequest) -> None:
    key = _failure_key(request)
    if cache.add(key, 1, timeout=3600):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=3600)


# A ballot page carries a signed note that its code was checked when the page opened: casting
# it is not another guess, so a slowed address is not made to wait a second time.
OPENED_SALT = "vote-opened"
OPENED_MAX_AGE = 6 * 3600


def _opened_note(code: str) -> str:
    return signing.dumps(hashlib.sha256(normalise(code).encode()).hexdigest(), salt=OPENED_SALT)


def _was_opened(request: HttpRequest, code: str) -> bool:
    try:
        digest = signing.loads(
            request.POST.get("opened", ""), salt=OPENED_SALT, max_age=OPENED_MAX_AGE
        )
    except signing.BadSignature:
        return False
    return bool(digest == hashlib.sha256(normalise(code).encode()).hexdigest())


def _too_many(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "ballots/vote_refused.html",
        {
            "message": _(
                "Many wrong codes were tried from this connection: one code is checked every "
                "%(seconds)s seconds. Wait a moment and enter your code again."
            )
            % {"seconds": settings.VOTE_SLOW_SECONDS}
        },
        status=429,
    )


def _ballot_page(
    request: HttpRequest,
    paper: BallotPaper,
    answers: dict | None = None,
    problems: dict | None = None,
    status: int = 200,
) -> HttpResponse:
    answers = answers or {}
    problems = problems or {}
    evaluation_round = paper.round
    rows = []
    for subject in paper.subjects:
        items = []
        for question in paper.questions:
            mark, reason = answers.get((subject.pk, question.pk), ("", ""))
            items.append(
                {
                    "question": question,
                    "field": f"mark_{subject.pk}_{question.pk}",
                    "reason_field": f"reason_{subject.pk}_{question.pk}",
                    "mark": mark,
                    "reason": reason,
                    "errors": problems.get((subject.pk, question.pk), []),
                }
            )
        rows.append({"subject": subject, "items": items})
    reasons_for = [
        str(Mark(mark).label) for mark in Mark.values if evaluation_round.needs_reason(mark)
    ]
    response = render(
        request,
        "ballots/vote_ballot.html",
        {
            "paper": paper,
            "round": evaluation_round,
            "rows": rows,
            "marks": Mark.choices,
            "general_errors": problems.get(None, []),
            "reasons_for": reasons_for,
            "several_questions": len(paper.questions) > 1,
            "opened": _opened_note(paper.code),
        },
        status=status,
    )
    return response


def _refused(request: HttpRequest, refusal: CodeRefused, form: CodeForm) -> HttpResponse:
    if refusal.reason == "unknown":
        _count_failure(request)
    form.add_error("code", refusal.messages[0])
    status = 404 if refusal.reason == "unknown" else 409
    return render(request, "ballots/vote_start.html", {"form": form}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    code = request.POST.get("code") if request.method == "POST" else request.GET.get("c")
    if not code:
        return render(request, "ballots/vote_start.html", {"form": CodeForm()})
    if _throttled(request):
        return _too_many(request)
    form = CodeForm({"code": code})
    if not form.is_valid():
        return render(request, "ballots/vote_start.html", {"form": form}, status=400)
    try:
        paper = ballot_service.ballot_paper(form.cleaned_data["code"])
    except CodeRefused as refusal:
        return _refused(request, refusal, form)
    return _ballot_page(request, paper)


def _answers(request: HttpRequest, paper: BallotPaper) -> dict:
    answers = {}
    for subject in paper.subjects:
        for question in paper.questions:
            mark = request.POST.get(f"mark_{subject.pk}_{question.pk}", "")
            reason = request.POST.get(f"reason_{subject.pk}_{question.pk}", "")[:500]
            if mark or reason:
                answers[(subject.pk, question.pk)] = (mark, reason)
    return answers


@never_cache
@require_POST
def cast(request: HttpRequest) -> HttpResponse:
    if not _was_opened(request, request.POST.get("code", "")) and _throttled(request):
        return _too_many(request)
    form = CodeForm(request.POST)
    if not form.is_valid():
        return render(request, "ballots/vote_start.html", {"form": form}, status=400)
    code = form.cleaned_data["code"]
    try:
        paper = ballot_service.ballot_paper(code)
    except CodeRefused as refusal:
        return _refused(request, refusal, form)
    answers = _answers(request, paper)
    try:
        ballot_service.ballot_cast(code=code, answers=answers)
    except BallotRefused as refusal:
        return _ballot_page(request, paper, answers, refusal.problems, status=400)
    except CodeRefused as refusal:  # used meanwhile (another tab or device)
        return _refused(request, refusal, form)
    return render(request, "ballots/vote_done.html", {"round": paper.round})
