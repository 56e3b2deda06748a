"""Uploaded workbooks kept between the preview and the confirmation, in private storage.

A file is staged as ``import-staging/<sha256>.xlsx`` (the same bytes share one file) and read
back only under a name made from a SHA-256, whose bytes the caller checks again before use.
Files nobody confirmed are removed after ``STAGING_MAX_AGE``.
"""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

STAGING_DIR = "import-staging"
STAGING_MAX_AGE = timedelta(days=1)  # a preview nobody confirmed within a day is forgotten
_SHA256 = re.compile(r"[0-9a-f]{64}")


def staged_name(sha256: str) -> str:
    """The storage name of a staged file; only a SHA-256 in hex can name one."""
    if not _SHA256.fullmatch(sha256):
        raise ValueError("not a SHA-256 in lowercase hex")
    return f"{STAGING_DIR}/{sha256}.xlsx"


def stage(data: bytes) -> str:
    """Keep ``data`` under its SHA-256 (once: the same bytes share one file); return the hash."""
    sha256 = hashlib.sha256(data).hexdigest()
    name = staged_name(sha256)
    if read_staged(sha256) == data:
        return sha256
    default_storage.delete(name)  # damaged or half written: replace it
    saved = default_storage.save(name, ContentFile(data))
    if saved != name:  # another request wrote the same name meanwhile: keep that one
        default_storage.delete(saved)
    return sha256


def read_staged(sha256: str) -> bytes | None:
    try:
        with default_storage.open(staged_name(sha256), "rb") as staged:
            return staged.read()
    except FileNotFoundError:
        return None


def discard_staged(sha256: str) -> None:
    default_storage.delete(staged_name(sha256))


def purge_stale_staging() -> None:
    """Delete staged files older than ``STAGING_MAX_AGE`` (previews nobody confirmed)."""
    try:
        _folders, names = default_storage.listdir(STAGING_DIR)
    except FileNotFoundError:
        return
    oldest = timezone.now() - STAGING_MAX_AGE
    for name in names:
        try:
            if default_storage.get_modified_time(f"{STAGING_DIR}/{name}") < oldest:
                default_storage.delete(f"{STAGING_DIR}/{name}")
        except (FileNotFoundError, NotImplementedError):
            continue
