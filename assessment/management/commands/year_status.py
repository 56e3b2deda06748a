"""``manage.py year_status --year Y [--to STATE]``: show or move a year's state.

``--to publicity --publicity-ends YYYY-MM-DD`` opens the publicity (公示) until that day;
``--to published [--confirm-early]`` publishes the current results as a new version (the only
way to "published"); ``--to review --reason TEXT`` opens a formal review (复核).
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from assessment.models import AssessmentYear, YearStatus
from units.commands import DistrictCommand


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": value}
        ) from None


class Command(DistrictCommand):
    help = _("Show an assessment year's state, or move it under the office's rules.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--to", choices=YearStatus.values, default=None)
        parser.add_argument("--reason", default="")
        parser.add_argument(
            "--publicity-ends",
            default=None,
            help=_("with --to publicity: the last day of the publicity, YYYY-MM-DD"),
        )
        parser.add_argument(
            "--confirm-early",
            action="store_true",
            help=_("with --to published: publish before the publicity period has ended"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from assessment.services.publication import publish
        from assessment.services.year import year_transition

        year = AssessmentYear.objects.filter(year=options["year"]).first()
        if year is None:
            raise CommandError(_("There is no %(year)s assessment year.") % options)
        if options["to"] is None:
            self.stdout.write(f"{year.year}: {year.status} ({YearStatus(year.status).label})")
            return
        ends = options["publicity_ends"]
        try:
            if options["to"] == YearStatus.PUBLISHED:
                publication = publish(
                    year=year,
                    by=None,
                    confirm_early=options["confirm_early"],
                    reason=options["reason"],
                )
                self.stdout.write(
                    _("Published version %(version)s (SHA-256 %(sha256)s).")
                    % {"version": publication.version, "sha256": publication.sha256}
                )
            else:
                year = year_transition(
                    year=year,
                    to=YearStatus(options["to"]),
                    by=None,
                    reason=options["reason"],
                    publicity_ends=_date(ends) if ends else None,
                )
        except ValidationError as refusal:
            raise CommandError(" ".join(refusal.messages)) from None
        self.stdout.write(
            _("%(year)s is now %(status)s.")
            % {"year": year.year, "status": f"{year.status} ({YearStatus(year.status).label})"}
        )
