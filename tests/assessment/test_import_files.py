"""Hostile and broken files: refused before any reader opens them, and nothing written."""

from __future__ import annotations

import io
import os
import struct
import time
import zipfile

import openpyxl
import pytest
from django.core.management.base import CommandError
from django.test import override_settings

from assessment.imports import files, workbook_import, workbook_preview
from assessment.lib import ooxml
from assessment.models import ImportLog
from tests.imports_helpers import (
    add_part,
    cache_formula_value,
    rewrite_part,
    run_import,
    write_xlsx,
    xlsx_bytes,
)
from units.models import Unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english", "town")]

HEADER = ["单位代码", "单位名称", "单位类别", "编制人数"]
GOOD = xlsx_bytes([HEADER, ["Q01", "测试镇", "town", 12]])


def import_units(data: bytes):
    return workbook_import(kind="units", data=data, file_name="units.xlsx", user=None)


def refused(data: bytes) -> str:
    """Import ``data`` as units; assert nothing was written and return the one error."""
    preview = import_units(data)
    assert not preview.ok and not preview.committed
    assert Unit.objects.count() == 0
    log = ImportLog.objects.get(pk=preview.log_id)
    assert (log.succeeded, log.dry_run, log.door) == (False, False, "cli")
    assert len(preview.errors) == 1, preview.errors
    return str(preview.errors[0])


def test_a_good_file_imports():
    preview = import_units(GOOD)
    assert preview.committed and preview.counts["new"] == 1
    assert Unit.objects.get(code="Q01").headcount == 12


def test_an_old_xls_file_renamed_to_xlsx_is_refused():
    data = files.OLE_SIGNATURE + bytes(4096)
    assert "old Excel 97–2003 (.xls) file" in refused(data)


def test_a_password_protected_workbook_is_refused():
    # Excel stores a protected workbook as an OLE file with an "EncryptedPackage" stream.
    data = files.OLE_SIGNATURE + bytes(512) + "EncryptedPackage".encode("utf-16-le") + bytes(512)
    assert "protected by a password" in refused(data)


def test_a_csv_file_renamed_to_xlsx_is_refused():
    data = "单位代码,单位名称,单位类别,编制人数\nQ01,测试镇,town,12\n".encode()
    assert "may be a CSV or another kind of file renamed" in refused(data)


