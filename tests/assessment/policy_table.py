"""What each role may change in each state of a year, written out by hand from the README's
account of the year's life: the tests compare ``assessment.policy`` with this table, never with
itself, so a change of the policy shows here as a change a reviewer reads.

A cell says what happens when someone the page lets in tries the action:

- ``yes``: it happens.
- ``reason``: only as an amendment with a reason (kept in the history).
- ``office``: only as an amendment with a reason, and only by the assessment office (during the
  publicity and a review the office corrects the inputs; units and lead departments no longer
  change anything).
- ``no``: refused in this state, whoever asks.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from assessment.models import YearStatus
from assessment.policy import Action

S = YearStatus
STATES = (S.SETUP, S.COLLECTING, S.SCORING, S.PUBLICITY, S.PUBLISHED, S.REVIEW, S.ARCHIVED)

# action              setup   collecting scoring publicity published review  archived
_TABLE = """
edit_parameters       yes     reason     reason  no        no        no      no
edit_scheme           yes     reason     reason  no        no        no      no
edit_targets          yes     reason     reason  office    no        office  no
plan_projects         yes     yes        reason  no        no        no      no
record_evidence       no      yes        reason  office    no        office  no
verify_evidence       no      yes        yes     office    no        office  no
enter_assessments     no      yes        yes     office    no        office  no
compute               no      yes        yes     office    no        office  no
run_evaluations       yes     yes        yes     no        no        no      no
"""

POLICY: dict[tuple[Action, YearStatus], str] = {
    (Action(action), status): cell
    for action, *cells in (line.split() for line in _TABLE.strip().splitlines())
    for status, cell in zip(STATES, cells, strict=True)
}


def expected(action: Action, status: YearStatus, *, office: bool = True) -> str:
    """``allowed``, ``reason`` (refused without one), ``office_only`` or ``locked``."""
    cell = POLICY[(action, status)]
    if cell == "yes":
        return "allowed"
    if cell == "office":
        return "reason" if office else "office_only"
    if cell == "reason":
        return "reason"
    return "locked"


def saved_as_expected(outcome: str, save, reason: str) -> None:
    """Call ``save`` as the policy's ``outcome`` says it goes: allowed as it is; refused
    without a reason and taken with ``reason``; or refused even with a reason."""
    if outcome == "allowed":
        save()
    elif outcome == "reason":
        with pytest.raises(ValidationError):
            save()
        save(reason=reason)
    else:
        with pytest.raises(ValidationError):
            save(reason=reason)
