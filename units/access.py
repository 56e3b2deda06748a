"""Who may do what: every access rule of the units app, in one place.

Model permissions (which kinds of records a role may read or change at all) come from the role
groups (``units.roles``). Object rules (which unit's records) are ``rules`` predicates, checked
with ``user.has_perm(perm, obj)``. Lists are filtered by the selectors in ``units.selectors``,
which use the same predicates' facts (``sees_all_units`` and ``user_unit_id``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast, overload

import rules
from django.contrib.auth.models import AnonymousUser, User

from units.roles import ROLE_BY_GROUP_NAME, Role

if TYPE_CHECKING:
    from units.models import Cadre, Unit

AnyUser = User | AnonymousUser

# Facts read once per request and kept on its user object (a user is never shared across
# requests), under these attribute names.
_ROLES_CACHE = "_district_roles"
_UNIT_CACHE = "_district_unit"


@overload
def account(user: AnyUser) -> User: ...
@overload
def account(user: AnyUser | None) -> User | None: ...
def account(user: AnyUser | None) -> User | None:
    """``user`` where a row records who acted. Past an access rule, which no anonymous visitor
    passes, that is a signed-in account; the type of ``request.user`` cannot say so."""
    return cast("User | None", user)


def user_roles(user: AnyUser) -> frozenset[Role]:
    """The roles of a user, read once per request object and cached on it."""
    if not user.is_authenticated:
        return frozenset()
    cached: frozenset[Role] | None = getattr(user, _ROLES_CACHE, None)
    if cached is None:
        names = user.groups.values_list("name", flat=True)
        cached = frozenset(ROLE_BY_GROUP_NAME[name] for name in names if name in ROLE_BY_GROUP_NAME)
        setattr(user, _ROLES_CACHE, cached)
    return cached


def user_unit_id(user: AnyUser) -> int | None:
    """The id of the unit a user works for, or None (office, district leaders, outsiders)."""
    return _user_unit(user)[0]


def user_unit_code(user: AnyUser) -> str:
    """The code of the unit a user works for, or "" (read with the id, in the same query)."""
    return _user_unit(user)[1]


def _user_unit(user: AnyUser) -> tuple[int | None, str]:
    if not user.is_authenticated:
        return None, ""
    cached: tuple[int | None, str] | None = getattr(user, _UNIT_CACHE, None)
    if cached is None:
        from units.models import Membership

        row = Membership.objects.filter(user=user).values_list("unit_id", "unit__code").first()
        cached = (row[0], row[1] or "") if row else (None, "")
        setattr(user, _UNIT_CACHE, cached)
    return cached


def has_role(role: Role) -> rules.Predicate:
    return rules.Predicate(lambda user: role in user_roles(user), name=f"has_role:{role}")


is_office = has_role(Role.OFFICE)
is_lead = has_role(Role.LEAD)
is_reporter = has_role(Role.REPORTER)
is_supervision = has_role(Role.SUPERVISION)
is_leader = has_role(Role.LEADER)


@rules.predicate
def is_admin(user: AnyUser) -> bool:
    return bool(user.is_active and user.is_superuser)


# Everyone but a unit reporter works across units: the office configures and verifies, lead
# departments assess their indicators in every unit, supervision records failures against any
# unit, district leaders read everything.
sees_all_units = is_admin | is_office | is_lead | is_supervision | is_leader


@rules.predicate
def is_own_unit(user: AnyUser, unit: Unit | None) -> bool:
    return unit is not None and user_unit_id(user) == unit.pk


@rules.predicate
def is_own_cadre(user: AnyUser, cadre: Cadre | None) -> bool:
    return cadre is not None and user_unit_id(user) == cadre.unit_id


@rules.predicate
def is_staff_member(user: AnyUser) -> bool:
    """Anyone with a role (or an administrator): the audience of the staff site."""
    return bool(user.is_active and (user.is_superuser or user_roles(user)))


rules.add_perm("units.view_unit", is_staff_member & (sees_all_units | is_own_unit))
rules.add_perm("units.view_cadre", is_staff_member & (sees_all_units | is_own_cadre))
rules.add_perm("units.view_history", is_admin | is_office | is_leader)
