"""Reads of catalogued items: the claims (申报) and findings by the list, the documents two
units cite, and the waivers the office proposed.

Who reads which claims follows ``view_evidence``: the office, leaders and supervision every
unit's, a lead department its own unit's and those of the indicators it leads, a unit its own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet

from assessment.access import manages_assessment, sees_every_record
from assessment.models import AssessmentYear, Evidence, EvidenceStatus, Item, Waiver
from assessment.selectors.evidence import WAIVERS
from units.access import AnyUser, is_lead, user_unit_id
from units.models import Unit


def _readable(user: AnyUser, records: QuerySet[Evidence]) -> QuerySet[Evidence]:
    if sees_every_record(user):
        return records
    own = user_unit_id(user)
    if is_lead(user) and own is not None:
        return records.filter(Q(unit_id=own) | Q(indicator__lead_unit_id=own))
    return records.filter(unit_id=own) if own is not None else records.none()


def sees_shared_documents(user: AnyUser) -> bool:
    """Who is told that another unit cites the same document: those who verify or oversee."""
    return bool(sees_every_record(user) or is_lead(user))


@dataclass
class Claim:
    """One record by the list: its points before any cap (item points × count), and the other
    units citing the same document in the year."""

    record: Evidence
    points: Decimal
    shared_with: list[str] = field(default_factory=list)


def claims_for_user(
    user: AnyUser, year: AssessmentYear, *, unit: Unit | None = None, item: Item | None = None
) -> list[Claim]:
    """The current records naming a catalogued item in the year (rejected ones left out), the
    newest first; by one unit and/or one item when given."""
    records: QuerySet[Evidence] = Evidence.objects.current().filter(
        indicator__year=year, item__isnull=False
    )
    records = _readable(user, records.exclude(status=EvidenceStatus.REJECTED))
    if unit is not None:
        records = records.filter(unit=unit)
    if item is not None:
        records = records.filter(item=item)
    rows = list(
        records.select_related("unit", "indicator", "item", "recorded_by")
        .prefetch_related(WAIVERS)
        .order_by("-date", "-recorded_at", "-pk")
    )
    shared = (
        shared_documents(year, (r.document for r in rows)) if sees_shared_documents(user) else {}
    )
    claims = []
    for record in rows:
        assert record.item is not None  # item__isnull=False
        others = [name for pk, name in shared.get(record.document, []) if pk != record.unit_id]
        claims.append(Claim(record, record.item.points * record.value, others))
    return claims


def shared_documents(
    year: AssessmentYear, documents: Iterable[str]
) -> dict[str, list[tuple[int, str]]]:
    """Of these document numbers, those that records of two or more units cite in the year
    (current, not rejected): document → [(unit id, unit name)], one query."""
    wanted = {document for document in documents if document}
    if not wanted:
        return {}
    citing: dict[str, dict[int, str]] = defaultdict(dict)
    for document, unit_id, name in (
        Evidence.objects.current()
        .filter(indicator__year=year, document__in=wanted)
        .exclude(status=EvidenceStatus.REJECTED)
        .values_list("document", "unit_id", "unit__name")
    ):
        citing[document][unit_id] = name
    return {
        document: sorted(units.items(), key=lambda unit: unit[1])
        for document, units in citing.items()
        if len(units) > 1
    }


def items_of_year(year: AssessmentYear) -> QuerySet[Item]:
    return (
        Item.objects.filter(indicator__year=year)
        .select_related("indicator")
        .order_by("indicator__category__sort_order", "indicator__code", "sort_order", "code")
    )


def waivers_for_user(user: AnyUser, year: AssessmentYear) -> QuerySet[Waiver]:
    """The year's waivers, the newest first (the office's list); none for anyone else."""
    waivers = Waiver.objects.filter(evidence__indicator__year=year)
    if not manages_assessment(user):
        return waivers.none()
    return waivers.select_related(
        "evidence__unit", "evidence__indicator", "evidence__item", "proposed_by",
        "confirmed_by", "declined_by",
    ).order_by("-proposed_at", "-pk")  # fmt: skip
