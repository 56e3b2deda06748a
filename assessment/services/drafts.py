"""Draft schemes: drafted from a year, changed, copied, deleted, scored, adopted by a new year.

A draft is its own row: nothing here writes a year's indicators, parameters or results, except
`draft_adopt`, which sets up a year that is still being set up with the draft's scheme through
the same services the scheme pages use (so the year's rules and history apply).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from assessment import scoring
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


@transaction.atomic
def draft_update(
    *,
    draft: DraftScheme,
    by: User,
    name: str | None = None,
    params: Mapping[str, object] | None = None,
    indicators: Mapping[tuple[str, str], Mapping[str, object]] | None = None,
    bonus_pool: int | Literal["keep"] | None = "keep",
) -> DraftScheme:
    """Change a draft: its name, parameters, bonus pool, or indicators by (category, code).

    Nothing is saved unless every value passes the year's own checks.
    """
    draft = DraftScheme.objects.select_for_update().get(pk=draft.pk)
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
    return _save(draft, by)


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
        raise ComputeRefused(problems_text(error.problems, data)) from error
    return DraftRun(draft=draft, basis=basis, data=data, result=result)


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
        if catalogue is not None and indicator.method in POINT_METHODS:
            _adopt_catalogue(catalogue, indicator, by)
    for key, indicator in existing.items():
        if key not in wanted:
            indicator_delete(indicator=indicator, by=by)
    return len(wanted)


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
