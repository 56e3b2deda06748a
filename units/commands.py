"""The base of the project's management commands: a database that goes away mid-command ends
it with one clear line and a non-zero exit, never a traceback. Each command's writes are one
transaction, so nothing is left half-done."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, InterfaceError
from django.utils.translation import gettext as _


class DistrictCommand(BaseCommand):
    def execute(self, *args: Any, **options: Any) -> str | None:
        try:
            return super().execute(*args, **options)
        except (DatabaseError, InterfaceError) as error:
            first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
            raise CommandError(
                _(
                    "The database could not be reached or refused the work (%(error)s); "
                    "nothing was changed. Check that the database is running and try again."
                )
                % {"error": first_line or type(error).__name__}
            ) from error
