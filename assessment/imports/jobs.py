"""Imports from the staff pages as jobs: upload → preview → confirm → import.

``job_start`` stages the upload and previews it; ``job_confirm`` imports a previewed file. A
small workbook is handled within the request; one above ``settings.IMPORT_BACKGROUND_BYTES``
is handed to the task queue (``run_import_job``, run by ``manage.py db_worker``), which reports
its progress on the job row so that the page can show a progress bar and the browser never
waits on a request that could time out. Either way the work is the same: the one import
layer (``workbook_preview`` / ``workbook_import``), its rules and its ``ImportLog``.
"""

from __future__ import annotations

import hashlib
import logging
import time
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from assessment.imports.kinds import KINDS
from assessment.imports.preview import Preview, RowError, RowResult, RowStatus
from assessment.imports.recovery import failure_summary, worker_id
from assessment.imports.service import unexpected_failure, workbook_import, workbook_preview
from assessment.imports.staging import purge_stale_staging, read_staged, stage
from assessment.models import ImportJob, ImportJobState
from units.access import AnyUser, account

logger = logging.getLogger(__name__)

ROWS_SHOWN = 500  # rows listed on the page; the totals always count every row
ERRORS_SHOWN = 1_000  # as many as the ImportLog keeps
REPORT_SECONDS = 0.5  # the job row is updated at most this often while rows are read
# Each phase's share of the progress bar, as (start, end) percentages.
PHASES = {
    "reading": (0, 5),
    "checking": (5, 60),
    "comparing": (60, 80),
    "writing": (80, 100),
}


# --- starting and confirming ------------------------------------------------------------------


def job_start(
    *, kind: str, data: bytes, file_name: str, user: AnyUser, reason: str = ""
) -> ImportJob:
    """Stage the upload and preview it (now, or queued if large); return the job."""
    if kind not in KINDS:
        raise ValueError(f"unknown workbook kind {kind!r}")
    purge_stale_staging()
    sha256 = stage(data)
    job = ImportJob.objects.create(
        kind=kind,
        file_name=file_name[:255],
        sha256=sha256,
        size=len(data),
        reason=reason.strip(),
        user=account(user),
        background=len(data) > settings.IMPORT_BACKGROUND_BYTES,
    )
    _dispatch(job)
    return job


