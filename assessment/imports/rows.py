"""The shapes a row takes on its way in: parsed cells, then a plan of what to write.

Declarations of the kinds (``kinds``) and their resolvers use these; ``engine`` moves rows
from one shape to the next.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.functional import Promise

from assessment.imports.lookups import Lookups
from assessment.imports.preview import RowError
from assessment.models import AssessmentYear, Indicator
from assessment.policy import Action
from units.models import Unit

if TYPE_CHECKING:
    from units.access import AnyUser


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()  # a blank cell where a value is required


@dataclass(frozen=True)
class Column:
    """One column of a workbook: its Chinese header, English alias and how a cell is read.

    ``optional``: the column may be left out of the file. A blank cell takes ``default``
    unless the column is required and ``default`` is MISSING (then a value is required).
    ``help`` says what a clerk should type (the instructions sheet of a template).
    """

    key: str  # the English alias, also the key of the parsed value
    header: str  # the Chinese header
    parse: Callable[[object], object]
    optional: bool = False
    default: object = MISSING
    help: str | Promise = ""

    def __post_init__(self) -> None:
        if self.optional and self.default is MISSING:
            object.__setattr__(self, "default", None)


@dataclass(frozen=True)
class Kind:
    """A workbook kind, declared as data (see ``kinds``).

    ``identity`` names the columns of the natural key; ``fields`` maps each model field set
    from the file to its column (the model field validates the value: length, range, choices).
    ``resolve`` turns parsed rows into plans with one query per referenced kind,
    ``existing`` loads the records the plans may match (one query per model) and ``write``
    stores the new and changed ones. ``rules``, where given, are the kind's own rules (those
    of the service its web form calls), checked on every row once it is matched with the stored
    records: it marks the refused rows, in place of the generic scope check of
    ``imports.rules``.
    """

    name: str
    label: str | Promise
    columns: tuple[Column, ...]
    identity: tuple[str, ...]
    fields: Mapping[str, str]
    action: Action | None  # what the year's policy must allow for a write; None: no year
    permissions: tuple[str, ...]  # model permissions an acting user needs
    resolve: Callable[[list[ParsedRow], Context], None]
    existing: Callable[[list[Planned], Context], dict[tuple, models.Model]]
    write: Callable[[list[Planned], list[Planned], Context], None]
    rules: Callable[[list[ParsedRow], Context], None] | None = None

    def column(self, key: str) -> Column:
        return next(column for column in self.columns if column.key == key)


@dataclass
class ParsedRow:
    """A data row once its cells are read: values by column key, and its errors so far.

    ``values`` holds every column of the kind (absent or blank columns take their default);
    a cell that could not be read is left out of it.
    """

    number: int
    cells: dict[str, object]
    values: dict[str, object]
    headers: Mapping[str, str]  # column key → header as the file has it
    errors: list[RowError] = field(default_factory=list)
    plan: Planned | None = None

    def fail(self, key: str, message: str) -> None:
        self.values.pop(key, None)
        self.errors.append(
            RowError(
                message=message,
                row=self.number,
                column=self.headers.get(key, key),
                value=display(self.cells.get(key)),
            )
        )

    def get(self, key: str) -> Any:
        return self.values.get(key)

    def has(self, *keys: str) -> bool:
        """Whether every one of these cells was read and holds a value."""
        values = self.values
        for key in keys:
            value = values.get(key)
            if value is None or value == "":
                return False
        return True


@dataclass
class Planned:
    """What one row would write: the record it matches (by ``key``) and its field values.

    ``create`` holds the identity fields (set only on a new record); ``fields`` the values
    compared with an existing record and written when they differ.
    """

    model: type[models.Model]
    key: tuple
    label: str
    create: dict[str, Any]
    fields: dict[str, Any]
    year: AssessmentYear | None = None
    unit: Unit | None = None
    indicator: Indicator | None = None
    existing: models.Model | None = None
    changed: list[str] = field(default_factory=list)
    row: ParsedRow | None = None

    @classmethod
    def per_indicator_and_unit(
        cls,
        model: type[models.Model],
        indicator: Indicator,
        unit: Unit,
        fields: dict[str, Any],
        row: ParsedRow,
    ) -> Planned:
        """The plan of a row kept once per indicator and unit (a target, a rank, a grade …)."""
        return cls(
            model=model,
            key=(indicator.pk, unit.pk),
            label=f"{indicator.year.year} · {unit.code} · {indicator.code}",
            create={"indicator": indicator, "unit": unit},
            fields=fields,
            year=indicator.year,
            unit=unit,
            indicator=indicator,
            row=row,
        )


@dataclass
class Context:
    """What every step of one import shares."""

    kind: Kind
    user: AnyUser | None
    present: frozenset[str]  # the column keys the file has
    lookups: Lookups
    reason: str = ""
    change_reason: str = ""  # written to every history record of the import
    file_name: str = ""  # the workbook's, kept with each record it brings in
    sha256: str = ""
    column_order: dict[str, int] = field(default_factory=dict)  # header → position in the file


@dataclass(frozen=True)
class NewUnit:
    """A parent unit that is itself new in the same file (created first on commit)."""

    code: str

    def __str__(self) -> str:
        return self.code


def display(value: object) -> str:
    """A value as the preview shows it."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value else str(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, models.Model):
        for attribute in ("code", "name", "year"):
            if hasattr(value, attribute):
                return str(getattr(value, attribute))
    return str(value)
