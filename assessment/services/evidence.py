"""Evidence (平时记录): record, correct, verify, and a unit's answer to a failure.

Evidence follows the one flow of every verified record (``services.records``); this module
says what is particular to it:

- who may record or correct it: ``assessment.access.record_refusal`` (by unit and indicator;
  a unit's self-report on a source-fed indicator by its own rule); its own field rules: the
  indicator is of the unit's scheme, the date in the indicator's year, bonus and deduction
  values not negative;
- who may verify or reject it: ``evidence_verify_refusal`` (the office or the indicator's lead
  department, never the record's own unit or its creator; a veto event is confirmed by a
  second person of the office); several records may be decided at once;
- ``evidence_statement_create``: a unit answers a failure recorded against it.

These functions are the only way their change happens (pages, imports and the command line
call them; the admin shows evidence read-only). Reads are in ``selectors.evidence``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from assessment.access import (
    evidence_statement_refusal,
    evidence_verify_refusal,
    record_refusal,
)
from assessment.lib import attachments as files
from assessment.models import (
    POINT_METHODS,
    AssessmentYear,
    Evidence,
    EvidenceStatement,
    Indicator,
    Item,
    YearStatus,
)
from assessment.services import records as record_rules
from assessment.services.records import (
    RecordFlow,
    User,
    VerifyCounts,
)
from units.access import account
from units.models import Unit

# A unit may answer a failure while the year is open and during the publicity.
STATEMENT_STATES = frozenset({YearStatus.COLLECTING, YearStatus.SCORING, YearStatus.PUBLICITY})


def _field_errors(record: Evidence, year: AssessmentYear) -> dict[str, list[str]]:
    """The record's own rules, by field (``full_clean`` is the flow's)."""
    errors: dict[str, list[str]] = {}
    unit, indicator = record.unit, record.indicator
    if indicator.category_id != unit.category_id:
        errors["indicator"] = [
            _("%(indicator)s is not an indicator of the %(year)s scheme of %(unit)s.")
            % {"indicator": indicator, "year": year.year, "unit": unit}
        ]
    if date_errors := record_rules.date_error(record.date, year):
        errors["date"] = date_errors
    if indicator.method in POINT_METHODS and record.value is not None and record.value < 0:
        errors["value"] = [_("Bonus and deduction records cannot be negative.")]
    for field, problem in item_problems(record).items():
        errors.setdefault(field, []).append(problem)
    return errors


def item_problems(record: Evidence) -> dict[str, str]:
    """Spec, "Catalogued bonus and deduction items": a record of a catalogued indicator names
    one of its items and counts whole occurrences (≥ 1); a record of any other names none."""
    indicator = record.indicator
    catalogued = Item.objects.filter(indicator=indicator).exists()
    if not catalogued:
        if record.item_id is not None:
            return {"item": _("%(indicator)s has no catalogued items.") % {"indicator": indicator}}
        return {}
    problems: dict[str, str] = {}
    item = record.item
    if item is None:
        problems["item"] = _("Choose the catalogued item this record is about.")
    elif item.indicator_id != indicator.pk:
        problems["item"] = _("This item is not in the catalogue of %(indicator)s.") % {
            "indicator": indicator
        }
    value = record.value
    if value is not None and (value < 1 or value != value.to_integral_value()):
        problems["value"] = _("Enter the number of times: a whole number of at least 1.")
    return problems


def _label(record: Evidence) -> str:
    return f"{record.unit.name} · {record.indicator.name} · {record.date:%Y-%m-%d}"


EVIDENCE: RecordFlow[Evidence] = RecordFlow(
    model=Evidence,
    related=("unit", "indicator__year"),
    year_of=lambda record: record.indicator.year,
    record_refusal=record_refusal,
    decide_refusal=evidence_verify_refusal,
    field_errors=_field_errors,
    attach_to="evidence",
    label=_label,
    ordering=("date", "pk"),
)


@transaction.atomic
def evidence_record(
    *,
    unit: Unit,
    indicator: Indicator,
    date: datetime.date,
    value: Decimal,
    description: str,
    by: User,
    attachments: Iterable[files.Upload] = (),
    late_reason: str = "",
    item: Item | None = None,
    document: str = "",
    address: str | None = None,
    self_report: bool = False,
) -> Evidence:
    """Record a piece of evidence (平时记录) of ``unit`` on ``indicator``, pending verification.

    Refused (``ValidationError``) unless ``by`` may record for this unit and indicator, the
    year's clock allows it and the record keeps evidence's rules; attachments are checked with
    the record and stored with it, all or nothing. In the state "scoring" only the office
    records, and its record is marked late with ``late_reason``.

    ``self_report``: the unit's own figure (自报数) on an indicator that names a data source
    unit (一数一源), stated by the unit's own users: kept with its files and compared with the
    source's figure, never verified, never counted.
    """
    year = AssessmentYear.objects.get(pk=indicator.year_id)  # its state now, not the caller's
    record = Evidence(
        unit=unit,
        indicator=indicator,
        date=date,
        value=value,
        description=description.strip(),
        item=item,
        document=document.strip(),
        entered_from=address or None,
        # only the source unit and the office pass the record rule of a source-fed indicator
        # (a self-report has its own rule: ``access.self_report_refusal``)
        data_source_id=None if self_report else indicator.source_unit_id,
    )
    return record_rules.record_create(
        EVIDENCE, record, year=year, by=by, late_reason=late_reason, attachments=attachments
    )


@transaction.atomic
def evidence_correct(
    *,
    record: Evidence,
    value: Decimal,
    description: str,
    date: datetime.date | None = None,
    reason: str,
    by: User,
    attachments: Iterable[files.Upload] = (),
    item: Item | None = None,
    document: str | None = None,
    address: str | None = None,
) -> Evidence:
    """Correct a record: a new record supersedes it, with the reason; returns the new one.

    The item and the document stay as they were unless given."""

    def new(old: Evidence) -> Evidence:
        return Evidence(
            unit=old.unit,
            indicator=old.indicator,
            date=date or old.date,
            value=value,
            description=description.strip(),
            item=old.item if item is None else item,
            document=old.document if document is None else document.strip(),
            entered_from=address or None,
            # a self-report stays one; any other record of a source-fed indicator is the source's
            data_source_id=None if old.is_self_report else old.indicator.source_unit_id,
        )

    return record_rules.record_correct(
        EVIDENCE, record, new, by=by, reason=reason, attachments=attachments
    )


@transaction.atomic
def evidence_verify(*, record: Evidence, by: User, accept: bool, reason: str = "") -> Evidence:
    """Verify (``accept``) or reject a pending, current record; a rejection needs a reason."""
    return record_rules.record_verify(EVIDENCE, record, by=by, accept=accept, reason=reason)


@transaction.atomic
def evidence_verify_many(
    *, records: Iterable[Evidence], by: User, accept: bool, reason: str = ""
) -> VerifyCounts:
    """Verify or reject several records at once: all of them, or none and every reason why.

    The messages of a refusal each name the record they are about.
    """
    return record_rules.record_verify_many(EVIDENCE, records, by=by, accept=accept, reason=reason)


# --- statements -------------------------------------------------------------------------------


@transaction.atomic
def evidence_statement_create(*, record: Evidence, text: str, by: User) -> EvidenceStatement:
    """A unit's statement answering a failure recorded against it; the record is untouched."""
    record = Evidence.objects.select_related("unit", "indicator__year").get(pk=record.pk)
    record_rules.refuse(evidence_statement_refusal(by, record))
    year = record.indicator.year
    if year.status not in STATEMENT_STATES:
        raise ValidationError(
            _(
                "The %(year)s assessment is in the state “%(status)s”: statements can no "
                "longer be written."
            )
            % {"year": year.year, "status": YearStatus(year.status).label},
            code="year_locked",
        )
    statement = EvidenceStatement(
        evidence=record, unit=record.unit, text=text.strip(), stated_by=account(by)
    )
    statement.full_clean()
    record_rules.save(statement, by)
    return statement
