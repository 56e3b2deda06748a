"""The workbench remembers each visit (``WorkbenchVisit``): when, and the headline figures it
showed, so that the next visit can say what changed since."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from reports.models import WorkbenchVisit


@transaction.atomic
def workbench_visit(
    *, user: User, figures: dict[str, Any], now: datetime.datetime
) -> WorkbenchVisit | None:
    """Note this visit with its figures; return the previous visit (None on the first).

    Two first visits at once (two tabs, or several people sharing an account) both find no row:
    one writes it, the other then reads it under its lock and carries on as a later visit."""
    visit = WorkbenchVisit.objects.select_for_update().filter(user=user).first()
    if visit is None:
        try:
            with transaction.atomic():  # a savepoint: the request goes on if it is refused
                WorkbenchVisit.objects.create(user=user, seen_at=now, figures=figures)
            return None
        except IntegrityError:  # written meanwhile by the other first visit
            visit = WorkbenchVisit.objects.select_for_update().get(user=user)
    previous = WorkbenchVisit(user=user, seen_at=visit.seen_at, figures=dict(visit.figures))
    visit.seen_at = now
    visit.figures = figures
    visit.full_clean()
    visit.save()
    return previous
