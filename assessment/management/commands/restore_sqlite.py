"""``manage.py restore_sqlite DIR [--no-input]``: restore a backup of ``backup_sqlite``.

Checks the backup's SHA-256 manifest, then replaces the SQLite database and MEDIA_ROOT with
the backup's. Stop the server and the import worker first. ``make restore BACKUP=DIR``.
"""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.db import connection

from assessment.lib.backup import BackupError, restore_sqlite
from units.commands import DistrictCommand


class Command(DistrictCommand):
    help = "Replace the SQLite database and MEDIA_ROOT with a backup made by backup_sqlite."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("backup", type=Path, help="the backup directory")
        parser.add_argument(
            "--no-input",
            action="store_false",
            dest="interactive",
            help="do not ask for confirmation",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        directory = options["backup"]
        if options["interactive"]:
            answer = input(
                f"This replaces the database {connection.settings_dict['NAME']} and "
                f"{settings.MEDIA_ROOT} with the backup {directory}.\n"
                "Everything saved since that backup is lost. Type 'yes' to continue: "
            )
            if answer.strip() != "yes":
                raise CommandError("Restore cancelled.")
        try:
            restore_sqlite(directory)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Restored from {directory}"))
