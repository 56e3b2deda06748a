"""Reads of draft schemes: a year's drafts, one draft, and its indicators by category."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet

from assessment.models import AssessmentYear, DraftScheme


def year_drafts(year: AssessmentYear) -> QuerySet[DraftScheme]:
    """The drafts made from ``year``, the latest changed first."""
    return DraftScheme.objects.filter(year=year).select_related("created_by")


def draft_rows_by_category(draft: DraftScheme) -> dict[str, Sequence[dict[str, Any]]]:
    """The draft's indicators grouped by category code, in scheme order."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in draft.indicators:
        grouped.setdefault(row["category"], []).append(row)
    return grouped