def test_a_corrupted_zip_is_refused():
    assert "The file is damaged" in refused(GOOD[: len(GOOD) // 2])


def test_a_zip_entry_needing_an_unknown_zip_version_is_refused():
    """Found by the fuzz tests: zipfile raises NotImplementedError for a version it lacks."""
    at = GOOD.index(b"PK\x01\x02")  # the first entry of the central directory
    version_needed = at + 6
    damaged = GOOD[:version_needed] + struct.pack("<H", 84) + GOOD[version_needed + 2 :]
    assert "The file is damaged" in refused(damaged)


def test_a_zip_without_the_parts_of_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("content.xml", "<office:document/>")  # an OpenDocument file, say
    assert "lacks the parts every workbook has" in refused(buffer.getvalue())


def test_a_zip_bomb_is_refused():
    bomb = add_part(GOOD, "xl/media/image1.png", bytes(60 * 1024 * 1024))
    assert len(bomb) < 200 * 1024  # 60 MB inside a file of tens of kilobytes
    assert "zip bomb" in refused(bomb)


def test_a_part_that_inflates_beyond_its_declared_size_is_refused():
    bomb = add_part(GOOD, "xl/media/image1.png", bytes(5 * 1024 * 1024))
    lying = _declare_size(bomb, "xl/media/image1.png", 1000)
    assert zipfile.ZipFile(io.BytesIO(lying)).getinfo("xl/media/image1.png").file_size == 1000
    assert "zip bomb" in refused(lying)


def test_too_much_unpacked_data_in_all_is_refused(monkeypatch):
    monkeypatch.setattr(ooxml, "MAX_UNCOMPRESSED_BYTES", 1024 * 1024)
    bigger = add_part(GOOD, "xl/media/image1.png", os.urandom(1024 * 1024))
    assert "zip bomb" in refused(bigger)


@override_settings(UPLOAD_MAX_MB=1)
def test_a_file_over_the_upload_limit_is_refused():
    big = add_part(GOOD, "xl/media/image1.png", os.urandom(1_300_000), compress=False)
    assert "The file is 1.2 MB; files of at most 1 MB can be imported." == refused(big)


def test_a_macro_enabled_workbook_is_refused():
    macro = add_part(GOOD, "xl/vbaProject.bin", b"\x00VBA")
    assert "contains macros" in refused(macro)


def test_an_xml_entity_payload_is_refused():
    def laughs(xml: str) -> str:
        doctype = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
        return xml.replace("<worksheet", doctype + "<worksheet", 1)

    payload = rewrite_part(GOOD, "xl/worksheets/sheet1.xml", laughs)
    assert "The file is damaged" in refused(payload)


def test_an_empty_sheet_is_refused():
    assert refused(xlsx_bytes([])) == "The first sheet is empty."


def test_a_header_without_data_rows_is_refused():
    message = refused(xlsx_bytes([HEADER, [None, None], ["  ", "\u00a0"]]))
    assert message == "The sheet has a header row but no data rows."


def test_the_headers_must_be_in_row_1():
    assert "Row 1 of the first sheet" in refused(xlsx_bytes([[], HEADER, ["Q01", "x", "town", 1]]))


def test_blank_rows_are_skipped_cheaply_and_rows_keep_their_excel_numbers():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in [HEADER, ["Q01", "甲镇", "town", 1], [], ["  ", None], ["Q02", "乙镇", "town", "x"]]:
        sheet.append(row)
    for number in range(6, 20_006):  # styled but empty cells, as LibreOffice leaves them
        sheet.cell(row=number, column=1).number_format = "0.00"
    buffer = io.BytesIO()
    workbook.save(buffer)
    started = time.perf_counter()
    preview = workbook_preview(kind="units", data=buffer.getvalue(), file_name="u.xlsx", user=None)
    assert time.perf_counter() - started < 2
    assert [(row.number, row.status) for row in preview.rows] == [(2, "new"), (5, "error")]
    assert [str(error) for error in preview.errors] == ["Row 5, “编制人数”: “x” is not a number."]


def _formula_file(formula: str) -> bytes:
    return xlsx_bytes([HEADER, ["Q01", "测试镇", "town", formula]])


def test_a_formula_without_a_computed_value_is_an_error_naming_the_cell():
    message = refused(_formula_file("=10+2"))
    assert message == (
        "Row 2, “编制人数”: the formula in cell D2 has no computed value: open the file in "
        "Excel, let it calculate and save it again"
    )


def test_a_formula_counts_as_the_value_excel_computed():
    preview = import_units(cache_formula_value(_formula_file("=10+2"), "D2", "12"))
    assert preview.ok, preview.errors
    assert Unit.objects.get(code="Q01").headcount == 12


def test_an_excel_error_cell_is_an_error_naming_the_cell():
    assert refused(_formula_file("#DIV/0!")) == (
        "Row 2, “编制人数”: cell D2 holds the Excel error #DIV/0!"
    )


def test_an_excel_error_in_an_optional_column_is_not_taken_for_a_blank():
    data = xlsx_bytes([[*HEADER, "上级单位代码"], ["Q01", "测试镇", "town", 3, "#N/A"]])
    assert refused(data) == "Row 2, “上级单位代码”: cell E2 holds the Excel error #N/A"


def test_a_last_row_holding_only_an_uncomputed_formula_is_not_taken_for_a_blank():
    data = xlsx_bytes([HEADER, ["Q01", "测试镇", "town", 3], [None, None, None, "=1+1"]])
    preview = import_units(data)
    assert [row.status for row in preview.rows] == ["new", "error"]
    assert str(preview.errors[-1]) == (
        "Row 3, “编制人数”: the formula in cell D3 has no computed value: open the file in "
        "Excel, let it calculate and save it again"
    )
    assert not preview.committed and not Unit.objects.exists()


def test_a_value_under_no_header_is_an_error():
    data = xlsx_bytes([[*HEADER, None, None], ["Q01", "测试镇", "town", 3, None, "备注"]])
    assert refused(data) == "Row 2, “F”: There is a value in a column without a header."


def test_the_command_refuses_a_bad_file_and_exits_with_an_error(tmp_path):
    path = tmp_path / "units.xlsx"
    path.write_bytes(b"not,a,workbook\n")
    with pytest.raises(CommandError, match=r"Nothing was imported: 1 error\(s\) in units.xlsx"):
        run_import("units", path)
    assert Unit.objects.count() == 0


def test_a_dry_run_writes_only_the_log(tmp_path):
    path = write_xlsx(tmp_path, "units.xlsx", [HEADER, ["Q01", "测试镇", "town", 12]])
    out, _err = run_import("units", path, "--dry-run")
    assert out == "Preview of units.xlsx (nothing written): 1 new, 0 changed, 0 unchanged.\n"
    assert Unit.objects.count() == 0
    log = ImportLog.objects.get()
    assert (log.dry_run, log.succeeded, log.file_name, log.counts["new"]) == (
        True,
        True,
        "units.xlsx",
        1,
    )
    assert len(log.sha256) == 64 and log.imported_by is None


def _declare_size(data: bytes, name: str, size: int) -> bytes:
    """The archive with the central directory claiming ``size`` bytes for one part."""
    patched = bytearray(data)
    encoded = name.encode()
    offset = patched.find(b"PK\x01\x02")
    while offset != -1:
        name_length = struct.unpack_from("<H", patched, offset + 28)[0]
        if bytes(patched[offset + 46 : offset + 46 + name_length]) == encoded:
            struct.pack_into("<L", patched, offset + 24, size)
        offset = patched.find(b"PK\x01\x02", offset + 4)
    return bytes(patched)


def _truncated(xml: str) -> str:
    return xml[: xml.index("</c>")]


def _unclosed_row(xml: str) -> str:
    return xml.replace("</row>", "", 1)


@pytest.mark.parametrize(
    ("cell", "damage"),
    [("12", _truncated), ("=10+2", _unclosed_row)],
    ids=["refused by calamine", "refused by the formula scan"],
)
def test_a_sheet_that_is_not_well_formed_xml_is_refused(cell, damage):
    data = xlsx_bytes([HEADER, ["Q01", "测试镇", "town", cell]])
    broken = rewrite_part(data, "xl/worksheets/sheet1.xml", damage)
    assert "The file is damaged" in refused(broken)


def _renamed_macros(workbook: bytes) -> bytes:
    """The macro part under an innocent name, found only through the package's relationship
    and content type (as Excel finds it)."""
    source = zipfile.ZipFile(io.BytesIO(workbook))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdM" Type="http://schemas.microsoft.com/office/2006/'
                    b'relationships/vbaProject" Target="macros.bin"/></Relationships>',
                )
            target.writestr(info, data)
        target.writestr("xl/macros.bin", b"\x00VBA")
    return out.getvalue()


def test_a_workbook_with_its_macro_part_renamed_is_refused():
    assert "contains macros" in refused(_renamed_macros(GOOD))
