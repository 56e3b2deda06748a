"""Who may import which rows, and what the year's state allows: asked before anything is written.

The year's policy is ``assessment.policy.year_check`` (the one place that decides it); it is
asked for every year the file would write to. Rows that change nothing need no permission.

Evidence follows the rules of ``evidence_record`` and ``evidence_correct`` (the web form's),
checked with the same helpers of ``assessment.access`` and of the record flow
(``assessment.services.records``): a spreadsheet row is no way around them.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from assessment.access import evidence_record_refusal, evidence_verify_refusal
from assessment.imports.preview import RowError
from assessment.imports.rows import Context, ParsedRow, Planned
from assessment.models import AssessmentYear, Evidence, EvidenceStatus, MethodChoices
from assessment.policy import Action, year_check

# The year's clock of a new record (collecting: allowed; scoring: the office only, a late
# record with a reason): the record flow's own, imported rather than copied, so that the
# import and the form cannot drift apart.
from assessment.services.records import recording_clock
from units.access import AnyUser, is_admin, is_lead, is_office, sees_all_units, user_unit_id

MAX_LISTED_ROWS = 10


def writes(rows: list[ParsedRow]) -> list[Planned]:
    """The plans that would create or change a record."""
    return [
        row.plan
        for row in rows
        if row.plan is not None
        and not row.errors
        and (row.plan.existing is None or row.plan.changed)
    ]


def _row_numbers(plans: list[Planned]) -> str:
    numbers = [str(plan.row.number) for plan in plans[:MAX_LISTED_ROWS] if plan.row is not None]
    return "、".join(numbers) + ("…" if len(plans) > MAX_LISTED_ROWS else "")


def check_scope(rows: list[ParsedRow], ctx: Context) -> None:
    """Rows of a unit the user does not work for (or of an indicator it does not lead).

    The office, administrators and the command line (no user) import for every unit;
    supervision records against any unit; a lead department imports its own unit's rows and
    those of the indicators it leads; a unit reporter only its own unit's. A kind with its own
    ``rules`` (evidence) checks who may write its rows there instead.
    """
    user = ctx.user
    if user is None or is_admin(user) or is_office(user) or ctx.kind.rules is not None:
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


def evidence_rules(rows: list[ParsedRow], ctx: Context) -> None:
    """The row rules of ``evidence_record`` / ``evidence_correct`` for an evidence import.

    - Who records what for which unit: ``evidence_record_refusal`` for every row, its message
      a row error (the command line, no user, acts as the office: it may record anything).
    - A veto event is never imported as verified: it is confirmed in the system, by a second
      member of the office (``evidence_verify``). The command line alone may load one verified,
      as it loads the example district and past years' records: no person proposes it there.

    The year's clock and the reason of a correction concern the whole file: ``policy_errors``.
    """
    user = ctx.user
    for row in rows:
        plan = row.plan
        if plan is None or row.errors or plan.unit is None or plan.indicator is None:
            continue
        if user is not None:
            refusal = evidence_record_refusal(user, plan.unit, plan.indicator)
            if refusal is not None:
                row.errors.append(RowError(refusal, row=row.number, value=plan.label))
                row.plan = None
                continue
        writes_row = plan.existing is None or plan.changed
        if (
            user is not None
            and writes_row
            and plan.fields.get("status") == EvidenceStatus.VERIFIED
            and (message := _confirmed_in_system(plan.indicator.method)) is not None
        ):
            row.fail("status", message)
            row.plan = None
            continue
        if (
            user is not None
            and writes_row
            and plan.fields.get("status") == EvidenceStatus.VERIFIED
            and user.has_perm("assessment.verify_evidence")  # else one file-level message
        ):
            # Importing a row as verified is verifying it: the same rules as in the system
            # (not for one's own unit; a lead department only for the indicators it leads).
            # The importer is also its recorder, so the "not a record you created" rule is left
            # out here: the row stands for a check made outside the system.
            refusal = evidence_verify_refusal(
                user, Evidence(unit=plan.unit, indicator=plan.indicator)
            )
            if refusal is not None:
                row.fail("status", refusal)
                row.plan = None


def _confirmed_in_system(method: str) -> str | None:
    """Why a verified row of this method is refused: veto events and disqualifications are
    confirmed in the system by a second member of the office, never imported verified."""
    if method == MethodChoices.VETO:
        return _(
            "A veto event cannot be imported as verified: a second member of the assessment "
            "office confirms it in the system (考核委员会研究). Import it as pending (待核实)."
        )
    if method == MethodChoices.DISQUALIFY:
        return _(
            "A disqualification cannot be imported as verified: a second member of the "
            "assessment office confirms it in the system. Import it as pending (待核实)."
        )
    return None


def policy_errors(rows: list[ParsedRow], ctx: Context) -> list[RowError]:
    """The year's state, for every year written to; corrections; who imports verified evidence."""
    planned = writes(rows)
    errors: list[RowError] = []
    refused: set[int] = set()  # years already refused: one message each is enough
    action = ctx.kind.action
    if action == Action.RECORD_EVIDENCE:
        errors += _year_errors(planned, _recording_check(ctx), refused)
        errors += _correction_errors(planned, ctx)
    elif action is not None:
        errors += _year_errors(planned, _policy_check(action, ctx.reason, ctx.user), refused)
    verified = [p for p in planned if p.fields.get("status") == EvidenceStatus.VERIFIED]
    if verified:
        if ctx.user is not None and not ctx.user.has_perm("assessment.verify_evidence"):
            errors.append(
                RowError(
                    _(
                        "The file holds verified records (已核实, rows %(rows)s), but you may "
                        "not verify evidence: nothing is imported. Mark them pending (待核实) "
                        "or ask the assessment office."
                    )
                    % {"rows": _row_numbers(verified)}
                )
            )
        else:
            check = _policy_check(Action.VERIFY_EVIDENCE, ctx.reason, ctx.user)
            errors += _year_errors(verified, check, refused)
    return errors


