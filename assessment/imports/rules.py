"""Who may import which rows, and what the year's state allows: asked before anything is written.

The year's policy is ``assessment.policy.year_check`` (the one place that decides it); it is
asked for every year the file would write to. Rows that change nothing need no permission.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from assessment.imports.preview import RowError
from assessment.imports.rows import Context, ParsedRow, Planned
from assessment.models import AssessmentYear, EvidenceStatus
from assessment.policy import Action, year_check
from units.access import is_admin, is_lead, is_office, sees_all_units, user_unit_id


def writes(rows: list[ParsedRow]) -> list[Planned]:
    """The plans that would create or change a record."""
    return [
        row.plan
        for row in rows
        if row.plan is not None
        and not row.errors
        and (row.plan.existing is None or row.plan.changed)
    ]


def check_scope(rows: list[ParsedRow], ctx: Context) -> None:
    """Rows of a unit the user does not work for (or of an indicator it does not lead).

    The office, administrators and the command line (no user) import for every unit;
    supervision records against any unit; a lead department imports its own unit's rows and
    those of the indicators it leads; a unit reporter only its own unit's.
    """
    user = ctx.user
    if user is None or is_admin(user) or is_office(user):
        return
    own = user_unit_id(user)
    lead = is_lead(user)
    anywhere = sees_all_units(user) and not lead
    for row in rows:
        plan = row.plan
        if plan is None or plan.unit is None or anywhere or plan.unit.pk == own:
            continue
        if lead and plan.indicator is not None and plan.indicator.lead_unit_id == own:
            continue
        if lead:
            message = _(
                "You may only import records of your own unit or of the indicators your "
                "department leads."
            )
        else:
            message = _("You may only import records of your own unit.")
        row.fail("unit", message)
        row.plan = None


def policy_errors(rows: list[ParsedRow], ctx: Context) -> list[RowError]:
    """The year's state, for every year written to; and who may import verified evidence."""
    planned = writes(rows)
    errors: list[RowError] = []
    refused: set[int] = set()  # years already refused: one message each is enough
    if ctx.kind.action is not None:
        errors += _year_errors(planned, ctx.kind.action, ctx.reason, refused)
    verified = [p for p in planned if p.fields.get("status") == EvidenceStatus.VERIFIED]
    if verified:
        if ctx.user is not None and not ctx.user.has_perm("assessment.verify_evidence"):
            numbers = [str(plan.row.number) for plan in verified[:10] if plan.row is not None]
            errors.append(
                RowError(
                    _(
                        "The file holds verified records (已核实, rows %(rows)s), but you may "
                        "not verify evidence: nothing is imported. Mark them pending (待核实) "
                        "or ask the assessment office."
                    )
                    % {"rows": "、".join(numbers) + ("…" if len(verified) > 10 else "")}
                )
            )
        else:
            errors += _year_errors(verified, Action.VERIFY_EVIDENCE, ctx.reason, refused)
    return errors


def _year_errors(
    plans: list[Planned], action: Action, reason: str, refused: set[int]
) -> list[RowError]:
    """The policy's refusal for each year of these plans (not yet in ``refused``)."""
    years: dict[int, AssessmentYear] = {}
    for plan in plans:
        if plan.year is not None and plan.year.year not in refused:
            years.setdefault(plan.year.year, plan.year)
    errors = []
    for number in sorted(years):
        try:
            year_check(years[number], action, reason=reason)
        except ValidationError as error:
            errors.append(RowError(" ".join(error.messages)))
            refused.add(number)
    return errors
