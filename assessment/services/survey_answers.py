"""Answering a satisfaction survey from its public page: whether it takes answers now, the
client's keyed fingerprint, the form's signed stamp, the rate limit, and storing a response
(counted or not, and why). The office's side is ``assessment.services.surveys``."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.lib.codes import code_digest, looks_like_code
from assessment.models import (
    InvalidReason,
    Survey,
    SurveyAnswer,
    SurveyChoice,
    SurveyCode,
    SurveyResponse,
    SurveyStatus,
)
from assessment.services.surveys import CODE_PURPOSE, STAMP_SALT, setting

# --- answering --------------------------------------------------------------------------------


def public_refusal(survey: Survey, today: Any = None) -> str | None:
    """Why the public page takes no answer now (``"not_open"``, ``"closed"``), or None."""
    today = today or timezone.localdate()
    if survey.status == SurveyStatus.CLOSED:
        return "closed"
    if survey.status != SurveyStatus.OPEN:
        return "not_open"
    if survey.opens_on is not None and today < survey.opens_on:
        return "not_open"
    if survey.closes_on is not None and today > survey.closes_on:
        return "closed"
    return None


def _keyed(purpose: str, message: str) -> str:
    key = f"assessment-surveys:{purpose}:{settings.SECRET_KEY}".encode()
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def client_fingerprint(survey: Survey, address: str, user_agent: str) -> str:
    """A keyed digest of the client's address and browser, for one survey only: equal for a
    repeat from the same device and network; no address can be read from it."""
    return _keyed("fingerprint", f"{survey.pk}\n{address}\n{user_agent}")


def form_stamp(survey: Survey, at: float | None = None) -> str:
    """The signed time the form was served, sent back with the answers; a random part makes
    each page load's stamp its own, good for one answer."""
    moment = time.time() if at is None else at
    return signing.dumps({"s": survey.pk, "t": moment, "n": secrets.token_hex(8)}, salt=STAMP_SALT)


def stamp_digest(stamp: str) -> str:
    return _keyed("stamp", stamp)


