"""The whole example district through ``manage.py import_workbook``, in the README's order."""

from __future__ import annotations

from decimal import Decimal

import pytest

from assessment import scoring
from assessment.models import (
    AssessmentYear,
    CadreEvaluation,
    CityRank,
    Evidence,
    Grade,
    ImportLog,
    Indicator,
    SurveyRate,
    Target,
    TeamEvaluation,
)
from assessment.services.compute import year_data
from tests.example_district import load_expected
from tests.imports_helpers import example, imported_models, run_import
from units.models import Cadre, Unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

SETUP_KINDS = ["units", "cadres", "indicators", "targets"]
RECORD_KINDS = ["evidence", "city_ranks", "grades", "surveys", "evaluations"]


@pytest.fixture
def district(db) -> dict[str, str]:
    """Every example workbook imported; the command's output per kind."""
    outputs = {}
    for kind in SETUP_KINDS:
        outputs[kind] = run_import(kind, example(kind))[0]
    year = AssessmentYear.objects.get(year=2026)
    year.status = "collecting"  # the year transition service is another module's
    year.save()
    for kind in RECORD_KINDS:
        outputs[kind] = run_import(kind, example(kind))[0]
    return outputs


def test_the_example_district_imports_every_workbook_with_the_expected_counts(district):
    assert district["units"] == "Imported units.xlsx: 26 new, 0 changed, 0 unchanged.\n"
    counts = {
        Unit: 26,
        Cadre: 52,
        Indicator: 44,  # 11 per category: the ten scored methods and a veto item
        Target: 130,
        Evidence: 642,
        CityRank: 26,
        Grade: 26,
        SurveyRate: 26,
        TeamEvaluation: 26,
        CadreEvaluation: 52,
    }
    assert {model: model.objects.count() for model in counts} == counts
    assert Evidence.objects.filter(status="pending").count() == 27
    assert ImportLog.objects.filter(door="cli", succeeded=True, dry_run=False).count() == 9


def test_the_example_values_arrive_as_the_workbooks_mean_them(district):
    to02 = Unit.objects.get(code="TO02")  # category given as 镇街
    assert (to02.name, to02.category.code, to02.headcount) == ("东湖街道", "town", 31)
    gdp = Indicator.objects.get(year__year=2026, category__code="town", code="GDP")
    assert (gdp.method, gdp.aggregation, gdp.points, gdp.total_share, gdp.cap) == (
        "increment",
        "latest",
        Decimal(20),
        Decimal("0.4"),
        Decimal(1),
    )
    rank = Indicator.objects.get(year__year=2026, category__code="social", code="RANK")
    assert rank.step == Decimal("1.5")
    inv = Target.objects.get(unit__code="TO02", indicator__code="INV")
    assert (inv.target, inv.base) == (Decimal(1351), Decimal(1351))  # "1,351" as text
    assert SurveyRate.objects.get(unit__code="TO03").rate == Decimal("0.9871")
    assert CityRank.objects.get(unit__code="TO05").rank == 12
    assert TeamEvaluation.objects.get(unit__code="TO01").score == Decimal("72.2")
    principal = Cadre.objects.get(unit__code="TO01", name="干部TO01甲")
    assert principal.rank_kind == "principal"
    assert CadreEvaluation.objects.get(cadre=principal).score == Decimal("85.6")
    june = Evidence.objects.get(unit__code="TO01", indicator__code="GDP", description="6月累计")
    assert (str(june.date), june.value, june.status) == ("2026-06-28", Decimal("233.8"), "verified")
    assert june.history.get().history_change_reason == "Imported from evidence.xlsx"


def test_the_imported_district_scores_exactly_as_the_example_expects(district):
    expected = load_expected()
    year = AssessmentYear.objects.get(year=2026)
    result = scoring.compute(year_data(year, bonus_pool=expected["bonus_pool"]).inputs)
    for code, unit in expected["units"].items():
        scored = result.units[code]
        assert (str(scored.total), scored.tier, scored.bonus) == (
            unit["total"],
            unit["tier"],
            unit["bonus"],
        )


def test_importing_every_example_file_again_changes_nothing(district):
    audited = [AssessmentYear, *imported_models()]
    history = {model: model.history.count() for model in audited}
    for kind in SETUP_KINDS + RECORD_KINDS:
        output = run_import(kind, example(kind))[0]
        assert " 0 new, 0 changed, " in output, output
    assert {model: model.history.count() for model in audited} == history
    assert run_import("evidence", example("evidence"))[0] == (
        "Imported evidence.xlsx: 0 new, 0 changed, 642 unchanged.\n"
    )
