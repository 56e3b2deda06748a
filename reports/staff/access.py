"""Who may open which staff report.

The district-wide reports (bulletins, dashboard, teams and cadres, dossiers, bonus) are for the
assessment office and district leaders (and administrators); a unit's target-responsibility
letter is also for that unit's own users. Bulletins are made by the office.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from assessment.access import manages_assessment
from units.access import (
    AnyUser,
    is_admin,
    is_leader,
    is_office,
    is_staff_member,
    user_unit_id,
)
from units.models import Unit

reads_district_reports = is_staff_member & (is_admin | is_office | is_leader)
makes_bulletins = is_staff_member & manages_assessment


def require_district_reader(user: AnyUser) -> None:
    if not reads_district_reports(user):
        raise PermissionDenied


def may_read_letter(user: AnyUser, unit: Unit) -> bool:
    if reads_district_reports(user):
        return True
    return bool(is_staff_member(user) and user_unit_id(user) == unit.pk)


def letter_unit_get_for_user(user: AnyUser, code: str) -> Unit:
    """The unit whose letter is asked for: 404 if unknown, 403 if not the user's to read."""
    unit = get_object_or_404(Unit.objects.select_related("category"), code=code)
    if not may_read_letter(user, unit):
        raise PermissionDenied
    return unit
