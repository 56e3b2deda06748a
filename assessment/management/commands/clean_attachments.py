"""``manage.py clean_attachments [--delete] [--older-than HOURS]``: files without a record.

An attachment's file is written inside the transaction that stores its row; if the process dies
before the commit, or the transaction rolls back, the file stays on disk with no row naming it.
Such a file is provably orphaned once no attachment row names it and it is older than any
transaction could be (``--older-than``, 24 hours by default). Lists them; ``--delete`` removes
them. Run daily by ``deploy/systemd/district-cleanup.timer``.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from assessment.models import EvidenceAttachment
from units.commands import DistrictCommand

FOLDER = "attachments"


def orphaned_files(root: Path, older_than_hours: float) -> list[Path]:
    """The files under ``<root>/attachments`` that no attachment row names, old enough."""
    folder = root / FOLDER
    if not folder.is_dir():
        return []
    named = set(EvidenceAttachment.objects.values_list("file", flat=True))
    cutoff = time.time() - older_than_hours * 3600
    return sorted(
        path
        for path in folder.rglob("*")
        if path.is_file()
        and path.relative_to(root).as_posix() not in named
        and path.stat().st_mtime < cutoff
    )


class Command(DistrictCommand):
    help = "List (and with --delete remove) attachment files that no record names."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--delete", action="store_true", help=_("remove the files found"))
        parser.add_argument(
            "--older-than",
            type=float,
            default=24.0,
            help=_("only files older than this many hours (default 24)"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        root = Path(settings.MEDIA_ROOT)
        found = orphaned_files(root, max(options["older_than"], 0.0))
        for path in found:
            if options["delete"]:
                path.unlink(missing_ok=True)
            self.stdout.write(path.relative_to(root).as_posix())
        if options["delete"]:
            summary = _("%(count)d orphaned files removed.")
        else:
            summary = _("%(count)d orphaned files found (dry run: add --delete to remove them).")
        self.stdout.write(summary % {"count": len(found)})
