"""The year's policy, cell by cell, against the table the office expects (policy_table.py)."""

import pytest
from django.core.exceptions import ValidationError

from assessment.models import YearStatus
from assessment.policy import Action, year_check
from tests.assessment.factories import YearFactory
from tests.assessment.policy_table import POLICY, STATES, expected

pytestmark = pytest.mark.django_db


def test_the_table_names_every_action_in_every_state():
    assert set(POLICY) == {(action, status) for action in Action for status in STATES}


def _refusal(year, action, by, reason="") -> str | None:
    try:
        year_check(year, action, reason=reason, by=by)
    except ValidationError as refused:
        return refused.error_list[0].code
    return None


@pytest.mark.parametrize("status", STATES)
@pytest.mark.parametrize("action", list(Action))
def test_each_role_may_do_what_the_table_says(action, status, office_user, lead_user, reporter_a):
    year = YearFactory(year=2026, status=status)
    # The command line (no user) acts with the office's rights.
    for by, office in [(office_user, True), (None, True), (lead_user, False), (reporter_a, False)]:
        outcome = expected(action, status, office=office)
        who = by.username if by else "the command line"
        without_reason, with_reason = _refusal(year, action, by), _refusal(year, action, by, "理由")
        if outcome == "allowed":
            assert (without_reason, with_reason) == (None, None), who
        elif outcome == "reason":
            assert (without_reason, with_reason) == ("reason_required", None), who
        elif outcome == "office_only":
            assert (without_reason, with_reason) == ("office_only", "office_only"), who
        else:
            assert (without_reason, with_reason) == ("year_locked", "year_locked"), who


def test_a_published_year_points_to_a_formal_review(office_user):
    year = YearFactory(year=2026, status=YearStatus.PUBLISHED)
    with pytest.raises(ValidationError) as refused:
        year_check(year, Action.EDIT_TARGETS, reason="理由", by=office_user)
    assert "复核" in refused.value.messages[0]
