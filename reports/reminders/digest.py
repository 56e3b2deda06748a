"""The daily e-mail digest of reminders (``manage.py send_reminders``).

Each active user with an e-mail address and a role gets one message a day at most, listing the
overdue work and the work due soon that is theirs to do (``audience.acting``), over every year
not yet published (or the one year asked for). Nothing is sent to a user with nothing to do.
The digest is written in the site's language (``settings.LANGUAGE_CODE``) and sent through
Django's mail settings (``EMAIL_BACKEND`` and the rest, from the environment).

"At most once a day" is the ``ReminderLog`` row of (user, day), written before the message is
sent: a second run the same day — or a run racing this one — finds it and sends nothing. If
the sending fails, the row is removed again so that a later run retries.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from assessment.access import PUBLISHED_STATES
from assessment.models import AssessmentYear
from reports.models import ReminderLog
from reports.reminders.audience import acting
from reports.reminders.items import YearShortlist
from reports.reminders.work import YearReminders
from reports.waiting import Waiting
from units.access import user_roles

logger = logging.getLogger(__name__)

DIGEST_LINES = 30  # items listed per year and list; the rest is on the reminders page


@dataclass
class DigestYear(YearShortlist):
    SHOWN = DIGEST_LINES


@dataclass
class Digest:
    user: User
    years: list[DigestYear]
    subject: str = ""
    body: str = ""

    @property
    def overdue(self) -> int:
        return sum(len(y.overdue) for y in self.years)

    @property
    def due_soon(self) -> int:
        return sum(len(y.due_soon) for y in self.years)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(f"{self.subject}\n{self.body}".encode()).hexdigest()


@dataclass
class SendSummary:
    digests: int = 0  # users with something to do
    sent: list[str] = field(default_factory=list)  # addresses
    already: list[str] = field(default_factory=list)  # sent earlier the same day
    failed: list[str] = field(default_factory=list)


def open_years(year: int | None = None) -> list[AssessmentYear]:
    """The years reminders are about: every one not yet published, or the one asked for."""
    years = AssessmentYear.objects.order_by("-year")
    if year is not None:
        return list(years.filter(year=year))
    return list(years.exclude(status__in=PUBLISHED_STATES))


def absolute(path: str, base_url: str) -> str:
    return f"{base_url.rstrip('/')}{path}" if base_url else path


def recipients() -> list[User]:
    """Active users with an e-mail address and a role (an administrator without a role, who
    acts for no one, gets no reminders)."""
    users = get_user_model().objects.filter(is_active=True).exclude(email="").order_by("username")
    return [user for user in users if user_roles(user)]


def digest_for(user: User, reminders: Iterable[YearReminders], base_url: str) -> Digest | None:
    years = []
    for found in reminders:
        overdue, due_soon = acting(user, found.overdue), acting(user, found.due_soon)
        if overdue or due_soon:
            url = absolute(reverse("reminders:year", kwargs={"year": found.year.year}), base_url)
            years.append(DigestYear(found.year, url, overdue, due_soon))
    if not years:
        return None
    digest = Digest(user=user, years=years)
    with translation.override(settings.LANGUAGE_CODE):
        prefix = f"[{settings.DISTRICT_NAME}] " if settings.DISTRICT_NAME else ""
        digest.subject = prefix + _(
            "Assessment reminders: %(overdue)s overdue, %(soon)s due soon"
        ) % {"overdue": digest.overdue, "soon": digest.due_soon}
        digest.body = render_to_string(
            "reports/reminders/email.txt",
            {"user": user, "digest": digest, "base_url": base_url},
        )
    return digest


def digests(*, today: datetime.date, year: int | None = None, base_url: str = "") -> list[Digest]:
    base_url = base_url.rstrip("/")
    found = [Waiting(assessment_year, today).reminders for assessment_year in open_years(year)]
    if not found:
        return []
    return [d for user in recipients() if (d := digest_for(user, found, base_url)) is not None]


def send_digests(
    *, today: datetime.date, year: int | None = None, base_url: str = ""
) -> SendSummary:
    """Send each digest not yet sent today; see the module's docstring for "once a day"."""
    summary = SendSummary()
    for digest in digests(today=today, year=year, base_url=base_url):
        user = digest.user
        summary.digests += 1
        try:
            with transaction.atomic():
                log = ReminderLog.objects.create(
                    user=user,
                    day=today,
                    email=user.email,
                    overdue=digest.overdue,
                    upcoming=digest.due_soon,
                    sha256=digest.sha256,
                )
        except IntegrityError:
            summary.already.append(user.email)
            continue
        message = EmailMessage(
            subject=digest.subject,
            body=digest.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[user.email],
        )
        try:
            message.send()
        except Exception:  # any failure of the mail server: a later run retries
            logger.exception("reminder e-mail to user %s failed", user.pk)
            log.delete()
            summary.failed.append(user.email)
            continue
        summary.sent.append(user.email)
    return summary
