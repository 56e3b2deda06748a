"""Is this upload a real, harmless .xlsx? Checked before any spreadsheet reader opens it.

Readers trust what a zip archive says about itself; these checks do not. They run on the bytes:
size limit, zip structure, the parts every workbook has, no macros, no XML document types
(entity payloads), and a zip-bomb guard that inflates every entry itself and counts what
really comes out. The same pass notes whether the first sheet holds formulas or error cells,
which calamine cannot report (see ``reader.cell_problems``).
"""

from __future__ import annotations

import posixpath
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from io import BytesIO

from defusedxml import DefusedXmlException, ElementTree
from django.conf import settings
from django.utils.translation import gettext as _

# Limits of the zip-bomb guard. A 100,000-row workbook is about 10 MB zipped and 60 MB inside,
# its parts compressed 5 to 30 times; a zip bomb is compressed about 1,000 times.
MAX_ENTRIES = 1_000  # parts in the archive (a plain workbook has about a dozen)
MAX_UNCOMPRESSED_BYTES = 400 * 1024 * 1024  # all parts together, once inflated
MAX_COMPRESSION_RATIO = 200  # per part, for parts larger than RATIO_FLOOR_BYTES
RATIO_FLOOR_BYTES = 1024 * 1024  # small parts may compress oddly well without harm
MAX_SMALL_PART_BYTES = 10 * 1024 * 1024  # workbook.xml, its relations, content types

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and any password-protected workbook
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
_CHUNK = 1024 * 1024
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")  # the fixed 30 bytes before a part's data

_DOCTYPE = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
# A formula (<f>, maybe with a namespace prefix) or a cell typed as an error (t="e").
_FORMULA_OR_ERROR = re.compile(rb"<(?:\w+:)?f[\s>/]|\st\s*=\s*[\"']e[\"']")


