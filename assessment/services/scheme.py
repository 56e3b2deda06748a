"""Writes of a year's set-up: parameters, indicators and targets.

Every function asks the year's policy first (``assessment.policy.year_check``: once collecting
starts a change is an amendment and needs a reason), validates with ``full_clean()``, saves
with ``update_fields`` where it updates, records who did it and why in the history, and runs in
one transaction. Import doors call the same functions, so a spreadsheet row cannot bypass a
rule the web form enforces.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from simple_history.utils import update_change_reason

from assessment.lib.history import set_change_reason, set_history_user
from assessment.models import POINT_METHODS, AssessmentYear, Indicator, Item, Target, YearStatus
from assessment.policy import Action, year_check
from assessment.scoring import Problem, validate_params
from assessment.scoring.inputs import TARGET_METHODS, Method
from assessment.services.concurrency import check_state, instance_values, state_digest
from units.access import AnyUser
from units.models import Cadre, Unit

User = AnyUser | None

# The parameters of a year in the settings page's sections, in order (the forms name them):
# tiers and quotas, grade factors, three-in-one weights, bonus pool and coefficients, and the
# reporting period. Every parameter is in exactly one.
PARAMETER_SECTIONS: tuple[tuple[str, ...], ...] = (
    (
        "excellent_threshold",
        "good_threshold",
        "average_threshold",
        "excellent_quota",
        "team_excellent_quota",
        "cadre_excellent_quota",
    ),
    ("grade_a", "grade_b", "grade_c", "grade_d"),
    (
        "team_unit_weight",
        "team_evaluation_weight",
        "cadre_unit_weight",
        "cadre_evaluation_weight",
        "contribution_cap",
    ),
    (
        "bonus_pool",
        "coefficient_excellent",
        "coefficient_good",
        "coefficient_average",
        "coefficient_poor",
    ),
    ("reporting_period_days", "publicity_ends_on"),
    ("source_tolerance",),
)
PARAMETER_FIELDS: tuple[str, ...] = tuple(name for names in PARAMETER_SECTIONS for name in names)

# What an indicator form may change (year and category place it; they never move).
INDICATOR_FIELDS: tuple[str, ...] = (
    "code",
    "name",
    "group",
    "points",
    "method",
    "aggregation",
    "cap",
    "total_share",
    "step",
    "lead_unit",
    "source_unit",
    "measure",
    "sort_order",
)

TARGET_FIELDS: tuple[str, ...] = ("target", "base", "leader")

# `validate_params` names what is wrong; these are the form fields that carry the message.
_PARAM_ERROR_FIELDS: dict[str, str] = {
    "thresholds": NON_FIELD_ERRORS,
    "grade_factors": NON_FIELD_ERRORS,
    "tier_coefficients": NON_FIELD_ERRORS,
}


def _audit(instance: models.Model, by: User) -> None:
    """Name the user in the history record even where no request is around (imports, CLI)."""
    if by is not None and by.is_authenticated:
        set_history_user(instance, by)


def _record_reason(instance: models.Model, reason: str) -> None:
    if reason.strip():
        update_change_reason(instance, reason.strip())


# --- years ------------------------------------------------------------------------------------


@transaction.atomic
def year_create(*, year: int, by: User) -> AssessmentYear:
    """A new assessment year in the state "setting up", with the spec's default parameters."""
    assessment_year = AssessmentYear(year=year, status=YearStatus.SETUP)
    assessment_year.full_clean()
    _audit(assessment_year, by)
    assessment_year.save()
    return assessment_year


def param_errors(problems: list[Problem]) -> dict[str, list[str]]:
    messages = {
        "thresholds": _(
            "The tier thresholds must be ordered: average from ≤ good from ≤ excellent from."
        ),
        "grade_factors": _("No grade factor may be negative."),
        "tier_coefficients": _("No bonus coefficient may be negative."),
    }
    errors: dict[str, list[str]] = {}
    for problem in problems:
        name = str(problem.value)
        field = _PARAM_ERROR_FIELDS.get(name, name)
        if name.endswith("_quota"):
            message = _("Enter a share between 0 and 1 (0.30 is 30%).")
        else:
            message = messages.get(name, _("This value cannot be negative."))
        errors.setdefault(field, []).append(message)
    return errors


def year_state(year: AssessmentYear) -> str:
    """The digest of the year's parameters, for the settings form (``concurrency``)."""
    return state_digest({"year": instance_values(year, PARAMETER_FIELDS)})


