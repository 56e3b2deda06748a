"""Staff pages to browse units, cadres and categories. Thin: selectors do the reading."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from units import selectors
from units.access import is_staff_member, sees_all_units
from units.models import UnitCategory

PAGE_SIZE = 50


def _require_staff_member(request: HttpRequest) -> None:
    if not is_staff_member(request.user):
        raise PermissionDenied


def _active_filter(value: str) -> bool | None:
    return {"": True, "1": True, "0": False, "all": None}.get(value, True)


def _filtered_list(
    select: Callable[..., QuerySet[Any]], template: str
) -> Callable[[HttpRequest], HttpResponse]:
    """A staff page of what ``select`` reads for the user, by category, search and status."""

    @require_GET
    @login_required
    def filtered_list(request: HttpRequest) -> HttpResponse:
        _require_staff_member(request)
        category = request.GET.get("category", "")
        query = request.GET.get("q", "").strip()
        active = request.GET.get("active", "")
        found = select(
            user=request.user, category=category, query=query, active=_active_filter(active)
        )
        context = {
            "page": Paginator(found, PAGE_SIZE).get_page(request.GET.get("page")),
            "categories": UnitCategory.objects.all(),
            "category": category,
            "q": query,
            "active": active,
        }
        return render(request, template, context)

    return filtered_list


unit_list = _filtered_list(selectors.unit_list, "units/unit_list.html")
cadre_list = _filtered_list(selectors.cadre_list, "units/cadre_list.html")


@require_GET
@login_required
def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    _require_staff_member(request)
    unit = selectors.unit_get_for_user(request.user, code)
    show_history = request.user.has_perm("units.view_history")
    context = {
        "unit": unit,
        "cadres": unit.cadres.order_by("-is_active", "-rank_kind", "name"),
        "children": unit.children.select_related("category"),
        "members": unit.memberships.select_related("user").prefetch_related("user__groups")
        if sees_all_units(request.user)
        else None,
        "history": unit.history.select_related("history_user")[:20] if show_history else None,
    }
    return render(request, "units/unit_detail.html", context)


@require_GET
@login_required
def category_list(request: HttpRequest) -> HttpResponse:
    if not sees_all_units(request.user):
        raise PermissionDenied
    return render(
        request, "units/category_list.html", {"categories": selectors.categories_with_counts()}
    )
