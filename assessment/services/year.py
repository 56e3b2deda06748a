"""State transitions of an assessment year: the one door through which a status changes."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import update_change_reason

from assessment.models import AssessmentYear, YearStatus
from assessment.policy import transition_error


@transaction.atomic
def year_transition(
    *,
    year: AssessmentYear,
    to: YearStatus | str,
    by: AbstractBaseUser | AnonymousUser | None,
    reason: str = "",
) -> AssessmentYear:
    """Move the year to the state ``to``, or raise ``ValidationError`` saying why not.

    The order of states is the policy's (``transition_error``). Publicity also needs results:
    the year must have a current computation to show. The status is read again under a row
    lock, so a double click or a colleague's move in between is judged on the real state.
    """
    try:
        target = YearStatus(to)
    except ValueError:
        raise ValidationError(_("“%(state)s” is not a state of a year.") % {"state": to}) from None
    locked = AssessmentYear.objects.select_for_update().get(pk=year.pk)
    if error := transition_error(locked, target):
        raise ValidationError(error, code="transition_refused")
    if target == YearStatus.PUBLICITY and not locked.runs.filter(is_current=True).exists():
        raise ValidationError(
            _(
                "The %(year)s assessment has no computed results yet: compute them before the "
                "publicity starts."
            )
            % {"year": locked.year},
            code="no_results",
        )
    locked.status = target
    locked.full_clean()
    if by is not None and by.is_authenticated:
        locked._history_user = by  # type: ignore[attr-defined]
    locked.save(update_fields=["status", "updated_at"])
    if reason.strip():
        update_change_reason(locked, reason.strip())
    year.status = locked.status
    year.updated_at = locked.updated_at
    return locked
