"""Attachments of evidence records: what is accepted, how it is named and stored, who sees it.

The type of a file is decided by its bytes, never by its name or the browser's word for it:
PDF, PNG, JPEG, GIF, WebP, Office documents (docx, xlsx, pptx, and the old .doc and .xls).
SVG and HTML are refused like everything else (they can carry scripts that would run in a
colleague's browser), and so are macro-enabled and password-protected Office files (a
verifier must be able to open what they verify, and macros are how such files attack).

A stored file is named ``attachments/<yyyy>/<random>.<ext>`` (``models.attachment_path``):
the sender's name is kept only as text, cleaned, for display and download. Media are never
served directly; a download view asks ``attachment_get_for_user`` first.
"""

from __future__ import annotations

import hashlib
import logging
import re
import struct
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from io import BytesIO
from typing import Protocol

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from assessment.lib import ooxml
from assessment.lib.history import set_history_user
from assessment.models import (
    Evidence,
    EvidenceAttachment,
    Objection,
    ProgressUpdate,
    RectificationReport,
)
from units.access import AnyUser

logger = logging.getLogger(__name__)

MAX_NAME_LENGTH = 150
MAX_ATTACHMENTS = 10  # per record: a record documents one event, not an archive
FALLBACK_NAME = "attachment"


class Upload(Protocol):
    """What is read of an upload: Django's ``UploadedFile`` or any ``File``."""

    name: str | None

    def chunks(self, chunk_size: int | None = None) -> Iterable[bytes]: ...


@dataclass(frozen=True)
class FileKind:
    label: str
    content_type: str
    extension: str  # the canonical one, with its dot
    other_extensions: tuple[str, ...] = ()

    def matches(self, name: str) -> bool:
        lower = name.lower()
        return any(lower.endswith(ext) for ext in (self.extension, *self.other_extensions))


PDF = FileKind("PDF", "application/pdf", ".pdf")
PNG = FileKind("PNG", "image/png", ".png")
JPEG = FileKind("JPEG", "image/jpeg", ".jpg", (".jpeg", ".jpe"))
GIF = FileKind("GIF", "image/gif", ".gif")
WEBP = FileKind("WebP", "image/webp", ".webp")
DOCX = FileKind(
    "Word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"
)
XLSX = FileKind(
    "Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"
)
PPTX = FileKind(
    "PowerPoint",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".pptx",
)
DOC = FileKind("Word 97–2003", "application/msword", ".doc")
XLS = FileKind("Excel 97–2003", "application/vnd.ms-excel", ".xls")

# The content type of an Office document's main part, in its [Content_Types].xml.
_OOXML_MAIN = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": PPTX,
}

ZIP_LOCAL_HEADER = b"PK\x03\x04"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# A name that looks like markup, after a byte-order mark and white space: SVG, HTML, XML.
_MARKUP = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<(?:\?xml|!doctype|svg|html|script)", re.IGNORECASE)


def accepted_kinds_text() -> str:
    return "PDF, PNG, JPEG, GIF, WebP, Word (.docx, .doc), Excel (.xlsx, .xls), PowerPoint (.pptx)"


# --- names ------------------------------------------------------------------------------------

_CONTROL = {"Cc", "Cf", "Zl", "Zp"}  # control, format (e.g. right-to-left override), separators


def safe_original_name(name: str | None, kind: FileKind | None = None) -> str:
    """The sender's file name, fit for display and a download header.

    Only the last part of a path is kept (``../../etc/passwd.pdf`` → ``passwd.pdf``, whichever
    slash), control and format characters are dropped (a right-to-left override can make
    ``exe.pdf`` look like ``fdp.exe``), Chinese and other letters stay, leading dots and
    surrounding spaces go, and the result is at most 150 characters with its extension kept.
    Given the file's ``kind``, a name whose extension does not say what the file is gets the
    right one appended.
    """
    text = unicodedata.normalize("NFC", name or "")
    text = "".join(" " if ch in "\t\r\n" else ch for ch in text)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in _CONTROL)
    text = re.split(r"[\\/]", text)[-1]
    text = text.strip().lstrip(".").strip()
    if not text:
        text = FALLBACK_NAME
    if kind is not None and not kind.matches(text):
        text += kind.extension
    return _shorten(text)


