"""The one guard every Office Open XML file passes before it is read or kept: workbooks to
import and attachments alike.

An Office file is a zip archive. Its central directory is the sender's claim, so each part is
inflated in chunks and counted (never more than one chunk past what it declared); the archive
is refused when it would unpack far beyond a document of its size (a "zip bomb"). Macros are
recognised by what the package says of its parts — content types and relationships — not by a
part's name, which anyone can change.

Problems are raised as ``ArchiveRefused`` with a reason; each caller words it for its page.
"""

from __future__ import annotations

import posixpath
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from defusedxml import DefusedXmlException, ElementTree

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element  # what defusedxml's parsers return

# A 100,000-row workbook is about 10 MB zipped and 60 MB inside, its parts compressed 5 to 30
# times; a zip bomb is compressed about 1,000 times.
MAX_ENTRIES = 1_000  # parts in the archive (a plain workbook has about a dozen)
MAX_UNCOMPRESSED_BYTES = 400 * 1024 * 1024  # all parts together, once inflated
MAX_COMPRESSION_RATIO = 200  # per part, for parts larger than RATIO_FLOOR_BYTES
RATIO_FLOOR_BYTES = 1024 * 1024  # small parts may compress oddly well without harm
MAX_SMALL_PART_BYTES = 10 * 1024 * 1024  # content types, relationships, workbook.xml

CHUNK = 1024 * 1024
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")  # the fixed 30 bytes before a part's data

# What makes a package macro-enabled, whatever its parts are called.
VBA_CONTENT_TYPES = frozenset(
    {
        "application/vnd.ms-office.vbaProject",
        "application/vnd.ms-office.vbaProjectSignature",
        "application/vnd.ms-office.activeX",
        "application/vnd.ms-word.vbaData+xml",
        "application/vnd.ms-word.document.macroEnabled.main+xml",
        "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
        "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        "application/vnd.ms-excel.template.macroEnabled.main+xml",
        "application/vnd.ms-excel.addin.macroEnabled.main+xml",
        "application/vnd.ms-excel.sheet.binary.macroEnabled.main",
        "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml",
        "application/vnd.ms-powerpoint.slideshow.macroEnabled.main+xml",
        "application/vnd.ms-powerpoint.template.macroEnabled.main+xml",
    }
)
VBA_RELATIONSHIP_SUFFIXES = ("/vbaProject", "/vbaProjectSignature", "/wordVbaData", "/activeX")


class ArchiveRefused(Exception):
    """``reason`` is "bomb" (unpacks far too large), "damaged" or "macros"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def local(tag: str) -> str:
    """An XML tag or attribute without its namespace."""
    return tag.rsplit("}", 1)[-1]


def check_directory(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The archive's parts, if their number, declared sizes and ratios are plausible."""
    entries = archive.infolist()
    if len(entries) > MAX_ENTRIES:
        raise ArchiveRefused("bomb")
    total = 0
    for info in entries:
        if info.flag_bits & 0x1:
            raise ArchiveRefused("damaged")  # an encrypted zip entry is no Office document
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ArchiveRefused("damaged")
        total += info.file_size
        if total > MAX_UNCOMPRESSED_BYTES or _too_compressed(info.file_size, info.compress_size):
            raise ArchiveRefused("bomb")
    return entries


def _too_compressed(size: int, compressed: int) -> bool:
    return size > RATIO_FLOOR_BYTES and size > MAX_COMPRESSION_RATIO * max(compressed, 1)


def read_small(archive: zipfile.ZipFile, name: str) -> bytes:
    """A small XML part (content types, relationships): size-limited, without DTDs."""
    info = archive.getinfo(name)
    if info.file_size > MAX_SMALL_PART_BYTES:
        raise ArchiveRefused("bomb")
    content = archive.read(info)
    if b"<!DOCTYPE" in content.upper() or b"<!ENTITY" in content.upper():
        raise ArchiveRefused("damaged")
    return content


def parse(content: bytes) -> Element:
    try:
        return ElementTree.fromstring(content)  # refuses DTDs and entities
    except (ElementTree.ParseError, DefusedXmlException):
        raise ArchiveRefused("damaged") from None


def content_types(archive: zipfile.ZipFile) -> dict[str, str]:
    """Part name (without the leading slash) or "*.ext" → content type, from the package."""
    found: dict[str, str] = {}
    for element in parse(read_small(archive, "[Content_Types].xml")):
        kind = local(element.tag)
        if kind == "Override":
            found[element.get("PartName", "").lstrip("/")] = element.get("ContentType", "")
        elif kind == "Default":
            found["*." + element.get("Extension", "").lower()] = element.get("ContentType", "")
    return found


def has_macros(archive: zipfile.ZipFile, types: dict[str, str]) -> bool:
    """Whether the package carries a VBA project or ActiveX controls, by any name."""
    if any(kind in VBA_CONTENT_TYPES for kind in types.values()):
        return True
    for info in archive.infolist():
        name = info.filename
        if posixpath.basename(name).lower() == "vbaproject.bin":
            return True
        if not name.endswith(".rels"):
            continue
        for element in parse(read_small(archive, name)):
            if local(element.tag) == "Relationship" and element.get("Type", "").endswith(
                VBA_RELATIONSHIP_SUFFIXES
            ):
                return True
    return False


def inflate_all(
    data: bytes,
    entries: list[zipfile.ZipInfo],
    look: Callable[[zipfile.ZipInfo, bytes], None] | None = None,
) -> None:
    """Inflate every part, counting real bytes; ``look`` sees each chunk as it comes.

    A part that inflates to more than it declares is a bomb; one whose data stream does not end
    where it should is damaged.
    """
    for info in entries:
        produced = 0
        for chunk in inflate(data, info):
            produced += len(chunk)
            if produced > info.file_size:
                raise ArchiveRefused("bomb")
            if look is not None:
                look(info, chunk)
        if produced != info.file_size:
            raise ArchiveRefused("damaged")


def inflate(data: bytes, info: zipfile.ZipInfo) -> Iterator[bytes]:
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
        for offset in range(0, len(raw), CHUNK):
            yield bytes(raw[offset : offset + CHUNK])
        return
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    for offset in range(0, len(raw), CHUNK):
        pending = bytes(raw[offset : offset + CHUNK])
        while pending:
            chunk = inflater.decompress(pending, CHUNK)
            yield chunk
            pending = inflater.unconsumed_tail
    chunk = inflater.flush()
    if chunk:
        yield chunk
    if not inflater.eof:
        raise zipfile.BadZipFile("truncated stream")


# What a damaged archive raises from zipfile, zlib and struct while it is read.
READ_ERRORS = (
    zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, struct.error, EOFError, KeyError,
    ValueError, OSError,
    NotImplementedError,  # a compression method or zip version zipfile does not know
    RuntimeError,  # an entry marked encrypted
)  # fmt: skip
