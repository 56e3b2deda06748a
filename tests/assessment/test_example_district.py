"""The example district of shared/examples/district-2026: every number of expected.json.

The workbooks are read by the test-only loader in tests/example_district.py and scored with
a bonus pool of 1,000,000 yuan, as the example's README says.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from assessment.scoring import YearResult, compute
from tests.example_district import load_expected, load_year

EXPECTED = load_expected()


@pytest.fixture(scope="module")
def result() -> YearResult:
    return compute(load_year(EXPECTED["year"], bonus_pool=EXPECTED["bonus_pool"]))


def test_the_example_is_scored_with_its_bonus_pool_and_no_warnings(result):
    assert EXPECTED["bonus_pool"] == 1_000_000
    assert result.warnings == ()
    assert result.missing_team_evaluations == ()
    assert result.missing_cadre_evaluations == ()
    assert set(result.units) == set(EXPECTED["units"])


@pytest.mark.parametrize("code", sorted(EXPECTED["units"]))
def test_every_unit_number_matches_expected(result, code):
    unit = result.units[code]
    actual: dict[str, Any] = {
        "category": unit.category,
        "total": str(unit.total),
        "rank": unit.rank,
        "tier": str(unit.tier),
        "veto": unit.veto,
        "indicators": {indicator: str(score) for indicator, score in unit.scores.items()},
        "bonus": unit.bonus,
    }
    assert actual == EXPECTED["units"][code]


@pytest.mark.parametrize("code", sorted(EXPECTED["teams"]))
def test_every_team_score_and_tier_matches_expected(result, code):
    team = result.teams[code]
    assert {"score": str(team.score), "tier": str(team.tier)} == EXPECTED["teams"][code]


@pytest.mark.parametrize("key", sorted(EXPECTED["cadres"]))
def test_every_cadre_score_and_tier_matches_expected(result, key):
    unit, name = key.split("/", 1)
    cadre = result.cadres[(unit, name)]
    assert {"score": str(cadre.score), "tier": str(cadre.tier)} == EXPECTED["cadres"][key]


def test_everyone_expected_is_assessed_and_nobody_else(result):
    assert set(result.teams) == set(EXPECTED["teams"])
    assert {f"{unit}/{name}" for unit, name in result.cadres} == set(EXPECTED["cadres"])


def test_the_bonus_pool_is_paid_out_to_the_yuan(result):
    assert result.bonus is not None and result.bonus.paid
    assert sum(unit.bonus or 0 for unit in result.units.values()) == 1_000_000


def test_totals_add_up_as_printed(result):
    for unit in result.units.values():
        assert unit.total == sum(unit.scores.values(), Decimal("0.00"))
        assert unit.total == sum(unit.group_totals.values(), Decimal("0.00"))


def test_pending_records_never_count():
    inputs = load_year(EXPECTED["year"])
    # TO01 TAX: six verified records (37.13 + 43.46 + 13.36 + 37.7 + 17.77 + 13.07 = 162.49);
    # the pending 999 beside them is left out
    assert inputs.evidence[("TO01", "TAX")].value == Decimal("162.49")
    assert inputs.evidence[("TO01", "TAX")].records == 6
    # TO02's only SAFE record is pending: no veto
    assert ("TO02", "SAFE") not in inputs.evidence


def test_the_loader_reads_the_mixed_formats_of_the_workbooks():
    inputs = load_year(EXPECTED["year"])
    # targets: " 指标代码 " header with spaces, shuffled columns, "1,351" as text
    assert inputs.targets[("TO02", "INV")] == Decimal(1351)
    # units: category as code or Chinese name
    assert {unit.category for unit in inputs.units} == {"town", "economic", "management", "social"}
    # indicators: Chinese method and aggregation names
    town = {spec.code: spec for spec in inputs.indicators["town"]}
    assert (town["GDP"].method, town["GDP"].aggregation) == ("increment", "latest")
    assert town["TAX"].cap == Decimal("1.1")
    # latest aggregation: the value of 12月累计 (2026-12-28), not the sum
    assert inputs.evidence[("TO01", "GDP")].value == Decimal("320.9")
