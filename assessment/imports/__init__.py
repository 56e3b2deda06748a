"""The import layer of the workbooks of spec/workbooks.md, the same for every door.

    preview = workbook_preview(kind="targets", data=..., file_name="targets.xlsx", user=None)
    preview = workbook_import(kind="targets", data=..., file_name="targets.xlsx", user=None,
                              reason="", door="cli")

Both return a ``Preview``: per row new / changed (field by field) / unchanged / error, and every
error with its Excel row, column header, value and message. Nothing is written unless the
whole file is free of errors; every call is recorded in an ``ImportLog``.

Modules: ``files`` (is it a real, harmless xlsx?), ``reader`` (the first sheet), ``values``
(cell parsers), ``kinds`` (the kinds declared as data) with their resolvers ``kinds_units``,
``kinds_scheme`` and ``kinds_records``, ``lookups`` and ``references`` (one query per
referenced kind), ``engine`` (headers, rows, comparison), ``rules`` (scope and the year's
policy), ``writes`` (audited bulk writes), ``service`` (the entry points).
"""

from assessment.imports.files import WorkbookRefused
from assessment.imports.kinds import KINDS
from assessment.imports.preview import FieldChange, Preview, RowError, RowResult, RowStatus
from assessment.imports.service import workbook_import, workbook_preview

__all__ = [
    "KINDS",
    "FieldChange",
    "Preview",
    "RowError",
    "RowResult",
    "RowStatus",
    "WorkbookRefused",
    "workbook_import",
    "workbook_preview",
]
