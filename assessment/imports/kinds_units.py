"""Resolving and writing the ``units`` and ``cadres`` workbooks."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from assessment.imports.references import row_category, row_unit
from assessment.imports.rows import Context, NewUnit, ParsedRow, Planned
from assessment.imports.writes import history_user, write_changed, write_new
from units.models import Cadre, Unit

# --- units ------------------------------------------------------------------------------------


def resolve_units(rows: list[ParsedRow], ctx: Context) -> None:
    existing = ctx.lookups.units
    in_file = {row.get("code") for row in rows if row.has("code")}
    for row in rows:
        category = row_category(row, ctx)
        parent = _parent(row, ctx, existing, in_file)
        if row.errors or not row.has("code"):
            continue
        code = row.get("code")
        row.plan = Planned(
            model=Unit,
            key=(code,),
            label=code,
            create={"code": code},
            fields={
                "name": row.get("name"),
                "category": category,
                "headcount": row.get("headcount"),
                "parent": parent,
            },
            row=row,
        )
    if "parent" in ctx.present:
        _refuse_loops(rows, existing)


def _parent(
    row: ParsedRow, ctx: Context, existing: dict[str, Unit], in_file: set[str]
) -> Unit | NewUnit | None:
    if not row.has("parent"):
        return None
    code = row.get("parent")
    if code == row.get("code"):
        row.fail("parent", _("A unit cannot be its own parent or ancestor."))
        return None
    if code in existing:
        return existing[code]
    if code in in_file:
        return NewUnit(code)
    row.fail(
        "parent",
        _("There is no unit with the code “%(value)s”: check the code, or import the unit first.")
        % {"value": code},
    )
    return None


def _refuse_loops(rows: list[ParsedRow], existing: dict[str, Unit]) -> None:
    """A parent chain must end: the file's parents, over the database's, may not loop."""
    parent_of = {code: unit.parent.code if unit.parent else None for code, unit in existing.items()}
    for row in rows:
        if row.plan is not None:
            parent = row.plan.fields["parent"]
            parent_of[row.plan.key[0]] = parent.code if parent is not None else None
    for row in rows:
        if row.plan is None:
            continue
        start = row.plan.key[0]
        chain, code = [start], parent_of.get(start)
        while code is not None and code not in chain:
            chain.append(code)
            code = parent_of.get(code)
        if code == start:
            row.fail(
                "parent",
                _("The parent units form a loop: %(chain)s.")
                % {"chain": " → ".join([*chain, start])},
            )
            row.plan = None


def existing_units(plans: list[Planned], ctx: Context) -> dict[tuple, models.Model]:
    return {(Unit, (code,)): unit for code, unit in ctx.lookups.units.items()}


def write_units(new: list[Planned], changed: list[Planned], ctx: Context) -> None:
    """New units level by level, so a parent new in the same file exists before its children."""
    created: dict[str, Unit] = {}
    remaining = list(new)
    while remaining:
        ready = [plan for plan in remaining if _parent_ready(plan, created)]
        if not ready:  # loops were refused before; this would be a bug
            raise RuntimeError("Parent units of the file form a loop.")
        units = [Unit(**plan.create, **_with_parent(plan.fields, created)) for plan in ready]
        units = bulk_create_with_history(
            units,
            Unit,
            default_user=history_user(ctx),
            default_change_reason=ctx.change_reason,
        )
        created.update({unit.code: unit for unit in units})
        remaining = [plan for plan in remaining if plan.key[0] not in created]
    for plan in changed:
        plan.fields = _with_parent(plan.fields, created)
    write_changed(changed, ctx)


def _parent_ready(plan: Planned, created: dict[str, Unit]) -> bool:
    parent = plan.fields.get("parent")
    return not isinstance(parent, NewUnit) or parent.code in created


def _with_parent(fields: dict, created: dict[str, Unit]) -> dict:
    parent = fields.get("parent")
    if isinstance(parent, NewUnit):
        return {**fields, "parent": created[parent.code]}
    return fields


# --- cadres -----------------------------------------------------------------------------------


def resolve_cadres(rows: list[ParsedRow], ctx: Context) -> None:
    for row in rows:
        unit = row_unit(row, ctx, active=False)
        if row.errors or unit is None or not row.has("name"):
            continue
        name = row.get("name")
        row.plan = Planned(
            model=Cadre,
            key=(unit.pk, name),
            label=f"{unit.code} · {name}",
            create={"unit": unit, "name": name},
            fields={"position": row.get("position"), "rank_kind": row.get("rank_kind")},
            unit=unit,
            row=row,
        )


def existing_cadres(plans: list[Planned], ctx: Context) -> dict[tuple, models.Model]:
    cadres = ctx.lookups.cadres(plan.key[0] for plan in plans)
    return {(Cadre, key): cadre for key, cadre in cadres.items()}


def write_cadres(new: list[Planned], changed: list[Planned], ctx: Context) -> None:
    write_new(new, ctx)
    write_changed(changed, ctx)
