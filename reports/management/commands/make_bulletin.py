"""``manage.py make_bulletin --year Y (--quarter Q | --date YYYY-MM-DD) [--title T]``."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from assessment.models import AssessmentYear
from reports.staff.bulletins import bulletin_create
from units.commands import DistrictCommand


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(_("Give the date as YYYY-MM-DD.")) from error


class Command(DistrictCommand):
    help = _(
        "Make a quarterly progress bulletin: every unit's projected standing from the verified "
        "evidence recorded so far, stored unchangeable."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--quarter", type=int, choices=[1, 2, 3, 4], default=None)
        parser.add_argument(
            "--date", default=None, help=_("the day the bulletin is as of (default: today)")
        )
        parser.add_argument("--title", default="", help=_("default: the usual title"))

    def handle(self, *args: Any, **options: Any) -> None:
        year = AssessmentYear.objects.filter(year=options["year"]).first()
        if year is None:
            raise CommandError(_("There is no %(year)s assessment year.") % options)
        as_of = _date(options["date"]) if options["date"] else None
        try:
            bulletin = bulletin_create(
                year=year, quarter=options["quarter"], as_of=as_of, title=options["title"]
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        categories = bulletin.document["categories"]
        projected = sum(c["projected"] for c in categories)
        unprojected = sum(len(c["unprojected"]) for c in categories)
        self.stdout.write(
            _("Made “%(title)s”: %(projected)s units projected, %(unprojected)s not.")
            % {"title": bulletin.title, "projected": projected, "unprojected": unprojected}
        )
