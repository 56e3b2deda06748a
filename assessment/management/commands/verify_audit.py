"""``manage.py verify_audit``: recompute the audit hash chain and the publications' SHA-256.

Walks the chain of ``units.AuditSeal`` in order, recomputing each history row's hash from the
row as it is now and each chain hash from the previous one; reports the first break (which
table, which history row, what kind) and history rows without a seal, and exits non-zero if
there is either. Then recomputes every published snapshot's SHA-256 against its document.
"""

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from assessment.models import Publication
from units.audit_verify import KIND_LABELS, head_reached, verify
from units.commands import DistrictCommand


class Command(DistrictCommand):
    help = "Verify the audit history's hash chain and every publication's SHA-256."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--expect-head",
            metavar="HASH",
            help=_(
                "the chain's head as noted earlier, kept outside the database: the chain must "
                "end in it or go on from it (else rows were cut off its end)"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify()
        self.stdout.write(
            _("Audit chain: %(count)d seals, head %(head)s.")
            % {"count": report.seals, "head": report.head}
        )
        if report.breaks:
            first = report.breaks[0]
            self.stdout.write(
                self.style.ERROR(
                    _("First break at seal #%(seal)s: %(table)s, history row %(row)s: %(kind)s.")
                    % {
                        "seal": first.seal,
                        "table": first.table,
                        "row": first.history_id,
                        "kind": KIND_LABELS[first.kind],
                    }
                )
            )
            self.stdout.write(_("%(count)d breaks in all.") % {"count": len(report.breaks)})
        for table, ids in report.unsealed.items():
            self.stdout.write(
                self.style.ERROR(
                    _("Not sealed: %(table)s, %(count)d history rows (first: %(first)s).")
                    % {"table": table, "count": len(ids), "first": ids[0]}
                )
            )
        for item in report.live[:20]:
            self.stdout.write(
                self.style.ERROR(
                    _("%(table)s, row %(pk)s: %(kind)s.")
                    % {"table": item.table, "pk": item.pk, "kind": KIND_LABELS[item.kind]}
                )
            )
        if len(report.live) > 20:
            self.stdout.write(
                _("%(count)d rows differ from their history in all.") % {"count": len(report.live)}
            )
        head_missing = False
        if expected := (options.get("expect_head") or "").strip().lower():
            head_missing = not head_reached(expected)
            if head_missing:
                self.stdout.write(
                    self.style.ERROR(
                        _(
                            "The chain does not reach the head %(head)s noted earlier: seals "
                            "were cut off its end, or the chain was rebuilt."
                        )
                        % {"head": expected}
                    )
                )
        if report.ok:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Audit chain intact: every history row is sealed, every row as recorded.")
                )
            )

        self.stdout.write(_("A published snapshot's SHA-256 is recomputed on demand and compared."))
        altered = 0
        publications = Publication.objects.select_related("year").order_by("year", "version")
        for publication in publications.iterator(chunk_size=20):
            if publication.intact:
                self.stdout.write(
                    _("Publication %(publication)s: SHA-256 intact.") % {"publication": publication}
                )
            else:
                altered += 1
                self.stdout.write(
                    self.style.ERROR(
                        _("Publication %(publication)s: SHA-256 does not match its document.")
                        % {"publication": publication}
                    )
                )

        if not report.ok or altered or head_missing:
            raise CommandError(_("The audit trail failed verification."))
