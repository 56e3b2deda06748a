"""From a sheet to a preview: headers, cells, references, duplicates, comparison, rules.

Every step records errors on the rows (or on the file) and goes on, so a preview lists all of
them at once. Nothing here writes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from assessment.imports.preview import FieldChange, RowError, RowResult, RowStatus
from assessment.imports.reader import Sheet
from assessment.imports.rows import (
    MISSING,
    Column,
    Context,
    Kind,
    NewUnit,
    ParsedRow,
    Planned,
    display,
)
from assessment.imports.values import free_text
from units.cells import clean_text, header_key

_IGNORED_IN_HEADERS = re.compile(r"[\s_\-]+")


def header_match_key(header: object) -> str:
    """Headers compare ignoring case, full-width forms, spaces, '_' and '-'."""
    return _IGNORED_IN_HEADERS.sub("", header_key(header))


@dataclass
class Layout:
    """Which column of the sheet holds which column of the kind."""

    columns: dict[int, Column]  # index in the sheet → column of the kind
    headers: dict[str, str]  # column key → header as the file has it (or the Chinese one)
    unnamed: list[int] = field(default_factory=list)  # indexes with an empty header
    errors: list[RowError] = field(default_factory=list)

    @property
    def present(self) -> frozenset[str]:
        return frozenset(column.key for column in self.columns.values())


def match_headers(kind: Kind, sheet: Sheet) -> Layout:
    known: dict[str, Column] = {}
    for declared in kind.columns:
        known[header_match_key(declared.header)] = declared
        known[header_match_key(declared.key)] = declared
    layout = Layout(columns={}, headers={column.key: column.header for column in kind.columns})
    unknown: list[str] = []
    seen: dict[str, list[str]] = {}
    for index, header in enumerate(sheet.headers):
        if not header:
            layout.unnamed.append(index)
            continue
        column = known.get(header_match_key(header))
        if column is None:
            unknown.append(header)
            continue
        seen.setdefault(column.key, []).append(header)
        layout.columns[index] = column
        layout.headers[column.key] = header
    if unknown:
        expected = "、".join(
            f"{column.header} / {column.key}" + ("" if not column.optional else "*")
            for column in kind.columns
        )
        layout.errors.append(
            RowError(
                _("Unknown columns: %(columns)s. Expected: %(expected)s.")
                % {"columns": "、".join(unknown), "expected": expected},
                row=1,
            )
        )
    twice = [" / ".join(headers) for headers in seen.values() if len(headers) > 1]
    if twice:
        layout.errors.append(
            RowError(_("Columns given twice: %(columns)s.") % {"columns": "、".join(twice)}, row=1)
        )
    missing = [c.header for c in kind.columns if not c.optional and c.key not in seen]
    if missing:
        layout.errors.append(
            RowError(_("Missing columns: %(columns)s.") % {"columns": "、".join(missing)}, row=1)
        )
    return layout


MEMO_LIMIT = 10_000  # distinct cell values remembered per column (codes, statuses, dates)


PROGRESS_EVERY = 2_000  # rows between two progress reports


def parse_rows(
    kind: Kind, sheet: Sheet, layout: Layout, progress: Callable[[int], None] | None = None
) -> list[ParsedRow]:
    """Read every cell of every data row; a value seen before in a column is read once.

    ``progress``, if given, is told the number of rows read every ``PROGRESS_EVERY`` rows.
    """
    absent = {c.key: c.default for c in kind.columns if c.key not in layout.present}
    columns = list(layout.columns.items())
    memo: dict[str, dict[tuple[type, object], tuple[bool, object]]] = {
        column.key: {} for _index, column in columns
    }
    rows = []
    for number, cells in sheet.rows:
        width = len(cells)
        raw = {column.key: cells[index] if index < width else "" for index, column in columns}
        row = ParsedRow(number=number, cells=raw, values=dict(absent), headers=layout.headers)
        for index, column in columns:
            problem = sheet.cell_problems.get((number, index)) if sheet.cell_problems else None
            if problem is not None:
                row.fail(column.key, problem)
            else:
                _parse_cell(row, column, raw[column.key], memo[column.key])
        for index in layout.unnamed:
            _unnamed_cell(row, sheet, index, cells)
        rows.append(row)
        if progress is not None and len(rows) % PROGRESS_EVERY == 0:
            progress(len(rows))
    return rows


def _unnamed_cell(row: ParsedRow, sheet: Sheet, index: int, cells: list[object]) -> None:
    value = cells[index] if index < len(cells) else ""
    problem = sheet.cell_problems.get((row.number, index))
    if problem or not _blank(value):
        row.errors.append(
            RowError(
                problem or _("There is a value in a column without a header."),
                row=row.number,
                column=sheet.column_letter(index),
                value=display(value),
            )
        )


def _blank(value: object) -> bool:
    return value is None or value == "" or (isinstance(value, str) and not value.strip())


def _parse_cell(
    row: ParsedRow, column: Column, value: object, memo: dict[tuple[type, object], tuple]
) -> None:
    if _blank(value):
        if column.default is MISSING:
            row.fail(column.key, _("A value is required."))
        else:
            row.values[column.key] = column.default
        return
    key = (type(value), value)  # 1, 1.0 and True are equal but read differently
    found = memo.get(key)
    if found is None:
        try:
            found = (True, column.parse(value))
        except ValueError as error:
            found = (False, str(error))
        if len(memo) < MEMO_LIMIT:
            memo[key] = found
    if found[0]:
        row.values[column.key] = found[1]
    else:
        row.fail(column.key, found[1])


def keep_present_fields(rows: list[ParsedRow], ctx: Context) -> None:
    """A column left out of the file leaves that field alone (new records take the default)."""
    absent = {name for name, key in ctx.kind.fields.items() if key not in ctx.present}
    if not absent:
        return
    for row in rows:
        if row.plan is not None:
            row.plan.fields = {k: v for k, v in row.plan.fields.items() if k not in absent}


def refuse_duplicates(rows: list[ParsedRow], ctx: Context) -> None:
    first: dict[tuple, int] = {}
    headers = rows[0].headers if rows else {}
    # the identity's columns the file has (an optional one it leaves out is blank on every row)
    columns = " + ".join(
        headers.get(key, key)
        for key in ctx.kind.identity
        if key in ctx.present or not ctx.kind.column(key).optional
    )
    for row in rows:
        if row.plan is None:
            continue
        identity = (row.plan.model, row.plan.key)
        earlier = first.setdefault(identity, row.number)
        if earlier != row.number:
            row.errors.append(
                RowError(
                    _("The same record as row %(row)s: a record may appear only once in a file.")
                    % {"row": earlier},
                    row=row.number,
                    column=columns,
                    value=row.plan.label,
                )
            )
            row.plan = None


def compare(rows: list[ParsedRow], ctx: Context) -> None:
    """Match each plan with its existing record (one query per model) and list the changes."""
    plans = [row.plan for row in rows if row.plan is not None]
    if not plans:
        return
    existing = ctx.kind.existing(plans, ctx)
    as_typed = frozenset(
        name for name, key in ctx.kind.fields.items() if ctx.kind.column(key).parse is free_text
    )
    for plan in plans:
        plan.existing = existing.get((plan.model, plan.key))
        if plan.existing is not None:
            plan.changed = [name for name in plan.fields if _differs(plan, name, as_typed)]


def _differs(plan: Planned, name: str, as_typed: frozenset[str]) -> bool:
    field_ = _model_field(plan.model, name)
    new = plan.fields[name]
    if field_.is_relation:
        if isinstance(new, NewUnit):
            return True
        return getattr(plan.existing, field_.attname) != (new.pk if new is not None else None)
    old = getattr(plan.existing, name)
    if isinstance(old, str) and isinstance(new, str) and name not in as_typed:
        # What identifies is read normalised (full-width → half-width, spaces collapsed): a
        # code stored as typed in a form is the same code, not a change. Free text is compared
        # as typed.
        return clean_text(old) != new
    return old != new


def changes(
    plan: Planned, headers: Mapping[str, str], fields: Mapping[str, str]
) -> list[FieldChange]:
    return [
        FieldChange(
            column=headers.get(fields.get(name, name), name),
            before=display(getattr(plan.existing, name)),
            after=display(plan.fields[name]),
        )
        for name in plan.changed
    ]


def validate_fields(rows: list[ParsedRow], ctx: Context) -> None:
    """Each value against its model field (length, range, choices, code format).

    Only rows that would write are checked: an unchanged row holds what is stored already.
    A value already judged for a field is not judged again.
    """
    judged: dict[tuple, str | None] = {}
    for row in rows:
        plan = row.plan
        if plan is None or (plan.existing is not None and not plan.changed):
            continue
        for name, value in {**plan.create, **plan.fields}.items():
            key = ctx.kind.fields.get(name)
            if key is None or isinstance(value, models.Model | NewUnit):
                continue
            memo_key = (plan.model, name, type(value), value)
            if memo_key not in judged:
                judged[memo_key] = _field_error(plan.model, name, value)
            error = judged[memo_key]
            if error is not None:
                row.fail(key, error)
        if row.errors:
            row.plan = None


def _model_field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    """A field a kind writes: a column of the model, never a reverse relation."""
    return cast("models.Field[Any, Any]", model._meta.get_field(name))


def _field_error(model: type[models.Model], name: str, value: object) -> str | None:
    model_field = _model_field(model, name)
    if model_field.is_relation:
        return None
    try:
        model_field.clean(value, None)
    except ValidationError as error:
        return " ".join(error.messages)
    return None


def results(rows: list[ParsedRow], ctx: Context) -> list[RowResult]:
    """Each row's fate; a row's errors in the order of the file's columns."""
    found = []
    last = len(ctx.column_order)
    for row in rows:
        plan = row.plan
        result = RowResult(row.number, RowStatus.UNCHANGED, plan.label if plan else "")
        result.cells = [display(value) for value in row.cells.values()]  # in the file's order
        if row.errors or plan is None:
            row.errors.sort(key=lambda error: ctx.column_order.get(error.column, last))
            result.status, result.errors = RowStatus.ERROR, list(row.errors)
        elif plan.existing is None:
            result.status = RowStatus.NEW
        elif plan.changed:
            result.status = RowStatus.CHANGED
            result.changes = changes(plan, row.headers, ctx.kind.fields)
        found.append(result)
    return found