def _policy_check(
    action: Action, reason: str, user: AnyUser | None = None
) -> Callable[[AssessmentYear], None]:
    return lambda year: year_check(year, action, reason=reason, by=user)


def _recording_check(ctx: Context) -> Callable[[AssessmentYear], None]:
    """The clock of ``evidence_record``: late records (state "scoring") by the office only.

    The command line (no user) acts as the office, whose clock is the policy's.
    """
    user = ctx.user
    if user is None:
        return _policy_check(Action.RECORD_EVIDENCE, ctx.reason)

    def check(year: AssessmentYear) -> None:
        recording_clock(year, user, ctx.reason, "reason")  # returns whether late: see write

    return check


def _correction_errors(planned: list[Planned], ctx: Context) -> list[RowError]:
    """A correction supersedes the stored record: like ``evidence_correct``, it needs a reason."""
    corrections = [plan for plan in planned if plan.existing is not None]
    if not corrections or ctx.reason:
        return []
    return [
        RowError(
            _(
                "The file corrects records already stored (rows %(rows)s: another value or "
                "status): a correction supersedes the record, and both are kept. Give the "
                "reason for the correction; nothing is imported without it."
            )
            % {"rows": _row_numbers(corrections)}
        )
    ]


def _year_errors(
    plans: list[Planned], check: Callable[[AssessmentYear], None], refused: set[int]
) -> list[RowError]:
    """The refusal of ``check`` for each year of these plans (not yet in ``refused``)."""
    years: dict[int, AssessmentYear] = {}
    for plan in plans:
        if plan.year is not None and plan.year.year not in refused:
            years.setdefault(plan.year.year, plan.year)
    errors = []
    for number in sorted(years):
        try:
            check(years[number])
        except ValidationError as error:
            errors.append(RowError(" ".join(error.messages)))
            refused.add(number)
    return errors
