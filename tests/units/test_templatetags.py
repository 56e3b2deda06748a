from decimal import Decimal

import pytest

from units.templatetags.district import amount


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("109.930000"), "109.93"),
        (Decimal("30687.070000"), "30687.07"),
        (Decimal("1E+2"), "100"),
        (Decimal("0.000000"), "0"),
        (Decimal("-2.500"), "-2.5"),
        (None, ""),
    ],
)
def test_amounts_are_shown_without_trailing_zeros_or_exponents(value, shown):
    assert amount(value) == shown
