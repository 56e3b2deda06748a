"""Reads of the verification queue: which evidence records a verifier is asked about.

The office is asked about every record of the year, a lead department about those of the
indicators it leads (veto events are the office's alone). The queue leaves out what the user
may never decide: their own unit's records and their own. The service still judges each
decision (``services.records.record_verify_many``).
"""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from assessment.access import manages_assessment
from assessment.models import AssessmentYear, Evidence, MethodChoices
from units.access import AnyUser, account, user_unit_id


def decidable_for_user(user: AnyUser, year: AssessmentYear) -> QuerySet[Evidence]:
    """Records of the year the user may be asked about, whatever their state."""
    records = Evidence.objects.filter(indicator__year=year)
    if manages_assessment(user):
        return records
    return records.filter(indicator__lead_unit_id=user_unit_id(user)).exclude(
        indicator__method=MethodChoices.VETO
    )


def queue_for_user(user: AnyUser, year: AssessmentYear) -> QuerySet[Evidence]:
    """The pending, current records the user may decide: never their own unit's or their own;
    the oldest first, with what the queue shows."""
    records = decidable_for_user(user, year).filter(
        pk__in=Evidence.objects.awaiting_verification().values("pk")
    )
    own_unit = user_unit_id(user)
    if own_unit is not None:
        records = records.exclude(unit_id=own_unit)
    return (
        records.exclude(recorded_by=account(user))
        .select_related("unit", "indicator", "recorded_by")
        .annotate(attachment_count=Count("attachments"))
        .order_by("date", "pk")
    )


def decidable_get_for_user(user: AnyUser, year: AssessmentYear, pk: int) -> Evidence:
    """One record the user may be asked about; 404 for any other."""
    records = decidable_for_user(user, year).select_related("unit", "indicator", "recorded_by")
    return get_object_or_404(records, pk=pk)
