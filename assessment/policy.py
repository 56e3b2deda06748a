"""What may change in each state of an assessment year: the one place that decides it.

Every door (staff pages, admin, imports, command line) asks ``year_check`` before it writes,
and every state change goes through ``transition_error``. The table below is the policy.
"""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessment.access import manages_assessment
from assessment.models import AssessmentYear, YearStatus
from units.access import AnyUser

S = YearStatus


class Action(StrEnum):
    EDIT_PARAMETERS = "edit_parameters"
    EDIT_SCHEME = "edit_scheme"  # indicators
    EDIT_TARGETS = "edit_targets"
    PLAN_PROJECTS = "plan_projects"  # key projects, their teams, milestones and tasks
    RECORD_EVIDENCE = "record_evidence"
    VERIFY_EVIDENCE = "verify_evidence"
    ENTER_ASSESSMENTS = "enter_assessments"  # city ranks, grades, surveys, evaluations
    COMPUTE = "compute"
    # Evaluation rounds and satisfaction surveys: prepared, opened and closed (their results
    # become evaluations and survey rates, which ENTER_ASSESSMENTS governs as well).
    RUN_EVALUATIONS = "run_evaluations"


ACTION_LABELS = {
    Action.EDIT_PARAMETERS: gettext_lazy("change the year's parameters"),
    Action.EDIT_SCHEME: gettext_lazy("change the indicator scheme"),
    Action.EDIT_TARGETS: gettext_lazy("change targets"),
    Action.PLAN_PROJECTS: gettext_lazy("change the plans of key projects"),
    Action.RECORD_EVIDENCE: gettext_lazy("record evidence"),
    Action.VERIFY_EVIDENCE: gettext_lazy("verify evidence"),
    Action.ENTER_ASSESSMENTS: gettext_lazy("enter ranks, grades, surveys and evaluations"),
    Action.COMPUTE: gettext_lazy("compute results"),
    Action.RUN_EVALUATIONS: gettext_lazy("run evaluation rounds and satisfaction surveys"),
}

# In these states the action is simply allowed ...
ALLOWED: dict[Action, frozenset[YearStatus]] = {
    Action.EDIT_PARAMETERS: frozenset({S.SETUP}),
    Action.EDIT_SCHEME: frozenset({S.SETUP}),
    Action.EDIT_TARGETS: frozenset({S.SETUP}),
    # Key projects are planned at the start and adjusted during the year (项目调整).
    Action.PLAN_PROJECTS: frozenset({S.SETUP, S.COLLECTING}),
    Action.RECORD_EVIDENCE: frozenset({S.COLLECTING}),
    Action.VERIFY_EVIDENCE: frozenset({S.COLLECTING, S.SCORING}),
    Action.ENTER_ASSESSMENTS: frozenset({S.COLLECTING, S.SCORING}),
    Action.COMPUTE: frozenset({S.COLLECTING, S.SCORING}),
    Action.RUN_EVALUATIONS: frozenset({S.SETUP, S.COLLECTING, S.SCORING}),
}
# ... and in these only as a recorded amendment with a reason (e.g. a scheme fixed once
# collecting starts, a late record after collection closed, a recomputation after an objection).
# During the publicity (公示) and a formal review (复核) the office corrects the inputs an
# objection or the review found wrong — targets, evidence, ranks, grades, surveys — and
# recomputes; the scheme and the parameters stay as they were published for comment.
# `published` and `archived` appear nowhere: a published result changes only through a review.
AMENDING = frozenset({S.PUBLICITY, S.REVIEW})
WITH_REASON: dict[Action, frozenset[YearStatus]] = {
    Action.EDIT_PARAMETERS: frozenset({S.COLLECTING, S.SCORING}),
    Action.EDIT_SCHEME: frozenset({S.COLLECTING, S.SCORING}),
    Action.EDIT_TARGETS: frozenset({S.COLLECTING, S.SCORING}) | AMENDING,
    Action.PLAN_PROJECTS: frozenset({S.SCORING}),
    Action.RECORD_EVIDENCE: frozenset({S.SCORING}) | AMENDING,
    Action.VERIFY_EVIDENCE: AMENDING,
    Action.ENTER_ASSESSMENTS: AMENDING,
    Action.COMPUTE: AMENDING,
    Action.RUN_EVALUATIONS: frozenset(),
}
# In these states only the assessment office amends (an objection is the office's to resolve;
# a lead department or a unit no longer changes anything once the results are out).
OFFICE_ONLY = AMENDING

