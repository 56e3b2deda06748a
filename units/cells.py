"""Reading spreadsheet cells as a district clerk types them.

Workbooks arrive with full-width digits (１２３), thousands separators (1,234.5), non-breaking
spaces and headers with stray spaces. These helpers turn such cells into clean values, or raise
``ValueError`` with a message the clerk can act on.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _


def clean_text(value: object) -> str:
    """A cell as text: NFKC-normalised (full-width → half-width), trimmed, spaces collapsed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a code typed as a number, e.g. 101 read as 101.0
    text = unicodedata.normalize("NFKC", str(value))
    return " ".join(text.split())


def header_key(value: object) -> str:
    """How headers are compared: case, surrounding spaces and full-width forms ignored."""
    return clean_text(value).casefold()


def parse_decimal(value: object) -> Decimal | None:
    """A number cell: Excel numbers, or text such as ``1,234.5`` or ``１２３``. Empty → None."""
    if value is None or isinstance(value, bool):
        if value is None:
            return None
        raise ValueError(_("“%(value)s” is not a number.") % {"value": value})
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # The shortest decimal that reads back as this float: what Excel showed the user.
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        return value
    text = clean_text(value).replace(",", "").replace(" ", "")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("“%(value)s” is not a number.") % {"value": value}) from None
    if not number.is_finite():
        raise ValueError(_("“%(value)s” is not a number.") % {"value": value})
    return number
