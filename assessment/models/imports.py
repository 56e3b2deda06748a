"""The record of every import (``ImportLog``) and the imports run as jobs (``ImportJob``)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportLog(models.Model):
    """Every import, whatever the door: who, when, which file, and what came of it."""

    kind = models.CharField(_("kind"), max_length=32)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    door = models.CharField(_("door"), max_length=16)  # admin / web / cli
    dry_run = models.BooleanField(_("preview only"), default=False)
    succeeded = models.BooleanField(_("succeeded"), default=False)
    counts = models.JSONField(_("counts"), default=dict)  # {"new": 3, "changed": 1, ...}
    errors = models.JSONField(_("errors"), default=list, blank=True)

    class Meta:
        ordering = ["-imported_at", "-id"]
        verbose_name = _("import log")
        verbose_name_plural = _("import logs")

    def __str__(self) -> str:
        return f"{self.kind} · {self.file_name} · {self.imported_at:%Y-%m-%d %H:%M}"


class ImportJobState(models.TextChoices):
    QUEUED = "queued", _("waiting for the worker")
    RUNNING = "running", _("running")
    PREVIEWED = "previewed", _("previewed")
    IMPORTED = "imported", _("imported")
    REFUSED = "refused", _("refused")
    FAILED = "failed", _("failed")


class ImportJob(models.Model):
    """An upload on the staff import pages, previewed and then imported, as a job.

    The file waits in private staging storage under its SHA-256; a large one is read by a
    background worker, which reports its progress here (``rows_done`` of ``rows_total`` in
    ``phase``) so the page can show a progress bar. ``summary`` holds what the page shows of
    the last preview or import (totals, the first rows and errors); the full record of each
    run is its ``ImportLog``.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=32)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    reason = models.CharField(_("reason for the amendment"), max_length=500, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    commit = models.BooleanField(_("import (not only preview)"), default=False)
    background = models.BooleanField(_("in the background"), default=False)
    state = models.CharField(
        _("state"), max_length=16, choices=ImportJobState.choices, default=ImportJobState.QUEUED
    )
    phase = models.CharField(_("phase"), max_length=32, blank=True)
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)
    log = models.ForeignKey(
        ImportLog,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("import log"),
    )
    # Who is running it ("host:pid") and when it last reported: a job whose worker is gone, or
    # silent for too long, is ended by ``assessment.imports.recovery``.
    worker = models.CharField(_("worker"), max_length=100, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")

    def __str__(self) -> str:
        return f"{self.kind} · {self.file_name} · {self.get_state_display()}"

    @property
    def finished(self) -> bool:
        return self.state not in {ImportJobState.QUEUED, ImportJobState.RUNNING}
