"""``manage.py backup_sqlite [--output DIR]``: back up the SQLite database and the media.

Writes ``db.sqlite3`` (SQLite's online backup API: consistent while the server runs),
``media.tar.gz`` and a ``SHA256SUMS`` manifest into DIR (default
``var/backups/backup-<YYYYmmdd-HHMMSS>``). ``make backup`` runs it; ``docs/backup.md``.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from assessment.lib.backup import BackupError, backup_sqlite
from units.commands import DistrictCommand


class Command(DistrictCommand):
    help = "Back up the SQLite database and MEDIA_ROOT into a new directory, with a manifest."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            default=None,
            help="a new or empty directory (default: var/backups/backup-<timestamp>)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            directory = backup_sqlite(options["output"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Backup written to {directory}"))
