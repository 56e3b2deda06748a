"""Staff pages of an assessment year: settings, schemes, targets, results.

Thin: a form parses, one service or selector acts, the view renders or redirects. Who may do
what is asked of ``user.has_perm`` (rules in ``assessment.access``); what may change in the
year's state is the policy's, asked by the services.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessment.access import manages_assessment
from assessment.forms.base import opened_state, plain_number
from assessment.forms.years import (
    PARAMETER_GROUPS,
    ComputeForm,
    IndicatorForm,
    ItemForm,
    TargetsForm,
    TransitionForm,
    YearCreateForm,
    YearParametersForm,
    next_states,
)
from assessment.lib.marks import mark
from assessment.lib.whatif_pages import balance_messages
from assessment.models import POINT_METHODS, AssessmentYear, Indicator, Item, YearStatus
from assessment.policy import ALLOWED, WITH_REASON, Action, needs_reason, year_check
from assessment.selectors import drafts as draft_selectors
from assessment.selectors import results as result_selectors
from assessment.selectors import warnings as warning_selectors
from assessment.selectors import years as selectors
from assessment.services import compute as compute_service
from assessment.services import period_targets as period_target_service
from assessment.services import scheme as scheme_service
from assessment.services import year as year_service
from assessment.services.surveys import may_list_surveys
from assessment.views.feedback import say_form_errors, say_refusal
from assessment.views.results import year_results_context
from units.access import is_staff_member, sees_all_units
from units.models import UnitCategory

YEARS_PER_PAGE = 20
UNITS_PER_PAGE = 50


def _require_staff_member(request: HttpRequest) -> None:
    if not is_staff_member(request.user):
        raise PermissionDenied


def _require_perm(request: HttpRequest, perm: str, obj: Model | None = None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def _year_open_for(year: AssessmentYear, action: Action) -> bool:
    """Whether the policy lets ``action`` happen at all now (maybe only with a reason)."""
    status = YearStatus(year.status)
    return status in ALLOWED[action] or status in WITH_REASON[action]


def _may_now(request: HttpRequest, perm: str, year: AssessmentYear, action: Action) -> bool:
    """Whether the user holds ``perm`` on the year and the year is open for ``action`` now."""
    return request.user.has_perm(perm, year) and _year_open_for(year, action)


def _reason(form: forms.BaseForm) -> str:
    return form.cleaned_data.get("reason", "")


# --- years ------------------------------------------------------------------------------------


def _year_list_page(request: HttpRequest, create_form: YearCreateForm | None) -> HttpResponse:
    years = selectors.years_for_user(request.user)
    page = Paginator(years, YEARS_PER_PAGE).get_page(request.GET.get("page"))
    may_add = request.user.has_perm("assessment.add_assessmentyear", AssessmentYear())
    context = {"page": page, "create_form": (create_form or YearCreateForm()) if may_add else None}
    return render(request, "assessment/year_list.html", context)


@require_GET
@login_required
def year_list(request: HttpRequest) -> HttpResponse:
    _require_staff_member(request)
    return _year_list_page(request, None)


@require_POST
@login_required
def year_create(request: HttpRequest) -> HttpResponse:
    _require_perm(request, "assessment.add_assessmentyear", AssessmentYear())
    form = YearCreateForm(request.POST)
    if form.is_valid():
        try:
            year = scheme_service.year_create(year=form.cleaned_data["year"], by=request.user)
        except ValidationError as error:
            form.add_error("year", error.messages)
        else:
            messages.success(
                request, _("The %(year)s assessment was created.") % {"year": year.year}
            )
            return redirect("assessment:year_detail", year=year.year)
    return _year_list_page(request, form)


@require_http_methods(["GET", "POST"])
@login_required
def year_detail(request: HttpRequest, year: int) -> HttpResponse:
    assessment_year = selectors.year_get_for_user(request.user, year)
    may_change = request.user.has_perm("assessment.change_assessmentyear", assessment_year)
    editable = may_change and _year_open_for(assessment_year, Action.EDIT_PARAMETERS)
    form = None
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied
        form = YearParametersForm(request.POST, year=assessment_year)
        if form.is_valid():
            try:
                scheme_service.year_update_parameters(
                    year=assessment_year,
                    by=request.user,
                    data=form.parameters(),
                    reason=_reason(form),
                    expected_state=opened_state(form),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The parameters were saved."))
                return redirect("assessment:year_detail", year=assessment_year.year)
        assessment_year.refresh_from_db()  # the service may have set values it then refused
    elif editable:
        form = YearParametersForm(year=assessment_year)
    may_transition = request.user.has_perm("assessment.publish_results", assessment_year)
    context = {
        "year": assessment_year,
        "form": form,
        "readonly_groups": None if form else _parameter_groups(assessment_year),
        "transitions": next_states(assessment_year) if may_transition else [],
        "transition_form": TransitionForm(prefix="transition") if may_transition else None,
        "may_transition": may_transition,
        "has_run": assessment_year.runs.filter(is_current=True).exists(),
        "history": assessment_year.history.select_related("history_user")[:20]
        if request.user.has_perm("assessment.view_year_history", assessment_year)
        else None,
        **year_results_context(request.user, assessment_year, may_transition),
        "may_list_surveys": may_list_surveys(request.user),
    }
    return render(request, "assessment/year_detail.html", context)


def _parameter_groups(year: AssessmentYear) -> list[tuple[object, list[tuple[object, object]]]]:
    """The parameters as (label, value) pairs per group, for the read-only page."""
    groups: list[tuple[object, list[tuple[object, object]]]] = []
    for label, names in PARAMETER_GROUPS:
        pairs: list[tuple[object, object]] = []
        for name in names:
            value = getattr(year, name)
            field = cast("models.Field[Any, Any]", AssessmentYear._meta.get_field(name))
            shown = plain_number(value) if isinstance(value, Decimal) else value
            pairs.append((field.verbose_name, shown))
        groups.append((label, pairs))
    return groups


@require_POST
@login_required
def year_transition(request: HttpRequest, year: int) -> HttpResponse:
    assessment_year = selectors.year_get_for_user(request.user, year)
    _require_perm(request, "assessment.publish_results", assessment_year)
    form = TransitionForm(request.POST, prefix="transition")
    if not form.is_valid():
        messages.error(request, _("Choose a state the year can move to."))
    else:
        try:
            assessment_year = year_service.year_transition(
                year=assessment_year,
                to=form.cleaned_data["to"],
                by=request.user,
                reason=_reason(form),
                publicity_ends=form.cleaned_data.get("publicity_ends"),
            )
        except ValidationError as error:
            say_refusal(request, error)
        else:
            messages.success(
                request,
                _("The %(year)s assessment is now in the state “%(status)s”.")
                % {"year": assessment_year.year, "status": assessment_year.get_status_display()},
            )
    return redirect("assessment:year_detail", year=assessment_year.year)


# --- schemes ----------------------------------------------------------------------------------


@require_GET
@login_required
def scheme_detail(request: HttpRequest, year: int, category: str) -> HttpResponse:
    assessment_year = selectors.year_get_for_user(request.user, year)
    _require_perm(request, "assessment.view_indicator", assessment_year)
    scheme = selectors.scheme_for_category(assessment_year, selectors.category_get(category))
    may_edit = _may_now(request, "assessment.change_indicator", assessment_year, Action.EDIT_SCHEME)
    context = {
        "year": assessment_year,
        "categories": selectors.categories(),
        "scheme": scheme,
        "may_edit": may_edit,
        "may_delete": may_edit and assessment_year.status == YearStatus.SETUP,
        "balance_warnings": _balance_warnings(request, assessment_year, category),
    }
    return render(request, "assessment/scheme_detail.html", context)


def _balance_warnings(request: HttpRequest, year: AssessmentYear, category: str) -> list[str]:
    """For the office: what the year's stored results say of the scheme's balance."""
    if not manages_assessment(request.user):
        return []
    found = draft_selectors.stored_balance(year, category)
    if found is None:
        return []
    return balance_messages(found, draft_selectors.indicator_names(year), year.year)


def _indicator_form_page(
    request: HttpRequest, year: AssessmentYear, indicator: Indicator
) -> HttpResponse:
    scheme_url = reverse(
        "assessment:scheme_detail", kwargs={"year": year.year, "category": indicator.category.code}
    )
    if not _year_open_for(year, Action.EDIT_SCHEME):
        messages.error(
            request,
            _(
                "The %(year)s assessment is in the state “%(status)s”: the scheme is fixed. A "
                "wrong score is corrected through its inputs (targets, records, grades, ranks), "
                "with the reason for the amendment."
            )
            % {"year": year.year, "status": year.get_status_display()},
        )
        return redirect(scheme_url)
    form = IndicatorForm(request.POST or None, instance=indicator)

    def save() -> object:
        return scheme_service.indicator_save(
            indicator=form.instance,
            by=request.user,
            reason=_reason(form),
            expected_state=opened_state(form),
        )

    if done := _scheme_form_saved(
        request, form, save, _("Indicator %(name)s was saved."), scheme_url
    ):
        return done
    context = {"year": year, "indicator": indicator, "form": form, "scheme_url": scheme_url}
    return render(request, "assessment/indicator_form.html", context)


def _scheme_form_saved(
    request: HttpRequest,
    form: forms.ModelForm,
    save: Callable[[], object],
    saved_text: str,
    scheme_url: str,
) -> HttpResponse | None:
    """On a POST that parses, ``save`` it (the service), say ``saved_text`` and go back to the
    scheme; None: show the form (again), with the service's refusal on top of it."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        saved = save()
    except ValidationError as error:
        form.add_error(None, error)
        return None
    messages.success(request, saved_text % {"name": saved})
    return redirect(scheme_url)


