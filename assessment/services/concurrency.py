"""Optimistic concurrency of the set-up and grading forms: no save overwrites one it never saw.

A form carries, in a hidden field, the digest of the rows it was opened with (``state_digest``:
SHA-256 of their current values, canonically written). The service that saves it locks those
rows (``select_for_update``: two saves of the same rows run one after the other, and the second
reads what the first wrote), computes the digest again and refuses the save with ``StaleError``
when it differs: someone changed the data since the page was opened. The user's input stays in
the re-rendered form; the message asks to reopen the page.

No version column is needed, so nothing else (imports, the admin site, the command line) has
to keep one up to date; a service called without a digest (imports, scripts) saves as before.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

STATE_FIELD = "state"
# ``select_for_update(of=ROW_ONLY)``: lock the row read, not the rows ``select_related`` joins
# to it. Locking those too (the year, the unit, the indicator) would make every decision wait
# on every other one of the year, and deadlock with a record being written meanwhile: its
# foreign key checks the indicator row at commit, while the decision waits for the audit chain
# that the record's transaction holds.
ROW_ONLY = ("self",)  # (with no_key=True where the key never changes: the weakest row lock)


def canonical(value: Any) -> Any:
    """A value as the digest writes it: the same whichever way the database returns it."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    if isinstance(value, float):
        return canonical(Decimal(repr(value)))
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    return str(value)


def state_digest(rows: Mapping[Any, Mapping[str, Any] | None]) -> str:
    """The digest of ``rows``: a key (an indicator, a unit code…) → the row's values, or None
    where the row does not exist yet."""
    document = sorted(
        (
            str(key),
            None
            if values is None
            else sorted((name, canonical(value)) for name, value in values.items()),
        )
        for key, values in rows.items()
    )
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def instance_values(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The values of ``fields`` of a model instance (a foreign key as its id)."""
    values = {}
    for name in fields:
        field = cast("models.Field[Any, Any]", instance._meta.get_field(name))  # a column
        values[name] = getattr(instance, field.attname)
    return values


def stale_message() -> str:
    return _(
        "This data has been changed by someone else: please reopen the page, look at the "
        "latest data and then save."
    )


class StaleError(ValidationError):
    """The form was opened on data that has changed since: nothing was saved."""

    def __init__(self) -> None:
        super().__init__(stale_message(), code="stale")


def check_state(expected: str | None, current: str) -> None:
    """Refuse with ``StaleError`` when the form's digest (``expected``) is not ``current``.

    ``expected`` None or empty: the caller does not take part (imports, scripts), no check."""
    if expected and expected != current:
        raise StaleError
