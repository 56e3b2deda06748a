"""``{% records_url year unit indicator %}``: the page of a unit's records on an indicator
(``assessment:indicator_records``), for tables that link every cell to it. Django's ``{% url %}``
resolves the pattern again for each of hundreds of cells (``units.links.path_to``)."""

from __future__ import annotations

from django import template

from units.links import path_to

register = template.Library()


@register.simple_tag(name="records_url")
def records_url(year: int, unit: str, indicator: str) -> str:
    return path_to("assessment:indicator_records", year=year, unit=unit, indicator=indicator)
