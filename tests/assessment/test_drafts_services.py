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


def test_a_draft_that_removes_an_indicator_is_scored_without_it(year, office_user):
    results_compute(year=year, by=office_user)
    draft = service.draft_create(year=year, name="去掉党建", by=office_user)
    draft = service.draft_indicator_remove(draft=draft, by=office_user, category="town", code="G01")
    assert service.removed_indicators(draft)[0]["code"] == "G01"
    rows = {row.unit: row for row in service.draft_run(draft).result.comparison.rows}
    # only E01 (50 points) is left: 甲镇 50 × 1 = 50.00 (90.00 before), 乙镇 50 × 0.6 = 30.00
    # (80.00 before): both poor, under 60
    assert (rows["A01"].new.total, rows["A01"].moved_by) == (D("50.00"), D("-40.00"))
    assert (rows["B01"].new.total, rows["B01"].moved_by) == (D("30.00"), D("-50.00"))
    assert {rows["A01"].new.tier, rows["B01"].new.tier} == {Tier.POOR}
    # pressed twice: nothing more happens; the category's last indicator stays
    again = service.draft_indicator_remove(draft=draft, by=office_user, category="town", code="G01")
    assert [row["code"] for row in again.indicators] == ["E01"]
    with pytest.raises(ValidationError) as refused:
        service.draft_indicator_remove(draft=draft, by=office_user, category="town", code="E01")
    assert "至少" in refused.value.messages[0]
    assert Indicator.objects.filter(year=year).count() == 2  # the year keeps both


def test_a_draft_adds_indicators_scored_on_what_is_recorded(year, office_user):
    draft = service.draft_create(year=year, name="加指标", by=office_user)
    draft = service.draft_update(
        draft=draft, by=office_user, indicators={("town", "E01"): {"points": D(40)}}
    )
    values = {"code": "N01", "name": "营商环境", "points": D(10), "method": "graded"}
    draft = service.draft_indicator_add(draft=draft, by=office_user, category="town", values=values)
    draft = service.draft_indicator_add(draft=draft, by=office_user, category="town", values=values)
    assert [row["code"] for row in draft.indicators] == ["E01", "G01", "N01"]  # sent twice: once
    assert service.new_indicators(draft) == {("town", "N01")}
    run = service.draft_run(draft)
    totals = {row.unit: row.new.total for row in run.result.comparison.rows}
    # N01 has no grade for anyone: 0.00 and a warning (spec). 甲镇 40 × 1 + 50 × 0.8 = 80.00,
    # 乙镇 40 × 0.6 + 50 × 1 = 74.00
    assert totals == {"A01": D("80.00"), "B01": D("74.00")}
    assert {p.unit for p in run.result.new.warnings if p.indicator == "N01"} == {"A01", "B01"}
    # G01 removed and added back as 50 points of survey: it scores on its recorded rates again
    draft = service.draft_indicator_remove(draft=draft, by=office_user, category="town", code="G01")
    back = {"code": "G01", "name": "党建工作", "points": D(50), "method": "survey"}
    draft = service.draft_indicator_add(draft=draft, by=office_user, category="town", values=back)
    totals = {row.unit: row.new.total for row in service.draft_run(draft).result.comparison.rows}
    assert totals == {"A01": D("80.00"), "B01": D("74.00")}


def test_a_new_indicator_is_checked_as_the_years_own_and_refused_in_chinese(year, office_user):
    draft = service.draft_create(year=year, name="检查", by=office_user)
    with pytest.raises(ValidationError) as refused:
        service.draft_indicator_add(
            draft=draft, by=office_user, category="town",
            values={"code": "E01", "name": "重复", "points": D(5), "method": "survey"},
        )  # fmt: skip
    assert "已有" in refused.value.message_dict["code"][0]
    with pytest.raises(ValidationError) as refused:
        service.draft_indicator_add(
            draft=draft, by=office_user, category="nowhere",
            values={"code": "X 1", "name": "", "points": D(-1), "method": "magic"},
        )  # fmt: skip
    assert set(refused.value.message_dict) >= {"category", "code", "name", "points", "method"}
    draft.refresh_from_db()
    assert len(draft.indicators) == 2


