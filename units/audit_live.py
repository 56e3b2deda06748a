"""Live rows against their newest history row: the part of ``verify_audit`` that catches a raw
edit, insert or delete, which writes no history and so leaves no seal to break."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models

from units.audit import CHUNK, canonical, history_models
from units.audit_verify import LIVE_CHANGED, LIVE_DELETED, LIVE_UNRECORDED


@dataclass
class LiveBreak:
    kind: str
    table: str  # the live table's label
    pk: object


def _live_model(history: type[Any]) -> type[models.Model]:
    """The live model of a history model (django-simple-history's ``instance_type``, untyped)."""
    live: type[models.Model] = history.instance_type
    return live


def _tracked_fields(history: type[models.Model]) -> list[str]:
    """The live model's columns as its history rows copy them."""
    live = _live_model(history)
    own = {f.attname for f in history._meta.concrete_fields}
    return [f.attname for f in live._meta.concrete_fields if f.attname in own]


def compare_live(*, using: str = "default") -> list[LiveBreak]:
    """Every live row of a history-tracked table against its newest history row: a raw edit,
    a raw insert or a raw delete (which write no history) shows here."""
    found: list[LiveBreak] = []
    for history in history_models():
        if "history_type" not in {f.name for f in history._meta.concrete_fields}:
            continue  # a many-to-many table of a history row: its parent row is compared
        live = _live_model(history)
        label = live._meta.label_lower
        fields = _tracked_fields(history)
        pk_name = live._meta.pk.attname
        newest: dict[object, tuple[str, tuple]] = {}
        rows = (
            history._base_manager.using(using)
            .order_by(pk_name, "history_id")
            .values_list(pk_name, "history_type", *fields)
        )
        for row in rows.iterator(chunk_size=CHUNK):
            newest[row[0]] = (row[1], row[2:])
        seen = set()
        for values in (
            live._base_manager.using(using).values_list(*fields).iterator(chunk_size=CHUNK)
        ):
            key = values[fields.index(pk_name)]
            seen.add(key)
            recorded = newest.get(key)
            if recorded is None or recorded[0] == "-":
                found.append(LiveBreak(LIVE_UNRECORDED, label, key))
            elif canonical(list(recorded[1])) != canonical(list(values)):
                found.append(LiveBreak(LIVE_CHANGED, label, key))
        for key, (kind, _values) in newest.items():
            if key not in seen and kind != "-":
                found.append(LiveBreak(LIVE_DELETED, label, key))
    return found
