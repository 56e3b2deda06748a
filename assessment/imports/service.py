"""The import service: one entry point for every door (command line, admin, staff pages).

``workbook_preview`` reads and checks a workbook and says what each row would do;
``workbook_import`` does the same and, only if there is no error at all, writes every row in
one transaction. Both record an ``ImportLog`` whatever the outcome, and neither raises for a
problem of the file or its rows: those are in the returned ``Preview``.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable
from typing import NotRequired, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from assessment.imports import engine
from assessment.imports.files import WorkbookRefused
from assessment.imports.kinds import KINDS
from assessment.imports.lookups import Lookups
from assessment.imports.preview import Preview, RowError, RowStatus
from assessment.imports.reader import read_sheet
from assessment.imports.rows import Context, Kind, ParsedRow, Planned
from assessment.imports.rules import check_scope, policy_errors
from assessment.models import ImportLog
from units.access import AnyUser
from units.audit import lock_chain

User = AnyUser | None
logger = logging.getLogger(__name__)


def unexpected_failure() -> str:
    """What the page says when an import stops on a bug: the details go to the log."""
    return _(
        "The import stopped on an unexpected error and nothing was written. Upload the file "
        "again; if it stops again, tell the system administrator (the error is in the log)."
    )


# Told how far an import is: the phase ("reading", "checking", "comparing", "writing"), the
# rows done and the rows in all (an estimate until the sheet is read).
Progress = Callable[[str, int, int], None]

MAX_LOGGED_ERRORS = 1_000  # an ImportLog keeps the first errors; the count keeps them all
HISTORY_REASON_LENGTH = 100  # django-simple-history's history_change_reason


class ImportRequest(TypedDict):
    """What both doors ask of a workbook: its kind, its bytes and name, who acts (None: the
    command line, with the assessment office's rights), the change reason, the door it came
    through, and whom to tell about progress."""

    kind: str
    data: bytes
    file_name: str
    user: User
    reason: NotRequired[str]
    door: NotRequired[str]
    progress: NotRequired[Progress | None]


def workbook_preview(**request: Unpack[ImportRequest]) -> Preview:
    """What importing ``data`` as ``kind`` would do, row by row; writes only the log."""
    return _run(commit=False, **request)


def workbook_import(**request: Unpack[ImportRequest]) -> Preview:
    """Import ``data`` as ``kind``: every row or, if anything is wrong, none.

    ``user`` None is the command line acting with the assessment office's rights; a user is
    held to their permissions. ``reason`` is needed where the year's state makes the import
    an amendment, and becomes the change reason of every history record written.
    """
    return _run(commit=True, **request)


def _silent(phase: str, done: int, total: int) -> None:
    return None


def _run(
    *,
    kind: str,
    data: bytes,
    file_name: str,
    user: User,
    reason: str = "",
    door: str = "cli",
    commit: bool,
    progress: Progress | None = None,
) -> Preview:
    if kind not in KINDS:
        raise ValueError(f"Unknown workbook kind {kind!r}; known: {', '.join(KINDS)}")
    spec = KINDS[kind]
    preview = Preview(
        kind=kind,
        file_name=safe_file_name(file_name),
        sha256=hashlib.sha256(data).hexdigest(),
        dry_run=not commit,
    )
    report = progress or _silent
    try:
        plans = _analyse(spec, data, preview, user=user, reason=reason, report=report)
        if commit and preview.ok and plans is not None:
            report("writing", len(preview.rows), len(preview.rows))
            _commit(spec, plans, preview)
    except Exception:  # recorded, then raised again: a bug must not go unlogged
        preview.errors.append(RowError(unexpected_failure()))
        _log(preview, user, door)
        raise
    _log(preview, user, door)
    return preview


def safe_file_name(name: str) -> str:
    """The file's own name, without a client's folders or control characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    return re.sub(r"[\x00-\x1f\x7f]", "", base)[:255]


def _permission_error(kind: Kind, user: User) -> str | None:
    if user is None or user.has_perms(kind.permissions):
        return None
    return _("You may not import %(kind)s.") % {"kind": kind.label}


def _analyse(
    kind: Kind, data: bytes, preview: Preview, *, user: User, reason: str, report: Progress
) -> tuple[Context, list[ParsedRow]] | None:
    if refusal := _permission_error(kind, user):
        preview.errors.append(RowError(refusal))
        return None
    try:
        report("reading", 0, 0)
        sheet = read_sheet(data)
        report("checking", 0, sheet.height)
        layout = engine.match_headers(kind, sheet)
        if layout.errors:
            preview.errors.extend(layout.errors)
            return None
        ctx = Context(
            kind=kind,
            user=user,
            present=layout.present,
            lookups=Lookups(),
            reason=reason.strip(),
            change_reason=_change_reason(reason, preview.file_name),
            file_name=preview.file_name,
            sha256=preview.sha256,
            column_order={header: index for index, header in enumerate(sheet.headers) if header},
        )
        rows = engine.parse_rows(
            kind, sheet, layout, lambda done: report("checking", done, max(sheet.height, done))
        )
    except WorkbookRefused as refused:
        preview.errors.append(RowError(refused.message))
        return None
    if not rows:
        preview.errors.append(RowError(_("The sheet has a header row but no data rows.")))
        return None
    report("comparing", len(rows), len(rows))
    kind.resolve(rows, ctx)
    engine.keep_present_fields(rows, ctx)
    check_scope(rows, ctx)
    engine.refuse_duplicates(rows, ctx)
    engine.compare(rows, ctx)
    engine.validate_fields(rows, ctx)
    if kind.rules is not None:
        kind.rules(rows, ctx)
    preview.rows = engine.results(rows, ctx)
    preview.columns = [rows[0].headers[key] for key in rows[0].cells]
    preview.errors.extend(policy_errors(rows, ctx))
    preview.errors.extend(error for row in preview.rows for error in row.errors)
    return ctx, rows


def _change_reason(reason: str, file_name: str) -> str:
    text = reason.strip() or _("Imported from %(file)s") % {"file": file_name}
    return text[:HISTORY_REASON_LENGTH]


def _commit(kind: Kind, analysed: tuple[Context, list[ParsedRow]], preview: Preview) -> None:
    ctx, rows = analysed
    plans: dict[RowStatus, list[Planned]] = {RowStatus.NEW: [], RowStatus.CHANGED: []}
    for row, result in zip(rows, preview.rows, strict=True):
        if result.status in plans and row.plan is not None:
            plans[result.status].append(row.plan)
    if not plans[RowStatus.NEW] and not plans[RowStatus.CHANGED]:
        return
    try:
        with transaction.atomic():
            # Written in bulk and sealed as the tables' newest rows: the audit chain is held
            # from before they are written, so no other writer's seal can overtake them.
            lock_chain()
            kind.write(plans[RowStatus.NEW], plans[RowStatus.CHANGED], ctx)
    except (IntegrityError, ValidationError) as error:
        # Someone changed the same records since the file was read: nothing of it is written.
        # The database's own words help a developer, not the person importing: logged only.
        logger.warning("import of %s refused on writing: %s", preview.file_name, error)
        preview.errors.append(
            RowError(
                _(
                    "Nothing was written: the same records were changed while the file was being "
                    "checked. Upload the file again to preview it against the current records."
                )
            )
        )
        return
    preview.committed = True


def _log(preview: Preview, user: User, door: str) -> None:
    log = ImportLog.objects.create(
        kind=preview.kind,
        file_name=preview.file_name,
        sha256=preview.sha256,
        imported_by=user if user is not None and user.is_authenticated else None,
        door=door,
        dry_run=preview.dry_run,
        succeeded=preview.ok,
        counts=preview.counts,
        errors=[error.as_dict() for error in preview.errors[:MAX_LOGGED_ERRORS]],
    )
    preview.log_id = log.pk
