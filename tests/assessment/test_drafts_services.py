"""Draft schemes in the database: drafted from a year, changed, scored, adopted, deleted."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from assessment.models import DraftScheme, Indicator, YearStatus
from assessment.scoring import Tier
from assessment.services import drafts as service
from assessment.services.compute import results_compute
from tests.assessment.drafts_world import scored_year
from tests.assessment.factories import IndicatorFactory, YearFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(town, unit_a, unit_b):
    return scored_year(town, [unit_a, unit_b])


def test_a_draft_copies_the_years_scheme_and_parameters(year, office_user):
    draft = service.draft_create(year=year, name="2027 方案", by=office_user)
    assert [(row["category"], row["code"], row["points"]) for row in draft.indicators] == [
        ("town", "E01", "50.00"), ("town", "G01", "50.00"),
    ]  # fmt: skip
    assert D(draft.params["excellent_threshold"]) == 90
    assert draft.bonus_pool == 7000
    assert draft.history.get().history_user == office_user


def test_moving_five_points_changes_the_draft_results_and_never_the_years(year, office_user):
    run = results_compute(year=year, by=office_user)
    draft = service.draft_create(year=year, name="调权", by=office_user)
    draft = service.draft_update(
        draft=draft,
        by=office_user,
        indicators={("town", "E01"): {"points": D(45)}, ("town", "G01"): {"points": D(55)}},
    )
    rows = {row.unit: row for row in service.draft_run(draft).result.comparison.rows}
    # 甲镇: 45 × 1 + 55 × 0.8 = 45 + 44 = 89.00: excellent → good
    # 乙镇: 45 × 0.6 + 55 × 1 = 27 + 55 = 82.00: still good
    assert (rows["A01"].old.total, rows["A01"].new.total) == (D("90.00"), D("89.00"))
    assert (rows["A01"].old.tier, rows["A01"].new.tier) == (Tier.EXCELLENT, Tier.GOOD)
    assert (rows["B01"].new.total, rows["B01"].new.tier) == (D("82.00"), Tier.GOOD)
    # the year keeps its scheme and its stored results
    assert list(Indicator.objects.filter(year=year).values_list("points", flat=True)) == [
        D("50.00"), D("50.00"),
    ]  # fmt: skip
    run.refresh_from_db()
    assert run.is_current
    assert {r.unit.code: r.total for r in run.units.all()} == {
        "A01": D("90.00"), "B01": D("80.00"),
    }  # fmt: skip


def test_bad_draft_values_are_refused_in_chinese_and_nothing_is_saved(year, office_user):
    draft = service.draft_create(year=year, name="错误", by=office_user)
    with pytest.raises(ValidationError) as refused:
        service.draft_update(
            draft=draft,
            by=office_user,
            params={"good_threshold": D(95)},  # above excellent from 90
            indicators={("town", "E01"): {"cap": D("0.5")}},  # a cap below 1
        )
    text = " ".join(m for ms in refused.value.message_dict.values() for m in ms)
    assert "等次分数线" in text or "分数线" in text
    draft.refresh_from_db()
    assert D(draft.params["good_threshold"]) == 80
    assert D(draft.indicators[0]["cap"]) == 1


def test_a_draft_name_is_unique_within_its_year(year, office_user):
    service.draft_create(year=year, name="甲", by=office_user)
    with pytest.raises(ValidationError):
        service.draft_create(year=year, name="甲", by=office_user)


def test_a_copy_and_a_delete_leave_the_original(year, office_user):
    draft = service.draft_create(year=year, name="原稿", by=office_user)
    copy = service.draft_copy(draft=draft, name="副本", by=office_user)
    assert copy.indicators == draft.indicators and copy.pk != draft.pk
    service.draft_delete(draft=copy, by=office_user)
    assert list(DraftScheme.objects.values_list("name", flat=True)) == ["原稿"]
    # the delete is on record, with who did it
    deleted = DraftScheme.history.get(name="副本", history_type="-")
    assert deleted.history_user == office_user


def test_scoring_on_last_years_inputs_needs_last_year(year, office_user):
    draft = service.draft_create(year=year, name="往年", by=office_user)
    with pytest.raises(ValidationError) as refused:
        service.draft_run(draft, last_year=True)
    assert "2025" in refused.value.messages[0]


def test_a_draft_becomes_the_scheme_of_a_year_in_setup_only(year, office_user, town):
    draft = service.draft_create(year=year, name="下年", by=office_user)
    draft = service.draft_update(
        draft=draft, by=office_user, indicators={("town", "E01"): {"points": D(45)}},
        params={"excellent_quota": D("0.25")}, bonus_pool=8000,
    )  # fmt: skip
    with pytest.raises(ValidationError):
        service.draft_adopt(draft=draft, year=year, by=office_user)  # scoring, not setup
    next_year = YearFactory(year=2027, status=YearStatus.SETUP)
    IndicatorFactory(year=next_year, category=town, code="OLD", name="旧指标")
    assert service.draft_adopt(draft=draft, year=next_year, by=office_user) == 2
    next_year.refresh_from_db()
    assert (next_year.excellent_quota, next_year.bonus_pool) == (D("0.2500"), 8000)
    assert list(
        Indicator.objects.filter(year=next_year).values_list("code", "points", "method")
    ) == [("E01", D("45.00"), "survey"), ("G01", D("50.00"), "survey")]


def test_a_draft_scored_on_last_years_data(year, office_user, town, unit_a, unit_b):
    from assessment.models import SurveyRate

    earlier = YearFactory(year=2025, status=YearStatus.PUBLISHED)
    rates = {"E01": {unit_a: "1", unit_b: "0.5"}, "G01": {unit_a: "0.5", unit_b: "1"}}
    for order, (code, by_unit) in enumerate(rates.items()):
        indicator = IndicatorFactory(
            year=earlier, category=town, code=code, name=code, points=D(50), method="survey",
            sort_order=order,
        )  # fmt: skip
        for unit, rate in by_unit.items():
            SurveyRate.objects.create(indicator=indicator, unit=unit, rate=D(rate))
    draft = service.draft_create(year=year, name="按上年", by=office_user)
    draft = service.draft_update(
        draft=draft, by=office_user,
        indicators={("town", "E01"): {"points": D(40)}, ("town", "G01"): {"points": D(60)}},
    )  # fmt: skip
    run = service.draft_run(draft, last_year=True)
    assert run.basis == earlier
    rows = {row.unit: row for row in run.result.comparison.rows}
    # 2025 under its own scheme: 甲镇 50 + 25 = 75.00, 乙镇 25 + 50 = 75.00, both average;
    # under the draft: 甲镇 40 + 30 = 70.00, 乙镇 20 + 60 = 80.00, good
    assert (rows["A01"].old.total, rows["A01"].new.total) == (D("75.00"), D("70.00"))
    assert (rows["B01"].old.total, rows["B01"].new.total) == (D("75.00"), D("80.00"))
    assert [row.unit for row in run.result.comparison.tier_changes] == ["B01"]


def test_last_years_scheme_copied_into_a_new_year_brings_its_catalogue(office_user, town):
    from assessment.models import Item

    last = YearFactory(year=2026, status=YearStatus.PUBLISHED)
    bonus = IndicatorFactory(
        year=last, category=town, code="J01", name="表彰奖励", points=D(3), method="bonus",
    )  # fmt: skip
    Item.objects.create(
        indicator=bonus, code="P1", name="省级表彰", level="provincial", points=D(1), cap=D(2)
    )
    Item.objects.create(indicator=bonus, code="C1", name="市级表彰", level="city", points=D("0.5"))
    new = YearFactory(year=2027, status=YearStatus.SETUP)
    # the new year already set P1 itself (and keeps it); its old indicator goes, with its list
    kept = IndicatorFactory(
        year=new, category=town, code="J01", name="表彰奖励", points=D(3), method="bonus"
    )
    Item.objects.create(indicator=kept, code="P1", name="省级表彰", points=D("1.5"))
    old = IndicatorFactory(
        year=new, category=town, code="OLD", name="旧加分", points=D(2), method="bonus"
    )
    Item.objects.create(indicator=old, code="X1", name="旧事项", points=D(1))

    draft = service.draft_create(year=last, name="沿用 2026 方案", by=office_user)
    assert service.draft_adopt(draft=draft, year=new, by=office_user) == 1

    assert sorted(
        Item.objects.filter(indicator__year=new).values_list(
            "indicator__code", "code", "name", "level", "points", "cap"
        )
    ) == [
        ("J01", "C1", "市级表彰", "city", D("0.50"), None),
        ("J01", "P1", "省级表彰", "", D("1.50"), None),
    ]
    assert not Indicator.objects.filter(year=new, code="OLD").exists()
    added = Item.objects.get(indicator__year=new, code="C1")
    assert added.history.get().history_user == office_user
