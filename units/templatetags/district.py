from datetime import timedelta

from django import template
from django.contrib.auth.models import AbstractUser

register = template.Library()


@register.filter
def minutes(value: timedelta | None) -> int:
    """Whole minutes of a duration, rounded up (a lock of 30 s still reads "1 minute")."""
    if not value:
        return 0
    return max(1, -(-int(value.total_seconds()) // 60))


@register.filter
def amount(value: object) -> str:
    """A recorded amount as people write it: 109.93, not 109.930000 (no exponent, no float)."""
    from decimal import Decimal, InvalidOperation

    if value is None or value == "":
        return ""
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        return str(value)
    text = format(number.normalize(), "f") if number else "0"
    return text


@register.filter
def person(user: AbstractUser | None) -> str:
    """A user as the pages name them: full name, else username; "—" when there is none.

    (A filter argument such as ``default:user.get_username`` fails outright when the user is
    None, e.g. a record imported by the command line, so pages use this instead.)
    """
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()


@register.filter
def get_item(mapping: object, key: object) -> object:
    """``mapping[key]`` in a template (None when absent): ``{{ points|get_item:mark }}``."""
    if not hasattr(mapping, "get"):
        return None
    return mapping.get(key)


@register.simple_tag
def submission_field() -> str:
    """The one-time token of a form that creates something (``units.submissions``)."""
    import uuid

    from django.utils.html import format_html

    from units.submissions import FIELD

    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, uuid.uuid4())
