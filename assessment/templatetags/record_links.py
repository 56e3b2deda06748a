"""``{% records_url year unit indicator %}``: the page of a unit's records on an indicator
(``assessment:indicator_records``), for tables that link every cell to it. Django's ``{% url %}``
resolves the pattern again for each of hundreds of cells; this reverses it once a year and
script prefix and fills in the codes."""

from __future__ import annotations

import re

from django import template
from django.urls import get_script_prefix, reverse

register = template.Library()

# A unit's and an indicator's code (``units.models.code_validator``) go into a path as they are.
PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
_UNIT, _INDICATOR = "~unit~", "~indicator~"  # never in a code
_patterns: dict[tuple[str, int], str] = {}


@register.simple_tag(name="records_url")
def records_url(year: int, unit: str, indicator: str) -> str:
    """``reverse("assessment:indicator_records", …)``, reversed once a year and script prefix
    and filled in with the codes; a code of other characters is reversed as it is."""
    if not (PLAIN.fullmatch(unit) and PLAIN.fullmatch(indicator)):
        return reverse(
            "assessment:indicator_records",
            kwargs={"year": year, "unit": unit, "indicator": indicator},
        )
    key = (get_script_prefix(), year)
    pattern = _patterns.get(key)
    if pattern is None:
        pattern = reverse(
            "assessment:indicator_records",
            kwargs={"year": year, "unit": _UNIT, "indicator": _INDICATOR},
        )
        _patterns[key] = pattern
    return pattern.replace(_UNIT, unit).replace(_INDICATOR, indicator)
