from __future__ import annotations

from typing import Any, TypedDict

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User as AuthUser
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_stubs_ext import WithAnnotations
from simple_history.admin import SimpleHistoryAdmin

from units.models import Cadre, Membership, Unit, UnitCategory
from units.services import unit_set_active

admin.site.site_header = _("District target-responsibility assessment")
admin.site.site_title = _("Assessment administration")
admin.site.index_title = _("Administration")


class _ActiveUnits(TypedDict):
    _active_units: int


@admin.register(UnitCategory)
class UnitCategoryAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "sort_order", "active_units"]
    list_editable = ["sort_order"]
    search_fields = ["code", "name"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[UnitCategory]:
        return (
            super()
            .get_queryset(request)
            .annotate(_active_units=Count("units", filter=Q(units__is_active=True)))
        )

    @admin.display(description=_("active units"), ordering="_active_units")
    def active_units(self, obj: WithAnnotations[UnitCategory, _ActiveUnits]) -> int:
        return obj._active_units

    def has_delete_permission(self, request: HttpRequest, obj: UnitCategory | None = None) -> bool:
        if obj is not None and obj.units.exists():
            return False
        return super().has_delete_permission(request, obj)


class CadreInline(admin.TabularInline):
    model = Cadre
    extra = 0
    fields = ["name", "position", "rank_kind", "is_active"]
    show_change_link = True

    def has_delete_permission(self, request: HttpRequest, obj: Unit | None = None) -> bool:
        return False  # cadres are deactivated, so their past evaluations keep a name


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "category", "headcount", "parent", "is_active", "updated_at"]
    list_display_links = ["code", "name"]
    list_filter = ["category", "is_active"]
    search_fields = ["code", "name"]
    list_select_related = ["category", "parent"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [CadreInline]
    actions = ["deactivate", "activate"]
    list_per_page = 50

    def has_delete_permission(self, request: HttpRequest, obj: Unit | None = None) -> bool:
        # A unit with records is deactivated, never deleted (the delete link disappears and a
        # forged delete request is refused by the same check).
        if obj is not None and obj.has_records():
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # bulk delete would bypass the rule above
        return actions

    @admin.action(description=_("Deactivate selected units"), permissions=["change"])
    def deactivate(self, request: HttpRequest, queryset: QuerySet[Unit]) -> None:
        changed = sum(unit_set_active(unit=unit, active=False) for unit in queryset)
        said = ngettext("%(count)d unit deactivated.", "%(count)d units deactivated.", changed)
        self.message_user(request, said % {"count": changed}, messages.SUCCESS)

    @admin.action(description=_("Activate selected units"), permissions=["change"])
    def activate(self, request: HttpRequest, queryset: QuerySet[Unit]) -> None:
        changed = sum(unit_set_active(unit=unit, active=True) for unit in queryset)
        said = ngettext("%(count)d unit activated.", "%(count)d units activated.", changed)
        self.message_user(request, said % {"count": changed}, messages.SUCCESS)


@admin.register(Cadre)
class CadreAdmin(SimpleHistoryAdmin):
    list_display = ["name", "position", "rank_kind", "unit", "unit_category", "is_active"]
    list_filter = ["rank_kind", "is_active", "unit__category"]
    search_fields = ["name", "position", "unit__code", "unit__name"]
    list_select_related = ["unit", "unit__category"]
    autocomplete_fields = ["unit"]
    readonly_fields = ["created_at", "updated_at"]
    list_per_page = 50

    @admin.display(description=_("unit category"), ordering="unit__category__sort_order")
    def unit_category(self, obj: Cadre) -> str:
        return obj.unit.category.name

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "unit", "roles", "phone"]
    list_filter = ["unit__category", "user__groups"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "unit__name"]
    list_select_related = ["user", "unit"]
    autocomplete_fields = ["unit"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Membership]:
        return super().get_queryset(request).prefetch_related("user__groups")

    @admin.display(description=_("roles"))
    def roles(self, obj: Membership) -> str:
        return "、".join(group.name for group in obj.user.groups.all())


class MembershipInline(admin.StackedInline):
    model = Membership
    can_delete = False
    autocomplete_fields = ["unit"]
    verbose_name_plural = _("unit")


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class DistrictUserAdmin(UserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "last_name", "first_name", "unit", "is_staff", "is_active"]
    list_filter = ["groups", "is_staff", "is_active", "membership__unit__category"]
    list_select_related = ["membership__unit"]
    search_fields = ["username", "first_name", "last_name", "email", "membership__unit__name"]

    @admin.display(description=_("unit"), ordering="membership__unit__code")
    def unit(self, obj: AuthUser) -> str:
        membership = getattr(obj, "membership", None)
        return membership.unit.name if membership and membership.unit else "—"
