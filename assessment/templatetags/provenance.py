"""``{% entry_details record as details %}``: whether the page's user may read who typed a
record and from which address (``assessment.selectors.provenance.sees_entry_details``)."""

from __future__ import annotations

from typing import Any

from django import template

from assessment.selectors.provenance import sees_entry_details

register = template.Library()


@register.simple_tag(takes_context=True)
def entry_details(context: dict[str, Any], record: Any) -> bool:
    request = context.get("request")
    if request is None:
        return False
    return sees_entry_details(request.user, getattr(record, "unit_id", None))
