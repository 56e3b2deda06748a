"""Backup and restore: a small district with evidence, an attachment and a publication goes
through a backup, a wiped database and media, and a restore, and is found whole again.

SQLite: ``backup_sqlite`` / ``restore_sqlite`` (``make backup`` / ``make restore``). PostgreSQL:
``pg_dump -Fc`` and ``pg_restore --clean --if-exists`` into a scratch database (created and
dropped here), as ``docs/backup.md`` tells, with the same media archive.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
import subprocess
import uuid
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection

from assessment.lib import backup
from assessment.models import (
    Evidence,
    EvidenceAttachment,
    EvidenceStatus,
    Indicator,
    Publication,
    Target,
)
from assessment.services.publication import publish
from tests.assessment.workflow import build_district, open_publicity
from tests.canonical import canonical_sha256
from tests.factories import UnitFactory
from units.models import Unit

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
COUNTED = (Unit, Indicator, Target, Evidence, EvidenceAttachment, Publication)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def district(media, town, unit_a, unit_b, office_user):
    """The results-workflow district, published, with one evidence record and its PDF."""
    year = build_district(town, unit_a, unit_b, office_user)
    evidence = Evidence.objects.create(
        unit=unit_a,
        indicator=Indicator.objects.get(year=year, code="E01"),
        date=datetime.date(2026, 6, 30),
        value=Decimal(10),
        description="6月统计快报",
        status=EvidenceStatus.PENDING,
    )
    attachment = EvidenceAttachment.objects.create(
        evidence=evidence,
        file=ContentFile(PDF, name="快报.pdf"),
        original_name="快报.pdf",
        content_type="application/pdf",
        size=len(PDF),
        sha256=hashlib.sha256(PDF).hexdigest(),
    )
    open_publicity(year, office_user)
    publish(year=year, by=office_user, confirm_early=True)
    return attachment


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite backup commands")
@pytest.mark.django_db(transaction=True)
def test_sqlite_backup_and_restore_round_trip(district, media, tmp_path):
    before = _counts()
    stored = Path(media) / district.file.name
    assert stored.read_bytes() == PDF

    call_command("backup_sqlite", output=tmp_path / "backup")

    names = sorted(path.name for path in (tmp_path / "backup").iterdir())
    assert names == ["SHA256SUMS", "db.sqlite3", "media.tar.gz"]
    # Wiped and altered since: an empty database with one stranger, and other media.
    call_command("flush", interactive=False, verbosity=0)
    UnitFactory(code="X99", name="不该留下")
    shutil.rmtree(media)
    Path(media).mkdir()
    (Path(media) / "stray.txt").write_text("不该留下", encoding="utf-8")

    call_command("restore_sqlite", str(tmp_path / "backup"), interactive=False)

    assert _counts() == before
    assert not Unit.objects.filter(code="X99").exists()
    attachment = EvidenceAttachment.objects.get(pk=district.pk)
    with attachment.file.open("rb") as file:
        assert file.read() == PDF
    assert not (Path(media) / "stray.txt").exists()
    publication = Publication.objects.get()
    assert publication.intact


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite backup commands")
@pytest.mark.django_db(transaction=True)
def test_a_damaged_backup_is_not_restored(district, tmp_path):
    call_command("backup_sqlite", output=tmp_path / "backup")
    with (tmp_path / "backup" / "media.tar.gz").open("ab") as file:
        file.write(b"damage")
    before = _counts()

    with pytest.raises(CommandError, match="SHA-256"):
        call_command("restore_sqlite", str(tmp_path / "backup"), interactive=False)
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup_sqlite", output=tmp_path / "backup")
    assert _counts() == before


# --- PostgreSQL -------------------------------------------------------------------------------


def _pg_env() -> dict[str, str]:
    """The libpq settings of the test database's connection, for pg_dump and pg_restore."""
    settings_dict = connection.settings_dict
    env = dict(os.environ)
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if settings_dict.get(key):
            env[name] = str(settings_dict[key])
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return env


def _run(*command: str) -> None:
    subprocess.run(command, check=True, env=_pg_env(), capture_output=True, timeout=300)


@pytest.mark.skipif(
    connection.vendor != "postgresql"
    or not (shutil.which("pg_dump") and shutil.which("pg_restore")),
    reason="PostgreSQL with pg_dump and pg_restore on PATH",
)
@pytest.mark.django_db(transaction=True)
def test_postgresql_dump_and_restore_into_a_scratch_database(district, media, tmp_path):
    before = _counts()
    dump = tmp_path / "district.dump"
    archive = tmp_path / "media.tar.gz"
    _run("pg_dump", "-Fc", "--no-owner", "-f", str(dump), connection.settings_dict["NAME"])
    backup.archive_media(archive)
    shutil.rmtree(media)

    scratch = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{scratch}"')
    try:
        _run("pg_restore", "--clean", "--if-exists", "--no-owner", "-d", scratch, str(dump))
        backup.restore_media(archive)

        # The test may only query its own database: the scratch one is read with psycopg.
        params = {**connection.get_connection_params(), "dbname": scratch}
        with psycopg.connect(**params) as scratch_db:
            counts = {
                model.__name__: scratch_db.execute(
                    f'SELECT count(*) FROM "{model._meta.db_table}"'
                ).fetchone()[0]
                for model in COUNTED
            }
            (file_name,) = scratch_db.execute(
                f'SELECT file FROM "{EvidenceAttachment._meta.db_table}" WHERE id = %s',
                [district.pk],
            ).fetchone()
            (document, sha256) = scratch_db.execute(
                f'SELECT document, sha256 FROM "{Publication._meta.db_table}"'
            ).fetchone()
        assert counts == before
        assert (Path(media) / file_name).read_bytes() == PDF
        if isinstance(document, str):  # Django's connection parameters load JSON as text
            document = json.loads(document)
        assert canonical_sha256(document) == sha256  # what Publication.intact checks
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
