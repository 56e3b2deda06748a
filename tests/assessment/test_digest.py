"""The digest of a computation's inputs is a contract with every stored run: its text is
written out here by hand, line by line, in the documented format (``section|key…|value``,
sorted, numbers as normalised decimal text), and must hash to what the computation stores."""

from __future__ import annotations

import hashlib
from decimal import Decimal as D

from assessment.lib.digest import inputs_digest
from assessment.scoring import EvidenceTotal, IndicatorSpec, Params, UnitSpec, YearInputs


def _number(value: D) -> str:
    # the documented reading: the decimal's value without trailing zeros or exponent
    return format(value.normalize(), "f") if value else "0"


def _params_lines(params: Params) -> list[str]:
    lines = []
    for name in sorted(params.__dataclass_fields__):
        value = getattr(params, name)
        if isinstance(value, dict):
            text = "{" + ",".join(f"{k}:{_number(D(v))}" for k, v in sorted(value.items())) + "}"
        else:
            text = _number(D(value))
        lines.append(f"params|{name}|{text}")
    return lines


def test_the_digest_is_the_sha256_of_the_documented_text_with_numbers_normalised():
    inputs = YearInputs(
        indicators={"town": [IndicatorSpec("GDP", "output", "economy", D("20.00"), "completion")]},
        units=[UnitSpec("T01", "East town", "town", 120), UnitSpec("T02", "West", "town", 80)],
        targets={("T01", "GDP"): D("500.000000"), ("T02", "GDP"): D("1E+2")},
        bases={("T01", "GDP"): D("0.000"), ("T02", "GDP"): D("-12.50")},
        evidence={
            ("T01", "GDP"): EvidenceTotal(D("460.100000"), 12),
            ("T02", "GDP"): EvidenceTotal(D("-0.00"), 0),
        },
        grades={("T01", "GDP"): "A"},
        team_evaluations={"T01": D("92.50")},
        bonus_pool=1_000_000,
    )
    text = "\n".join(
        sorted(
            [
                *_params_lines(inputs.params),
                "indicator|town|0|GDP|economy|20|completion|sum|1|0.5|",
                "unit|T01|town|120",
                "unit|T02|town|80",
                "target|T01|GDP|500",
                "target|T02|GDP|100",
                "base|T01|GDP|0",
                "base|T02|GDP|-12.5",
                "evidence|T01|GDP|460.1|12",
                "evidence|T02|GDP|0|0",
                "grade|T01|GDP|A",
                "team|T01|92.5",
                "bonus_pool|1000000",
            ]
        )
    )
    assert inputs_digest(inputs) == hashlib.sha256(text.encode()).hexdigest()


def test_equal_numbers_written_differently_give_the_same_digest_and_a_changed_sum_another():
    def year(total: D, target: D) -> YearInputs:
        return YearInputs(
            indicators={"town": [IndicatorSpec("GDP", "output", "economy", D(20), "completion")]},
            units=[UnitSpec("T01", "East town", "town", 120)],
            targets={("T01", "GDP"): target},
            evidence={("T01", "GDP"): EvidenceTotal(total, 3)},
        )

    as_read = inputs_digest(year(D("460.100000"), D("500.000000")))
    assert inputs_digest(year(D("460.1"), D(500))) == as_read
    assert inputs_digest(year(D("460.2"), D(500))) != as_read
