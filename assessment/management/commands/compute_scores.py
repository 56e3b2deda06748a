"""``manage.py compute_scores --year Y [--bonus-pool P]``: compute and store a year's results."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from assessment.models import AssessmentYear
from assessment.services.compute import ComputeRefused, results_compute, warning_messages
from units.commands import DistrictCommand


class Command(DistrictCommand):
    help = _("Compute a year's scores, ranks, tiers and bonuses, acting as the assessment office.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument(
            "--bonus-pool", type=int, default=None, help=_("bonus pool in yuan for this run")
        )
        parser.add_argument("--reason", default="", help=_("why, when the year's state asks"))

    def handle(self, *args: Any, **options: Any) -> None:
        year = AssessmentYear.objects.filter(year=options["year"]).first()
        if year is None:
            raise CommandError(_("There is no %(year)s assessment year.") % options)
        if options["bonus_pool"] is not None and options["bonus_pool"] < 0:
            raise CommandError(_("The bonus pool cannot be negative."))
        try:
            run = results_compute(
                year=year, bonus_pool=options["bonus_pool"], reason=options["reason"]
            )
        except ComputeRefused as refusal:
            for message in refusal.messages:
                self.stderr.write(f"- {message}")
            raise CommandError(
                _("Not computed: %(count)d setup problem(s) above.")
                % {"count": len(refusal.messages)}
            ) from None
        except ValidationError as refusal:
            raise CommandError(" ".join(refusal.messages)) from None

        units = run.units.count()
        self.stdout.write(
            _("Computed %(year)s: %(units)d units, %(teams)d teams, %(cadres)d cadres.")
            % {
                "year": year.year,
                "units": units,
                "teams": run.teams.count(),
                "cadres": run.cadres.count(),
            }
        )
        if run.bonus_pool is not None:
            paid = _("paid") if run.bonus_paid else _("nothing paid")
            self.stdout.write(
                _("Bonus pool: %(pool)s yuan (%(paid)s).") % {"pool": run.bonus_pool, "paid": paid}
            )
        for warning in warning_messages(run):
            self.stdout.write(_("Warning: %(warning)s") % {"warning": warning})
        self.stdout.write(_("Input digest (SHA-256): %(hash)s") % {"hash": run.input_hash})