class WorkbookRefused(Exception):
    """The file is refused as a whole; the message says why, in the user's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class WorkbookFacts:
    """What the checks learnt about an accepted workbook."""

    sheet_part: str  # the first sheet's part, e.g. "xl/worksheets/sheet1.xml"
    has_formulas_or_errors: bool  # the first sheet needs the detailed cell scan


def check_workbook(data: bytes) -> WorkbookFacts:
    """Refuse anything but a plain, reasonably sized .xlsx; raise ``WorkbookRefused``."""
    limit_mb = settings.UPLOAD_MAX_MB
    if len(data) > limit_mb * 1024 * 1024:
        raise WorkbookRefused(
            _("The file is %(size)s MB; files of at most %(limit)s MB can be imported.")
            % {"size": f"{len(data) / 1024 / 1024:.1f}", "limit": limit_mb}
        )
    if not data:
        raise WorkbookRefused(_("The file is empty."))
    if data.startswith(OLE_SIGNATURE):
        if ENCRYPTED_PACKAGE in data:
            raise WorkbookRefused(
                _(
                    "The workbook is protected by a password. Remove the password in Excel "
                    "(File › Info › Protect Workbook) and save it again."
                )
            )
        raise WorkbookRefused(
            _("This is an old Excel 97–2003 (.xls) file. Save it as an Excel workbook (.xlsx).")
        )
    if not data.startswith(ZIP_SIGNATURES):
        raise WorkbookRefused(
            _(
                "The file is not an Excel workbook (.xlsx): it may be a CSV or another kind of "
                "file renamed to .xlsx. Save it from Excel as “Excel Workbook (*.xlsx)”."
            )
        )
    try:
        archive = zipfile.ZipFile(BytesIO(data))
        with archive:
            entries = _check_directory(archive)
            sheet_part = _first_sheet_part(archive)
            has_formulas = _inflate_all(archive, data, entries, sheet_part)
    except WorkbookRefused:
        raise
    except (
        zipfile.BadZipFile, zlib.error, struct.error, EOFError, KeyError, ValueError,
        NotImplementedError,  # a compression method or zip version zipfile does not know
        RuntimeError,  # an entry marked encrypted
    ):  # fmt: skip
        raise WorkbookRefused(damaged_message()) from None
    except (ElementTree.ParseError, DefusedXmlException):
        raise WorkbookRefused(damaged_message()) from None
    return WorkbookFacts(sheet_part=sheet_part, has_formulas_or_errors=has_formulas)


def damaged_message() -> str:
    return _("The file is damaged: it cannot be opened as an Excel workbook (.xlsx).")


def bomb_message() -> str:
    return _(
        "The file is refused: once unpacked it would be far larger than a workbook of its size "
        "can be (a “zip bomb”)."
    )


def _check_directory(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    entries = archive.infolist()
    if len(entries) > MAX_ENTRIES:
        raise WorkbookRefused(bomb_message())
    names = {info.filename for info in entries}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise WorkbookRefused(
            _(
                "The file is not an Excel workbook (.xlsx): it lacks the parts every workbook "
                "has. Save it from Excel as “Excel Workbook (*.xlsx)”."
            )
        )
    if any(posixpath.basename(name).lower() == "vbaproject.bin" for name in names):
        raise WorkbookRefused(
            _(
                "The workbook contains macros. Macro-enabled workbooks are not imported: save "
                "it as “Excel Workbook (*.xlsx)” without macros."
            )
        )
    total = 0
    for info in entries:
        if info.flag_bits & 0x1:
            raise WorkbookRefused(damaged_message())  # an encrypted zip entry is no workbook
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise WorkbookRefused(damaged_message())
        total += info.file_size
        if total > MAX_UNCOMPRESSED_BYTES or _too_compressed(info.file_size, info.compress_size):
            raise WorkbookRefused(bomb_message())
    return entries


def _too_compressed(size: int, compressed: int) -> bool:
    return size > RATIO_FLOOR_BYTES and size > MAX_COMPRESSION_RATIO * max(compressed, 1)


def _read_small(archive: zipfile.ZipFile, name: str) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > MAX_SMALL_PART_BYTES:
        raise WorkbookRefused(bomb_message())
    content = archive.read(info)
    if _DOCTYPE.search(content):
        raise WorkbookRefused(damaged_message())
    return content


def _first_sheet_part(archive: zipfile.ZipFile) -> str:
    """The part of the workbook's first sheet, from workbook.xml and its relationships."""
    workbook = ElementTree.fromstring(_read_small(archive, "xl/workbook.xml"))
    relation_id = None
    for element in workbook.iter():
        if _local(element.tag) == "sheet":
            relation_id = next(
                (value for key, value in element.attrib.items() if _local(key) == "id"), None
            )
            break
    if relation_id is None:
        raise WorkbookRefused(_("The workbook has no sheet."))
    relations = ElementTree.fromstring(_read_small(archive, "xl/_rels/workbook.xml.rels"))
    for element in relations.iter():
        if _local(element.tag) == "Relationship" and element.get("Id") == relation_id:
            target = element.get("Target", "")
            part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            part = posixpath.normpath(part)
            archive.getinfo(part)  # KeyError → damaged
            return part
    raise WorkbookRefused(damaged_message())


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _inflate_all(
    archive: zipfile.ZipFile, data: bytes, entries: list[zipfile.ZipInfo], sheet_part: str
) -> bool:
    """Inflate every part, counting real bytes; return whether the sheet has <f> or t="e".

    The central directory's sizes are the sender's claim: a part that inflates to more than it
    declares, or a data stream that does not end where it should, is refused.
    """
    found = False
    for info in entries:
        scan = info.filename.endswith((".xml", ".rels", ".vml"))
        tail = b""
        produced = 0
        for chunk in _inflate(data, info):
            produced += len(chunk)
            if produced > info.file_size:
                raise WorkbookRefused(bomb_message())
            if scan:
                window = tail + chunk
                if _DOCTYPE.search(window):
                    raise WorkbookRefused(damaged_message())
                if info.filename == sheet_part and not found:
                    found = bool(_FORMULA_OR_ERROR.search(window))
                tail = window[-32:]
        if produced != info.file_size:
            raise WorkbookRefused(damaged_message())
    return found


def _inflate(data: bytes, info: zipfile.ZipInfo):  # type: ignore[no-untyped-def]
    """Yield a part's inflated bytes in chunks, never more than one chunk beyond its size."""
    header = _LOCAL_HEADER.unpack_from(data, info.header_offset)
    if header[0] != b"PK\x03\x04":
        raise zipfile.BadZipFile("bad local header")
    name_length, extra_length = header[-2], header[-1]
    start = info.header_offset + _LOCAL_HEADER.size + name_length + extra_length
    raw = memoryview(data)[start : start + info.compress_size]
    if len(raw) != info.compress_size:
        raise zipfile.BadZipFile("truncated")
    if info.compress_type == zipfile.ZIP_STORED:
        for offset in range(0, len(raw), _CHUNK):
            yield bytes(raw[offset : offset + _CHUNK])
        return
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    for offset in range(0, len(raw), _CHUNK):
        pending = bytes(raw[offset : offset + _CHUNK])
        while pending:
            chunk = inflater.decompress(pending, _CHUNK)
            yield chunk
            pending = inflater.unconsumed_tail
    chunk = inflater.flush()
    if chunk:
        yield chunk
    if not inflater.eof:
        raise zipfile.BadZipFile("truncated stream")
