"""The staff site's navigation: which entries a user sees depends on their role."""

from __future__ import annotations

from dataclasses import dataclass

import rules
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from units.access import (
    AnyUser,
    is_admin,
    is_lead,
    is_office,
    is_reporter,
    is_staff_member,
    is_supervision,
    sees_all_units,
)


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    visible_to: rules.Predicate
    section: str  # the first path segment that marks the entry as current


@rules.predicate
def is_admin_site_user(user: AnyUser) -> bool:
    return bool(user.is_active and user.is_staff)


# The roles whose permissions include a workbook kind (the import page lists which ones).
may_import = is_admin | is_office | is_lead | is_reporter | is_supervision


NAV_ITEMS: list[NavItem] = [
    NavItem(_("Workbench"), "home", is_staff_member, ""),
    NavItem(_("Units"), "units:unit_list", is_staff_member, "units"),
    NavItem(_("Cadres"), "units:cadre_list", is_staff_member, "cadres"),
    NavItem(_("Categories"), "units:category_list", sees_all_units, "categories"),
    NavItem(_("Assessment years"), "assessment:year_list", is_staff_member, "years"),
    NavItem(_("Excel import"), "assessment:import_index", may_import, "imports"),
    NavItem(_("Reports"), "reports:index", is_staff_member, "reports"),
    NavItem(_("Reminders"), "reminders:latest", is_staff_member, "reminders"),
    NavItem(_("Published results"), "public:year_list", is_staff_member, "results"),
    NavItem(_("Administration"), "admin:index", is_admin_site_user, "admin"),
]


def nav_for(user: AnyUser, path: str) -> list[dict[str, object]]:
    section = path.strip("/").split("/", 1)[0]
    return [
        {"label": item.label, "url": reverse(item.url_name), "current": item.section == section}
        for item in NAV_ITEMS
        if item.visible_to(user)
    ]
