"""Finding what a row refers to (year, unit, indicator, cadre) in the file's lookups.

Each helper reads the row's parsed value, looks it up in a dictionary filled once per file, and
on failure records an error on the row's cell and returns None.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from assessment.imports.lookups import IndicatorIndex
from assessment.imports.rows import Context, ParsedRow
from assessment.models import AssessmentYear, Indicator, MethodChoices
from units.models import Cadre, Unit, UnitCategory


def row_category(row: ParsedRow, ctx: Context) -> UnitCategory | None:
    """A category by its code (any case) or its Chinese name."""
    if not row.has("category"):
        return None
    category = ctx.lookups.categories.get(row.get("category").casefold())
    if category is None:
        row.fail(
            "category",
            _("There is no unit category “%(value)s”: use one of %(known)s.")
            % {"value": row.get("category"), "known": ctx.lookups.category_names()},
        )
    return category


def file_years(rows: list[ParsedRow], ctx: Context) -> dict[int, AssessmentYear]:
    return ctx.lookups.years(row.get("year") for row in rows if row.has("year"))


def row_year(row: ParsedRow, years: dict[int, AssessmentYear]) -> AssessmentYear | None:
    if not row.has("year"):
        return None
    year = years.get(row.get("year"))
    if year is None:
        row.fail(
            "year",
            _("There is no %(year)s assessment year: import its indicators first.")
            % {"year": row.get("year")},
        )
    return year


def row_unit(
    row: ParsedRow, ctx: Context, key: str = "unit", *, active: bool = True
) -> Unit | None:
    if not row.has(key):
        return None
    code = row.get(key)
    unit = ctx.lookups.units.get(code)
    if unit is None:
        row.fail(
            key,
            _(
                "There is no unit with the code “%(value)s”: check the code, or import the unit "
                "first."
            )
            % {"value": code},
        )
        return None
    if active and not unit.is_active:
        row.fail(
            key,
            _(
                "Unit %(code)s no longer takes part in the assessment: remove its rows, or ask "
                "the assessment office to include the unit again."
            )
            % {"code": code},
        )
        return None
    return unit


def row_indicator(
    row: ParsedRow,
    index: IndicatorIndex,
    *,
    year: int | None,
    unit: Unit | None,
    method: MethodChoices | None = None,
    date_key: str | None = None,
) -> Indicator | None:
    """The indicator of the unit's category in that year, by the row's indicator code.

    For evidence (``date_key``) the year is the date's: a code the category has in other
    years only means the date lies outside the indicator's year.
    """
    if year is None or unit is None or not row.has("indicator"):
        return None
    code = row.get("indicator")
    indicator = index.by_key.get((year, unit.category_id, code))
    if indicator is not None:
        if method is not None and indicator.method != method:
            row.fail(
                "indicator",
                _("Indicator %(code)s is scored by “%(method)s”, not by “%(expected)s”.")
                % {
                    "code": code,
                    "method": indicator.get_method_display(),
                    "expected": method.label,
                },
            )
            return None
        return indicator
    other_years = sorted(index.years_of.get((unit.category_id, code), ()))
    if date_key is not None and other_years:
        row.fail(
            date_key,
            _("The date is outside the assessment year of indicator %(code)s (%(years)s).")
            % {"code": code, "years": "、".join(str(y) for y in other_years)},
        )
    elif code in index.codes_of_year.get(year, ()):
        row.fail(
            "indicator",
            _("Units of the category “%(category)s” have no indicator %(code)s in %(year)s.")
            % {"category": unit.category.name, "code": code, "year": year},
        )
    else:
        row.fail(
            "indicator",
            _(
                "%(year)s has no indicator with the code “%(code)s”: check the code, or import "
                "the indicator first."
            )
            % {"code": code, "year": year},
        )
    return None


def row_cadre(
    row: ParsedRow, cadres: dict[tuple[int, str], Cadre], key: str, unit: Unit | None
) -> Cadre | None:
    if unit is None or not row.has(key):
        return None
    cadre = cadres.get((unit.pk, row.get(key)))
    if cadre is None:
        row.fail(
            key,
            _("%(unit)s has no cadre named “%(name)s”: check the name, or import the cadre first.")
            % {"unit": unit.code, "name": row.get(key)},
        )
    return cadre