def _shorten(name: str) -> str:
    if len(name) <= MAX_NAME_LENGTH:
        return name
    stem, dot, extension = name.rpartition(".")
    if dot and stem and len(extension) <= 10:
        return stem[: MAX_NAME_LENGTH - len(extension) - 1].rstrip() + "." + extension
    return name[:MAX_NAME_LENGTH]


# --- type, decided by the bytes ---------------------------------------------------------------


def _refused_kind(data: bytes) -> ValidationError:
    if _MARKUP.match(data[:1024]):
        message = _(
            "SVG images, web pages and other markup files are not accepted: they can carry "
            "scripts. Attach a PDF or a PNG/JPEG image instead."
        )
    else:
        message = _(
            "This kind of file is not accepted (its content was checked, not its name). "
            "Accepted: %(kinds)s."
        ) % {"kinds": accepted_kinds_text()}
    return ValidationError(message, code="file_type")


def _damaged(kind: str) -> ValidationError:
    return ValidationError(
        _("The file looks like %(kind)s but is damaged: it cannot be opened.") % {"kind": kind},
        code="file_damaged",
    )


def _macros() -> ValidationError:
    return ValidationError(
        _(
            "The Office document contains macros, which are not accepted: save it as a plain "
            "document (.docx, .xlsx, .pptx) without macros."
        ),
        code="file_macros",
    )


def _password() -> ValidationError:
    return ValidationError(
        _(
            "The document is protected by a password, so nobody could check it: remove the "
            "password and attach it again."
        ),
        code="file_password",
    )


def sniff(data: bytes) -> FileKind:
    """The kind of file ``data`` is, from its bytes; ``ValidationError`` if not accepted."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if len(data) >= 12 and data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return WEBP
    if data.startswith(ZIP_LOCAL_HEADER):
        return _ooxml_kind(data)
    if data.startswith(OLE_SIGNATURE):
        return _ole_kind(data)
    raise _refused_kind(data)


def _ooxml_kind(data: bytes) -> FileKind:
    """An Office Open XML document: a zip whose [Content_Types].xml names its main part.

    It passes the import's guard (``assessment.lib.ooxml``): plausible sizes and ratios, every
    part inflated and counted, no macros by any name."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            entries = ooxml.check_directory(archive)
            names = {info.filename for info in entries}
            if "[Content_Types].xml" not in names:
                raise _refused_kind(data)  # a zip archive, not a document
            types = ooxml.content_types(archive)
            if ooxml.has_macros(archive, types):
                raise _macros()
            ooxml.inflate_all(data, entries)
    except ooxml.ArchiveRefused as refused:
        raise (_bomb() if refused.reason == "bomb" else _damaged("Office")) from None
    except ooxml.READ_ERRORS:
        raise _damaged("Office") from None
    for part, content_type in types.items():
        kind = _OOXML_MAIN.get(content_type)
        if kind is not None and not part.startswith("*."):
            if part not in names:
                raise _damaged(kind.label)
            return kind
    raise _refused_kind(data)


def _bomb() -> ValidationError:
    return ValidationError(
        _(
            "The file is refused: once unpacked it would be far larger than a document of its "
            "size can be (a “zip bomb”)."
        ),
        code="file_bomb",
    )


# Compound File Binary (the old Office format), just enough to read its directory's names.
_ENDOFCHAIN = 0xFFFFFFFE
_MAXREGSECT = 0xFFFFFFFA
_DIRECTORY_ENTRY = 128


