"""Lead departments (牵头单位) assess their own indicators: grades, city ranks, survey rates.

One grid per indicator across the active units of its category, saved as one change by
``grading_save``: the year's clock (``Action.ENTER_ASSESSMENTS``), who may assess (the office, or
the lead department of the indicator), never a lead department's own unit (the office assesses
it), every row validated before anything is written, then one transaction in which only the
rows that changed are written, with the user in their history.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from assessment.access import leads_indicator, manages_assessment
from assessment.lib.history import set_change_reason, set_history_user
from assessment.models import CityRank, Grade, Indicator, MethodChoices, SurveyRate
from assessment.policy import Action, year_check
from assessment.services.concurrency import check_state, instance_values, state_digest
from units.access import AnyUser, user_unit_id
from units.models import Unit

# The methods whose input is entered by an assessing department, and what each one writes.
GradingModel = Grade | CityRank | SurveyRate
GRADING_MODELS: dict[str, type[GradingModel]] = {
    MethodChoices.GRADED: Grade,
    MethodChoices.CITY_RANK: CityRank,
    MethodChoices.SURVEY: SurveyRate,
}
GRADING_METHODS = frozenset(GRADING_MODELS)
GRADING_FIELDS: dict[str, tuple[str, ...]] = {
    MethodChoices.GRADED: ("grade", "reason"),
    MethodChoices.CITY_RANK: ("rank", "total"),
    MethodChoices.SURVEY: ("rate",),
}
# The values a row must have; the others (a grade's reason) may be blank.
REQUIRED_FIELDS = {"grade", "rank", "total", "rate"}
GRADES_NEEDING_REASON = frozenset({"A", "D"})


@dataclass(frozen=True)
class GradingCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def saved(self) -> int:
        return self.created + self.updated


class GridError(ValidationError):
    """The grid's errors: ``rows`` maps a unit code to {field name or "": [messages]}; the
    messages of the ``ValidationError`` itself name the unit and the field."""

    def __init__(self, rows: dict[str, dict[str, list[str]]], labels: dict[str, str]) -> None:
        self.rows = rows
        flat: dict[str, list[str]] = {}
        for code, fields in rows.items():
            for field, messages in fields.items():
                for message in messages:
                    where = labels.get(code, code)
                    if field:
                        where = f"{where} · {field_label(field)}"
                    flat.setdefault(code, []).append(f"{where}：{message}")
        super().__init__(flat)


def field_label(field: str) -> str:
    labels = {
        "grade": _("Grade"),
        "reason": _("Reason"),
        "rank": _("Rank"),
        "total": _("Number ranked"),
        "rate": _("Rate"),
    }
    return str(labels.get(field, field))


def unit_label(unit: Unit) -> str:
    return f"{unit.name}（{unit.code}）"


# --- who may assess ---------------------------------------------------------------------------


def grading_refusal(user: AnyUser, indicator: Indicator) -> str | None:
    """Why ``user`` may not assess ``indicator``, or None if they may."""
    if indicator.method not in GRADING_METHODS:
        return _("This indicator is not assessed with grades, city ranks or survey rates.")
    if manages_assessment(user) or leads_indicator(user, indicator):
        return None
    return _("Only the assessment office and the lead department of this indicator assess it.")


def may_edit_row(user: AnyUser, unit: Unit | int) -> bool:
    """A lead department is itself assessed: its own unit's row is the office's to fill."""
    if manages_assessment(user):
        return True
    unit_id = unit if isinstance(unit, int) else unit.pk
    return unit_id != user_unit_id(user)


def grading_units(indicator: Indicator) -> models.QuerySet[Unit]:
    """The units of the grid: every active unit of the indicator's category."""
    return Unit.objects.active().filter(category_id=indicator.category_id).order_by("code")


def grading_existing(indicator: Indicator) -> dict[int, models.Model]:
    """The inputs already entered for the indicator, by unit id (one query)."""
    model = GRADING_MODELS[indicator.method]
    return {row.unit_id: row for row in model.objects.filter(indicator=indicator)}


def grading_state(indicator: Indicator, units: Iterable[Unit], existing: dict[int, Any]) -> str:
    """The digest of the grid's rows of ``units`` as a form shows them (``concurrency``)."""
    fields = GRADING_FIELDS[indicator.method]
    return state_digest(
        {
            unit.code: instance_values(existing[unit.pk], fields)
            for unit in units
            if unit.pk in existing
        }
    )


