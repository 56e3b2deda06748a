"""``{% reminders_panel %}``: the reminders panel of the staff home page.

A tag rather than a value of the home view's context, so that the units app (whose view the
home page is) does not import the reports app: the dependencies run reports → assessment →
units.
"""

from __future__ import annotations

from django import template
from django.utils import timezone

from reports.reminders.panel import reminders_panel as build_panel

register = template.Library()


@register.inclusion_tag("includes/reminders_panel.html", takes_context=True)
def reminders_panel(context: template.Context) -> dict[str, object]:
    request = context["request"]
    known = context.get("waiting")  # the workbench's, read once for both
    return {"panel": build_panel(request.user, timezone.localdate(), known)}
