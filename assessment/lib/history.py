"""Who made a change and why, as django-simple-history reads them off the instance saved.

The library takes both from attributes it sets and reads itself and never declares on the
model, so they are set here by name.
"""

from __future__ import annotations

from django.db import models

from units.access import AnyUser

_USER = "_history_user"
_REASON = "_change_reason"


def set_history_user(instance: models.Model, user: AnyUser | None) -> None:
    """The user the next history row of ``instance`` names (None: none)."""
    setattr(instance, _USER, user)


def set_change_reason(instance: models.Model, reason: str | None) -> None:
    """The reason the next history row of ``instance`` gives (None: none)."""
    setattr(instance, _REASON, reason)
