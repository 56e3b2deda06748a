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
import zipfile
from dataclasses import dataclass
from io import BytesIO

from django.conf import settings
from django.utils.translation import gettext as _

from assessment.lib import ooxml
from assessment.lib.ooxml import ArchiveRefused

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and any password-protected workbook
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")

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
            entries = _check_package(archive)
            sheet_part = _first_sheet_part(archive)
            has_formulas = _inflate_all(data, entries, sheet_part)
    except WorkbookRefused:
        raise
    except ArchiveRefused as refused:
        raise WorkbookRefused(_REFUSALS[refused.reason]()) from None
    except ooxml.READ_ERRORS:
        raise WorkbookRefused(damaged_message()) from None
    return WorkbookFacts(sheet_part=sheet_part, has_formulas_or_errors=has_formulas)


def damaged_message() -> str:
    return _("The file is damaged: it cannot be opened as an Excel workbook (.xlsx).")


def bomb_message() -> str:
    return _(
        "The file is refused: once unpacked it would be far larger than a workbook of its size "
        "can be (a “zip bomb”)."
    )


def macros_message() -> str:
    return _(
        "The workbook contains macros. Macro-enabled workbooks are not imported: save "
        "it as “Excel Workbook (*.xlsx)” without macros."
    )


_REFUSALS = {"bomb": bomb_message, "damaged": damaged_message, "macros": macros_message}


def _check_package(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    entries = ooxml.check_directory(archive)
    names = {info.filename for info in entries}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise WorkbookRefused(
            _(
                "The file is not an Excel workbook (.xlsx): it lacks the parts every workbook "
                "has. Save it from Excel as “Excel Workbook (*.xlsx)”."
            )
        )
    if ooxml.has_macros(archive, ooxml.content_types(archive)):
        raise ArchiveRefused("macros")
    return entries


def _first_sheet_part(archive: zipfile.ZipFile) -> str:
    """The part of the workbook's first sheet, from workbook.xml and its relationships."""
    workbook = ooxml.parse(ooxml.read_small(archive, "xl/workbook.xml"))
    relation_id = None
    for element in workbook.iter():
        if ooxml.local(element.tag) == "sheet":
            relation_id = next(
                (value for key, value in element.attrib.items() if ooxml.local(key) == "id"),
                None,
            )
            break
    if relation_id is None:
        raise WorkbookRefused(_("The workbook has no sheet."))
    relations = ooxml.parse(ooxml.read_small(archive, "xl/_rels/workbook.xml.rels"))
    for element in relations.iter():
        if ooxml.local(element.tag) == "Relationship" and element.get("Id") == relation_id:
            target = element.get("Target", "")
            part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            part = posixpath.normpath(part)
            archive.getinfo(part)  # KeyError → damaged
            return part
    raise WorkbookRefused(damaged_message())


def _inflate_all(data: bytes, entries: list[zipfile.ZipInfo], sheet_part: str) -> bool:
    """Inflate every part through the guard; return whether the sheet has <f> or t="e"."""
    found = False
    tails: dict[str, bytes] = {}

    def look(info: zipfile.ZipInfo, chunk: bytes) -> None:
        nonlocal found
        if not info.filename.endswith((".xml", ".rels", ".vml")):
            return
        window = tails.get(info.filename, b"") + chunk
        if _DOCTYPE.search(window):
            raise WorkbookRefused(damaged_message())
        if info.filename == sheet_part and not found:
            found = bool(_FORMULA_OR_ERROR.search(window))
        tails[info.filename] = window[-32:]

    ooxml.inflate_all(data, entries, look)
    return found
