"""Attachments: the type decided by the bytes, safe names, private storage, who may see one."""

import hashlib
import io
import os
import re
import struct
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import timezone
from PIL import Image

from assessment.lib import attachments
from assessment.lib.attachments import (
    DOC,
    DOCX,
    GIF,
    JPEG,
    PDF,
    PNG,
    PPTX,
    WEBP,
    XLS,
    XLSX,
    attachment_get_for_user,
    safe_original_name,
    sniff,
)
from assessment.models import Evidence, EvidenceAttachment
from assessment.services.evidence import evidence_correct
from tests.assessment.factories import IndicatorFactory, evidence_with
from tests.factories import UserFactory
from units.roles import Role

pytestmark = pytest.mark.usefixtures("media_root", "in_english")

D = Decimal
PDF_BYTES = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< >>\n%%EOF\n"
SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg">'
    b"<script>fetch('/admin/')</script></svg>"
)


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")  # the browser's word


# --- files of each kind -----------------------------------------------------------------------


def image(kind: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), "red").save(buffer, kind)
    return buffer.getvalue()


MAIN = {
    "docx": ("word/document.xml", DOCX, "wordprocessingml.document"),
    "pptx": ("ppt/presentation.xml", PPTX, "presentationml.presentation"),
}


def ooxml(
    part: str,
    content_type: str,
    extra: dict[str, bytes] | None = None,
    defaults: dict[str, str] | None = None,
) -> bytes:
    more = "".join(
        f'<Default Extension="{ext}" ContentType="{kind}"/>'
        for ext, kind in (defaults or {}).items()
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Default Extension="xml" ContentType="application/xml"/>{more}'
            f'<Override PartName="/{part}" ContentType="{content_type}"/></Types>',
        )
        archive.writestr(part, "<document/>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def office(kind: str) -> bytes:
    part, _kind, name = MAIN[kind]
    return ooxml(part, f"application/vnd.openxmlformats-officedocument.{name}.main+xml")


def xlsx() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(["单位", "完成值"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


ENDOFCHAIN, FATSECT, FREESECT = 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def ole(*names: str, shift: int = 9) -> bytes:
    """A compound file (the old Office format) whose directory holds ``names``.

    The directory takes as many sectors as its entries need, chained in the FAT, so the
    parser has to follow the chain.
    """
    size = 1 << shift
    entries = [("Root Entry", 5)] + [(name, 2) for name in names]
    per_sector = size // 128
    directory_sectors = -(-len(entries) // per_sector)
    header = bytearray(size)
    header[:8] = attachments.OLE_SIGNATURE
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3 if shift == 9 else 4, 0xFFFE, shift, 6)
    struct.pack_into("<3I", header, 44, 1, 1, 0)  # one FAT sector; directory from sector 1
    struct.pack_into("<5I", header, 56, 4096, ENDOFCHAIN, 0, ENDOFCHAIN, 0)
    struct.pack_into("<109I", header, 76, 0, *[FREESECT] * 108)
    chain = [n + 2 for n in range(directory_sectors - 1)] + [ENDOFCHAIN]
    fat = [FATSECT, *chain]
    fat += [FREESECT] * (size // 4 - len(fat))
    directory = bytearray(directory_sectors * size)
    for index, (name, kind) in enumerate(entries):
        encoded = name.encode("utf-16-le") + b"\0\0"
        offset = index * 128
        directory[offset : offset + len(encoded)] = encoded
        struct.pack_into("<HB", directory, offset + 64, len(encoded), kind)
    return bytes(header) + struct.pack(f"<{size // 4}I", *fat) + bytes(directory)


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (PDF_BYTES, PDF),
        (image("PNG"), PNG),
        (image("JPEG"), JPEG),
        (image("GIF"), GIF),
        (image("WEBP"), WEBP),
        (office("docx"), DOCX),
        (xlsx(), XLSX),
        (office("pptx"), PPTX),
        (ole("WordDocument", "1Table", "\x05SummaryInformation"), DOC),
        (ole("Workbook", "\x05SummaryInformation"), XLS),
        (ole("Book"), XLS),
        (ole("CompObj", "Data", "1Table", "ObjectPool", "WordDocument", "x", "y"), DOC),
        (ole("WordDocument", shift=12), DOC),
    ],
    ids=lambda value: value.label if hasattr(value, "label") else "",
)
def test_accepted_kinds_are_recognised_by_their_bytes(data, kind):
    assert sniff(data) == kind


def refusal(data: bytes) -> ValidationError:
    with pytest.raises(ValidationError) as refused:
        sniff(data)
    return refused.value


def test_a_program_renamed_to_pdf_is_refused():
    program = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 56 + b"PE\x00\x00" + b"\x00" * 200
    error = refusal(program)
    assert error.code == "file_type"
    with pytest.raises(ValidationError) as refused:
        attachments.prepare(upload("年度总结.pdf", program))
    assert "年度总结.pdf" in refused.value.messages[0]
    assert "its content was checked, not its name" in refused.value.messages[0]


@pytest.mark.parametrize(
    "data",
    [
        SVG_WITH_SCRIPT,
        b"\xef\xbb\xbf  <svg onload=alert(1)>",
        b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        b"<html><body>hi</body></html>",
    ],
)
def test_svg_and_html_are_refused_they_can_carry_scripts(data):
    error = refusal(data)
    assert error.code == "file_type"
    assert "can carry scripts" in error.messages[0]


def test_an_svg_named_png_is_refused():
    with pytest.raises(ValidationError, match="can carry scripts"):
        attachments.prepare(upload("photo.png", SVG_WITH_SCRIPT))


@pytest.mark.parametrize(
    "data",
    [
        ooxml("xl/workbook.xml", "application/vnd.ms-excel.sheet.macroEnabled.main+xml"),
        ooxml(
            "word/document.xml",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
            {"word/vbaProject.bin": b"\x00" * 64},
        ),
        ole("WordDocument", "Macros", "VBA"),
        ole("Workbook", "_VBA_PROJECT_CUR"),
        # The macro part renamed: the package still says what it is, by its relationship...
        ooxml(
            "xl/workbook.xml",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            {
                "xl/macros.bin": b"\x00" * 64,
                "xl/_rels/workbook.xml.rels": (
                    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                    b'relationships"><Relationship Id="rId9" Type="http://schemas.microsoft.com'
                    b'/office/2006/relationships/vbaProject" Target="macros.bin"/>'
                    b"</Relationships>"
                ),
            },
        ),
        # ... or by the content type of its extension.
        ooxml(
            "xl/workbook.xml",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            {"xl/macros.bin": b"\x00" * 64},
            defaults={"bin": "application/vnd.ms-office.vbaProject"},
        ),
    ],
    ids=[
        "xlsm",
        "docx-with-vba",
        "doc-with-macros",
        "xls-with-macros",
        "renamed-by-relationship",
        "renamed-by-content-type",
    ],
)
def test_macro_enabled_office_files_are_refused(data):
    assert refusal(data).code == "file_macros"


def test_an_office_file_that_unpacks_a_thousandfold_is_refused_as_the_import_refuses_it():
    """20 MB of one repeated byte squeezed into about 20 KB: a zip bomb in an .xlsx."""
    buffer = io.BytesIO(xlsx())
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/image1.png", b"\x00" * (20 * 1024 * 1024))
    bomb = buffer.getvalue()
    assert len(bomb) < 100 * 1024  # small enough to pass any upload limit
    refused = refusal(bomb)
    assert refused.code == "file_bomb"
    assert "zip bomb" in refused.messages[0]


def test_an_office_part_larger_than_it_declares_is_refused():
    """The directory says 1 KB, the part inflates to 2 MB: the sender's claim is not trusted."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in zipfile.ZipFile(io.BytesIO(office("docx"))).infolist():
            archive.writestr(info, zipfile.ZipFile(io.BytesIO(office("docx"))).read(info))
        archive.writestr("word/media/big.bin", os.urandom(16) * (128 * 1024))
    data = bytearray(buffer.getvalue())
    # Rewrite the big part's uncompressed size in the central directory to 1 KB.
    central = data.rfind(b"PK\x01\x02")
    struct.pack_into("<L", data, central + 24, 1024)
    assert refusal(bytes(data)).code in {"file_bomb", "file_damaged"}


def test_a_password_protected_office_file_is_refused():
    encrypted = ole("EncryptionInfo", "EncryptedPackage", "\x06DataSpaces")
    assert refusal(encrypted).code == "file_password"


@pytest.mark.parametrize(
    "data",
    [
        ooxml("misc/readme.txt", "text/plain"),  # a zip with content types, but no document
        ole("PowerPoint Document"),  # an old .ppt: not among the accepted kinds
        ole("\x05SummaryInformation", "MsiFile"),
        b"PK\x05\x06" + b"\x00" * 18,  # an empty zip archive
        b"plain text, a CSV perhaps;1;2;3",
    ],
    ids=["zip", "ppt", "msi", "empty-zip", "text"],
)
def test_other_kinds_are_refused(data):
    assert refusal(data).code == "file_type"


def test_a_plain_zip_archive_is_not_a_document():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.exe", b"MZ")
    assert refusal(buffer.getvalue()).code == "file_type"


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04" + b"\x00" * 100,
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
        ole("WordDocument")[:600],
    ],
    ids=["zip", "ole-short", "ole-truncated"],
)
def test_damaged_documents_are_refused(data):
    assert refusal(data).code == "file_damaged"


def test_an_xml_entity_payload_in_the_content_types_is_refused():
    payload = (
        '<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaaaaaaaa">]>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">&a;</Types>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", payload)
        archive.writestr("word/document.xml", "<d/>")
    assert refusal(buffer.getvalue()).code == "file_damaged"


# --- size -------------------------------------------------------------------------------------


def test_a_file_over_the_limit_is_refused_without_trusting_its_declared_size(settings):
    settings.UPLOAD_MAX_MB = 1
    limit = 1024 * 1024
    exact = upload("a.pdf", PDF_BYTES + b" " * (limit - len(PDF_BYTES)))
    assert attachments.prepare(exact).size == limit

    too_big = upload("大文件.pdf", PDF_BYTES + b" " * (limit - len(PDF_BYTES) + 1))
    too_big.size = 10  # what a client claims is not what is read
    with pytest.raises(ValidationError) as refused:
        attachments.prepare(too_big)
    assert refused.value.error_list[0].code == "file_size"
    assert "大文件.pdf" in refused.value.messages[0] and "1 MB" in refused.value.messages[0]


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError) as refused:
        attachments.prepare(upload("空.pdf", b""))
    assert refused.value.error_list[0].code == "file_empty"


# --- names ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("/etc/passwd", "passwd.pdf"),
        ("..\\..\\windows\\system32\\报告.pdf", "报告.pdf"),
        (
            "C:\\Users\\张三\\桌面\\2026年一季度工作总结（定稿）.pdf",
            "2026年一季度工作总结（定稿）.pdf",
        ),
        ("年度 总结.PDF", "年度 总结.PDF"),
        ("..", "attachment.pdf"),
        ("", "attachment.pdf"),
        (".hidden.pdf", "hidden.pdf"),
        ("evil\u202efdp.exe", "evilfdp.exe.pdf"),  # a right-to-left override is dropped
        ("tab\tand\nnewline\x00.pdf", "tab and newline.pdf"),
        ("报告.png", "报告.png.pdf"),  # the name says what the file is
    ],
)
def test_file_names_are_made_safe_and_chinese_is_kept(name, expected):
    assert safe_original_name(name, PDF) == expected


def test_a_jpeg_keeps_any_of_its_usual_extensions():
    assert safe_original_name("现场照片.jpeg", JPEG) == "现场照片.jpeg"
    assert safe_original_name("现场照片.JPG", JPEG) == "现场照片.JPG"


def test_a_long_name_is_cut_to_150_characters_keeping_the_extension():
    name = safe_original_name("关于" + "乡村振兴" * 60 + ".pdf", PDF)
    assert len(name) == 150 and name.endswith(".pdf") and name.startswith("关于乡村振兴")


# --- stored with a record ---------------------------------------------------------------------


@pytest.fixture
def gdp(year, town, lead_unit):
    return IndicatorFactory(year=year, category=town, code="GDP", lead_unit=lead_unit)


def test_attachments_are_stored_privately_under_a_random_name(unit_a, gdp, reporter_a, media_root):
    png = image("PNG")
    record = evidence_with(
        unit_a, gdp, reporter_a, upload("../../etc/passwd.pdf", PDF_BYTES), upload("现场.png", png)
    )

    first, second = record.attachments.order_by("pk")
    assert re.fullmatch(r"attachments/\d{4}/[0-9a-f]{32}\.pdf", first.file.name)
    assert first.file.name.startswith(f"attachments/{timezone.localdate():%Y}/")
    assert (media_root / first.file.name).read_bytes() == PDF_BYTES
    assert (first.original_name, first.content_type) == ("passwd.pdf", "application/pdf")
    assert (first.size, first.sha256) == (len(PDF_BYTES), hashlib.sha256(PDF_BYTES).hexdigest())
    assert (first.uploaded_by, first.history.get().history_user) == (reporter_a, reporter_a)
    assert (second.original_name, second.content_type) == ("现场.png", "image/png")
    assert second.file.name.endswith(".png") and "passwd" not in first.file.name


def test_one_bad_attachment_refuses_the_whole_record_and_stores_nothing(
    unit_a, gdp, reporter_a, media_root
):
    with pytest.raises(ValidationError) as refused:
        evidence_with(
            unit_a,
            gdp,
            reporter_a,
            upload("ok.pdf", PDF_BYTES),
            upload("logo.svg", SVG_WITH_SCRIPT),
        )
    assert list(refused.value.message_dict) == ["attachments"]
    assert "logo.svg" in refused.value.message_dict["attachments"][0]
    assert not Evidence.objects.exists() and not EvidenceAttachment.objects.exists()
    assert not any(path.is_file() for path in media_root.rglob("*"))


def test_a_record_takes_at_most_ten_attachments(unit_a, gdp, reporter_a):
    files = [upload(f"{n}.pdf", PDF_BYTES) for n in range(11)]
    with pytest.raises(ValidationError) as refused:
        evidence_with(unit_a, gdp, reporter_a, *files)
    assert "attachments" in refused.value.message_dict


def test_a_correction_brings_its_own_attachments_and_the_old_ones_stay(unit_a, gdp, reporter_a):
    old = evidence_with(unit_a, gdp, reporter_a, upload("旧.pdf", PDF_BYTES))
    new = evidence_correct(
        record=old,
        value=D(12),
        description="更正",
        reason="报表更新",
        by=reporter_a,
        attachments=[upload("新.pdf", PDF_BYTES)],
    )
    assert [a.original_name for a in old.attachments.all()] == ["旧.pdf"]
    assert [a.original_name for a in new.attachments.all()] == ["新.pdf"]


# --- who may see an attachment ----------------------------------------------------------------


@pytest.fixture
def attachment(unit_a, gdp, reporter_a):
    return evidence_with(unit_a, gdp, reporter_a, upload("a.pdf", PDF_BYTES)).attachments.get()


def test_the_people_who_see_the_record_get_its_attachment(
    attachment, reporter_a, office_user, leader_user, supervision_user, lead_user, unit_a
):
    colleague = UserFactory(role=Role.REPORTER, unit=unit_a)
    for user in (reporter_a, colleague, office_user, leader_user, supervision_user, lead_user):
        assert attachment_get_for_user(user, attachment.pk) == attachment


def test_another_units_attachment_by_id_is_refused(attachment, reporter_b):
    with pytest.raises(PermissionDenied):
        attachment_get_for_user(reporter_b, attachment.pk)


def test_a_lead_department_sees_only_the_attachments_of_its_indicators(
    year, town, unit_a, reporter_a, lead_user
):
    other = IndicatorFactory(year=year, category=town, code="EDU", lead_unit=None)
    record = evidence_with(unit_a, other, reporter_a, upload("a.pdf", PDF_BYTES))
    with pytest.raises(PermissionDenied):
        attachment_get_for_user(lead_user, record.attachments.get().pk)


def test_users_without_a_role_and_missing_attachments(attachment, nobody, office_user):
    with pytest.raises(PermissionDenied):
        attachment_get_for_user(nobody, attachment.pk)
    with pytest.raises(Http404):
        attachment_get_for_user(office_user, attachment.pk + 1000)


def test_a_file_left_by_a_write_that_never_committed_is_found_and_removed(
    unit_a, gdp, reporter_a, media_root
):
    """The process dies after the file is written and before the commit (here: the
    transaction rolls back). The file has no row; the cleanup lists it (a dry run keeps it)
    and removes it with --delete; a record's own file is never touched."""
    import os
    import time

    from django.core.management import call_command
    from django.db import transaction

    kept = evidence_with(unit_a, gdp, reporter_a, upload("保留.pdf", PDF_BYTES))
    kept_file = media_root / kept.attachments.get().file.name
    with transaction.atomic():
        evidence_with(unit_a, gdp, reporter_a, upload("中断.pdf", PDF_BYTES))
        transaction.set_rollback(True)  # as a crash before the commit would
    files = sorted(p for p in (media_root / "attachments").rglob("*") if p.is_file())
    assert len(files) == 2  # the committed record's file and the orphan
    orphan = next(p for p in files if p != kept_file)
    day_ago = time.time() - 25 * 3600
    for path in files:
        os.utime(path, (day_ago, day_ago))

    out = io.StringIO()
    call_command("clean_attachments", stdout=out)
    assert orphan.relative_to(media_root).as_posix() in out.getvalue()
    assert orphan.exists()  # a dry run by default
    call_command("clean_attachments", "--delete", stdout=io.StringIO())
    assert not orphan.exists() and kept_file.exists()


def test_a_fresh_file_without_a_row_may_still_be_committing_and_is_left(
    unit_a, gdp, reporter_a, media_root
):
    from django.core.management import call_command
    from django.db import transaction

    with transaction.atomic():
        evidence_with(unit_a, gdp, reporter_a, upload("中断.pdf", PDF_BYTES))
        transaction.set_rollback(True)
    out = io.StringIO()
    call_command("clean_attachments", "--delete", stdout=out)
    assert len([p for p in (media_root / "attachments").rglob("*") if p.is_file()]) == 1
