"""The cells of the warnings' heat map (``warnings/_heat.html``), written in Python: a year's
map has a thousand cells (33 units × 34 indicators in the demo), and a template node tree per
cell (a link, an include and its three branches) was most of the page's time.

``{% colour_badge colour %}`` writes a colour as a badge in words, ``{% heat_cells year row %}``
a row's cells, each coloured one a link to the records behind it."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from assessment.templatetags.record_links import records_url
from units.links import PLAIN as _PLAIN

register = template.Library()

_BADGES = {"red": "text-bg-danger", "yellow": "text-bg-warning", "green": "text-bg-success"}
_WORDS = {
    "red": gettext_lazy("red"),
    "yellow": gettext_lazy("yellow"),
    "green": gettext_lazy("green"),
}
_NONE = mark_safe('<span class="text-muted">—</span>')
_EMPTY_CELL = mark_safe(f"<td>{_NONE}</td>")


@register.simple_tag
def colour_badge(colour: Any) -> SafeString:
    key = getattr(colour, "key", None)
    if key not in _BADGES:
        return _NONE
    return format_html(
        '<span class="badge {}" data-colour="{}">{}</span>', _BADGES[key], key, _WORDS[key]
    )


@register.simple_tag
def heat_cells(year: int, row: Any) -> SafeString:
    """A row's cells (``row.cells``: indicator code and colour or None), each ``<td>``."""
    badges: dict[str, SafeString] = {}
    cells: list[str] = []
    for indicator, colour in row.cells:
        if not colour:
            cells.append(_EMPTY_CELL)
            continue
        if colour.key not in badges:
            badges[colour.key] = colour_badge(colour)
        url = records_url(year, row.code, indicator)
        if not (_PLAIN.fullmatch(indicator) and _PLAIN.fullmatch(row.code)):
            url, indicator = escape(url), escape(indicator)  # plain codes need no escaping
        cells.append(
            f'<td><a href="{url}" class="text-decoration-none" data-indicator="{indicator}">'
            f"{badges[colour.key]}</a></td>"
        )
    return mark_safe("".join(cells))  # codes and paths plain or escaped, badges safe
