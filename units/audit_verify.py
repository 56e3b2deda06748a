"""Verifying the audit chain (``manage.py verify_audit``): walk the seals in order, recompute
every hash from the history rows as they are now, and list what no longer matches — a changed
or deleted history row, a seal altered or cut out, a row never sealed — and, through
``units.audit_live``, the live rows that differ from their last recorded change. How the chain
is written is ``units.audit``."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Count, Max
from django.utils.translation import gettext_lazy as _

from units.audit import (
    CHUNK,
    GENESIS,
    _added_later,
    _columns,
    _key,
    _seal_model,
    link,
    row_hash,
    sealed_models,
)

if TYPE_CHECKING:
    from units.audit_live import LiveBreak

# What a break is: in the history (its rows and their seals) or in a live row against it.
CONTENT_CHANGED = "content_changed"
ROW_DELETED = "row_deleted"
SEAL_BROKEN = "seal_broken"
LIVE_CHANGED = "live_changed"
LIVE_UNRECORDED = "live_unrecorded"
LIVE_DELETED = "live_deleted"
KIND_LABELS = {
    CONTENT_CHANGED: _("the history row's content was changed"),
    ROW_DELETED: _("the history row was deleted"),
    SEAL_BROKEN: _("the seal was altered, or a seal before it is missing or out of order"),
    LIVE_CHANGED: _("the row differs from its last recorded change"),
    LIVE_UNRECORDED: _("the row has no recorded history"),
    LIVE_DELETED: _("the row is gone, but its history records no deletion"),
}


@dataclass
class Break:
    kind: str
    table: str
    history_id: int
    seal: int | None = None  # the seal's sequence number


@dataclass
class Report:
    seals: int = 0
    head: str = GENESIS
    breaks: list[Break] = field(default_factory=list)
    unsealed: dict[str, list[int]] = field(default_factory=dict)
    live: list[LiveBreak] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.breaks and not self.unsealed and not self.live


def _chunks(queryset: models.QuerySet) -> Iterator[list[tuple]]:
    batch: list[tuple] = []
    for item in queryset.iterator(chunk_size=CHUNK):
        batch.append(item)
        if len(batch) >= CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


def _current_hashes(
    batch: list[tuple], by_label: dict[str, type[models.Model]], using: str
) -> dict[tuple[str, int], str]:
    """The hash of each sealed history row of ``batch`` as the row is now (absent: deleted)."""
    wanted: dict[str, list[int]] = {}
    for _pk, table, history_id, _row, _chain in batch:
        wanted.setdefault(table, []).append(history_id)
    current: dict[tuple[str, int], str] = {}
    for table, ids in wanted.items():
        model = by_label.get(table)
        if model is None:
            continue
        columns = _columns(model)
        id_index = columns.index(_key(model))
        added = _added_later(model)
        for start in range(0, len(ids), 500):
            rows = model._base_manager.using(using).filter(pk__in=ids[start : start + 500])
            for values in rows.values_list(*columns):
                current[(table, values[id_index])] = row_hash(table, columns, values, added)
    return current


def _unsealed(by_label: dict[str, type[models.Model]], using: str) -> dict[str, list[int]]:
    sealed = _seal_model()._base_manager.using(using)
    unsealed: dict[str, list[int]] = {}
    for label, model in by_label.items():
        missing = (
            model._base_manager.using(using)
            .exclude(pk__in=sealed.filter(table=label).values("history_id"))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if found := list(missing):
            unsealed[label] = found
    return unsealed


def _superseded(using: str) -> set[int]:
    """The seals followed by a later seal of the same row (an amendment through the ORM)."""
    seals = _seal_model()._base_manager.using(using)
    again = (
        seals.values("table", "history_id")
        .annotate(count=Count("pk"), last=Max("pk"))
        .filter(count__gt=1)
    )
    superseded: set[int] = set()
    for item in again:
        earlier = seals.filter(table=item["table"], history_id=item["history_id"])
        superseded.update(earlier.exclude(pk=item["last"]).values_list("pk", flat=True))
    return superseded


def verify(*, using: str = "default") -> Report:
    """Walk the chain in order and recompute every hash; list the breaks and unsealed rows."""
    report = Report()
    by_label = {m._meta.label_lower: m for m in sealed_models()}
    previous = GENESIS
    seals = _seal_model()._base_manager.using(using).order_by("pk")
    fields = ("pk", "table", "history_id", "row_hash", "chain_hash")
    superseded = _superseded(using)
    for batch in _chunks(seals.values_list(*fields)):
        current = _current_hashes(batch, by_label, using)
        for pk, table, history_id, stored_row, stored_chain in batch:
            report.seals += 1
            if stored_chain != link(previous, stored_row):
                report.breaks.append(Break(SEAL_BROKEN, table, history_id, pk))
            if pk in superseded:  # the row was amended through the app and sealed again
                previous = stored_chain
                continue
            recomputed = current.get((table, history_id))
            if recomputed is None:
                report.breaks.append(Break(ROW_DELETED, table, history_id, pk))
            elif recomputed != stored_row:
                report.breaks.append(Break(CONTENT_CHANGED, table, history_id, pk))
            previous = stored_chain
    report.head = previous
    report.unsealed = _unsealed(by_label, using)
    from units.audit_live import compare_live  # it reads this module's break kinds

    report.live = compare_live(using=using)
    return report


def head_reached(expected: str, *, using: str = "default") -> bool:
    """Whether a chain hash noted earlier is still in the chain (its head, or a seal on the
    way to it): cutting the newest seals off the end loses it."""
    return _seal_model()._base_manager.using(using).filter(chain_hash=expected).exists()