# The year's life, forwards, with the few steps back an office needs. Publishing (→ published)
# happens only in ``assessment.services.publication.publish``, which writes the new version.
TRANSITIONS: dict[YearStatus, frozenset[YearStatus]] = {
    S.SETUP: frozenset({S.COLLECTING}),
    S.COLLECTING: frozenset({S.SCORING}),
    S.SCORING: frozenset({S.COLLECTING, S.PUBLICITY}),
    S.PUBLICITY: frozenset({S.SCORING, S.PUBLISHED}),
    S.PUBLISHED: frozenset({S.REVIEW, S.ARCHIVED}),
    S.REVIEW: frozenset({S.PUBLISHED}),
    S.ARCHIVED: frozenset(),
}
# Moves that must say why (kept in the year's history).
TRANSITIONS_WITH_REASON = frozenset({(S.PUBLISHED, S.REVIEW)})


def needs_reason(year: AssessmentYear, action: Action) -> bool:
    return year.status in WITH_REASON[action]


def year_check(
    year: AssessmentYear, action: Action, *, reason: str = "", by: AnyUser | None = None
) -> None:
    """Raise ``ValidationError`` unless ``action`` may happen in the year's current state.

    Given ``by`` (the person acting), an amendment in the publicity or a review is refused to
    anyone but the assessment office. Without ``by`` (the command line) the office acts.
    """
    status = YearStatus(year.status)
    if status in ALLOWED[action]:
        return
    if status in WITH_REASON[action]:
        if status in OFFICE_ONLY and by is not None and not manages_assessment(by):
            raise ValidationError(
                _(
                    "The %(year)s assessment is in the state “%(status)s”: only the assessment "
                    "office may %(action)s now."
                )
                % {"year": year.year, "status": status.label, "action": ACTION_LABELS[action]},
                code="office_only",
            )
        if reason.strip():
            return
        raise ValidationError(
            _(
                "The %(year)s assessment is in the state “%(status)s”: to %(action)s now, give "
                "the reason for the amendment."
            )
            % {"year": year.year, "status": status.label, "action": ACTION_LABELS[action]},
            code="reason_required",
        )
    if status == S.PUBLISHED:
        raise ValidationError(
            _(
                "The %(year)s results are published and cannot change: to %(action)s, the "
                "assessment office must first open a formal review (复核)."
            )
            % {"year": year.year, "action": ACTION_LABELS[action]},
            code="year_locked",
        )
    raise ValidationError(
        _(
            "The %(year)s assessment is in the state “%(status)s”: you can no longer %(action)s. "
            "If something must still change, ask the assessment office."
        )
        % {"year": year.year, "status": status.label, "action": ACTION_LABELS[action]},
        code="year_locked",
    )


def transition_error(year: AssessmentYear, to: YearStatus) -> str | None:
    """Why the year cannot move to ``to`` now, or None if it can (state order only)."""
    status = YearStatus(year.status)
    if to == status:
        return _("The %(year)s assessment is already in the state “%(status)s”.") % {
            "year": year.year,
            "status": status.label,
        }
    if to not in TRANSITIONS[status]:
        allowed = "、".join(str(s.label) for s in TRANSITIONS[status]) or _("none")
        return _(
            "The %(year)s assessment cannot go from “%(status)s” to “%(to)s”. "
            "Possible next states: %(allowed)s."
        ) % {"year": year.year, "status": status.label, "to": to.label, "allowed": allowed}
    return None
