"""``manage.py import_workbook KIND FILE.xlsx [--dry-run] [--reason TEXT] [--user NAME]``.

Imports one workbook of spec/workbooks.md through the import layer (``assessment.imports``),
acting with the assessment office's rights unless ``--user`` names who acts. Prints the counts
(with ``-v 2`` every change of a dry run), or every row error and exits non-zero, writing
nothing.
"""

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from assessment.imports import KINDS, Preview, RowStatus, workbook_import, workbook_preview
from units.commands import DistrictCommand


class Command(DistrictCommand):
    help = _("Import an Excel workbook (units, cadres, indicators, targets, evidence …).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=list(KINDS), help=_("what the workbook holds"))
        parser.add_argument("file", help=_("the .xlsx file"))
        parser.add_argument(
            "--dry-run", action="store_true", help=_("show what would change, write nothing")
        )
        parser.add_argument(
            "--reason", default="", help=_("why, when the year's state makes it an amendment")
        )
        parser.add_argument(
            "--user", default=None, help=_("act as this user (default: the assessment office)")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": path, "error": error.strerror}
            ) from None
        user = self._user(options["user"])
        service = workbook_preview if options["dry_run"] else workbook_import
        preview = service(
            kind=options["kind"],
            data=data,
            file_name=path.name,
            user=user,
            reason=options["reason"],
            door="cli",
        )
        if not preview.ok:
            for problem in preview.errors:
                self.stderr.write(str(problem))
            raise CommandError(
                _("Nothing was imported: %(count)d error(s) in %(file)s.")
                % {"count": len(preview.errors), "file": preview.file_name}
            )
        self._report(preview, verbosity=options["verbosity"])

    def _user(self, username: str | None) -> User | None:
        if username is None:
            return None
        user = get_user_model()._default_manager.filter(username=username).first()
        if user is None or not user.is_active:
            raise CommandError(_("There is no active user “%(name)s”.") % {"name": username})
        return user

    def _report(self, preview: Preview, *, verbosity: int) -> None:
        counts = preview.counts
        values = {
            "file": preview.file_name,
            "new": counts[RowStatus.NEW],
            "changed": counts[RowStatus.CHANGED],
            "unchanged": counts[RowStatus.UNCHANGED],
        }
        if preview.dry_run:
            message = _(
                "Preview of %(file)s (nothing written): %(new)d new, %(changed)d changed, "
                "%(unchanged)d unchanged."
            )
        else:
            message = _(
                "Imported %(file)s: %(new)d new, %(changed)d changed, %(unchanged)d unchanged."
            )
        self.stdout.write(message % values)
        if verbosity < 2:
            return
        for row in preview.rows:
            if row.status == RowStatus.CHANGED:
                details = "; ".join(str(change) for change in row.changes)
                self.stdout.write(
                    _("Row %(row)s %(label)s: %(changes)s")
                    % {"row": row.number, "label": row.label, "changes": details}
                )
            elif row.status == RowStatus.NEW and verbosity > 2:
                self.stdout.write(
                    _("Row %(row)s %(label)s: new") % {"row": row.number, "label": row.label}
                )
