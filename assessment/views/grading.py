"""Lead departments assess their own indicators: the list of indicators and the grid of one.

Thin: the form parses, ``assessment.services.grading`` decides and writes; these pages choose
the rows, read the evidence beside them (a fixed number of queries) and show the refusals.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, Q, QuerySet, Sum, Window
from django.db.models.functions import RowNumber
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from assessment.access import manages_assessment
from assessment.forms.base import opened_state
from assessment.forms.grading import GradingGridForm
from assessment.models import AssessmentYear, Evidence, EvidenceStatus, Indicator
from assessment.policy import Action, year_check
from assessment.selectors import years as selectors
from assessment.services.grading import (
    GRADING_METHODS,
    GridError,
    grading_existing,
    grading_refusal,
    grading_save,
    grading_units,
    may_edit_row,
)
from units.access import AnyUser, account, is_lead, user_unit_id
from units.models import Unit

LAST_RECORDS = 3


def _require_assessor(request: HttpRequest) -> None:
    user = request.user
    if not (manages_assessment(user) or (is_lead(user) and user_unit_id(user) is not None)):
        raise PermissionDenied


def _assessable(user: AnyUser, year: AssessmentYear) -> QuerySet[Indicator]:
    indicators = Indicator.objects.filter(year=year, method__in=GRADING_METHODS)
    if not manages_assessment(user):
        indicators = indicators.filter(lead_unit_id=user_unit_id(user))
    return indicators.select_related("category", "lead_unit").order_by(
        "category__sort_order", "sort_order", "code"
    )


@require_http_methods(["GET"])
@login_required
def grading_index(request: HttpRequest, year: int) -> HttpResponse:
    """The indicators the user assesses this year: all of them for the office."""
    _require_assessor(request)
    assessment_year = selectors.year_get_for_user(request.user, year)
    context = {
        "year": assessment_year,
        "indicators": list(_assessable(request.user, assessment_year)),
    }
    return render(request, "grading/index.html", context)


# --- the grid ---------------------------------------------------------------------------------


@dataclass
class EvidenceSummary:
    verified: Decimal | None = None
    pending: Decimal | None = None
    recent: list[Evidence] | None = None


def _evidence(indicator: Indicator) -> dict[int, EvidenceSummary]:
    """Each unit's evidence on the indicator: amounts (one query) and last records (one)."""
    current = Evidence.objects.filter(indicator=indicator, is_current=True)
    summaries: dict[int, EvidenceSummary] = {}
    amounts = current.values("unit_id").annotate(
        verified=Sum("value", filter=Q(status=EvidenceStatus.VERIFIED)),
        pending=Sum("value", filter=Q(status=EvidenceStatus.PENDING)),
    )
    for row in amounts.order_by():
        summaries[row["unit_id"]] = EvidenceSummary(row["verified"], row["pending"], [])
    recent = (
        current.annotate(
            position=Window(
                RowNumber(),
                partition_by=[F("unit_id")],
                order_by=[F("date").desc(), F("recorded_at").desc(), F("pk").desc()],
            )
        )
        .filter(position__lte=LAST_RECORDS)
        .only("unit_id", "date", "value", "description", "status")
        .order_by("unit_id", "position")
    )
    for evidence in recent:
        summary = summaries.setdefault(evidence.unit_id, EvidenceSummary(recent=[]))
        assert summary.recent is not None
        summary.recent.append(evidence)
    return summaries


@dataclass
class GridRow:
    unit: Unit
    editable: bool
    fields: list[Any]
    current: Any
    evidence: EvidenceSummary


def _grid_page(
    request: HttpRequest,
    indicator: Indicator,
    units: list[Unit],
    existing: dict[int, Any],
    form: GradingGridForm,
) -> HttpResponse:
    evidence = _evidence(indicator)
    rows = [
        GridRow(
            unit=unit,
            editable=unit in form.units,
            fields=form.row(unit) if unit in form.units else [],
            current=existing.get(unit.pk),
            evidence=evidence.get(unit.pk, EvidenceSummary(recent=[])),
        )
        for unit in units
    ]
    try:  # closed to this user now (an amendment's reason is asked by the form, not here)
        year_check(indicator.year, Action.ENTER_ASSESSMENTS, reason="-", by=request.user)
        closed = None
    except ValidationError as error:
        closed = " ".join(error.messages)
    context = {
        "year": indicator.year,
        "indicator": indicator,
        "form": form,
        "rows": rows,
        "closed": closed,
        "is_office": manages_assessment(request.user),
    }
    return render(request, "grading/grid.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def grading_grid(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    """Every active unit of the indicator's category, its evidence, and one input per row."""
    _require_assessor(request)
    assessment_year = selectors.year_get_for_user(request.user, year)
    indicator = get_object_or_404(
        Indicator.objects.select_related("category", "lead_unit"), year=assessment_year, pk=pk
    )
    indicator.year = assessment_year
    if indicator.method not in GRADING_METHODS:
        raise Http404
    if grading_refusal(request.user, indicator) is not None:
        raise PermissionDenied
    units = list(grading_units(indicator))
    existing = grading_existing(indicator)
    editable = [unit for unit in units if may_edit_row(request.user, unit)]
    bound = request.method == "POST"
    form = GradingGridForm(
        request.POST if bound else None, indicator=indicator, units=editable, existing=existing
    )
    if bound and form.is_valid():
        try:
            counts = grading_save(
                indicator=indicator,
                rows=form.rows(),
                by=account(request.user),
                reason=form.cleaned_data.get("amendment_reason", ""),
                expected_state=opened_state(form),
            )
        except GridError as error:
            form.add_grid_errors(error)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _("Saved: %(created)s new, %(updated)s changed, %(unchanged)s unchanged.")
                % {
                    "created": counts.created,
                    "updated": counts.updated,
                    "unchanged": counts.unchanged,
                },
            )
            return redirect(
                reverse("assessment:grading_grid", kwargs={"year": year, "pk": indicator.pk})
            )
    return _grid_page(request, indicator, units, existing, form)
