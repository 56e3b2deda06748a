"""Bulk writes that keep the audit history (never ``.update()`` on an audited model)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import models
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from assessment.imports.rows import Context, Planned


def history_user(ctx: Context) -> AbstractBaseUser | None:
    user = ctx.user
    return user if user is not None and user.is_authenticated else None


def _by_model(plans: Iterable[Planned]) -> dict[type[models.Model], list[Planned]]:
    grouped: dict[type[models.Model], list[Planned]] = defaultdict(list)
    for plan in plans:
        grouped[plan.model].append(plan)
    return grouped


def write_new(plans: Iterable[Planned], ctx: Context) -> list[models.Model]:
    """Create a record per plan (its identity and field values), with a history record each."""
    created: list[models.Model] = []
    for model, group in _by_model(plans).items():
        records = [model(**plan.create, **plan.fields) for plan in group]
        created += bulk_create_with_history(
            records,
            model,
            default_user=history_user(ctx),
            default_change_reason=ctx.change_reason,
        )
    return created


def write_changed(plans: Iterable[Planned], ctx: Context) -> None:
    """Set the changed fields on the matched records and save them, with a history record each."""
    now = timezone.now()
    for model, group in _by_model(plans).items():
        names: set[str] = set()
        records = []
        for plan in group:
            record = plan.existing
            assert record is not None
            for name in plan.changed:
                setattr(record, name, plan.fields[name])
            names.update(plan.changed)
            records.append(record)
        if any(field.name == "updated_at" for field in model._meta.concrete_fields):
            for record in records:
                record.updated_at = now  # type: ignore[attr-defined]  # bulk_update skips auto_now
            names.add("updated_at")
        bulk_update_with_history(
            records,
            model,
            fields=sorted(names),
            default_user=history_user(ctx),
            default_change_reason=ctx.change_reason,
        )
