"""``manage.py send_reminders [--year N] [--dry-run] [--url URL]``: the daily reminder e-mails.

Meant for a daily cron job, e.g. ``30 8 * * * cd /srv/kaohe && .venv/bin/python manage.py
send_reminders``. Sends only when ``REMINDER_EMAILS`` is true; ``--dry-run`` lists who would get
what without sending (whatever the setting). A person gets at most one digest a day.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from assessment.models import AssessmentYear
from reports.reminders.digest import digests, send_digests
from units.commands import DistrictCommand


class Command(DistrictCommand):
    help = _(
        "E-mail each user a digest of their overdue assessment work and the deadlines due "
        "soon, at most once a day (when REMINDER_EMAILS is true)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, default=None, help=_("only this year"))
        parser.add_argument(
            "--dry-run", action="store_true", help=_("list the digests, send nothing")
        )
        parser.add_argument(
            "--url", default=None, help=_("the site's address for the links (default: SITE_URL)")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        translation.activate(settings.LANGUAGE_CODE)
        year = options["year"]
        if year is not None and not AssessmentYear.objects.filter(year=year).exists():
            raise CommandError(_("There is no %(year)s assessment year.") % {"year": year})
        base_url = settings.SITE_URL if options["url"] is None else options["url"]
        today = timezone.localdate()
        if options["dry_run"]:
            found = digests(today=today, year=year, base_url=base_url)
            for digest in found:
                self.stdout.write(
                    _("%(email)s: %(overdue)s overdue, %(soon)s due soon")
                    % {
                        "email": digest.user.email,
                        "overdue": digest.overdue,
                        "soon": digest.due_soon,
                    }
                )
            self.stdout.write(
                _("Dry run: %(count)s digests would be sent; nothing was sent.")
                % {"count": len(found)}
            )
            return
        if not settings.REMINDER_EMAILS:
            self.stdout.write(
                _("Reminder e-mails are off (set REMINDER_EMAILS=true to send them); nothing sent.")
            )
            return
        summary = send_digests(today=today, year=year, base_url=base_url)
        self.stdout.write(
            _("Sent %(sent)s reminder e-mails; %(already)s already sent today; %(failed)s failed.")
            % {
                "sent": len(summary.sent),
                "already": len(summary.already),
                "failed": len(summary.failed),
            }
        )
        if summary.failed:
            raise CommandError(
                _("Could not send to: %(emails)s") % {"emails": ", ".join(summary.failed)}
            )
