"""A survey's rate worded for the office's detail page, and the sums it shows."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext as _

from assessment.scoring.surveys import SurveyTally, rate_decimal


def decimal_text(value: Fraction, places: int = 6) -> str:
    """A sum of scores for reading: exact when it ends within ``places`` decimals."""
    scaled = value * 10**places
    units = (scaled.numerator * 2 + scaled.denominator) // (scaled.denominator * 2)
    result = Decimal(units).scaleb(-places)
    return format(result.normalize(), "f") if result else "0"


def rate_words(result: SurveyTally, needed: int) -> str:
    """The calculation of a rate, in words and numbers, for the detail page."""
    if result.responses == 0 or result.rate is None:
        return _("No valid response yet: no rate.")
    rate = rate_decimal(result.rate)
    text = _(
        "Each valid response scores the mean value of its answers; the rate is the mean of "
        "those scores: %(total)s ÷ %(count)s = %(rate)s (%(percent)s)."
    ) % {
        "total": decimal_text(result.total),
        "count": result.responses,
        "rate": rate,
        "percent": f"{(rate * 100).quantize(Decimal('0.01'))}%",
    }
    if result.responses < needed:
        text += " " + _("Fewer than the %(needed)s valid responses needed for a rate.") % {
            "needed": needed
        }
    return text