def stamp_age(survey: Survey, stamp: str) -> float | None:
    """Seconds since the form was served, or None if the stamp is missing or not this survey's."""
    try:
        data = signing.loads(stamp, salt=STAMP_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("s") != survey.pk:
        return None
    try:
        return time.time() - float(data["t"])
    except (KeyError, TypeError, ValueError):
        return None


def rate_limited(survey: Survey, address: str) -> bool:
    """Count one more submission from ``address`` to ``survey``; True once past the limit
    (``SURVEY_RATE_LIMIT`` per ``SURVEY_RATE_WINDOW`` seconds, in the ``SURVEY_CACHE``).

    Fixed windows: the key names the window, so whatever a cache backend does to the expiry
    on ``incr`` (the database cache resets it), a count never outlives its window for long.
    """
    limit = setting("SURVEY_RATE_LIMIT", 10)
    if limit == 0:
        return False
    window = max(setting("SURVEY_RATE_WINDOW", 3600), 1)
    cache = caches[getattr(settings, "SURVEY_CACHE", "default")]
    bucket = int(time.time() // window)
    key = f"survey-limit:{survey.pk}:{bucket}:{_keyed('limit', address)[:32]}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        count = 1
    cache.touch(key, window)
    return count > limit


def beyond_plausible_rate(survey: Survey) -> bool:
    """Count one more counted answer to ``survey`` this hour, from anyone; True once past
    ``SURVEY_PLAUSIBLE_PER_HOUR``. A survey of one service does not get hundreds of honest
    answers an hour: beyond that they are held, not counted, for the office to look at."""
    plausible = setting("SURVEY_PLAUSIBLE_PER_HOUR", 100)
    if plausible == 0:
        return False
    cache = caches[getattr(settings, "SURVEY_CACHE", "default")]
    key = f"survey-hour:{survey.token}:{int(time.time() // 3600)}"
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=3600)
        count = 1
    return count > plausible


def answered_cookie_name(survey: Survey) -> str:
    return f"survey-{survey.pk}"


def _code_error(message: str, code: str) -> ValidationError:
    return ValidationError({"code": ValidationError(message, code=code)})


def _use_code(survey: Survey, code: str, today: Any) -> None:
    invalid = _code_error(
        _("This code is not valid for this survey. Check the code on your slip."), "code_invalid"
    )
    if not looks_like_code(code):
        raise invalid
    row = (
        SurveyCode.objects.filter(digest=code_digest(code, purpose=CODE_PURPOSE))
        .values("pk", "used_on", "batch__survey_id", "batch__voided_at")
        .first()
    )
    if row is None or row["batch__survey_id"] != survey.pk:
        raise invalid
    used = _code_error(
        _("This code has already been used: each code answers the survey once."), "code_used"
    )
    if row["used_on"] is not None:
        raise used
    if row["batch__voided_at"] is not None:
        raise _code_error(_("This code has been withdrawn and no longer works."), "code_voided")
    # The condition makes the use atomic: of two submissions with one code, the second finds
    # the row already used (PostgreSQL re-reads it after the first commits) and changes nothing.
    if not SurveyCode.objects.filter(pk=row["pk"], used_on__isnull=True).update(used_on=today):
        raise used


def invalid_reason(
    survey: Survey, *, fingerprint: str, stamp: str, honeypot: str
) -> InvalidReason | None:
    """Why a response will not count, or None: the hidden field filled, the page's stamp missing
    or altered, sent back too fast, or (a survey by link) a device and network seen before."""
    if honeypot.strip():
        return InvalidReason.HONEYPOT
    age = stamp_age(survey, stamp)
    if age is None:
        return InvalidReason.NO_STAMP
    if age < setting("SURVEY_MIN_SECONDS", 3):
        return InvalidReason.TOO_FAST
    if (
        not survey.uses_codes
        and SurveyResponse.objects.filter(survey=survey, fingerprint=fingerprint).exists()
    ):
        return InvalidReason.REPEAT
    if SurveyResponse.objects.filter(survey=survey, stamp_digest=stamp_digest(stamp)).exists():
        return InvalidReason.REPLAYED
    return None


@transaction.atomic
def response_submit(
    *,
    survey: Survey,
    choices: Mapping[int, str],
    fingerprint: str,
    stamp: str,
    honeypot: str = "",
    code: str = "",
) -> SurveyResponse:
    """Store a public response: ``choices`` maps every question's pk to a choice.

    ``ValidationError`` (nothing stored) when the survey takes no answers now, an answer is
    missing, or the code (a survey with codes) is unknown, withdrawn or used. Otherwise the
    response is stored, counted or not (``invalid_reason``); a code is used either way.
    """
    survey = Survey.objects.get(pk=survey.pk)  # its state now
    today = timezone.localdate()
    if public_refusal(survey, today) is not None:
        raise ValidationError(_("This survey is not taking answers now."), code="not_open")
    questions = list(survey.questions.order_by("position", "pk"))
    missing = [q for q in questions if choices.get(q.pk) not in SurveyChoice.values]
    if missing or not questions:
        raise ValidationError(_("Answer every question."), code="incomplete")
    if survey.uses_codes:
        _use_code(survey, code, today)
    reason = invalid_reason(survey, fingerprint=fingerprint, stamp=stamp, honeypot=honeypot)
    if reason is None and beyond_plausible_rate(survey):
        reason = InvalidReason.HELD
    # The stamp is spent by this answer, unless it was missing, altered or spent before.
    spent = reason in (InvalidReason.NO_STAMP, InvalidReason.REPLAYED)
    used_stamp = "" if spent else stamp_digest(stamp)
    response = _store(survey, today, reason, fingerprint, used_stamp)
    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(response=response, question=question, choice=choices[question.pk])
        for question in questions
    )
    return response


def _store(
    survey: Survey,
    today: Any,
    reason: InvalidReason | None,
    fingerprint: str,
    used_stamp: str,
) -> SurveyResponse:
    """Store the response; a stamp used meanwhile by a simultaneous answer (the unique
    constraint says so) makes this one a replay, stored but not counted."""

    def build(why: InvalidReason | None, digest: str) -> SurveyResponse:
        return SurveyResponse(
            survey=survey,
            submitted_on=today,
            is_valid=why is None,
            invalid_reason=why or "",
            fingerprint=fingerprint,
            stamp_digest=digest,
        )

    try:
        with transaction.atomic():
            response = build(reason, used_stamp)
            response.save()
            return response
    except IntegrityError:
        if not used_stamp:
            raise
    response = build(InvalidReason.REPLAYED, "")
    response.save()
    return response
