"""Draft schemes: drafted from a year, changed, copied, deleted, scored, adopted by a new year.

A draft is its own row: nothing here writes a year's indicators, parameters or results, except
`draft_adopt`, which sets up a year that is still being set up with the draft's scheme through
the same services the scheme pages use (so the year's rules and history apply).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessment import scoring
from assessment.lib import collector
from assessment.lib.history import set_history_user
from assessment.lib.problem_messages import problem_messages
from assessment.models import (
    DRAFT_INDICATOR_FIELDS,
    DRAFT_PARAMETERS,
    POINT_METHODS,
    AssessmentYear,
    DraftScheme,
    Indicator,
    Item,
    YearStatus,
)
from assessment.models.drafts import indicator_spec
from assessment.scoring.whatif import Draft, WhatIf, what_if, with_catalogues
from assessment.services.compute import ComputeRefused, YearData, problems_text, year_data
from assessment.services.concurrency import check_state, state_digest
from assessment.services.scheme import (
    ITEM_FIELDS,
    indicator_delete,
    indicator_save,
    item_save,
    param_errors,
    year_update_parameters,
)
from units.access import AnyUser, account
from units.models import UnitCategory

User = AnyUser | None


def _text(value: object) -> str | None:
    return None if value is None else format(Decimal(str(value)), "f")


def year_scheme_rows(year: AssessmentYear) -> list[dict[str, Any]]:
    """The year's indicators as a draft stores them, in scheme order."""
    rows = (
        Indicator.objects.filter(year=year)
        .order_by("category__sort_order", "sort_order", "code")
        .values("category__code", *DRAFT_INDICATOR_FIELDS)
    )
    return [
        {
            "category": row.pop("category__code"),
            **{name: _text(v) if isinstance(v, Decimal) else v for name, v in row.items()},
        }
        for row in rows
    ]