@require_http_methods(["GET", "POST"])
@login_required
def indicator_create(request: HttpRequest, year: int, category: str) -> HttpResponse:
    assessment_year = selectors.year_get_for_user(request.user, year)
    _require_perm(request, "assessment.add_indicator", assessment_year)
    indicator = Indicator(year=assessment_year, category=selectors.category_get(category))
    return _indicator_form_page(request, assessment_year, indicator)


@require_http_methods(["GET", "POST"])
@login_required
def indicator_edit(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    assessment_year = selectors.year_get_for_user(request.user, year)
    _require_perm(request, "assessment.change_indicator", assessment_year)
    indicator = selectors.indicator_get_for_user(request.user, assessment_year, pk)
    return _indicator_form_page(request, assessment_year, indicator)


@require_POST
@login_required
def indicator_delete(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    assessment_year = selectors.year_get_for_user(request.user, year)
    _require_perm(request, "assessment.delete_indicator", assessment_year)
    indicator = selectors.indicator_get_for_user(request.user, assessment_year, pk)
    try:
        scheme_service.indicator_delete(indicator=indicator, by=request.user)
    except ValidationError as error:
        say_refusal(request, error)
    else:
        messages.success(request, _("Indicator %(name)s was deleted.") % {"name": indicator})
    return redirect(
        "assessment:scheme_detail", year=assessment_year.year, category=indicator.category.code
    )


# --- catalogued items of bonus and deduction indicators ----------------------------------------


def _item_form_page(request: HttpRequest, year: AssessmentYear, item: Item) -> HttpResponse:
    scheme_url = reverse(
        "assessment:scheme_detail",
        kwargs={"year": year.year, "category": item.indicator.category.code},
    )
    scheme_url += "#catalogues"
    if not _year_open_for(year, Action.EDIT_SCHEME):
        messages.error(
            request,
            _("The %(year)s assessment is in the state “%(status)s”: the scheme is fixed.")
            % {"year": year.year, "status": year.get_status_display()},
        )
        return redirect(scheme_url)
    form = ItemForm(request.POST or None, instance=item)

    def save() -> object:
        return scheme_service.item_save(item=form.instance, by=request.user, reason=_reason(form))

    if done := _scheme_form_saved(request, form, save, _("Item %(name)s was saved."), scheme_url):
        return done
    context = {"year": year, "item": item, "form": form, "scheme_url": scheme_url}
    return render(request, "assessment/item_form.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def item_create(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    """A new item in the catalogue of the bonus or deduction indicator ``pk``."""
    assessment_year = selectors.year_get_for_user(request.user, year)
    _require_perm(request, "assessment.add_item", assessment_year)
    indicator = selectors.indicator_get_for_user(request.user, assessment_year, pk)
    if indicator.method not in POINT_METHODS:
        raise Http404
    return _item_form_page(request, assessment_year, Item(indicator=indicator))


@require_http_methods(["GET", "POST"])
@login_required
def item_edit(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    assessment_year = selectors.year_get_for_user(request.user, year)
    _require_perm(request, "assessment.change_item", assessment_year)
    item = get_object_or_404(
        Item.objects.select_related("indicator__category"), indicator__year=assessment_year, pk=pk
    )
    return _item_form_page(request, assessment_year, item)


# --- targets ----------------------------------------------------------------------------------


@require_GET
@login_required
def target_index(request: HttpRequest, year: int) -> HttpResponse:
    assessment_year = selectors.year_get_for_user(request.user, year)
    if not sees_all_units(request.user):
        own = selectors.own_unit(request.user)
        if own is None:
            raise PermissionDenied
        return redirect("assessment:targets", year=assessment_year.year, unit=own.code)
    category = request.GET.get("category", "")
    query = request.GET.get("q", "").strip()
    units = selectors.target_units_for_user(
        request.user, assessment_year, category=category, query=query
    )
    page = Paginator(units, UNITS_PER_PAGE).get_page(request.GET.get("page"))
    needed = selectors.targets_needed_per_category(assessment_year)
    for unit in page:
        mark(unit, needed=needed.get(unit.category_id, 0))
    context = {
        "year": assessment_year,
        "page": page,
        "categories": selectors.categories(),
        "category": category,
        "q": query,
    }
    return render(request, "assessment/target_index.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def targets(request: HttpRequest, year: int, unit: str) -> HttpResponse:
    assessment_year = selectors.year_get_for_user(request.user, year)
    target_unit = selectors.target_unit_get_for_user(request.user, unit)
    may_edit = request.user.has_perm("assessment.change_target", target_unit)
    editable = may_edit and _year_open_for(assessment_year, Action.EDIT_TARGETS)
    if request.method == "POST" and not editable:
        if not may_edit:
            raise PermissionDenied
        try:  # the year's state refuses it: say so (e.g. published: only a review reopens it)
            year_check(assessment_year, Action.EDIT_TARGETS, by=request.user)
        except ValidationError as error:
            say_refusal(request, error)
        return redirect("assessment:targets", year=assessment_year.year, unit=target_unit.code)
    grid = selectors.targets_grid(assessment_year, target_unit)
    periods = warning_selectors.year_periods(assessment_year)
    form = TargetsForm(
        request.POST or None,
        grid=grid,
        year=assessment_year,
        periods=periods,
        entered=warning_selectors.period_targets_of(target_unit, periods),
    )
    if request.method == "POST" and form.is_valid():
        try:
            period_target_service.targets_and_periods_save(
                year=assessment_year,
                unit=target_unit,
                rows=form.rows(),
                periods=form.period_entries(),
                by=request.user,
                reason=_reason(form),
                expected_state=opened_state(form),
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request, _("The targets of %(unit)s were saved.") % {"unit": target_unit.name}
            )
            return redirect("assessment:targets", year=assessment_year.year, unit=target_unit.code)
    context = {
        "year": assessment_year,
        "unit": target_unit,
        "form": form,
        "editable": editable,
    }
    return render(request, "assessment/targets.html", context)


# --- results ----------------------------------------------------------------------------------


@require_POST
@login_required
def results_compute(request: HttpRequest, year: int) -> HttpResponse:
    assessment_year = selectors.year_get_for_user(request.user, year)
    _require_perm(request, "assessment.compute_results", assessment_year)
    form = ComputeForm(request.POST, year=assessment_year)
    category = request.POST.get("category", "")
    if not form.is_valid():
        say_form_errors(request, form)
    else:
        try:
            compute_service.results_compute(
                year=assessment_year,
                by=request.user,
                bonus_pool=form.cleaned_data["bonus_pool"],
                reason=_reason(form),
            )
        except ValidationError as error:
            say_refusal(request, error)
        else:
            messages.success(request, _("The results were computed."))
    if category:
        return redirect("assessment:results", year=assessment_year.year, category=category)
    return redirect("assessment:results_index", year=assessment_year.year)


def _first_category(view_name: str) -> Callable[[HttpRequest, int], HttpResponse]:
    """A year's page that goes on to ``view_name`` for the first unit category (to the year's
    page while there is none)."""

    @require_GET
    @login_required
    def to_first_category(request: HttpRequest, year: int) -> HttpResponse:
        assessment_year = selectors.year_get_for_user(request.user, year)
        first = UnitCategory.objects.order_by("sort_order", "code").first()
        if first is None:
            return redirect("assessment:year_detail", year=assessment_year.year)
        return redirect(view_name, year=assessment_year.year, category=first.code)

    return to_first_category


scheme_index = _first_category("assessment:scheme_detail")
results_index = _first_category("assessment:results")


@require_GET
@login_required
def results(request: HttpRequest, year: int, category: str) -> HttpResponse:
    assessment_year = selectors.year_get_for_user(request.user, year)
    table = result_selectors.results_for_category(
        user=request.user, year=assessment_year, category=selectors.category_get(category)
    )
    may_compute = _may_now(request, "assessment.compute_results", assessment_year, Action.COMPUTE)
    context = {
        "year": assessment_year,
        "categories": selectors.categories(),
        "table": table,
        "compute_form": ComputeForm(
            initial={"bonus_pool": assessment_year.bonus_pool}, year=assessment_year
        )
        if may_compute
        else None,
        "compute_needs_reason": needs_reason(assessment_year, Action.COMPUTE),
    }
    return render(request, "assessment/results.html", context)
