from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def minutes(value: timedelta | None) -> int:
    """Whole minutes of a duration, rounded up (a lock of 30 s still reads "1 minute")."""
    if not value:
        return 0
    return max(1, -(-int(value.total_seconds()) // 60))