def _ole_kind(data: bytes) -> FileKind:
    """An old Office document (.doc, .xls), told apart by the names of its streams."""
    try:
        names = ole_stream_names(data)
    except (ValueError, struct.error):
        raise _damaged("Office 97–2003") from None
    if "EncryptedPackage" in names:  # a password-protected docx/xlsx/pptx
        raise _password()
    if names & {"Macros", "_VBA_PROJECT_CUR", "VBA"}:
        raise _macros()
    if "WordDocument" in names:
        return DOC
    if names & {"Workbook", "Book"}:
        return XLS
    raise _refused_kind(data)  # an installer (.msi), an Outlook message, old PowerPoint …


def ole_stream_names(data: bytes) -> set[str]:
    """The names of every storage and stream of a compound file, from its directory chain."""
    if len(data) < 512:
        raise ValueError("too short for a compound file")
    shift = int.from_bytes(data[30:32], "little")
    if shift not in (9, 12):
        raise ValueError("bad sector size")
    size = 1 << shift
    per_sector = size // 4
    fat_count, first_directory = struct.unpack_from("<2I", data, 44)
    first_difat, difat_count = struct.unpack_from("<2I", data, 68)
    fat_sectors = list(struct.unpack_from("<109I", data, 76))
    limit = len(data) // size + 1  # no chain is longer than the file has sectors
    sector, steps = first_difat, 0
    while sector <= _MAXREGSECT and steps < min(difat_count, limit):
        ids = struct.unpack(f"<{per_sector}I", _sector(data, sector, size))
        fat_sectors += ids[:-1]
        sector, steps = ids[-1], steps + 1
    fat: list[int] = []
    for sector in [s for s in fat_sectors if s <= _MAXREGSECT][:fat_count]:
        fat += struct.unpack(f"<{per_sector}I", _sector(data, sector, size))
    names: set[str] = set()
    sector, steps = first_directory, 0
    while sector != _ENDOFCHAIN:
        if sector >= len(fat) or steps > limit:
            raise ValueError("broken directory chain")
        block = _sector(data, sector, size)
        for offset in range(0, size, _DIRECTORY_ENTRY):
            length = int.from_bytes(block[offset + 64 : offset + 66], "little")
            if block[offset + 66] in (1, 2, 5) and 2 <= length <= 64:
                names.add(block[offset : offset + length - 2].decode("utf-16-le", "replace"))
        sector, steps = fat[sector], steps + 1
    return names


def _sector(data: bytes, number: int, size: int) -> bytes:
    start = (number + 1) * size  # the header takes the place of sector -1
    if start >= len(data):
        raise ValueError("sector beyond the end of the file")
    return data[start : start + size].ljust(size, b"\0")


# --- reading an upload ------------------------------------------------------------------------


@dataclass(frozen=True)
class PreparedAttachment:
    """An upload that passed every check, ready to be stored with its record."""

    data: bytes
    kind: FileKind
    original_name: str
    sha256: str

    @property
    def size(self) -> int:
        return len(self.data)


def max_bytes() -> int:
    return settings.UPLOAD_MAX_MB * 1024 * 1024


def read_upload(upload: Upload) -> bytes:
    """The upload's bytes, stopping as soon as they pass the limit (its size is not trusted)."""
    limit = max_bytes()
    parts: list[bytes] = []
    total = 0
    for chunk in upload.chunks():
        total += len(chunk)
        if total > limit:
            raise ValidationError(
                _("“%(name)s” is larger than %(limit)s MB, the largest file accepted.")
                % {"name": safe_original_name(upload.name), "limit": settings.UPLOAD_MAX_MB},
                code="file_size",
            )
        parts.append(chunk)
    if total == 0:
        raise ValidationError(
            _("“%(name)s” is empty.") % {"name": safe_original_name(upload.name)},
            code="file_empty",
        )
    return b"".join(parts)


