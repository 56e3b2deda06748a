"""``manage.py export_results --year Y --format json|xlsx [--output FILE]``."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from assessment.models import AssessmentYear
from reports.exports import current_run, results_document, results_workbook
from units.commands import DistrictCommand


class Command(DistrictCommand):
    help = _("Export a year's current results as JSON or as an Excel workbook.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--format", choices=["json", "xlsx"], default="json")
        parser.add_argument("--output", default=None, help=_("file to write (default: stdout)"))

    def handle(self, *args: Any, **options: Any) -> None:
        year = AssessmentYear.objects.filter(year=options["year"]).first()
        if year is None:
            raise CommandError(_("There is no %(year)s assessment year.") % options)
        run = current_run(year)
        if run is None:
            raise CommandError(
                _("The %(year)s results have not been computed yet.") % {"year": year.year}
            )
        document = results_document(year, run)
        output = options["output"]
        if options["format"] == "json":
            text = json.dumps(document, ensure_ascii=False, indent=2)
            if output:
                Path(output).write_text(text + "\n", encoding="utf-8")
            else:
                self.stdout.write(text)
        elif output:
            Path(output).write_bytes(results_workbook(document))
        else:
            raise CommandError(_("An xlsx export needs --output FILE."))
