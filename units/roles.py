"""The five roles of the system, as Django groups with real permissions.

A role is a group; its model permissions are listed here and applied to the group after every
migration (see ``apps.UnitsConfig``), so the code and the database never disagree. What a role
may do to one particular object is decided in ``units.access``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICE = "office", _("Assessment office")
    LEAD = "lead", _("Lead department")
    REPORTER = "reporter", _("Unit reporter")
    SUPERVISION = "supervision", _("Supervision office")
    LEADER = "leader", _("District leader")


# The group names are what a district sees in the admin; they are data, kept in Chinese.
GROUP_NAMES: dict[Role, str] = {
    Role.OFFICE: "考核办",
    Role.LEAD: "牵头单位",
    Role.REPORTER: "单位填报员",
    Role.SUPERVISION: "督查室",
    Role.LEADER: "区领导",
}
ROLE_BY_GROUP_NAME = {name: role for role, name in GROUP_NAMES.items()}

_READ_UNITS = {"units.view_unitcategory", "units.view_unit", "units.view_cadre"}

# Model permissions per role, as "app_label.codename". Later apps add theirs here.
ROLE_PERMISSIONS: dict[Role, set[str]] = {
    Role.OFFICE: _READ_UNITS
    | {
        "units.add_unitcategory",
        "units.change_unitcategory",
        "units.add_unit",
        "units.change_unit",
        "units.delete_unit",
        "units.add_cadre",
        "units.change_cadre",
        "units.delete_cadre",
        "units.view_membership",
        "units.add_membership",
        "units.change_membership",
    },
    Role.LEAD: set(_READ_UNITS),
    Role.REPORTER: set(_READ_UNITS),
    Role.SUPERVISION: set(_READ_UNITS),
    Role.LEADER: _READ_UNITS | {"units.view_membership"},
}


def sync_role_groups(*, using: str = "default") -> None:
    """Create the role groups and give each exactly the permissions listed above."""
    from django.contrib.auth.models import Group

    for role, group_name in GROUP_NAMES.items():
        group, _created = Group.objects.using(using).get_or_create(name=group_name)
        group.permissions.set(_permissions(ROLE_PERMISSIONS[role], using=using))


def _permissions(names: Iterable[str], *, using: str) -> list:
    from django.contrib.auth.models import Permission

    wanted = {tuple(name.split(".", 1)) for name in names}
    found = [
        permission
        for permission in Permission.objects.using(using).select_related("content_type")
        if (permission.content_type.app_label, permission.codename) in wanted
    ]
    missing = wanted - {(p.content_type.app_label, p.codename) for p in found}
    if missing:
        raise LookupError(f"Role permissions that do not exist: {sorted(missing)}")
    return found
