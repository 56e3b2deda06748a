"""Reads of the verification queue: which evidence records a verifier is asked about.

The office is asked about every record of the year, a lead department about those of the
indicators it leads (veto events are the office's alone). The queue leaves out what the user
may never decide: their own unit's records and their own. The service still judges each
decision (``services.records.record_verify_many``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from assessment.access import manages_assessment
from assessment.models import AssessmentYear, Evidence, EvidenceAttachment, MethodChoices
from assessment.models.evidence import EvidenceQuerySet
from assessment.selectors.evidence import IndicatorProgress, unit_progress
from units.access import AnyUser, account, user_unit_id

EARLIER_SHOWN = 12  # earlier records of the unit on the indicator, the newest first
_ATTACHMENTS = Coalesce(
    Subquery(
        EvidenceAttachment.objects.filter(evidence=OuterRef("pk"))
        .order_by()
        .values("evidence")
        .annotate(n=Count("pk"))
        .values("n")
    ),
    0,
)


def decidable_for_user(user: AnyUser, year: AssessmentYear) -> EvidenceQuerySet:
    """Records of the year the user may be asked about, whatever their state."""
    records = Evidence.objects.filter(indicator__year=year)
    if manages_assessment(user):
        return records
    # veto events and disqualifications are confirmed by the office alone, and so are the
    # figures of a data source unit (一数一源)
    return records.filter(
        indicator__lead_unit_id=user_unit_id(user), indicator__source_unit__isnull=True
    ).exclude(indicator__method__in=[MethodChoices.VETO, MethodChoices.DISQUALIFY])


def queue_for_user(user: AnyUser, year: AssessmentYear) -> QuerySet[Evidence]:
    """The pending, current records the user may decide: never their own unit's or their own;
    the oldest first, with what the queue shows."""
    records = decidable_for_user(user, year).awaiting_verification()
    own_unit = user_unit_id(user)
    if own_unit is not None:
        records = records.exclude(unit_id=own_unit)
    return (
        records.exclude(recorded_by=account(user))
        .select_related("unit", "indicator", "item", "recorded_by")
        # counted in a subquery: a join would group the queue by every column it selects,
        # which PostgreSQL takes longer to plan than to run
        .annotate(attachment_count=_ATTACHMENTS)
        .order_by("date", "pk")
    )


def decidable_get_for_user(user: AnyUser, year: AssessmentYear, pk: int) -> Evidence:
    """One record the user may be asked about; 404 for any other."""
    records = decidable_for_user(user, year).select_related(
        "unit", "indicator", "item", "recorded_by"
    )
    return get_object_or_404(records, pk=pk)


@dataclass
class RecordSetting:
    """What a verifier weighs a record against: the unit's target and progress on the
    indicator, and the unit's earlier records on it."""

    progress: IndicatorProgress | None
    earlier: list[Evidence]
    earlier_total: int


def record_setting(record: Evidence) -> RecordSetting:
    """The unit's target and progress on the record's indicator (as on the unit's home page)
    and its other records on the indicator this year, whatever their state, the newest first."""
    progress = unit_progress(unit=record.unit, year=record.indicator.year)
    row = next((r for r in progress.indicators if r.indicator.pk == record.indicator_id), None)
    others = (
        Evidence.objects.filter(unit_id=record.unit_id, indicator_id=record.indicator_id)
        .exclude(pk=record.pk)
        .select_related("recorded_by")
        .order_by("-date", "-pk")
    )
    earlier = list(others[:EARLIER_SHOWN])
    total = len(earlier) if len(earlier) < EARLIER_SHOWN else others.count()
    return RecordSetting(progress=row, earlier=earlier, earlier_total=total)
