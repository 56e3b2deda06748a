"""The assessment office's draft schemes: list, change, compare with the year, export, balance.

Office only (and administrators): a draft is the office's working paper, not a result. Charts
take their numbers from a json_script island (no inline script under the CSP), and every chart
has its table in the page.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessment.access import manages_assessment
from assessment.forms.base import add_service_errors, opened_state
from assessment.forms.drafts import AdoptForm, DraftCreateForm, DraftForm, DraftIndicatorForm
from assessment.lib.whatif_pages import (
    balance_charts,
    balance_messages,
    category_names,
    comparison_charts,
    comparison_lines,
    comparison_workbook,
)
from assessment.models import AssessmentYear, DraftScheme, MethodChoices
from assessment.scoring.balance import CategoryBalance, balance
from assessment.scoring.whatif import Draft, draft_inputs, with_catalogues, without_inputs
from assessment.selectors import drafts as selectors
from assessment.selectors import years as year_selectors
from assessment.services import drafts as service
from assessment.views.feedback import say_refusal
from units.downloads import attachment

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_office(request: HttpRequest) -> None:
    if not manages_assessment(request.user):
        raise PermissionDenied


def _draft(request: HttpRequest, pk: int) -> DraftScheme:
    _require_office(request)
    return get_object_or_404(DraftScheme.objects.select_related("year"), pk=pk)


def _list_page(
    request: HttpRequest, year: AssessmentYear, form: DraftCreateForm | None = None
) -> HttpResponse:
    context = {
        "year": year,
        "drafts": selectors.year_drafts(year),
        "form": form or DraftCreateForm(),
    }
    return render(request, "drafts/draft_list.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def draft_list(request: HttpRequest, year: int) -> HttpResponse:
    _require_office(request)
    record = year_selectors.year_get_for_user(request.user, year)
    if request.method != "POST":
        return _list_page(request, record)
    form = DraftCreateForm(request.POST)
    if form.is_valid():
        try:
            draft = service.draft_create(
                year=record, name=form.cleaned_data["name"], by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error, ["name"])
        else:
            messages.success(request, _("The draft “%(name)s” was made.") % {"name": draft.name})
            return redirect("assessment:draft_edit", pk=draft.pk)
    return _list_page(request, record, form)


def _edit_page(
    request: HttpRequest,
    draft: DraftScheme,
    form: DraftForm | None = None,
    add_form: DraftIndicatorForm | None = None,
) -> HttpResponse:
    context = {
        "draft": draft,
        "year": draft.year,
        "form": form or DraftForm(draft=draft),
        "add_form": add_form or DraftIndicatorForm(),
        "new_keys": {f"{c}/{code}" for c, code in service.new_indicators(draft)},
        "removed": service.removed_indicators(draft),
        "categories": category_names(),
        "adopt_form": AdoptForm(),
    }
    return render(request, "drafts/draft_edit.html", context)


def _saved(form: DraftForm | DraftIndicatorForm, save: Callable[[], object]) -> bool:
    """Run the service ``save`` for a valid form; its refusal goes onto the form."""
    if not form.is_valid():
        return False
    try:
        save()
    except ValidationError as error:
        add_service_errors(form, error, list(form.fields))
        return False
    return True


@require_http_methods(["GET", "POST"])
@login_required
def draft_edit(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _draft(request, pk)
    if request.method != "POST":
        return _edit_page(request, draft)
    form = DraftForm(request.POST, draft=draft)
    saved = _saved(
        form,
        lambda: service.draft_update(
            draft=draft,
            by=request.user,
            name=form.cleaned_data["name"],
            params=form.parameters(),
            indicators=form.indicator_changes(),
            bonus_pool=form.cleaned_data["bonus_pool"],
            expected_state=opened_state(form),
        ),
    )
    if not saved:
        return _edit_page(request, draft, form=form)
    messages.success(request, _("The draft was saved."))
    return redirect("assessment:draft_compare", pk=draft.pk)


def _to_indicators(draft: DraftScheme) -> HttpResponse:
    return redirect(f"{reverse('assessment:draft_edit', args=[draft.pk])}#draft-indicators")


@require_POST
@login_required
def draft_indicator_add(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _draft(request, pk)
    form = DraftIndicatorForm(request.POST)
    saved = _saved(
        form,
        lambda: service.draft_indicator_add(draft=draft, by=request.user, **form.indicator()),
    )
    if not saved:
        return _edit_page(request, draft, add_form=form)
    name = form.cleaned_data["name"]
    messages.success(request, _("「%(name)s」 was added to the draft.") % {"name": name})
    return _to_indicators(draft)


@require_POST
@login_required
def draft_indicator_remove(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _draft(request, pk)
    category, _sep, code = request.POST.get("indicator", "").partition("/")
    name = next(
        (r["name"] for r in draft.indicators if (r["category"], r["code"]) == (category, code)),
        None,
    )
    try:
        service.draft_indicator_remove(draft=draft, by=request.user, category=category, code=code)
    except ValidationError as error:
        say_refusal(request, error)
    else:
        if name is not None:
            messages.success(
                request, _("「%(name)s」 was removed from the draft.") % {"name": name}
            )
    return redirect(f"{reverse('assessment:draft_edit', args=[draft.pk])}#draft-indicators")


def _last_year(request: HttpRequest) -> bool:
    return request.GET.get("basis") == "last"


def _scored(request: HttpRequest, draft: DraftScheme) -> service.DraftRun | None:
    try:
        return service.draft_run(draft, last_year=_last_year(request))
    except ValidationError as error:  # ComputeRefused too: every problem is listed
        say_refusal(request, error)
    return None


@require_GET
@login_required
def draft_compare(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _draft(request, pk)
    run = _scored(request, draft)
    new = service.new_indicators(draft)
    context: dict[str, Any] = {
        "draft": draft,
        "year": draft.year,
        "last_year": _last_year(request),
        "added": [r for r in draft.indicators if (r["category"], r["code"]) in new],
        "removed": service.removed_indicators(draft),
        "categories_by_code": category_names(),
        "method_labels": dict(MethodChoices.choices),
    }
    if run is not None:
        names = category_names()
        context.update(
            run=run,
            lines=comparison_lines(run),
            categories=[
                (names.get(c.category, c.category), c) for c in run.result.comparison.categories
            ],
            charts=comparison_charts(run, names),
        )
    return render(request, "drafts/draft_compare.html", context)


@require_GET
@login_required
def draft_export(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _draft(request, pk)
    try:
        run = service.draft_run(draft, last_year=_last_year(request))
    except ValidationError as error:
        say_refusal(request, error)
        return redirect("assessment:draft_compare", pk=draft.pk)
    name = pgettext("file name", "Draft comparison")
    return attachment(
        HttpResponse(comparison_workbook(run), content_type=XLSX),
        f"{name}-{draft.name}-{run.basis.year}.xlsx",
        f"draft-comparison-{draft.pk}-{run.basis.year}.xlsx",
    )


@require_GET
@login_required
def draft_balance(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _draft(request, pk)
    run = _scored(request, draft)
    context: dict[str, Any] = {"draft": draft, "year": draft.year}
    if run is not None:
        schemes = with_catalogues(draft.scheme(), run.data.inputs.indicators)
        plan = Draft(indicators=schemes, params=draft.scoring_params())
        inputs = draft_inputs(run.data.inputs, plan)
        balances = balance(inputs, run.result.new)
        names = {(row["category"], row["code"]): row["name"] for row in draft.indicators}
        unrecorded = {key for key in service.new_indicators(draft) if without_inputs(inputs, *key)}
        context.update(_balance_context(balances, names, run.basis.year, unrecorded))
    return render(request, "drafts/balance.html", context)


@require_GET
@login_required
def year_balance(request: HttpRequest, year: int) -> HttpResponse:
    _require_office(request)
    record = year_selectors.year_get_for_user(request.user, year)
    names = category_names()
    balances = [
        found for code in names if (found := selectors.stored_balance(record, code)) is not None
    ]
    indicator_names = selectors.indicator_names(record)
    context = {"year": record, **_balance_context(balances, indicator_names, record.year)}
    return render(request, "drafts/balance.html", context)


def _balance_context(
    balances: Iterable[CategoryBalance],
    indicator_names: Mapping[tuple[str, str], str],
    year: int,
    unrecorded: Collection[tuple[str, str]] = (),
) -> dict[str, Any]:
    names = category_names()
    balances = list(balances)
    return {
        "balances": [
            (
                names.get(b.category, b.category),
                b,
                balance_messages(b, indicator_names, year, unrecorded),
            )
            for b in balances
        ],
        "charts": balance_charts(balances, names),
    }


@require_POST
@login_required
def draft_copy(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _draft(request, pk)
    name = _("Copy of %(name)s") % {"name": draft.name}
    try:
        copy = service.draft_copy(draft=draft, name=name[:100], by=request.user)
    except ValidationError as error:
        say_refusal(request, error)
        return redirect("assessment:draft_list", year=draft.year.year)
    messages.success(request, _("The draft “%(name)s” was made.") % {"name": copy.name})
    return redirect("assessment:draft_edit", pk=copy.pk)


@require_POST
@login_required
def draft_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _require_office(request)
    gone = selectors.deleted_draft_year(pk)
    if gone is not None:  # the button pressed twice: the first press deleted it
        messages.info(request, _("The draft has been deleted."))
        return redirect("assessment:draft_list", year=gone)
    draft = _draft(request, pk)
    year = draft.year.year
    service.draft_delete(draft=draft, by=request.user)
    messages.success(request, _("The draft “%(name)s” was deleted.") % {"name": draft.name})
    return redirect("assessment:draft_list", year=year)


@require_POST
@login_required
def draft_adopt(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _draft(request, pk)
    form = AdoptForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a year that is being set up."))
        return redirect("assessment:draft_edit", pk=draft.pk)
    target = form.cleaned_data["year"]
    try:
        count = service.draft_adopt(draft=draft, year=target, by=request.user)
    except ValidationError as error:
        say_refusal(request, error)
        return redirect("assessment:draft_edit", pk=draft.pk)
    messages.success(
        request,
        _("The %(year)s assessment now has the draft's scheme (%(count)s indicators).")
        % {"year": target.year, "count": count},
    )
    return redirect("assessment:scheme_index", year=target.year)
