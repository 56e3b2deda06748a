"""The workbench (工作台): every staff member's home page (``reports.workbench``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from reports.workbench.page import changes_since, figures, headline, shows_figures, workbench_for
from reports.workbench.visits import workbench_visit
from units.access import account, is_staff_member


@require_GET
@login_required
def workbench(request: HttpRequest) -> HttpResponse:
    if not is_staff_member(request.user):
        raise PermissionDenied
    bench, waiting = workbench_for(request.user, timezone.localdate())
    context: dict[str, object] = {
        "bench": bench,
        "waiting": waiting,
        "since": None,
        "changes": [],
    }
    if waiting is not None and shows_figures(request.user):
        year = waiting.year
        values = headline(waiting)
        previous = workbench_visit(
            user=account(request.user),
            figures={"year": year.year, **values},
            now=timezone.now(),
        )
        before = (
            previous.figures if previous and previous.figures.get("year") == year.year else None
        )
        bench.figures = figures(year, values, before)
        if previous is not None:
            context["since"] = previous.seen_at
            context["changes"] = changes_since(year, previous.seen_at)
    return render(request, "reports/workbench.html", context)