def _check(draft: DraftScheme) -> None:
    """The draft's own values as the year's fields and the engine would check them."""
    holder = draft.parameter_year()
    errors: dict[str, list[str]] = {}
    try:
        holder.clean_fields(exclude=["year", "status"])
    except ValidationError as error:
        errors.update(error.message_dict)
    errors.update(param_errors(scoring.validate_params(holder.scoring_params())))
    names = {(row["category"], row["code"]): row["name"] for row in draft.indicators}
    for category, specs in draft.scheme().items():
        problems, _warnings = scoring.validate_scheme(specs, category=category)
        if problems:
            errors.setdefault("indicators", []).extend(
                problem_messages(problems, units={}, indicators=names)
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def draft_create(*, year: AssessmentYear, name: str, by: User) -> DraftScheme:
    """A new draft holding a copy of the year's scheme, parameters and bonus pool."""
    draft = DraftScheme(
        name=name.strip(),
        year=year,
        params={name: _text(getattr(year, name)) for name in DRAFT_PARAMETERS},
        indicators=year_scheme_rows(year),
        bonus_pool=year.bonus_pool,
        created_by=account(by),
    )
    return _save(draft, by)


def _save(draft: DraftScheme, by: User) -> DraftScheme:
    draft.full_clean()
    _check(draft)
    set_history_user(draft, account(by))
    draft.save()
    return draft


@transaction.atomic
def draft_copy(*, draft: DraftScheme, name: str, by: User) -> DraftScheme:
    copy = DraftScheme(
        name=name.strip(),
        year=draft.year,
        params=dict(draft.params),
        indicators=[dict(row) for row in draft.indicators],
        bonus_pool=draft.bonus_pool,
        created_by=account(by),
    )
    return _save(copy, by)


def draft_state(draft: DraftScheme) -> str:
    """The digest of what a draft holds, for the forms opened on it (a change made since, in
    another tab or by a colleague, refuses their save rather than being overwritten)."""
    return state_digest(
        {
            "draft": {"name": draft.name, "bonus_pool": draft.bonus_pool, **draft.params},
            **{
                f"{row['category']}/{row['code']}/{index}": row
                for index, row in enumerate(draft.indicators)
            },
        }
    )


def _locked(draft: DraftScheme) -> DraftScheme:
    """The draft's row, locked: two saves of one draft run one after the other."""
    try:
        return DraftScheme.objects.select_for_update().get(pk=draft.pk)
    except DraftScheme.DoesNotExist:
        raise ValidationError(_("The draft has been deleted."), code="gone") from None


@transaction.atomic
def draft_update(
    *,
    draft: DraftScheme,
    by: User,
    name: str | None = None,
    params: Mapping[str, object] | None = None,
    indicators: Mapping[tuple[str, str], Mapping[str, object]] | None = None,
    bonus_pool: int | Literal["keep"] | None = "keep",
    expected_state: str | None = None,
) -> DraftScheme:
    """Change a draft: its name, parameters, bonus pool, or indicators by (category, code).

    Nothing is saved unless every value passes the year's own checks. With ``expected_state``
    (``draft_state`` of the draft the form was opened on) a draft changed since is refused with
    ``StaleError`` — unless it already holds exactly what is sent (the same form sent twice).
    """
    draft = _locked(draft)
    opened = draft_state(draft)
    if name is not None:
        draft.name = name.strip()
    for param, value in (params or {}).items():
        if param not in DRAFT_PARAMETERS:
            raise ValueError(f"not a draft parameter: {param}")
        draft.params[param] = _text(value)
    if bonus_pool != "keep":
        draft.bonus_pool = bonus_pool
    rows = {(row["category"], row["code"]): row for row in draft.indicators}
    for key, changes in (indicators or {}).items():
        if key not in rows:
            raise ValueError(f"no indicator {key} in the draft")
        for field, value in changes.items():
            if field not in DRAFT_INDICATOR_FIELDS or field == "code":
                raise ValueError(f"not a changeable indicator field: {field}")
            rows[key][field] = _text(value) if isinstance(value, Decimal | int) else value
    if expected_state and expected_state != opened and draft_state(draft) == opened:
        return draft  # sent again after it was saved: nothing more to do
    check_state(expected_state, opened)
    return _save(draft, by)


# What a new indicator holds where the form leaves a value out: the year's own defaults.
NEW_INDICATOR_DEFAULTS: dict[str, object] = {
    "group": "",
    "aggregation": "sum",
    "cap": Decimal(1),
    "total_share": Decimal("0.5"),
    "step": None,
}


def _row_errors(category: str, values: Mapping[str, object]) -> dict[str, list[str]]:
    """The checks the year's own indicator columns make (code, name, lengths, choices, limits)."""
    holder = Indicator(**{name: values.get(name) for name in DRAFT_INDICATOR_FIELDS})
    errors: dict[str, list[str]] = {}
    try:
        holder.clean_fields(exclude=["year", "category", "lead_unit", "measure", "sort_order"])
    except ValidationError as error:
        errors.update(error.message_dict)
    if not UnitCategory.objects.filter(code=category).exists():
        errors["category"] = [_("Choose a unit category.")]
    return errors


@transaction.atomic
def draft_indicator_add(
    *, draft: DraftScheme, by: User, category: str, values: Mapping[str, object]
) -> DraftScheme:
    """Add an indicator to the draft's scheme of ``category``, after the category's last one.

    ``values`` holds DRAFT_INDICATOR_FIELDS (a missing one takes NEW_INDICATOR_DEFAULTS). The
    draft scores it on whatever the year has recorded under its code for the category's units;
    with nothing recorded, as the spec scores missing evidence. Refused when the category
    already has the code — unless it is this very indicator (the form sent twice).
    """
    draft = _locked(draft)
    merged = {**NEW_INDICATOR_DEFAULTS, **values}
    errors = _row_errors(category, merged)
    if errors:
        raise ValidationError(errors)
    row: dict[str, Any] = {"category": category}
    for field in DRAFT_INDICATOR_FIELDS:
        value = merged.get(field)
        row[field] = _text(value) if isinstance(value, Decimal | int) else value
    key = (category, row["code"])
    same = [r for r in draft.indicators if (r["category"], r["code"]) == key]
    if same:
        if same[0] == row:
            return draft
        raise ValidationError(
            {"code": _("The draft already has an indicator with this code in the category.")}
        )
    last = max(
        (index for index, r in enumerate(draft.indicators) if r["category"] == category),
        default=len(draft.indicators) - 1,
    )
    draft.indicators = [*draft.indicators[: last + 1], row, *draft.indicators[last + 1 :]]
    return _save(draft, by)


@transaction.atomic
def draft_indicator_remove(
    *, draft: DraftScheme, by: User, category: str, code: str
) -> DraftScheme:
    """Remove an indicator from the draft's scheme (the year keeps its own).

    A category keeps at least one indicator: without a scheme its units could not be scored.
    Removing one that is already gone (the button pressed twice) changes nothing.
    """
    draft = _locked(draft)
    rows = [r for r in draft.indicators if (r["category"], r["code"]) != (category, code)]
    if len(rows) == len(draft.indicators):
        return draft
    if not any(r["category"] == category for r in rows):
        raise ValidationError(
            _(
                "A category keeps at least one indicator in the draft: add the one that "
                "replaces it first."
            ),
            code="last_indicator",
        )
    draft.indicators = rows
    return _save(draft, by)


def new_indicators(draft: DraftScheme) -> set[tuple[str, str]]:
    """The (category, code) of the draft's indicators that the year it was drafted from has
    not."""
    year = set(Indicator.objects.filter(year=draft.year).values_list("category__code", "code"))
    return {(r["category"], r["code"]) for r in draft.indicators} - year


def removed_indicators(draft: DraftScheme) -> list[dict[str, Any]]:
    """The year's indicators the draft has removed, in scheme order."""
    kept = {(r["category"], r["code"]) for r in draft.indicators}
    return [r for r in year_scheme_rows(draft.year) if (r["category"], r["code"]) not in kept]


@transaction.atomic
def draft_delete(*, draft: DraftScheme, by: User) -> None:
    set_history_user(draft, account(by))
    draft.delete()


@dataclass(frozen=True)
class DraftRun:
    """A draft scored on one year's inputs, with the names to show."""

    draft: DraftScheme
    basis: AssessmentYear
    data: YearData
    result: WhatIf


def draft_basis(draft: DraftScheme, *, last_year: bool = False) -> AssessmentYear:
    """The year whose recorded data the draft is scored on: its own, or the one before."""
    if not last_year:
        return draft.year
    earlier = AssessmentYear.objects.filter(year=draft.year.year - 1).first()
    if earlier is None:
        raise ValidationError(
            _("There is no %(year)s assessment to score the draft on.")
            % {"year": draft.year.year - 1}
        )
    return earlier


@collector.paused()  # two engine runs over the year's inputs (assessment/lib/collector.py)
def draft_run(
    draft: DraftScheme, *, last_year: bool = False, data: YearData | None = None
) -> DraftRun:
    """Score the draft beside the year's own scheme on the same recorded data.

    Reads the year once (or takes ``data`` already read). Refused with ``ComputeRefused``
    listing every problem when either scheme cannot be scored on that data.
    """
    basis = draft_basis(draft, last_year=last_year)
    if data is None:
        data = year_data(basis, bonus_pool=basis.bonus_pool)
    plan = Draft(
        indicators=with_catalogues(draft.scheme(), data.inputs.indicators),
        params=draft.scoring_params(),
        bonus_pool=draft.bonus_pool,
    )
    try:
        result = what_if(data.inputs, plan)
    except scoring.SetupError as error:
        names = {(r["category"], r["code"]): r["name"] for r in draft.indicators}
        named = replace(data, indicator_names={**data.indicator_names, **names})
        raise ComputeRefused(_shortened(problems_text(error.problems, named))) from error
    return DraftRun(draft=draft, basis=basis, data=data, result=result)


# How many of a refusal's problems the page lists (a new completion indicator misses a target
# for every unit of its category: a thousand lines would hide the point).
REFUSAL_LINES = 10


def _shortened(lines: list[str]) -> list[str]:
    if len(lines) <= REFUSAL_LINES:
        return lines
    rest = len(lines) - REFUSAL_LINES
    return [
        *lines[:REFUSAL_LINES],
        ngettext("… and %(count)s more problem.", "… and %(count)s more problems.", rest)
        % {"count": rest},
    ]


@transaction.atomic
def draft_adopt(*, draft: DraftScheme, year: AssessmentYear, by: User) -> int:
    """Make the draft the scheme of ``year``, which must still be being set up.

    The year's parameters and bonus pool become the draft's; each draft indicator is added to
    the year or, where the code exists in the category, changes it; the year's indicators the
    draft does not have are removed. Returns how many indicators the year has now.
    """
    if year.status != YearStatus.SETUP:
        raise ValidationError(_("Only a year still being set up can take a draft as its scheme."))
    values: dict[str, Any] = {name: Decimal(str(draft.params[name])) for name in DRAFT_PARAMETERS}
    year_update_parameters(year=year, by=by, data={**values, "bonus_pool": draft.bonus_pool})
    categories = {c.code: c for c in UnitCategory.objects.all()}
    existing = {
        (indicator.category.code, indicator.code): indicator
        for indicator in Indicator.objects.filter(year=year).select_related("category")
    }
    # The catalogues (加减分清单) come from the year the draft was made from, item by item.
    source = {
        (indicator.category.code, indicator.code): indicator
        for indicator in Indicator.objects.filter(year=draft.year).select_related("category")
    }
    wanted = set()
    for order, row in enumerate(draft.indicators):
        key = (row["category"], row["code"])
        if row["category"] not in categories:
            raise ValidationError(
                _("The draft's category %(code)s does not exist.") % {"code": row["category"]}
            )
        wanted.add(key)
        spec = indicator_spec(row)
        indicator = existing.get(key) or Indicator(year=year, category=categories[key[0]])
        for field in DRAFT_INDICATOR_FIELDS:
            setattr(indicator, field, getattr(spec, field))
        indicator.sort_order = order
        indicator_save(indicator=indicator, by=by)
        catalogue = source.get(key)
        if indicator.method not in POINT_METHODS:
            _drop_catalogue(indicator, by)
        elif catalogue is not None:
            _adopt_catalogue(catalogue, indicator, by)
    for key, indicator in existing.items():
        if key not in wanted:
            indicator_delete(indicator=indicator, by=by)
    return len(wanted)


def _drop_catalogue(indicator: Indicator, by: User) -> None:
    """A bonus or deduction indicator the draft scores by another method leaves its catalogue
    (only those two methods carry one); the year is being set up, so no record names an item."""
    for item in indicator.items.all():
        set_history_user(item, account(by))
        item.delete()


def _adopt_catalogue(source: Indicator, indicator: Indicator, by: User) -> None:
    """Give ``indicator`` the items of ``source``'s catalogue it does not have yet (by code);
    the items it has keep what the office set for this year."""
    if source.pk == indicator.pk:
        return
    have = set(indicator.items.values_list("code", flat=True))
    for item in source.items.order_by("sort_order", "code"):
        if item.code not in have:
            copy = Item(indicator=indicator)
            for field in ITEM_FIELDS:
                setattr(copy, field, getattr(item, field))
            item_save(item=copy, by=by)
