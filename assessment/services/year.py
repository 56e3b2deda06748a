"""State transitions of an assessment year: the one door through which a status changes.

Publishing (→ ``published``) is the exception: it writes a new version of the published
results, so it goes through ``assessment.services.publication.publish``, which moves the year
with ``move`` below once the publication is stored.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import update_change_reason

from assessment.lib.history import set_history_user
from assessment.models import AssessmentYear, YearStatus
from assessment.policy import TRANSITIONS_WITH_REASON, transition_error
from assessment.services.roster import roster_keep
from units.access import AnyUser

User = AnyUser | None
HISTORY_REASON_LENGTH = 100  # django-simple-history's history_change_reason


@transaction.atomic
def year_transition(
    *,
    year: AssessmentYear,
    to: YearStatus | str,
    by: User,
    reason: str = "",
    publicity_ends: datetime.date | None = None,
) -> AssessmentYear:
    """Move the year to the state ``to``, or raise ``ValidationError`` saying why not.

    The order of states is the policy's (``transition_error``). The publicity (公示) needs a
    current computation whose inputs have not changed since (``run_matches_inputs``) and the
    last day of the publicity, not in the past (``publicity_ends``, or the one already set).
    A formal review (复核) of published results needs a reason. The status is read again under
    a row lock, so a double click or a colleague's move in between is judged on the real state.
    """
    try:
        target = YearStatus(to)
    except ValueError:
        raise ValidationError(_("“%(state)s” is not a state of a year.") % {"state": to}) from None
    locked = AssessmentYear.objects.select_for_update().get(pk=year.pk)
    if error := transition_error(locked, target):
        raise ValidationError(error, code="transition_refused")
    if target == YearStatus.PUBLISHED:
        raise ValidationError(
            _(
                "Results are published with “Publish”, which stores a new version of the "
                "published results; the state cannot simply be changed to “published”."
            ),
            code="publish_required",
        )
    if (YearStatus(locked.status), target) in TRANSITIONS_WITH_REASON and not reason.strip():
        raise ValidationError(
            _("Give the reason for opening a formal review (复核) of the published results."),
            code="reason_required",
        )
    extra: list[str] = []
    if target == YearStatus.PUBLICITY:
        locked.publicity_ends_on = _publicity_end(locked, publicity_ends)
        _require_current_results(locked)
        extra.append("publicity_ends_on")
        roster_keep(locked, by=by)  # the units and headcounts the results were computed with
    move(locked, target, by=by, reason=reason, update_fields=extra)
    year.status = locked.status
    year.publicity_ends_on = locked.publicity_ends_on
    year.updated_at = locked.updated_at
    return locked


def _publicity_end(year: AssessmentYear, given: datetime.date | None) -> datetime.date:
    ends = given or year.publicity_ends_on
    if ends is None:
        raise ValidationError(
            _("Give the last day of the publicity period (公示)."), code="publicity_end_missing"
        )
    if ends < timezone.localdate():
        raise ValidationError(
            _("The publicity period cannot end in the past (%(date)s).")
            % {"date": ends.isoformat()},
            code="publicity_end_past",
        )
    return ends


def _require_current_results(year: AssessmentYear) -> None:
    """Publicity shows results: a current computation that still matches its inputs."""
    from assessment.services.compute import run_matches_inputs

    run = year.runs.filter(is_current=True).first()
    if run is None:
        raise ValidationError(
            _(
                "The %(year)s assessment has no computed results yet: compute them before the "
                "publicity starts."
            )
            % {"year": year.year},
            code="no_results",
        )
    run.year = year
    if not run_matches_inputs(run):
        raise ValidationError(
            _(
                "The inputs of the %(year)s assessment have changed since the results were "
                "computed: compute them again first."
            )
            % {"year": year.year},
            code="results_outdated",
        )


def move(
    locked: AssessmentYear,
    target: YearStatus,
    *,
    by: User,
    reason: str = "",
    update_fields: list[str] | tuple[str, ...] = (),
) -> None:
    """Write the new state (the caller holds the row lock and has checked the move)."""
    locked.status = target
    locked.full_clean()
    if by is not None and by.is_authenticated:
        set_history_user(locked, by)
    locked.save(update_fields=["status", "updated_at", *update_fields])
    if reason.strip():
        update_change_reason(locked, reason.strip()[:HISTORY_REASON_LENGTH])