# --- saving -----------------------------------------------------------------------------------


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _clean_value(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _row_errors(method: str, values: Mapping[str, Any]) -> dict[str, list[str]]:
    """The grid's own rules of a row, beyond the model's field validation."""
    errors: dict[str, list[str]] = {}
    for field in GRADING_FIELDS[method]:
        if field in REQUIRED_FIELDS and _blank(values.get(field)):
            errors.setdefault(field, []).append(_("This field is required."))
    if method == MethodChoices.GRADED:
        if values.get("grade") in GRADES_NEEDING_REASON and _blank(values.get("reason")):
            errors.setdefault("reason", []).append(_("A grade of A or D needs a written reason."))
    if method == MethodChoices.CITY_RANK:
        rank: Any = values.get("rank")  # as entered: text, a number or nothing
        total: Any = values.get("total")
        if not _blank(rank) and not _blank(total):
            try:
                too_high = int(rank) > int(total)
            except (TypeError, ValueError):
                too_high = False
            if too_high:
                errors.setdefault("rank", []).append(
                    _("The rank cannot be greater than the number ranked.")
                )
    return errors


def _save(
    instance: models.Model, by: User, update_fields: list[str] | None = None, reason: str = ""
) -> None:
    if by.is_authenticated:
        set_history_user(instance, by)
    if reason.strip():
        set_change_reason(instance, reason.strip()[:100])
    try:
        instance.save(update_fields=update_fields)
    finally:
        instance.__dict__.pop("_change_reason", None)


def _prepare(
    indicator: Indicator,
    unit: Unit | None,
    values: Mapping[str, Any],
    existing: Mapping[int, models.Model],
    by: User,
) -> tuple[dict[str, list[str]], models.Model | None, list[str] | None]:
    """One row: its errors, or the instance to write (None when unchanged) and the fields to
    update (None for a new row)."""
    if unit is None:
        return {"": [_("No active unit of this category has this code.")]}, None, None
    if not may_edit_row(by, unit):
        own = _("Your own unit is assessed by the assessment office, not by your department.")
        return {"": [own]}, None, None
    fields = GRADING_FIELDS[indicator.method]
    row_errors = _row_errors(indicator.method, values)
    instance = existing.get(unit.pk)
    created = instance is None
    if instance is None:
        instance = GRADING_MODELS[indicator.method](indicator=indicator, unit=unit)
    before = {field: getattr(instance, field) for field in fields}
    for field in fields:
        value = values[field]
        setattr(instance, field, "" if field == "reason" and value is None else value)
    try:
        instance.full_clean(
            exclude=["indicator", "unit"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            known = row_errors.setdefault(field if field in fields else "", [])
            known.extend(message for message in messages if message not in known)
    if row_errors:
        return row_errors, None, None
    if created:
        return {}, instance, None
    changed = [field for field in fields if getattr(instance, field) != before[field]]
    if changed and getattr(instance, "survey_id", None) is not None:
        # A rate written by a satisfaction survey changes only when a survey closes again.
        return (
            {"": [_("This rate comes from a satisfaction survey and cannot be changed here.")]},
            None,
            None,
        )
    return {}, (instance if changed else None), (changed or None)


def grading_save(
    *,
    indicator: Indicator,
    rows: Mapping[str, Mapping[str, Any]],
    by: User,
    reason: str = "",
    expected_state: str | None = None,
) -> GradingCounts:
    """Save a grid of inputs for ``indicator``: ``rows`` maps a unit code to its values
    (``grade``/``reason``, ``rank``/``total`` or ``rate``, by the indicator's method).

    A row whose values are all blank is left as it is. Raises ``PermissionDenied`` when the user
    may not assess the indicator, ``ValidationError`` when the year is closed to assessments
    (during the publicity or a review: open to the office only, with the ``reason`` of the
    amendment, kept in the history), and ``GridError`` (a ``ValidationError`` keyed by unit
    code) when any row is wrong: then nothing is written.

    The indicator's row and the grid's rows are locked first, so two saves of one grid run one
    after the other; with ``expected_state`` (``grading_state`` of the rows the form was opened
    on: every unit of ``rows``, blank or not) a change made since is refused with
    ``StaleError``.
    """
    refusal = grading_refusal(by, indicator)
    if refusal is not None:
        if indicator.method not in GRADING_METHODS:
            raise ValidationError(refusal, code="not_graded")
        raise PermissionDenied(refusal)
    year_check(indicator.year, Action.ENTER_ASSESSMENTS, reason=reason, by=by)

    method = indicator.method
    fields = GRADING_FIELDS[method]
    model = GRADING_MODELS[method]
    entered = {
        code: {field: _clean_value(values.get(field)) for field in fields}
        for code, values in rows.items()
        if not all(_blank(values.get(field)) for field in fields)
    }
    shown = {unit.code: unit for unit in grading_units(indicator).filter(code__in=list(rows))}
    units = {code: unit for code, unit in shown.items() if code in entered}
    labels = {code: unit_label(unit) for code, unit in units.items()}
    errors: dict[str, dict[str, list[str]]] = {}

    with transaction.atomic():
        # The indicator's row serialises saves that create rows (nothing to lock yet).
        list(
            Indicator.objects.select_for_update(no_key=True)
            .filter(pk=indicator.pk)
            .values_list("pk")
        )
        existing = {
            row.unit_id: row
            for row in model.objects.select_for_update()
            .filter(indicator=indicator, unit_id__in=[unit.pk for unit in shown.values()])
            .order_by("pk")
        }
        check_state(expected_state, grading_state(indicator, shown.values(), existing))
        planned: list[tuple[models.Model, list[str] | None]] = []
        unchanged = 0
        for code, values in entered.items():
            row_errors, instance, update_fields = _prepare(
                indicator, units.get(code), values, existing, by
            )
            if row_errors:
                errors[code] = row_errors
            elif instance is None:
                unchanged += 1
            else:
                planned.append((instance, update_fields))
        if errors:
            raise GridError(errors, labels)
        created_count = updated_count = 0
        for instance, update_fields in planned:
            _save(instance, by, update_fields, reason)
            if update_fields is None:
                created_count += 1
            else:
                updated_count += 1
    return GradingCounts(created=created_count, updated=updated_count, unchanged=unchanged)