def job_confirm(job: ImportJob, user: AnyUser) -> ImportJob:
    """Import a file whose preview had no error; refused (``ValidationError``) otherwise."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.user_id != user.pk:
            raise ValidationError(_("Only the person who uploaded the file can confirm it."))
        if job.state != ImportJobState.PREVIEWED or job.commit or not job.summary.get("ok"):
            raise ValidationError(
                _("This file is not waiting for confirmation: upload it again."),
                code="not_previewed",
            )
        job.commit = True
        job.state = ImportJobState.QUEUED
        job.phase = ""
        job.rows_done = 0
        job.save(update_fields=["commit", "state", "phase", "rows_done", "updated_at"])
    _dispatch(job)
    job.refresh_from_db()
    return job


def job_retry(job: ImportJob, user: AnyUser) -> ImportJob:
    """Start the same file again after a failed run ("再次导入"), from the staged copy."""
    if job.user_id != user.pk:
        raise ValidationError(_("Only the person who uploaded the file can import it again."))
    if job.state != ImportJobState.FAILED:
        raise ValidationError(_("Only a failed import is started again."), code="not_failed")
    data = read_staged(job.sha256)
    if data is None or hashlib.sha256(data).hexdigest() != job.sha256:
        raise ValidationError(
            _("The uploaded file is no longer kept: upload it again."), code="file_gone"
        )
    return job_start(
        kind=job.kind, data=data, file_name=job.file_name, user=user, reason=job.reason
    )


def _dispatch(job: ImportJob) -> None:
    if job.background:
        job_id = str(job.pk)
        transaction.on_commit(lambda: run_import_job.enqueue(job_id))
    else:
        run_job(job.pk)


@task()
def run_import_job(job_id: str) -> str:
    """The queued job: preview or import the staged file (``manage.py db_worker`` runs it)."""
    return run_job(uuid.UUID(job_id))


# --- the work ---------------------------------------------------------------------------------


class _Reporter:
    """Writes a job's progress to its row, at most every ``REPORT_SECONDS`` within a phase."""

    def __init__(self, job: ImportJob) -> None:
        self.job = job
        self.phase = ""
        self.last = 0.0

    def __call__(self, phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        if phase == self.phase and now - self.last < REPORT_SECONDS:
            return
        self.phase, self.last = phase, now
        ImportJob.objects.filter(pk=self.job.pk).update(
            phase=phase, rows_done=done, rows_total=total, heartbeat_at=timezone.now()
        )


def run_job(job_id: uuid.UUID) -> str:
    """Run a job's preview or import once; its state says how it ended."""
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    if job.state != ImportJobState.QUEUED:
        return job.state  # run twice (a retried task): the first run decided
    job.worker, job.heartbeat_at = worker_id(), timezone.now()
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJobState.RUNNING, worker=job.worker, heartbeat_at=job.heartbeat_at
    )
    data = read_staged(job.sha256)
    if data is None or hashlib.sha256(data).hexdigest() != job.sha256:
        return _end(
            job,
            ImportJobState.FAILED,
            failure_summary(_("The uploaded file is gone: upload it again.")),
        )
    run = workbook_import if job.commit else workbook_preview
    try:
        preview = run(
            kind=job.kind,
            data=data,
            file_name=job.file_name,
            user=job.user,
            reason=job.reason,
            door="web",
            progress=_Reporter(job) if job.background else None,
        )
    except Exception:  # logged by the import layer; the page must say it too
        logger.exception("import job %s failed", job.pk)
        return _end(job, ImportJobState.FAILED, failure_summary(unexpected_failure()))
    if not preview.ok:
        state = ImportJobState.REFUSED
    else:
        state = ImportJobState.IMPORTED if job.commit else ImportJobState.PREVIEWED
    return _end(job, state, summarize(preview), log_id=preview.log_id)


def _end(job: ImportJob, state: str, summary: dict, log_id: int | None = None) -> str:
    total = summary.get("counts", {}).get("rows", job.rows_total)
    ImportJob.objects.filter(pk=job.pk).update(
        state=state,
        summary=summary,
        log_id=log_id,
        phase="",
        rows_done=total,
        rows_total=total,
    )
    return state


# --- what the page shows ----------------------------------------------------------------------


def summarize(preview: Preview) -> dict:
    """The preview as JSON for the page: totals, the rows worth showing, the errors."""
    rows = preview.rows
    if len(rows) > ROWS_SHOWN:  # the unchanged rows are left out first
        rows = [row for row in rows if row.status != RowStatus.UNCHANGED][:ROWS_SHOWN]
    return {
        "ok": preview.ok,
        "committed": preview.committed,
        "dry_run": preview.dry_run,
        "counts": preview.counts,
        "columns": preview.columns,
        "rows": [_row(row) for row in rows],
        "rows_hidden": len(preview.rows) - len(rows),
        "errors": [error.as_dict() for error in preview.errors[:ERRORS_SHOWN]],
        "errors_total": len(preview.errors),
    }


def _row(row: RowResult) -> dict:
    return {
        "number": row.number,
        "status": row.status.value,
        "label": row.label,
        "cells": row.cells,
        "changes": [[c.column, c.before, c.after] for c in row.changes],
        "errors": [error.message for error in row.errors],
    }


def preview_of(job: ImportJob) -> Preview:
    """The job's errors as a ``Preview`` (e.g. to mark them in a copy of the workbook)."""
    return Preview(
        kind=job.kind,
        file_name=job.file_name,
        sha256=job.sha256,
        dry_run=not job.commit,
        errors=[RowError(**error) for error in job.summary.get("errors", [])],
    )


def job_percent(job: ImportJob) -> int:
    """How far the job is, 0–100, for the progress bar."""
    if job.finished:
        return 100
    start, end = PHASES.get(job.phase, (0, 0))
    if job.rows_total and job.phase == "checking":
        share = min(job.rows_done / job.rows_total, 1)
        return int(start + (end - start) * share)
    return start
