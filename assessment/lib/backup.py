"""Backup and restore of the embedded set-up: the SQLite database and the uploaded files.

A backup is a directory (``var/backups/backup-<YYYYmmdd-HHMMSS>`` by default) with

- ``db.sqlite3``: a consistent copy of the live database, made with SQLite's online backup
  API (the server may keep running; a write in progress is either in the copy or not);
- ``media.tar.gz``: ``MEDIA_ROOT`` (the attachments), as ``media/…``;
- ``SHA256SUMS``: the SHA-256 of both, in ``sha256sum`` format (``sha256sum -c SHA256SUMS``).

A restore checks the manifest first, then copies the database back with the same API and
replaces ``MEDIA_ROOT`` with the archive's. PostgreSQL is backed up with its own tools:
``docs/backup.md``.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

DATABASE_FILE = "db.sqlite3"
MEDIA_FILE = "media.tar.gz"
MANIFEST_FILE = "SHA256SUMS"
MEDIA_ARCNAME = "media"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why."""


def default_directory() -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return Path(settings.BASE_DIR) / "var" / "backups" / f"backup-{stamp}"


def _require_sqlite() -> None:
    if connection.vendor != "sqlite":
        raise BackupError(
            "The database is not SQLite: back up PostgreSQL with pg_dump and pg_restore "
            "(docs/backup.md)."
        )


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for chunk in iter(lambda: file.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write_manifest(directory: Path, names: list[str]) -> Path:
    manifest = directory / MANIFEST_FILE
    lines = [f"{sha256_of(directory / name)}  {name}\n" for name in names]
    manifest.write_text("".join(lines), encoding="utf-8")
    return manifest


def check_manifest(directory: Path, required: tuple[str, ...]) -> None:
    """Every file of the manifest is there with its SHA-256, and ``required`` are listed."""
    manifest = directory / MANIFEST_FILE
    if not manifest.is_file():
        raise BackupError(f"{manifest} is missing: not a backup directory.")
    listed: dict[str, str] = {}
    for line in manifest.read_text(encoding="utf-8").splitlines():
        digest, _sep, name = line.partition("  ")
        if not name or Path(name).name != name:
            raise BackupError(f"{manifest} has an unreadable line: {line!r}")
        listed[name] = digest
    for name in required:
        if name not in listed:
            raise BackupError(f"{manifest} does not list {name}.")
    for name, digest in listed.items():
        path = directory / name
        if not path.is_file():
            raise BackupError(f"{path} is missing.")
        if sha256_of(path) != digest:
            raise BackupError(f"{path} does not match its SHA-256 in {MANIFEST_FILE}: damaged.")


def archive_media(target: Path) -> None:
    """``MEDIA_ROOT`` as a gzipped tar with the top folder ``media`` (empty if none yet)."""
    media_root = Path(settings.MEDIA_ROOT)
    with tarfile.open(target, "w:gz") as tar:
        if media_root.is_dir():
            tar.add(media_root, arcname=MEDIA_ARCNAME)
        else:
            info = tarfile.TarInfo(MEDIA_ARCNAME)
            info.type = tarfile.DIRTYPE
            info.mode = 0o755
            tar.addfile(info)


def restore_media(archive: Path) -> None:
    """Replace ``MEDIA_ROOT`` with the archive's ``media`` folder: unpacked beside it first,
    then swapped in, so a damaged archive leaves the current files as they are."""
    media_root = Path(settings.MEDIA_ROOT)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    unpacked = Path(tempfile.mkdtemp(prefix=f".{media_root.name}-restore-", dir=media_root.parent))
    try:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(unpacked, filter="data")
        new_root = unpacked / MEDIA_ARCNAME
        if not new_root.is_dir():
            raise BackupError(f"{archive} has no {MEDIA_ARCNAME}/ folder.")
        old = None
        if media_root.exists():
            old = media_root.with_name(f".{media_root.name}-replaced-{unpacked.name}")
            media_root.rename(old)
        new_root.rename(media_root)
        if old is not None:
            shutil.rmtree(old)
    finally:
        shutil.rmtree(unpacked, ignore_errors=True)


def backup_sqlite(directory: Path | None = None) -> Path:
    """Write a backup of the SQLite database and the media into ``directory`` (new or empty);
    return the directory."""
    _require_sqlite()
    directory = Path(directory) if directory else default_directory()
    if directory.exists() and any(directory.iterdir()):
        raise BackupError(f"{directory} is not empty: choose a new directory.")
    directory.mkdir(parents=True, exist_ok=True)
    connection.ensure_connection()
    copy = sqlite3.connect(directory / DATABASE_FILE)
    try:
        connection.connection.backup(copy)
    finally:
        copy.close()
    archive_media(directory / MEDIA_FILE)
    write_manifest(directory, [DATABASE_FILE, MEDIA_FILE])
    return directory


def restore_sqlite(directory: Path) -> None:
    """Replace the SQLite database and ``MEDIA_ROOT`` with the backup in ``directory``."""
    _require_sqlite()
    directory = Path(directory)
    check_manifest(directory, (DATABASE_FILE, MEDIA_FILE))
    if connection.in_atomic_block:
        raise BackupError("A restore cannot run inside a transaction.")
    source = sqlite3.connect(f"file:{directory / DATABASE_FILE}?mode=ro", uri=True)
    try:
        result = source.execute("PRAGMA integrity_check").fetchone()
        if result != ("ok",):
            raise BackupError(f"{directory / DATABASE_FILE} fails SQLite's integrity check.")
        connection.ensure_connection()
        source.backup(connection.connection)
    finally:
        source.close()
    restore_media(directory / MEDIA_FILE)
