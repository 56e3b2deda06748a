"""The workbench remembers each visit (``WorkbenchVisit``): when, and the headline figures it
showed, so that the next visit can say what changed since."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from reports.models import WorkbenchVisit


@transaction.atomic
def workbench_visit(
    *, user: User, figures: dict[str, Any], now: datetime.datetime
) -> WorkbenchVisit | None:
    """Note this visit with its figures; return the previous visit (None on the first)."""
    visit = WorkbenchVisit.objects.select_for_update().filter(user=user).first()
    previous = None
    if visit is None:
        visit = WorkbenchVisit(user=user)
    else:
        previous = WorkbenchVisit(user=user, seen_at=visit.seen_at, figures=dict(visit.figures))
    visit.seen_at = now
    visit.figures = figures
    visit.full_clean()
    visit.save()
    return previous