@transaction.atomic
def year_update_parameters(
    *,
    year: AssessmentYear,
    by: User,
    data: dict[str, Any],
    reason: str = "",
    expected_state: str | None = None,
) -> AssessmentYear:
    """Change the year's parameters (``data``: field name → value, any of PARAMETER_FIELDS).

    Beyond each field's own limits, the engine's parameter checks apply (ordered thresholds,
    quotas between 0 and 1), so the year can always be computed with what is saved here.
    The year's row is locked and read again first; with ``expected_state`` (``year_state`` of
    the year the form was opened on) a change made since is refused with ``StaleError``.
    """
    unknown = set(data) - set(PARAMETER_FIELDS)
    if unknown:
        raise ValueError(f"Not parameters of a year: {sorted(unknown)}")
    locked = AssessmentYear.objects.select_for_update().get(pk=year.pk)
    for name in (*PARAMETER_FIELDS, "status", "updated_at"):
        setattr(year, name, getattr(locked, name))
    check_state(expected_state, year_state(year))
    year_check(year, Action.EDIT_PARAMETERS, reason=reason)
    changed = [name for name, value in data.items() if getattr(year, name) != value]
    for name in changed:
        setattr(year, name, data[name])
    year.full_clean()
    if errors := param_errors(validate_params(year.scoring_params())):
        raise ValidationError(errors)
    if not changed:
        return year
    _audit(year, by)
    year.save(update_fields=[*changed, "updated_at"])
    _record_reason(year, reason)
    return year


# --- indicators -------------------------------------------------------------------------------


def indicator_state(indicator: Indicator) -> str:
    """The digest of an indicator's values, for its form (``concurrency``)."""
    return state_digest({"indicator": instance_values(indicator, INDICATOR_FIELDS)})


@transaction.atomic
def indicator_save(
    *, indicator: Indicator, by: User, reason: str = "", expected_state: str | None = None
) -> Indicator:
    """Add an indicator to a scheme, or save the changes made to one.

    A change locks the indicator's row; with ``expected_state`` (``indicator_state`` of the
    indicator the form was opened on) a change made since is refused with ``StaleError``.
    """
    if indicator.pk is not None:
        locked = Indicator.objects.select_for_update().get(pk=indicator.pk)
        check_state(expected_state, indicator_state(locked))
    year_check(indicator.year, Action.EDIT_SCHEME, reason=reason)
    indicator.full_clean()
    _save(indicator, by, reason, INDICATOR_FIELDS)
    return indicator


ITEM_FIELDS: tuple[str, ...] = ("code", "name", "level", "points", "cap", "sort_order")


@transaction.atomic
def item_save(*, item: Item, by: User, reason: str = "") -> Item:
    """Add an item to a bonus or deduction indicator's catalogue (加减分清单), or save the
    changes made to one: part of the scheme, on its clock (an amendment needs a reason)."""
    indicator = item.indicator
    year_check(indicator.year, Action.EDIT_SCHEME, reason=reason)
    if indicator.method not in POINT_METHODS:
        raise ValidationError(
            _("Only bonus and deduction indicators have catalogued items."), code="not_allowed"
        )
    item.full_clean()
    _save(item, by, reason, ITEM_FIELDS)
    return item


@transaction.atomic
def indicator_delete(*, indicator: Indicator, by: User, reason: str = "") -> None:
    """Remove an indicator from a scheme, with its targets and its catalogue; only while the year
    is set up.

    Once collecting starts, evidence and assessments refer to the indicator: it stays, and a
    scheme is changed by amending indicators instead.
    """
    year = indicator.year
    if year.status != YearStatus.SETUP:
        raise ValidationError(
            _(
                "The %(year)s assessment is no longer being set up: indicators can only be "
                "amended, not deleted."
            )
            % {"year": year.year},
            code="year_locked",
        )
    year_check(year, Action.EDIT_SCHEME, reason=reason)
    # A deleted row cannot be found again by update_change_reason: the reason and the user
    # are set on the instance before the delete writes its history record.
    for row in [*indicator.targets.all(), *indicator.items.all()]:
        _audit(row, by)
        set_change_reason(row, reason.strip() or None)
        row.delete()
    _audit(indicator, by)
    set_change_reason(indicator, reason.strip() or None)
    indicator.delete()


# --- targets ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetRow:
    """One line of a unit's targets form: the values for one indicator (None: left empty)."""

    indicator: Indicator
    target: Decimal | None = None
    base: Decimal | None = None
    leader: Cadre | None = None


