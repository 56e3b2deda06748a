"""The records a file refers to, read once per kind for the whole file (never per row)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import cached_property

from assessment.models import AssessmentYear, Indicator
from units.cells import clean_text, header_key
from units.models import Cadre, Unit, UnitCategory


class Lookups:
    """Dictionaries of categories, units, years, indicators and cadres, one query each."""

    def __init__(self) -> None:
        self._years: dict[int, AssessmentYear] | None = None
        self._indicators: list[Indicator] | None = None
        self._cadres: dict[tuple[int, str], Cadre] | None = None

    @cached_property
    def categories(self) -> dict[str, UnitCategory]:
        """By code and by Chinese name, as a cell reads them: ``header_key`` (case ignored,
        full-width forms half-width), so that a name stored as typed, e.g. with "（）", matches."""
        found: dict[str, UnitCategory] = {}
        for category in UnitCategory.objects.all():
            found[header_key(category.code)] = category
            found[header_key(category.name)] = category
        return found

    def category_names(self) -> str:
        unique = {category.pk: category for category in self.categories.values()}
        return "、".join(f"{c.code} {c.name}" for c in unique.values())

    @cached_property
    def units(self) -> dict[str, Unit]:
        """Every unit by code: a district has hundreds, so one read beats a long IN list."""
        return {unit.code: unit for unit in Unit.objects.select_related("category", "parent")}

    def units_by_id(self) -> dict[int, Unit]:
        return {unit.pk: unit for unit in self.units.values()}

    def years(self, numbers: Iterable[int]) -> dict[int, AssessmentYear]:
        if self._years is None:
            self._years = {y.year: y for y in AssessmentYear.objects.filter(year__in=set(numbers))}
        return self._years

    def indicators(
        self, *, years: Iterable[int] = (), codes: Iterable[str] = ()
    ) -> list[Indicator]:
        """The indicators of these years, or (for evidence) with these codes in any year."""
        if self._indicators is None:
            query = Indicator.objects.select_related("year", "category", "lead_unit", "source_unit")
            years, codes = set(years), set(codes)
            query = query.filter(code__in=codes) if codes else query.filter(year__year__in=years)
            self._indicators = list(query)
        return self._indicators

    def cadres(self, unit_ids: Iterable[int]) -> dict[tuple[int, str], Cadre]:
        """The cadres of these units, by (unit id, name as a cell reads it: ``clean_text``)."""
        if self._cadres is None:
            query = Cadre.objects.filter(unit_id__in=set(unit_ids)).select_related("unit")
            self._cadres = {(cadre.unit_id, clean_text(cadre.name)): cadre for cadre in query}
        return self._cadres


class IndicatorIndex:
    """Indicators by (year, category id, code), and the years in which a code exists."""

    def __init__(self, indicators: Iterable[Indicator]) -> None:
        self.by_key: dict[tuple[int, int, str], Indicator] = {}
        self.years_of: dict[tuple[int, str], set[int]] = defaultdict(set)
        self.codes_of_year: dict[int, set[str]] = defaultdict(set)
        for indicator in indicators:
            year = indicator.year.year
            self.by_key[(year, indicator.category_id, indicator.code)] = indicator
            self.years_of[(indicator.category_id, indicator.code)].add(year)
            self.codes_of_year[year].add(indicator.code)
