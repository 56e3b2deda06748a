"""Reads of units and cadres, filtered by what the reading user may see."""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from units.access import AnyUser, is_staff_member, sees_all_units, user_unit_id
from units.models import Cadre, Unit, UnitCategory

M = TypeVar("M", bound=models.Model)


def _visible(rows: QuerySet[M], user: AnyUser, unit_lookup: str) -> QuerySet[M]:
    """The rows a user may see: every one for the roles that see all units, their own unit's
    (``unit_lookup`` names it) for anyone else on the staff, none for the rest."""
    if not is_staff_member(user):
        return rows.none()
    if sees_all_units(user):
        return rows
    unit_id = user_unit_id(user)
    return rows.none() if unit_id is None else rows.filter(**{unit_lookup: unit_id})


def units_for_user(user: AnyUser) -> QuerySet[Unit]:
    return _visible(Unit.objects.select_related("category", "parent"), user, "pk")


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
    return _visible(Cadre.objects.select_related("unit", "unit__category"), user, "unit_id")


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
