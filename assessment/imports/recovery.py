"""Every import job ends: a job left "running" by a worker that died is settled here.

A running job names its worker ("host:pid") and writes a sign of life with its progress. A job
is abandoned when that process no longer exists on this host, or when it has been silent for
longer than ``IMPORT_JOB_STALE_SECONDS``. Settling reads the import log first: if the import
committed before the worker died, the job is marked imported with the log's counts; otherwise
it is marked failed with a message, and the attempt is logged. Nothing half-written can be
found, because an import writes in one transaction.

It runs when the job's page is shown or polled, and when the worker starts
(``manage.py recover_import_jobs``).
"""

from __future__ import annotations

import datetime
import os
import socket

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.imports.preview import RowError
from assessment.models import ImportJob, ImportJobState, ImportLog


def failure_summary(message: str) -> dict:
    """The summary of a job that ended without importing anything, saying why."""
    return {
        "ok": False,
        "failed": True,
        "counts": {},
        "rows": [],
        "errors": [RowError(message).as_dict()],
        "errors_total": 1,
    }


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _alive(worker: str) -> bool | None:
    """Whether the worker process exists: None when it runs on another host (unknown)."""
    host, _sep, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return None
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by another user
    return True


def abandoned(job: ImportJob, now: datetime.datetime | None = None) -> bool:
    if job.state != ImportJobState.RUNNING:
        return False
    if job.worker and _alive(job.worker) is False:
        return True
    last = job.heartbeat_at or job.updated_at
    stale = datetime.timedelta(seconds=settings.IMPORT_JOB_STALE_SECONDS)
    return (now or timezone.now()) - last > stale


def _committed(job: ImportJob) -> ImportLog | None:
    """The import log of this job's import, if it committed (written in its transaction):
    the same file imported by the same person after the job began, before any later job of
    theirs with that file began."""
    if not job.commit:
        return None
    logs = ImportLog.objects.filter(
        kind=job.kind,
        sha256=job.sha256,
        imported_by_id=job.user_id,
        dry_run=False,
        succeeded=True,
        imported_at__gte=job.created_at,
    )
    later = (
        ImportJob.objects.filter(
            user_id=job.user_id, sha256=job.sha256, created_at__gt=job.created_at
        )
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if later is not None:
        logs = logs.filter(imported_at__lt=later)
    return logs.order_by("imported_at").first()


def settle(job: ImportJob) -> ImportJob:
    """End ``job`` if it was abandoned; return it as it is now."""
    if not abandoned(job):
        return job
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if not abandoned(job):
            return job
        log = _committed(job)
        if log is not None:
            counts = log.counts or {}
            job.state = ImportJobState.IMPORTED
            job.summary = {"ok": True, "counts": counts, "errors": [], "errors_total": 0}
            job.log = log
        else:
            message = _(
                "The import was interrupted: the process working on the file stopped before "
                "it finished, and nothing was written. Import the file again."
            )
            job.state = ImportJobState.FAILED
            job.summary = failure_summary(message)
            job.log = ImportLog.objects.create(
                kind=job.kind,
                file_name=job.file_name,
                sha256=job.sha256,
                imported_by=job.user,
                door="web",
                dry_run=not job.commit,
                succeeded=False,
                counts={},
                errors=[RowError(message).as_dict()],
            )
        job.phase = ""
        job.save(update_fields=["state", "summary", "log", "phase", "updated_at"])
    return job


def recover_all() -> list[ImportJob]:
    """Settle every running job; return those that were ended."""
    ended = []
    for job in ImportJob.objects.filter(state=ImportJobState.RUNNING):
        settled = settle(job)
        if settled.state != ImportJobState.RUNNING:
            ended.append(settled)
    return ended
