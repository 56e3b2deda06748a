"""What an import shows before (and after) it writes: every row's fate and every error."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.translation import gettext as _


class RowStatus(StrEnum):
    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    ERROR = "error"


@dataclass(frozen=True)
class RowError:
    """One error: where (Excel row, header as in the file), the bad value, and why.

    ``row`` is None for what concerns the whole file (a missing column, the year's state).
    """

    message: str
    row: int | None = None
    column: str = ""
    value: str = ""

    def __str__(self) -> str:
        if self.row is not None and self.column:
            return _("Row %(row)s, “%(column)s”: %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        if self.row is not None:
            return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        return self.message

    def as_dict(self) -> dict[str, object]:
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
        }


@dataclass(frozen=True)
class FieldChange:
    """One field of a changed row: its column header, the value before and after (as text)."""

    column: str
    before: str
    after: str

    def __str__(self) -> str:
        return f"{self.column}: {self.before or '∅'} → {self.after or '∅'}"


@dataclass
class RowResult:
    number: int  # the Excel row number (the header is row 1)
    status: RowStatus
    label: str = ""  # the row's identity as text, e.g. "2026 · TO01 · GDP"
    changes: list[FieldChange] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    cells: list[str] = field(default_factory=list)  # the file's cells as typed (``columns``)


@dataclass
class Preview:
    """The outcome of a preview or an import.

    ``errors`` holds every error, those of the whole file first, then the rows' in row order;
    nothing is written unless it is empty. ``committed`` says whether rows were written.
    """

    kind: str
    file_name: str
    sha256: str
    dry_run: bool
    rows: list[RowResult] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)  # the file's headers the kind reads
    committed: bool = False
    log_id: int | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def counts(self) -> dict[str, int]:
        counts = {status.value: 0 for status in RowStatus}
        for row in self.rows:
            counts[row.status.value] += 1
        counts["rows"] = len(self.rows)
        counts["errors"] = len(self.errors)
        return counts

    def rows_with(self, status: RowStatus) -> list[RowResult]:
        return [row for row in self.rows if row.status == status]
