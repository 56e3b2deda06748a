"""``manage.py year_status --year Y [--to STATE]``: show or move a year's state."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from assessment.models import AssessmentYear, YearStatus


class Command(BaseCommand):
    help = _("Show an assessment year's state, or move it under the office's rules.")

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--to", choices=YearStatus.values, default=None)
        parser.add_argument("--reason", default="")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        from assessment.services.year import year_transition

        year = AssessmentYear.objects.filter(year=options["year"]).first()
        if year is None:
            raise CommandError(_("There is no %(year)s assessment year.") % options)
        if options["to"] is None:
            self.stdout.write(f"{year.year}: {year.status} ({YearStatus(year.status).label})")
            return
        try:
            year = year_transition(
                year=year, to=YearStatus(options["to"]), by=None, reason=options["reason"]
            )
        except ValidationError as refusal:
            raise CommandError(" ".join(refusal.messages)) from None
        self.stdout.write(
            _("%(year)s is now %(status)s.")
            % {"year": year.year, "status": f"{year.status} ({YearStatus(year.status).label})"}
        )
