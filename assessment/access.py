"""Who may do what in the assessment app: every object rule, in one place.

Same style as ``units.access``: model permissions come from the role groups, object rules are
``rules`` predicates checked with ``user.has_perm(perm, obj)``, and lists are filtered by the
selectors in ``assessment.selectors`` from the same facts.

- The assessment office (and administrators) set up years, schemes and targets, move a year
  through its states and compute results.
- Every staff member reads years and indicator schemes.
- Targets: the roles that work across units read every unit's targets; a reporter reads only
  their own unit's (the object is the ``Unit``).
- Results: the office, district leaders, lead departments and supervision read every row; a
  reporter reads their own unit's row, and other units' rows only once the year is published
  (the object is a ``UnitResult``).
"""

from __future__ import annotations

import rules

from assessment.models import AssessmentYear, UnitResult, YearStatus
from units.access import (
    AnyUser,
    is_admin,
    is_leader,
    is_office,
    is_own_unit,
    is_staff_member,
    sees_all_units,
    user_unit_id,
)

# Once published, the results are no longer a secret between the office and each unit.
PUBLISHED_STATES = frozenset({YearStatus.PUBLISHED, YearStatus.ARCHIVED})

manages_assessment = is_admin | is_office


def year_is_published(year: AssessmentYear) -> bool:
    return year.status in PUBLISHED_STATES


@rules.predicate
def is_own_result(user: AnyUser, result: UnitResult | None) -> bool:
    return result is not None and user_unit_id(user) == result.unit_id


@rules.predicate
def is_published_result(user: AnyUser, result: UnitResult | None) -> bool:
    return result is not None and year_is_published(result.run.year)


# Years and schemes: read by every staff member, written by the office.
rules.add_perm("assessment.view_assessmentyear", is_staff_member)
rules.add_perm("assessment.add_assessmentyear", manages_assessment)
rules.add_perm("assessment.change_assessmentyear", manages_assessment)
rules.add_perm("assessment.publish_results", manages_assessment)  # state transitions
rules.add_perm("assessment.compute_results", manages_assessment)
rules.add_perm("assessment.view_year_history", is_admin | is_office | is_leader)
rules.add_perm("assessment.view_indicator", is_staff_member)
rules.add_perm("assessment.add_indicator", manages_assessment)
rules.add_perm("assessment.change_indicator", manages_assessment)
rules.add_perm("assessment.delete_indicator", manages_assessment)

# Targets: the object is the unit whose targets they are.
rules.add_perm("assessment.view_target", is_staff_member & (sees_all_units | is_own_unit))
rules.add_perm("assessment.change_target", manages_assessment)

# Results: the object is one unit's result row.
# Not the model permission "view_unitresult": that one stays the role groups' (admin pages);
# this one decides which rows of a results table a user sees.
rules.add_perm(
    "assessment.see_unit_result",
    is_staff_member & (sees_all_units | is_own_result | is_published_result),
)