def prepare(upload: Upload) -> PreparedAttachment:
    """Check one upload (size, type by its bytes) and clean its name; nothing is stored yet."""
    data = read_upload(upload)
    try:
        kind = sniff(data)
    except ValidationError as error:
        name = safe_original_name(upload.name)
        raise ValidationError(
            [
                ValidationError(
                    _("“%(name)s”: %(problem)s") % {"name": name, "problem": message},
                    code=error.code,
                )
                for message in error.messages
            ]
        ) from None
    return PreparedAttachment(
        data=data,
        kind=kind,
        original_name=safe_original_name(upload.name, kind),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def prepare_all(uploads: Iterable[Upload]) -> list[PreparedAttachment]:
    """Check every upload of a record; all the problems at once, under ``attachments``."""
    uploads = list(uploads)
    if len(uploads) > MAX_ATTACHMENTS:
        raise ValidationError(
            {
                "attachments": _("At most %(count)s files can be attached to a record.")
                % {"count": MAX_ATTACHMENTS}
            }
        )
    prepared: list[PreparedAttachment] = []
    errors: list[ValidationError] = []
    for upload in uploads:
        try:
            prepared.append(prepare(upload))
        except ValidationError as error:
            errors.extend(error.error_list)
    if errors:
        raise ValidationError({"attachments": errors})
    return prepared


def store(
    *,
    prepared: PreparedAttachment,
    by: AnyUser | None,
    evidence: Evidence | None = None,
    progress: ProgressUpdate | None = None,
    objection: Objection | None = None,
    report: RectificationReport | None = None,
) -> EvidenceAttachment:
    """Write the file to private storage and its row; the caller holds the transaction.

    The attachment documents an evidence record, a key project's progress update, an
    objection or a rectification report. If the row cannot be written, the file is removed again.
    """
    attachment = EvidenceAttachment(
        evidence=evidence,
        progress=progress,
        objection=objection,
        report=report,
        original_name=prepared.original_name,
        content_type=prepared.kind.content_type,
        size=prepared.size,
        sha256=prepared.sha256,
        uploaded_by=by if by is not None and by.is_authenticated else None,
    )
    # The name given here only carries the extension; attachment_path draws the rest.
    try:
        attachment.file.save(
            f"upload{prepared.kind.extension}", ContentFile(prepared.data), save=False
        )
    except OSError:
        # A full or read-only disk: the administrator reads why in the log; the user keeps
        # what they typed and is told what happened (nothing of the record is stored).
        logger.exception("attachment %s could not be stored", prepared.original_name)
        raise ValidationError(
            {
                "attachments": _(
                    "“%(name)s” could not be stored (the server's storage refused it). Nothing "
                    "was saved: send the form again later, or tell the system administrator."
                )
                % {"name": prepared.original_name}
            },
            code="storage_failed",
        ) from None
    try:
        attachment.full_clean()
        if attachment.uploaded_by is not None:
            set_history_user(attachment, attachment.uploaded_by)
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment


# --- access -----------------------------------------------------------------------------------


def attachment_get_for_user(user: AnyUser, pk: int) -> EvidenceAttachment:
    """The attachment, if ``user`` may see its record; 404 if there is none, 403 if not theirs.

    Who sees an evidence record: its unit's users, the office, district leaders, supervision
    and the lead department of its indicator (``assessment.view_evidence``); a progress update:
    whoever sees its key project (``assessment.view_keyproject``); an objection: whoever sees
    the objection (``assessment.view_objection``); a rectification report: whoever sees its
    warning notice (``assessment.view_warningnotice``), in ``assessment.access``.
    """
    attachment = get_object_or_404(
        EvidenceAttachment.objects.select_related(
            "evidence__indicator",
            "evidence__unit",
            "progress__task__milestone__project",
            "objection",
            "report__notice",
        ),
        pk=pk,
    )
    if attachment.evidence is not None:
        allowed = user.has_perm("assessment.view_evidence", attachment.evidence)
    elif attachment.objection is not None:
        allowed = user.has_perm("assessment.view_objection", attachment.objection)
    elif attachment.report is not None:
        allowed = user.has_perm("assessment.view_warningnotice", attachment.report.notice)
    else:
        progress = attachment.progress
        assert progress is not None  # an attachment documents one of the three
        project = progress.task.milestone.project
        allowed = user.has_perm("assessment.view_keyproject", project)
    if not allowed:
        raise PermissionDenied
    return attachment
