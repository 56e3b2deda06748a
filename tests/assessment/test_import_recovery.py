"""Every import job ends, even when its worker dies: a job left "running" by a process that is
gone (or silent too long) is ended as failed, with its attempt in the import log and
"再次导入" offered — or as imported, when the import log proves it committed first."""

from __future__ import annotations

import datetime
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from assessment.imports import recovery
from assessment.imports.jobs import run_job
from assessment.models import ImportJob, ImportJobState, ImportLog, Target
from tests.imports_helpers import make_scheme, xlsx_bytes

pytestmark = pytest.mark.django_db

TARGETS = ["年度", "单位代码", "指标代码", "目标值"]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.IMPORT_BACKGROUND_BYTES = 0  # every file goes to the worker
    return tmp_path


@pytest.fixture
def scheme(town, economic, unit_a, unit_b, lead_unit):
    return make_scheme(status="collecting", town=town, economic=economic, lead_unit=lead_unit)


def dead_worker() -> str:
    """A worker id naming a process of this host that has ended."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return f"{socket.gethostname()}:{child.pid}"


def queued_import(client, user) -> ImportJob:
    """A targets file previewed by the worker and confirmed: queued for the import."""
    client.force_login(user)
    data = xlsx_bytes([TARGETS, [2026, "A01", "GDP", 120]])
    url = reverse("assessment:import_upload", kwargs={"kind": "targets"})
    client.post(url, {"file": SimpleUploadedFile("目标.xlsx", data), "reason": "年中调整"})
    job = ImportJob.objects.get()
    run_job(job.pk)  # the preview
    job.refresh_from_db()
    assert job.state == ImportJobState.PREVIEWED
    client.post(reverse("assessment:import_confirm", kwargs={"pk": job.pk}))
    job.refresh_from_db()
    assert job.state == ImportJobState.QUEUED
    return job


def test_a_job_whose_worker_died_mid_import_ends_failed_and_is_imported_again(
    client, english, office_user, scheme
):
    job = queued_import(english, office_user)
    # The worker took the job and died before the import committed.
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJobState.RUNNING, worker=dead_worker(), heartbeat_at=timezone.now()
    )
    page = english.get(reverse("assessment:import_job", kwargs={"pk": job.pk}))
    job.refresh_from_db()
    assert job.state == ImportJobState.FAILED
    html = page.content.decode()
    assert "The import was interrupted" in html and "Import again" in html
    attempt = ImportLog.objects.filter(dry_run=False).get()
    assert (attempt.succeeded, attempt.sha256) == (False, job.sha256)
    assert "interrupted" in attempt.errors[0]["message"]
    assert not Target.objects.exists()

    again = english.post(reverse("assessment:import_retry", kwargs={"pk": job.pk}))
    retried = ImportJob.objects.exclude(pk=job.pk).get()
    assert again["Location"] == reverse("assessment:import_job", kwargs={"pk": retried.pk})
    run_job(retried.pk)
    retried.refresh_from_db()
    assert retried.state == ImportJobState.PREVIEWED  # the staged file was still there


def test_a_worker_that_died_after_the_import_committed_leaves_the_job_imported(
    client, office_user, scheme
):
    job = queued_import(client, office_user)
    run_job(job.pk)  # the import commits...
    # ... and the worker dies before it marks the job done.
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJobState.RUNNING, worker=dead_worker(), log=None
    )
    ended = recovery.recover_all()
    assert [j.pk for j in ended] == [job.pk]
    job.refresh_from_db()
    log = ImportLog.objects.get(dry_run=False, succeeded=True)
    assert (job.state, job.log_id, job.summary["counts"]["new"]) == (
        ImportJobState.IMPORTED,
        log.pk,
        1,
    )
    assert Target.objects.get().target == 120


def test_a_job_silent_for_too_long_on_another_host_is_ended(client, office_user, scheme, settings):
    settings.IMPORT_JOB_STALE_SECONDS = 600
    job = queued_import(client, office_user)
    long_ago = timezone.now() - datetime.timedelta(seconds=601)
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJobState.RUNNING, worker="another-host:4242", heartbeat_at=long_ago
    )
    ImportJob.objects.filter(pk=job.pk).update(updated_at=long_ago)
    job.refresh_from_db()
    assert recovery.settle(job).state == ImportJobState.FAILED


def test_a_live_worker_reporting_progress_is_left_alone(client, office_user, scheme):
    job = queued_import(client, office_user)
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJobState.RUNNING,
        worker=f"{socket.gethostname()}:{os.getpid()}",  # this very process: alive
        heartbeat_at=timezone.now(),
    )
    job.refresh_from_db()
    assert recovery.settle(job).state == ImportJobState.RUNNING
    assert recovery.recover_all() == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a second process needs a server")
@pytest.mark.django_db(transaction=True)
def test_killing_the_real_worker_mid_import_ends_the_job(office_user, scheme, tmp_path):
    """``manage.py db_worker`` runs a large import; ``kill -9`` while it writes; the job ends."""
    rows = [["单位代码", "指标代码", "日期", "数值", "说明"]] + [
        ["A01", "GDP", "2026-03-31", n % 50 + 1, f"第{n}条"] for n in range(20_000)
    ]
    from assessment.imports.jobs import job_confirm, job_start

    job = job_start(
        kind="evidence", data=xlsx_bytes(rows), file_name="平时记录.xlsx", user=office_user
    )
    env = {**os.environ, "DEBUG": "true", "MEDIA_ROOT": str(tmp_path)}
    env["DATABASE_URL"] = "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(
        **connection.settings_dict
    )
    root = Path(__file__).resolve().parents[2]
    command = [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--no-reload"]

    def worker() -> subprocess.Popen:
        return subprocess.Popen(command, cwd=root, env=env, start_new_session=True)

    process = worker()
    try:
        deadline = time.monotonic() + 120
        while ImportJob.objects.get(pk=job.pk).state != ImportJobState.PREVIEWED:
            assert time.monotonic() < deadline, "the worker did not preview the file"
            time.sleep(0.2)
        job_confirm(ImportJob.objects.get(pk=job.pk), office_user)
        while ImportJob.objects.get(pk=job.pk).phase != "writing":
            assert time.monotonic() < deadline, "the worker did not start writing"
            time.sleep(0.05)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    settled = recovery.settle(ImportJob.objects.get(pk=job.pk))
    assert settled.state == ImportJobState.FAILED
    assert ImportLog.objects.filter(dry_run=False, succeeded=False).count() == 1
    from assessment.models import Evidence

    assert not Evidence.objects.exists()  # nothing half-written
