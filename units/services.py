"""Writes to units: each audited (django-simple-history records who and why)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import update_change_reason

from units.models import Unit


@transaction.atomic
def unit_set_active(*, unit: Unit, active: bool, reason: str = "") -> bool:
    """Activate or deactivate a unit; returns whether anything changed.

    Deactivation is how a unit leaves the assessment: its records stay, so it is never deleted
    once it has any.
    """
    if unit.is_active == active:
        return False
    unit.is_active = active
    unit.full_clean()
    unit.save(update_fields=["is_active", "updated_at"])
    default_reason = _("Activated") if active else _("Deactivated")
    update_change_reason(unit, reason or default_reason)
    return True
