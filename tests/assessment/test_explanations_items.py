"""The explanation of a catalogued score, a disqualification and a waived record (English
msgids: the site's language is set to English here)."""

from __future__ import annotations

import datetime
from decimal import Decimal as D

import pytest

from assessment.lib.explanations import explanation_texts
from assessment.scoring import (
    CatalogueItem,
    EvidenceTotal,
    IndicatorSpec,
    ItemRecord,
    UnitSpec,
    YearInputs,
    compute,
)
from assessment.services.explanations import year_details


@pytest.fixture(autouse=True)
def _english_site(settings):
    settings.LANGUAGE_CODE = "en"


P1 = CatalogueItem("P1", "provincial award", D("1.0"), level="provincial", cap=D(2))
C1 = CatalogueItem("C1", "city award", D("0.5"), level="city", cap=D("1.5"))
W1 = CatalogueItem("W1", "accountability", D("0.5"))


def test_the_explanation_names_items_counts_documents_caps_and_the_once_only_rule():
    def on(dom: int) -> datetime.date:
        return datetime.date(2026, 3, dom)

    inputs = YearInputs(
        indicators={
            "town": [
                IndicatorSpec("AWARD", "awards", "bonus", D(3), "bonus", items=(P1, C1)),
                IndicatorSpec("FAIL", "failures", "deduction", D(1), "deduction", items=(W1,)),
                IndicatorSpec("BAN", "discipline", "flags", D(0), "disqualify"),
            ]
        },
        units=[UnitSpec("A", "A", "town", 10)],
        evidence={("A", "BAN"): EvidenceTotal(D(1), 1)},
        item_records={
            ("A", "AWARD"): [
                ItemRecord("P1", 1, on(1), 1, "省政发〔2026〕12号"),
                ItemRecord("C1", 1, on(2), 2, "省政发〔2026〕12号"),
                ItemRecord("C1", 2, on(3), 3, "市委办〔2026〕3号"),
                ItemRecord("C1", 2, on(4), 4),
            ],
            ("A", "FAIL"): [ItemRecord("W1", 3, on(5), 5)],
        },
        waived={("A", "FAIL"): ["honest mistake in a pilot"]},
    )
    result = compute(inputs)
    stored = year_details(inputs, result)["A"]
    texts = explanation_texts(stored, {k: str(v) for k, v in result.units["A"].scores.items()})
    details = {code: {**stored[code], "text": text} for code, text in texts.items()}
    assert details["AWARD"]["text"] == (
        "P1 provincial award × 1 (document 省政发〔2026〕12号) = 1; "
        "C1 city award × 1 (document 省政发〔2026〕12号) does not count: the same document "
        "counts once, as P1; "
        "C1 city award × 2 (document 市委办〔2026〕3号) = 1; "
        "C1 city award × 2 = 1; "
        "C1 city award 2, capped at 1.5 by the item cap; "
        "items 2.5, at most 3: 2.50"
    )
    assert details["AWARD"]["actual"] == "2.5"
    # 3 persons × 0.5 = 1.5, at most 1 point: −1.00; one more record was waived
    assert details["FAIL"]["text"] == (
        "W1 accountability × 3 = 1.5; items 1.5, at most 1: -1.00; "
        "waived (容错免责), not counted: 1 record(s), honest mistake in a pilot"
    )
    assert details["BAN"]["text"] == (
        "verified records: 1; the unit may not be rated excellent (取消评优资格)"
    )
