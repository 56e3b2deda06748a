"""``manage.py recover_import_jobs``: end the import jobs a dead worker left running.

Run by the worker's service before the worker starts (``deploy/systemd``), and by ``make run``.
Safe at any time: a job whose worker is alive and reporting is left alone.
"""

from typing import Any

from django.utils.translation import gettext as _

from assessment.imports.recovery import recover_all
from units.commands import DistrictCommand


class Command(DistrictCommand):
    help = "End import jobs left running by a worker that stopped (failed, or imported)."

    def handle(self, *args: Any, **options: Any) -> None:
        ended = recover_all()
        for job in ended:
            self.stdout.write(
                _("%(file)s (%(kind)s): %(state)s")
                % {"file": job.file_name, "kind": job.kind, "state": job.get_state_display()}
            )
        self.stdout.write(_("%(count)d interrupted import jobs ended.") % {"count": len(ended)})
