"""``manage.py check_totals``: compare the evidence's running totals with the records' sums.

The computation reads the running totals (``assessment.models.totals``); every write through
the site keeps them. After records were changed by hand in the database, or to be sure, this
command sums every record again and reports each total that differs; ``--rebuild`` then writes
them all again from the records. It exits non-zero while a difference is left.
"""

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from assessment.models import Indicator, RunningTotal
from assessment.models.totals import Figures
from units.commands import DistrictCommand
from units.models import Unit

SHOWN = 20


class Command(DistrictCommand):
    help = "Compare the evidence's running totals with the records, and rebuild them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--rebuild",
            action="store_true",
            help=_("write every running total again from the records"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["rebuild"]:
            RunningTotal.objects.rebuild()
            self.stdout.write(_("Running totals written again from the records."))
        differences = RunningTotal.objects.differences()
        if not differences:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Running totals intact: %(count)d, each equal to its records' sum.")
                    % {"count": RunningTotal.objects.count()}
                )
            )
            return
        units = dict(Unit.objects.values_list("pk", "name"))
        indicators = {
            pk: f"{year} {code}"
            for pk, code, year in Indicator.objects.values_list("pk", "code", "year__year")
        }
        for (unit, indicator, sourced), kept, counted in differences[:SHOWN]:
            self.stdout.write(
                self.style.ERROR(
                    _("%(unit)s, %(indicator)s%(source)s: kept %(kept)s, records %(counted)s.")
                    % {
                        "unit": units.get(unit, unit),
                        "indicator": indicators.get(indicator, indicator),
                        "source": _(" (data source's figures)") if sourced else "",
                        "kept": _figures(kept),
                        "counted": _figures(counted),
                    }
                )
            )
        raise CommandError(
            _(
                "%(count)d running totals differ from their records: run "
                "'manage.py check_totals --rebuild'."
            )
            % {"count": len(differences)}
        )


def _figures(figures: Figures | None) -> str:
    if figures is None:
        return _("none")
    total, records, latest = figures
    return _("%(total)s (%(records)d records, latest %(latest)s)") % {
        "total": f"{total:f}",
        "records": records,
        "latest": f"{latest:f}",
    }
