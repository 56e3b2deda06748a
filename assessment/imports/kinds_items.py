"""Resolving and writing the ``items`` workbook (加减分事项), and the item columns of evidence.

Items are identified by year + category + indicator + code (spec/workbooks.md); the indicator
must be a bonus or deduction indicator of that category's scheme in that year.
"""

from __future__ import annotations

from collections import Counter

from django.db import models
from django.utils.translation import gettext as _

from assessment.imports.lookups import IndicatorIndex
from assessment.imports.references import file_years, row_category, row_year
from assessment.imports.rows import Context, ParsedRow, Planned
from assessment.imports.writes import write_changed, write_new
from assessment.models import POINT_METHODS, Indicator, Item


def resolve_items(rows: list[ParsedRow], ctx: Context) -> None:
    years = file_years(rows, ctx)
    index = IndicatorIndex(ctx.lookups.indicators(years=years))
    order: Counter[int] = Counter()  # new items keep the file's order within their indicator
    for row in rows:
        year = row_year(row, years)
        category = row_category(row, ctx)
        if year is None or category is None or not row.has("indicator"):
            continue
        indicator = _catalogue_indicator(row, index, year.year, category.pk, category.name)
        if row.errors or indicator is None or not row.has("code"):
            continue
        code = row.get("code")
        order[indicator.pk] += 1
        row.plan = Planned(
            model=Item,
            key=(indicator.pk, code),
            label=f"{year.year} · {category.code} · {indicator.code} · {code}",
            create={"indicator": indicator, "code": code, "sort_order": order[indicator.pk]},
            fields={
                "name": row.get("name"),
                "level": row.get("level") or "",
                "points": row.get("points"),
                "cap": row.get("cap"),
            },
            year=year,
            indicator=indicator,
            row=row,
        )


def _catalogue_indicator(
    row: ParsedRow, index: IndicatorIndex, year: int, category: int, category_name: str
) -> Indicator | None:
    code = row.get("indicator")
    indicator = index.by_key.get((year, category, code))
    if indicator is None:
        row.fail(
            "indicator",
            _("Units of the category “%(category)s” have no indicator %(code)s in %(year)s.")
            % {"category": category_name, "code": code, "year": year},
        )
        return None
    if indicator.method not in POINT_METHODS:
        row.fail(
            "indicator",
            _(
                "Indicator %(code)s is scored by “%(method)s”: only bonus and deduction "
                "indicators have catalogued items."
            )
            % {"code": code, "method": indicator.get_method_display()},
        )
        return None
    return indicator


def existing_items(plans: list[Planned], ctx: Context) -> dict[tuple, models.Model]:
    items = Item.objects.filter(indicator_id__in={plan.key[0] for plan in plans})
    return {(Item, (item.indicator_id, item.code)): item for item in items}


def write_items(new: list[Planned], changed: list[Planned], ctx: Context) -> None:
    write_new(new, ctx)
    write_changed(changed, ctx)


# --- the item columns of an evidence row ------------------------------------------------------


class ItemIndex:
    """The catalogued items of the file's indicators, read in one query."""

    def __init__(self, indicators: list[Indicator]) -> None:
        self.by_indicator: dict[int, dict[str, Item]] = {}
        for item in Item.objects.filter(indicator__in=indicators).order_by("pk"):
            self.by_indicator.setdefault(item.indicator_id, {})[item.code] = item

    def resolve(self, row: ParsedRow, indicator: Indicator) -> Item | None:
        """Spec: on a catalogued indicator 事项代码 names one of its items (required) and 数值
        is the count of occurrences, a whole number ≥ 1; elsewhere 事项代码 is an error."""
        catalogue = self.by_indicator.get(indicator.pk)
        code = row.get("item") or ""
        if catalogue is None:
            if code:
                row.fail(
                    "item",
                    _("Indicator %(indicator)s has no catalogued items: leave 事项代码 blank.")
                    % {"indicator": indicator.code},
                )
            return None
        if not code:
            row.fail(
                "item",
                _(
                    "Indicator %(indicator)s is scored by its catalogue: give the item code "
                    "(事项代码), one of %(codes)s."
                )
                % {"indicator": indicator.code, "codes": "、".join(catalogue)},
            )
            return None
        item = catalogue.get(code)
        if item is None:
            row.fail(
                "item",
                _(
                    "Indicator %(indicator)s has no item “%(code)s”: use one of %(codes)s, or "
                    "import the item first."
                )
                % {"indicator": indicator.code, "code": code, "codes": "、".join(catalogue)},
            )
            return None
        value = row.get("value")
        if value is not None and (value < 1 or value != value.to_integral_value()):
            row.fail(
                "value",
                _(
                    "For a catalogued item the value is the number of times: a whole number of "
                    "at least 1."
                ),
            )
        return item
