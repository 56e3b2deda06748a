"""The reminders pages: a year's overdue work per role, and the office's deadlines form.

Thin: ``reports.reminders.work`` works out the reminders, ``audience`` keeps what the user may
read, the form filters; the deadlines form is saved by ``reminders.services.deadlines_save``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from assessment.models import AssessmentYear
from assessment.selectors import years as selectors
from assessment.views.feedback import year_redirect
from reports.models import PhaseDeadline
from reports.reminders.audience import readable, reads_every_reminder, sets_deadlines
from reports.reminders.forms import DeadlinesForm, ReminderFilterForm
from reports.reminders.items import ACTOR_LABELS, Actor, Reminder, UnitRef
from reports.reminders.services import deadline_refusal, deadlines_save, deadlines_state
from reports.waiting import Waiting
from reports.workbench.page import current_year
from units.access import is_staff_member


@dataclass
class Group:
    """The reminders of one party: the office, one lead department or one unit."""

    actor: Actor
    unit: UnitRef | None
    items: list[Reminder]

    @property
    def title(self) -> str:
        return str(ACTOR_LABELS[self.actor]) if self.unit is None else self.unit.name

    @property
    def overdue(self) -> int:
        return sum(item.is_overdue for item in self.items)


def grouped(items: list[Reminder]) -> dict[Actor, list[Group]]:
    """Per role, per acting party, in the order of ``items`` (already sorted that way)."""
    groups: dict[Actor, list[Group]] = {actor: [] for actor in Actor}
    for item in items:
        parties = groups[item.actor]
        if not parties or parties[-1].unit != item.actor_unit:
            parties.append(Group(item.actor, item.actor_unit, []))
        parties[-1].items.append(item)
    return groups


def _require_staff_member(request: HttpRequest) -> None:
    if not is_staff_member(request.user):
        raise PermissionDenied


@require_GET
@login_required
def latest(request: HttpRequest) -> HttpResponse:
    """The reminders of the latest year not yet published (or of the latest year)."""
    _require_staff_member(request)
    return year_redirect(request, current_year(), "reminders:year", otherwise="home")


@require_GET
@login_required
def year_page(request: HttpRequest, year: int) -> HttpResponse:
    _require_staff_member(request)
    assessment_year = selectors.year_get_for_user(request.user, year)
    reminders = Waiting(assessment_year, timezone.localdate()).reminders
    mine = readable(request.user, reminders.items)
    form = ReminderFilterForm(request.GET or None)
    shown = form.apply(mine)
    context = {
        "year": assessment_year,
        "reminders": reminders,
        "form": form,
        "groups": grouped(shown),
        "count": len(shown),
        "overdue_count": sum(item.is_overdue for item in shown),
        "reads_all": reads_every_reminder(request.user),
        "sets_deadlines": sets_deadlines(request.user),
        "years": AssessmentYear.objects.order_by("-year").values_list("year", flat=True),
    }
    return render(request, "reports/reminders/year.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def deadlines(request: HttpRequest, year: int) -> HttpResponse:
    """The office sets the year's phase deadlines; read-only once the year is published."""
    if not sets_deadlines(request.user):
        raise PermissionDenied
    assessment_year = selectors.year_get_for_user(request.user, year)
    refusal = deadline_refusal(assessment_year)
    existing = {d.phase: d for d in PhaseDeadline.objects.filter(year=assessment_year)}
    data = request.POST if request.method == "POST" else None
    form = DeadlinesForm(
        data, year=assessment_year, deadlines=existing, state=deadlines_state(assessment_year)
    )
    if request.method == "POST":
        if refusal:
            messages.error(request, refusal)
            return redirect("reminders:deadlines", year=assessment_year.year)
        if form.is_valid():
            try:
                deadlines_save(
                    year=assessment_year, values=form.values(), by=request.user, state=form.state
                )
            except ValidationError as error:
                for message in form.add_errors(error):
                    messages.error(request, message)
            else:
                messages.success(request, _("The deadlines were saved."))
                return redirect("reminders:year", year=assessment_year.year)
    context = {"year": assessment_year, "form": form, "refusal": refusal}
    return render(request, "reports/reminders/deadlines.html", context)
