"""Who acts on which reminder, and who may read which.

- The assessment office (and administrators) acts on the office's items: missing targets, the
  evaluations, open objections, grades of indicators without a lead department, verification
  the lead departments cannot do.
- A lead department's users act on the items of the indicators their department leads.
- A unit's users who record evidence (unit reporters, and a lead department's users for their
  own department) act on their unit's monthly reporting.
- A district leader acts on the answers to the instructions they wrote (to read them).
- The office, district leaders, supervision (督查, who follows deadlines up) and administrators
  read every item of every role; everyone else reads only the items they act on.
"""

from __future__ import annotations

from collections.abc import Iterable

from assessment.access import manages_assessment
from reports.reminders.items import Actor, Reminder
from units.access import (
    AnyUser,
    is_admin,
    is_lead,
    is_leader,
    is_office,
    is_reporter,
    is_staff_member,
    is_supervision,
    user_unit_id,
)

reads_every_reminder = is_staff_member & (is_admin | is_office | is_leader | is_supervision)
sets_deadlines = is_staff_member & manages_assessment
records_for_unit = is_reporter | is_lead


def acts_on(user: AnyUser, item: Reminder) -> bool:
    """Whether ``item`` is the user's to do."""
    if not is_staff_member(user):
        return False
    if item.actor == Actor.OFFICE:
        return bool(manages_assessment(user))
    if item.actor == Actor.LEADER:
        return item.actor_user is not None and item.actor_user == user.pk
    own = user_unit_id(user)
    if own is None or item.actor_unit is None or item.actor_unit.id != own:
        return False
    if item.actor == Actor.LEAD:
        return bool(is_lead(user))
    return bool(records_for_unit(user))


def may_read(user: AnyUser, item: Reminder) -> bool:
    return bool(reads_every_reminder(user)) or acts_on(user, item)


def acting(user: AnyUser, items: Iterable[Reminder]) -> list[Reminder]:
    return [item for item in items if acts_on(user, item)]


def readable(user: AnyUser, items: Iterable[Reminder]) -> list[Reminder]:
    if reads_every_reminder(user):
        return list(items)
    return acting(user, items)
