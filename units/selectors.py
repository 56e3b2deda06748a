"""Reads of units and cadres, filtered by what the reading user may see."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from units.access import AnyUser, is_staff_member, sees_all_units, user_unit_id
from units.models import Cadre, Unit, UnitCategory


def units_for_user(user: AnyUser) -> QuerySet[Unit]:
    units = Unit.objects.select_related("category", "parent")
    if not is_staff_member(user):
        return units.none()
    if sees_all_units(user):
        return units
    unit_id = user_unit_id(user)
    return units.none() if unit_id is None else units.filter(pk=unit_id)


def unit_list(
    *, user: AnyUser, category: str = "", query: str = "", active: bool | None = True
) -> QuerySet[Unit]:
    units = (
        units_for_user(user)
        .annotate(cadre_count=Count("cadres", filter=Q(cadres__is_active=True)))
        .order_by("category__sort_order", "code")
    )
    if category:
        units = units.filter(category__code=category)
    if query:
        units = units.filter(Q(code__icontains=query) | Q(name__icontains=query))
    if active is not None:
        units = units.filter(is_active=active)
    return units


def unit_get_for_user(user: AnyUser, code: str) -> Unit:
    """The unit with this code, or 404 if it does not exist, 403 if the user may not see it."""
    unit = get_object_or_404(Unit.objects.select_related("category", "parent"), code=code)
    if not user.has_perm("units.view_unit", unit):
        raise PermissionDenied
    return unit


def cadres_for_user(user: AnyUser) -> QuerySet[Cadre]:
    cadres = Cadre.objects.select_related("unit", "unit__category")
    if not is_staff_member(user):
        return cadres.none()
    if sees_all_units(user):
        return cadres
    unit_id = user_unit_id(user)
    return cadres.none() if unit_id is None else cadres.filter(unit_id=unit_id)


def cadre_list(
    *, user: AnyUser, category: str = "", query: str = "", active: bool | None = True
) -> QuerySet[Cadre]:
    cadres = cadres_for_user(user)
    if category:
        cadres = cadres.filter(unit__category__code=category)
    if query:
        cadres = cadres.filter(
            Q(name__icontains=query)
            | Q(position__icontains=query)
            | Q(unit__name__icontains=query)
            | Q(unit__code__icontains=query)
        )
    if active is not None:
        cadres = cadres.filter(is_active=active)
    return cadres


def categories_with_counts() -> QuerySet[UnitCategory]:
    return UnitCategory.objects.annotate(unit_count=Count("units", filter=Q(units__is_active=True)))
