"""Computing from the database: set-wise reads, the engine's numbers, a digest of the inputs."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from assessment.models import (
    AssessmentYear,
    CadreEvaluation,
    CityRank,
    ComputationRun,
    Evidence,
    Grade,
    Indicator,
    SurveyRate,
    Target,
    TeamEvaluation,
    UnitResult,
)
from assessment.scoring import YearInputs
from assessment.services.compute import ComputeRefused, results_compute, run_matches_inputs
from tests.example_district import load_expected, load_year
from tests.shared_rows import settle_foreign_keys
from units.models import Cadre, Unit, UnitCategory

pytestmark = pytest.mark.django_db
EXPECTED = load_expected()


def _store_inputs(inputs: YearInputs, *, status: str = "scoring") -> AssessmentYear:
    """Write engine inputs into the database as the doors would (one record per total)."""
    year = AssessmentYear.objects.create(year=2026, status=status)
    categories = {c.code: c for c in UnitCategory.objects.all()}
    units = {
        spec.code: Unit.objects.create(
            code=spec.code,
            name=spec.name,
            category=categories[spec.category],
            headcount=spec.headcount,
        )
        for spec in inputs.units
    }
    indicators = {}
    for category, specs in inputs.indicators.items():
        for order, spec in enumerate(specs):
            indicators[(category, spec.code)] = Indicator.objects.create(
                year=year,
                category=categories[category],
                code=spec.code,
                name=spec.name,
                group=spec.group,
                points=spec.points,
                method=spec.method,
                aggregation=spec.aggregation,
                cap=spec.cap,
                total_share=spec.total_share,
                step=spec.step,
                sort_order=order,
            )

    def indicator(unit_code, code):
        return indicators[(units[unit_code].category.code, code)]

    for unit_code, code in set(inputs.targets) | set(inputs.bases):
        Target.objects.create(
            unit=units[unit_code],
            indicator=indicator(unit_code, code),
            target=inputs.targets.get((unit_code, code)),
            base=inputs.bases.get((unit_code, code)),
        )
    for (unit_code, code), total in inputs.evidence.items():
        Evidence.objects.create(
            unit=units[unit_code],
            indicator=indicator(unit_code, code),
            date=datetime.date(2026, 6, 30),
            value=total.value,
            description="汇总",
            status="verified",
        )
    for (unit_code, code), (rank, total) in inputs.city_ranks.items():
        CityRank.objects.create(
            unit=units[unit_code], indicator=indicator(unit_code, code), rank=rank, total=total
        )
    for (unit_code, code), grade in inputs.grades.items():
        Grade.objects.create(
            unit=units[unit_code], indicator=indicator(unit_code, code), grade=grade
        )
    for (unit_code, code), rate in inputs.survey_rates.items():
        SurveyRate.objects.create(
            unit=units[unit_code], indicator=indicator(unit_code, code), rate=rate
        )
    for unit_code, score in inputs.team_evaluations.items():
        TeamEvaluation.objects.create(year=year, unit=units[unit_code], score=score)
    for cadre in inputs.cadres:
        saved = Cadre.objects.create(unit=units[cadre.unit], name=cadre.name, position="干部")
        if (score := inputs.cadre_evaluations.get((cadre.unit, cadre.name))) is not None:
            CadreEvaluation.objects.create(year=year, cadre=saved, score=score)
    return year


@pytest.fixture(scope="class")
def stored_example(django_db_setup, django_db_blocker):
    """The example district stored once for the tests of a class, rolled back after them
    (each test's own changes roll back to a savepoint at its end)."""
    with django_db_blocker.unblock(), transaction.atomic():
        stored = _store_inputs(load_year(2026, bonus_pool=None)).pk
        settle_foreign_keys()
        yield stored
        transaction.set_rollback(True)


@pytest.fixture
def example_year(db, stored_example):
    return AssessmentYear.objects.get(pk=stored_example)


def test_only_verified_current_records_dated_in_the_year_count(town, office_user):
    year = AssessmentYear.objects.create(year=2026, status="scoring")
    unit = Unit.objects.create(code="T1", name="一镇", category=town, headcount=10)
    gdp = Indicator.objects.create(
        year=year, category=town, code="GDP", name="地区生产总值", points=100,
        method="completion",
    )  # fmt: skip
    Target.objects.create(unit=unit, indicator=gdp, target=Decimal(200))

    def record(day, value, status="verified", **extra):
        return Evidence.objects.create(
            unit=unit, indicator=gdp, date=day, value=Decimal(value), description=f"{day} {value}",
            status=status, **extra,
        )  # fmt: skip

    record(datetime.date(2026, 3, 1), 50)
    record(datetime.date(2026, 4, 1), 1000, status="pending")
    record(datetime.date(2026, 5, 1), 1000, status="rejected")
    record(datetime.date(2025, 12, 31), 1000)  # last year
    old = record(datetime.date(2026, 6, 1), 1000)
    old.is_current = False  # superseded by the correction below
    old.save()
    record(datetime.date(2026, 6, 1), 30, supersedes=old)

    run = results_compute(year=year)
    # actual = 50 + 30 = 80; 100 × 80 / 200 = 40.00
    assert run.units.get().scores == {"GDP": "40.00"}


def test_latest_aggregation_takes_the_latest_date_then_the_last_recorded(town):
    year = AssessmentYear.objects.create(year=2026, status="collecting")
    unit = Unit.objects.create(code="T1", name="一镇", category=town, headcount=10)
    stock = Indicator.objects.create(
        year=year, category=town, code="STOCK", name="存量", points=10, method="completion",
        aggregation="latest",
    )  # fmt: skip
    Target.objects.create(unit=unit, indicator=stock, target=Decimal(100))
    for day, value, text in [
        (3, 90, "三月"),
        (9, 60, "九月上报"),
        (9, 70, "九月更正"),
        (6, 99, "六月"),
    ]:
        Evidence.objects.create(
            unit=unit, indicator=stock, date=datetime.date(2026, day, 28), value=value,
            description=text, status="verified",
        )  # fmt: skip
    run = results_compute(year=year)
    # the September records tie on date; the one recorded last (70) counts: 10 × 70/100 = 7.00
    assert run.units.get().scores == {"STOCK": "7.00"}


class TestTheExampleDistrict:
    """Tests on the example district, stored once for them all."""

    def test_the_example_district_computed_from_the_database_matches_every_number(
        self, example_year, office_user, django_assert_max_num_queries
    ):
        with django_assert_max_num_queries(30):
            run = results_compute(year=example_year, by=office_user, bonus_pool=1_000_000)

        results = {r.unit.code: r for r in run.units.select_related("unit")}
        assert set(results) == set(EXPECTED["units"])
        for code, expected in EXPECTED["units"].items():
            unit = results[code]
            got = {
                "total": str(unit.total),
                "rank": unit.rank,
                "tier": unit.tier,
                "veto": unit.veto,
                "bonus": unit.bonus,
                "indicators": {k: v for k, v in unit.scores.items()},
            }
            want = {k: expected[k] for k in ("total", "rank", "tier", "veto", "bonus")}
            want["indicators"] = {k: v for k, v in expected["indicators"].items()}
            assert got == want, code
        assert sum(r.bonus for r in results.values()) == 1_000_000

        teams = {t.unit.code: (str(t.score), t.tier) for t in run.teams.select_related("unit")}
        assert teams == {code: (t["score"], t["tier"]) for code, t in EXPECTED["teams"].items()}
        cadres = {
            f"{c.cadre.unit.code}/{c.cadre.name}": (str(c.score), c.tier)
            for c in run.cadres.select_related("cadre__unit")
        }
        assert cadres == {key: (c["score"], c["tier"]) for key, c in EXPECTED["cadres"].items()}
        assert run.computed_by == office_user
        assert len(run.input_hash) == 64
        assert run.warnings == []

    def test_the_stored_digest_shows_whether_the_inputs_changed_since(self, example_year):
        run = results_compute(year=example_year)
        assert run_matches_inputs(run)
        grade = Grade.objects.first()
        grade.grade = "D" if grade.grade != "D" else "A"
        grade.save()
        assert not run_matches_inputs(run)

    def test_a_new_computation_replaces_the_current_one_and_keeps_the_old(self, example_year):
        first = results_compute(year=example_year)
        second = results_compute(year=example_year)
        first.refresh_from_db()
        assert (first.is_current, second.is_current) == (False, True)
        assert first.input_hash == second.input_hash
        assert ComputationRun.objects.filter(year=example_year).count() == 2

    def test_missing_targets_stop_the_computation_listing_every_pair_and_writing_nothing(
        self,
        example_year,
    ):
        Target.objects.filter(unit__code__in=["TO01", "EC02"], indicator__code="TAX").delete()
        with pytest.raises(ComputeRefused) as refusal:
            results_compute(year=example_year)
        messages = refusal.value.messages
        assert len([m for m in messages if "TAX" in m]) == 2
        assert any("TO01" in m for m in messages) and any("EC02" in m for m in messages)
        assert not ComputationRun.objects.exists()
        assert not UnitResult.objects.exists()

    def test_computing_follows_the_years_state(self, example_year):
        example_year.status = "setup"
        example_year.save()
        with pytest.raises(ValidationError) as locked:
            results_compute(year=example_year)
        assert locked.value.code == "year_locked"

        example_year.status = "publicity"
        example_year.save()
        with pytest.raises(ValidationError) as needs_reason:
            results_compute(year=example_year)
        assert needs_reason.value.code == "reason_required"
        run = results_compute(year=example_year, reason="异议复核后重新计算")
        assert run.is_current

    def test_the_command_line_computes_and_exports_the_example(self, example_year, tmp_path):
        import io
        import json

        import openpyxl
        from django.core.management import call_command

        out = io.StringIO()
        call_command("compute_scores", year=2026, bonus_pool=1_000_000, stdout=out)
        assert "26" in out.getvalue()

        exported = io.StringIO()
        call_command("export_results", year=2026, format="json", stdout=exported)
        document = json.loads(exported.getvalue())
        assert (document["year"], document["status"]) == (2026, "scoring")
        to03 = next(u for u in document["units"] if u["unit"] == "TO03")
        assert {k: to03[k] for k in ("total", "rank", "tier", "veto", "bonus")} == {
            "total": "96.77", "rank": 1, "tier": "excellent", "veto": False, "bonus": 82465,
        }  # fmt: skip
        assert to03["indicators"]["INV"] == "12.13"
        assert {"unit": "TO01", "score": "76.24", "tier": "poor"} in document["teams"]

        path = tmp_path / "results.xlsx"
        call_command("export_results", year=2026, format="xlsx", output=str(path))
        sheet = openpyxl.load_workbook(path).worksheets[0]
        rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
        assert rows["TO03"][3] == 96.77 and rows["TO03"][4] == 1 and rows["TO03"][7] == 82465

    def test_the_command_line_refuses_clearly(self, example_year):
        from django.core.management import CommandError, call_command

        with pytest.raises(CommandError, match="2031"):
            call_command("compute_scores", year=2031)
        with pytest.raises(CommandError):
            call_command("export_results", year=2026, format="json")  # not computed yet