def target_value_errors(indicator: Indicator, target: Target) -> dict[str, list[str]]:
    """The engine's setup rules for a target and base, refused already when they are typed.

    Leaving a value empty is allowed while setting up (computing lists what is missing);
    a value that could never be computed is not.
    """
    errors: dict[str, list[str]] = {}
    method = indicator.method
    if method in TARGET_METHODS and target.target is not None and target.target <= 0:
        errors["target"] = [_("The target must be greater than 0.")]
    if method == Method.INCREMENT and target.target is not None and target.base is not None:
        if target.target <= target.base:
            errors.setdefault("target", []).append(_("The target must be greater than the base."))
    if method == Method.BASE_RATIO and target.base is not None and target.base <= 0:
        errors["base"] = [_("The base must be greater than 0.")]
    if target.leader is not None and target.leader.unit_id != target.unit_id:
        errors["leader"] = [_("The responsible cadre must be a cadre of the unit.")]
    return errors


# The import door (assessment/imports/kinds_scheme.py) imports the earlier private name.


def _validate_target(target: Target) -> None:
    errors: dict[str, list[str]] = {}
    try:
        target.full_clean()
    except ValidationError as error:
        errors = error.message_dict
    for field, messages in target_value_errors(target.indicator, target).items():
        errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _save(instance: models.Model, by: User, reason: str, fields: Iterable[str]) -> None:
    """Save a new row whole and a known one in ``fields`` only; its history record names the
    user and the reason."""
    _audit(instance, by)
    if instance.pk is None:
        instance.save()
    else:
        instance.save(update_fields=list(fields))
    _record_reason(instance, reason)


@transaction.atomic
def target_save(*, target: Target, by: User, reason: str = "") -> Target:
    """Save one unit's target, base and responsible cadre for one indicator."""
    year_check(target.indicator.year, Action.EDIT_TARGETS, reason=reason)
    _validate_target(target)
    _save(target, by, reason, TARGET_FIELDS)
    return target


def targets_state(existing: Iterable[Target]) -> str:
    """The digest of a unit's targets as a form shows them (``concurrency``): ``existing``
    are the unit's targets on the form's indicators."""
    return state_digest(
        {target.indicator_id: instance_values(target, TARGET_FIELDS) for target in existing}
    )


def _row_error_key(indicator: Indicator, field: str) -> str:
    return f"{indicator.code}.{field}"


@transaction.atomic
def targets_save_many(
    *,
    year: AssessmentYear,
    unit: Unit,
    rows: Iterable[TargetRow],
    by: User,
    reason: str = "",
    expected_state: str | None = None,
) -> list[Target]:
    """Save all of a unit's targets from one form, all or nothing.

    Every row is validated before anything is written; if any row is wrong, nothing is saved
    and the ``ValidationError`` maps "<indicator code>.<field>" to that row's messages. Rows
    left empty for an indicator without a target create nothing. Returns the targets created
    or changed.

    The unit's row and its targets are locked first, so two saves of the same unit's targets
    run one after the other; with ``expected_state`` (``targets_state`` of the targets the form
    was opened on) a change made since, to any row of the form, is refused with ``StaleError``.
    """
    rows = list(rows)
    # The unit's row serialises saves that create targets (no row to lock yet); "no key": it
    # does not hold up writes of other rows that merely refer to the unit.
    list(Unit.objects.select_for_update(no_key=True).filter(pk=unit.pk).values_list("pk"))
    existing = {
        target.indicator_id: target
        for target in Target.objects.select_for_update()
        .filter(unit=unit, indicator__in=[r.indicator for r in rows])
        .order_by("pk")
    }
    check_state(expected_state, targets_state(existing.values()))
    year_check(year, Action.EDIT_TARGETS, reason=reason)
    errors: dict[str, list[str]] = {}
    pending: list[tuple[Target, list[str]]] = []
    for row in rows:
        indicator = row.indicator
        if indicator.year_id != year.pk or indicator.category_id != unit.category_id:
            raise ValueError(f"Indicator {indicator.code} is not in the scheme of {unit.code}.")
        target = existing.get(indicator.pk)
        if target is None:
            if row.target is None and row.base is None and row.leader is None:
                continue
            target = Target(indicator=indicator, unit=unit)
        else:
            target.indicator = indicator  # already read: spare a query per row below
        values = {"target": row.target, "base": row.base, "leader": row.leader}
        changed = [f for f in TARGET_FIELDS if _current(target, f) != _new(values[f])]
        if target.pk is not None and not changed:
            continue
        for field, value in values.items():
            setattr(target, field, value)
        try:
            _validate_target(target)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.setdefault(_row_error_key(indicator, field), []).extend(messages)
            continue
        pending.append((target, changed))
    if errors:
        raise ValidationError(errors)
    for target, changed in pending:
        _save(target, by, reason, changed)
    return [target for target, _changed in pending]


def _current(target: Target, field: str) -> object:
    return target.leader_id if field == "leader" else getattr(target, field)


def _new(value: object) -> object:
    return value.pk if isinstance(value, Cadre) else value
