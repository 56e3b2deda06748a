"""Objections (异议) during the publicity: filed by a unit, resolved by the office.

- ``objection_file``: a unit's users object to one indicator score of their own unit, while the
  year is in publicity (公示), with a reason and attachments. One open objection per unit and
  indicator at a time.
- ``objection_resolve``: the office rejects it with a reason, or accepts it with the corrective
  step it will take. The office then amends the input through the usual doors (a late or
  corrected evidence record, a grade, rank or survey, a target: the policy lets the office do
  so, with a reason, during the publicity) and recomputes.
- ``objections_take_in``: called by every computation; the accepted objections still waiting
  for a recomputation name the run that took the correction in (``resolved_run``).

Like the other services: each validates before it writes, names the user and the reason in the
history and runs in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.access import manages_assessment, objection_file_refusal
from assessment.lib import attachments as files
from assessment.lib.history import set_change_reason, set_history_user
from assessment.models import (
    AssessmentYear,
    ComputationRun,
    Indicator,
    Objection,
    ObjectionStatus,
    UnitResult,
    YearStatus,
)
from assessment.services import records as record_rules
from assessment.services.concurrency import ROW_ONLY
from assessment.services.records import User
from units.access import account
from units.models import Unit

FILING_STATES = frozenset({YearStatus.PUBLICITY})
# The office may still answer an objection if it took the year back to scoring to correct it.
RESOLVING_STATES = frozenset({YearStatus.SCORING, YearStatus.PUBLICITY})


def objections_open(year: AssessmentYear) -> bool:
    return year.status in FILING_STATES


@transaction.atomic
def objection_file(
    *,
    year: AssessmentYear,
    unit: Unit,
    indicator: Indicator,
    reason: str,
    by: User,
    attachments: Iterable[files.Upload] = (),
) -> Objection:
    """File an objection of ``unit`` against its score on ``indicator``; ``ValidationError``
    (by field where it concerns one) if it cannot be filed now."""
    year = AssessmentYear.objects.get(pk=year.pk)  # its state now, not the caller's copy
    record_rules.refuse(objection_file_refusal(by, unit))
    if year.status not in FILING_STATES:
        raise ValidationError(
            _(
                "Objections to the %(year)s results can be filed only during the publicity "
                "(公示); the assessment is in the state “%(status)s”."
            )
            % {"year": year.year, "status": YearStatus(year.status).label},
            code="year_locked",
        )
    errors: dict[str, list[str]] = {}
    if indicator.year_id != year.pk or indicator.category_id != unit.category_id:
        errors["indicator"] = [
            _("%(indicator)s is not an indicator of the %(year)s scheme of %(unit)s.")
            % {"indicator": indicator, "year": year.year, "unit": unit.name}
        ]
    elif Objection.objects.filter(
        unit=unit, indicator=indicator, status=ObjectionStatus.OPEN
    ).exists():
        errors["indicator"] = [
            _(
                "An objection of %(unit)s to %(indicator)s is still open: add to it by "
                "contacting the assessment office, or wait for its answer."
            )
            % {"unit": unit.name, "indicator": indicator.name}
        ]
    if not reason.strip():
        errors["reason"] = [_("Say why the score is wrong.")]
    prepared: list[files.PreparedAttachment] = []
    try:
        prepared = files.prepare_all(attachments)
    except ValidationError as error:
        record_rules.merge(errors, error)
    if errors:
        raise ValidationError(errors)

    run = year.runs.filter(is_current=True).first()
    score = None
    if run is not None:
        scores = (
            UnitResult.objects.filter(run=run, unit=unit).values_list("scores", flat=True).first()
        )
        score = (scores or {}).get(indicator.code)
    objection = Objection(
        year=year,
        unit=unit,
        indicator=indicator,
        run=run,
        score=score,
        filed_by=account(by),
        reason=reason.strip(),
    )
    objection.full_clean()
    record_rules.write_with_files(objection, by, "", prepared, attach_to="objection")
    return objection


@transaction.atomic
def objection_resolve(
    *, objection: Objection, by: User, accept: bool, resolution: str
) -> Objection:
    """Reject (``accept=False``) an open objection with the reason, or accept it with the
    correction that follows (the office then amends the input and recomputes)."""
    locked = (
        Objection.objects.select_for_update(of=ROW_ONLY)
        .select_related("year", "unit", "indicator")
        .get(pk=objection.pk)
    )
    if not manages_assessment(by):
        raise ValidationError(
            _("Only the assessment office resolves objections."), code="not_allowed"
        )
    if not locked.is_open:
        raise ValidationError(
            _("This objection has already been answered (%(status)s).")
            % {"status": ObjectionStatus(locked.status).label},
            code="resolved",
        )
    if locked.year.status not in RESOLVING_STATES:
        raise ValidationError(
            _(
                "The %(year)s assessment is in the state “%(status)s”: objections can no longer "
                "be answered. To correct a published result, open a formal review of the year "
                "first."
            )
            % {"year": locked.year.year, "status": YearStatus(locked.year.status).label},
            code="year_locked",
        )
    if not resolution.strip():
        message = (
            _("Say which correction follows from accepting the objection.")
            if accept
            else _("Give the reason for rejecting the objection.")
        )
        raise ValidationError({"resolution": message}, code="reason_required")
    locked.status = ObjectionStatus.ACCEPTED if accept else ObjectionStatus.REJECTED
    locked.resolution = resolution.strip()
    locked.resolved_by = account(by)
    locked.resolved_at = timezone.now()
    locked.full_clean()
    record_rules.save(
        locked,
        by,
        locked.resolution,
        update_fields=["status", "resolution", "resolved_by", "resolved_at"],
    )
    for name in ("status", "resolution", "resolved_by_id", "resolved_at"):
        setattr(objection, name, getattr(locked, name))
    return locked


def objections_take_in(*, year: AssessmentYear, run: ComputationRun) -> int:
    """Link the accepted objections still waiting for a recomputation to ``run`` (one query
    when there are none, as usual)."""
    waiting = list(
        Objection.objects.filter(
            year=year, status=ObjectionStatus.ACCEPTED, resolved_run__isnull=True
        )
    )
    for objection in waiting:
        objection.resolved_run = run
        if run.computed_by is not None:
            set_history_user(objection, run.computed_by)
        set_change_reason(objection, (run.reason or _("recomputed"))[:100])
        objection.save(update_fields=["resolved_run"])
    return len(waiting)


def objections_blocking_publication(year: AssessmentYear) -> list[str]:
    """Why the objections stop a publication: open ones, and accepted ones not yet taken in."""
    problems = []
    rows = Objection.objects.filter(year=year).select_related("unit", "indicator")
    for objection in rows.filter(status=ObjectionStatus.OPEN).order_by("filed_at", "pk"):
        problems.append(
            _("The objection of %(unit)s to %(indicator)s is still open: answer it first.")
            % {"unit": objection.unit.name, "indicator": objection.indicator.name}
        )
    for objection in rows.filter(
        status=ObjectionStatus.ACCEPTED, resolved_run__isnull=True
    ).order_by("filed_at", "pk"):
        problems.append(
            _(
                "The objection of %(unit)s to %(indicator)s was accepted, but the results have "
                "not been computed again since: correct the input and recompute first."
            )
            % {"unit": objection.unit.name, "indicator": objection.indicator.name}
        )
    return problems