def test_a_completion_indicator_without_targets_is_refused_with_a_short_list(
    year, office_user, town
):
    from tests.factories import UnitFactory

    for number in range(12):
        UnitFactory(code=f"T{number:02}", name=f"镇{number}", category=town, headcount=5)
    draft = service.draft_create(year=year, name="无目标", by=office_user)
    values = {"code": "K01", "name": "招商引资", "points": D(10), "method": "completion"}
    draft = service.draft_indicator_add(draft=draft, by=office_user, category="town", values=values)
    with pytest.raises(ValidationError) as refused:
        service.draft_run(draft)
    lines = refused.value.messages
    # 14 units miss a target: ten are listed by name, then how many more
    assert len(lines) == 11 and "招商引资" in lines[0] and "4" in lines[-1]


def test_an_edit_opened_before_another_change_is_refused_unless_it_says_the_same(year, office_user):
    from assessment.services.concurrency import StaleError

    draft = service.draft_create(year=year, name="并发", by=office_user)
    opened = service.draft_state(draft)
    change = {("town", "E01"): {"points": D(45)}}
    draft = service.draft_update(
        draft=draft, by=office_user, indicators=change, expected_state=opened
    )
    # the same form sent again: already saved, no refusal
    service.draft_update(draft=draft, by=office_user, indicators=change, expected_state=opened)
    with pytest.raises(StaleError):
        service.draft_update(
            draft=draft, by=office_user, indicators={("town", "G01"): {"points": D(55)}},
            expected_state=opened,
        )  # fmt: skip
    draft.refresh_from_db()
    assert [row["points"] for row in draft.indicators] == ["45", "50.00"]


def test_a_draft_with_added_and_removed_indicators_becomes_the_next_years_scheme(
    office_user, town, unit_a
):
    from assessment.models import Item, Target

    last = YearFactory(year=2026, status=YearStatus.PUBLISHED)
    IndicatorFactory(year=last, category=town, code="E01", name="经济发展", points=D(60),
                     method="survey", sort_order=0)  # fmt: skip
    IndicatorFactory(year=last, category=town, code="G01", name="党建工作", points=D(40),
                     method="survey", sort_order=1)  # fmt: skip
    bonus = IndicatorFactory(year=last, category=town, code="J01", name="表彰奖励", points=D(3),
                             method="bonus", sort_order=2)  # fmt: skip
    Item.objects.create(indicator=bonus, code="P1", name="省级表彰", level="provincial",
                        points=D(1), cap=D(2))  # fmt: skip
    new = YearFactory(year=2027, status=YearStatus.SETUP)
    # the new year had started with G01, with a target set: the draft removes G01
    g01 = IndicatorFactory(year=new, category=town, code="G01", name="党建工作", points=D(40),
                           method="completion")  # fmt: skip
    Target.objects.create(indicator=g01, unit=unit_a, target=D(10))
    # ... and E01 as a bonus with a catalogue: the draft scores E01 by survey, the list goes
    e01 = IndicatorFactory(year=new, category=town, code="E01", name="经济发展", points=D(2),
                           method="bonus")  # fmt: skip
    Item.objects.create(indicator=e01, code="X1", name="旧事项", points=D(1))

    draft = service.draft_create(year=last, name="2027 方案", by=office_user)
    draft = service.draft_indicator_remove(draft=draft, by=office_user, category="town", code="G01")
    draft = service.draft_indicator_add(
        draft=draft, by=office_user, category="town",
        values={"code": "N01", "name": "营商环境", "points": D(40), "method": "city_rank",
                "step": D(2), "group": "重点工作"},
    )  # fmt: skip
    assert service.draft_adopt(draft=draft, year=new, by=office_user) == 3

    assert list(
        Indicator.objects.filter(year=new)
        .order_by("sort_order")
        .values_list("code", "name", "group", "points", "method", "step")
    ) == [
        ("E01", "经济发展", "经济发展", D("60.00"), "survey", None),
        ("J01", "表彰奖励", "经济发展", D("3.00"), "bonus", None),
        ("N01", "营商环境", "重点工作", D("40.00"), "city_rank", D("2.0000")),
    ]
    assert not Target.objects.filter(indicator__year=new).exists()  # went with G01
    # the kept bonus brings its catalogue; the added indicator has none to bring
    assert list(Item.objects.filter(indicator__year=new).values_list(
        "indicator__code", "code", "points", "cap"
    )) == [("J01", "P1", D("1.00"), D("2.00"))]  # fmt: skip
