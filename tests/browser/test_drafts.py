"""A draft scheme in a real browser: the office moves 5 points between two indicators, sees the
unit whose tier changes, exports the comparison, and the year's own results stay as they were."""

from __future__ import annotations

import re
from decimal import Decimal

import openpyxl
import pytest
from playwright.sync_api import expect

from assessment.models import ComputationRun, Indicator, UnitResult
from assessment.services.compute import results_compute
from tests.assessment.drafts_world import scored_year

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_office_moves_five_points_in_a_draft_and_exports_the_comparison(
    page, log_in, csp_violations, office_user, town, unit_a, unit_b, screenshot_dir, tmp_path
):
    year = scored_year(town, [unit_a, unit_b])
    run = results_compute(year=year, by=office_user)
    page.on("dialog", lambda dialog: dialog.accept())

    log_in("office")
    page.goto(page.base_url + "/years/2026/drafts/")
    page.get_by_label("方案草稿名称").fill("调权方案")
    page.get_by_role("button", name="以本年度方案新建草稿").click()
    expect(page.locator("#draft-indicators")).to_be_visible()

    # 经济发展 50 → 45, 党建工作 50 → 55
    page.locator("#id_row0-points").fill("45")
    page.locator("#id_row1-points").fill("55")
    page.screenshot(path=str(screenshot_dir / "draft-edit.png"), full_page=True)
    page.get_by_role("button", name="保存并对比").click()

    # 甲镇: 45 × 1 + 55 × 0.8 = 89.00, excellent → good; 乙镇: 27 + 55 = 82.00, still good
    changed = page.locator("#comparison tbody tr[data-tier-changed]")
    expect(changed).to_have_count(1)
    expect(changed).to_contain_text("甲镇")
    expect(changed).to_contain_text("89.00")
    expect(changed).to_contain_text("-1.00")
    expect(page.locator('#comparison tr[data-unit="B01"]')).to_contain_text("82.00")
    expect(page.locator('[data-chart="moved"][data-drawn="true"]')).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "draft-comparison.png"), full_page=True)

    with page.expect_download() as download:
        page.locator("#export").click()
    saved = tmp_path / "comparison.xlsx"
    download.value.save_as(saved)
    sheet = openpyxl.load_workbook(saved)["对比"]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["A01"][3:6] == (90, 89, -1)
    assert rows["A01"][8:11] == ("优秀", "良好", "是")

    # The year's scheme and stored results are untouched.
    assert set(Indicator.objects.filter(year=year).values_list("points", flat=True)) == {
        Decimal("50.00")
    }
    assert ComputationRun.objects.get(is_current=True) == run
    assert dict(UnitResult.objects.filter(run=run).values_list("unit__code", "tier")) == {
        "A01": "excellent", "B01": "good",
    }  # fmt: skip
    page.goto(page.base_url + "/years/2026/results/town/")
    expect(page.locator("#results-table")).to_contain_text("90.00")

    # 乙镇's score sheet tells the office what decided its tier: 甲镇 holds the one excellent
    # place at 90.00, so 乙镇 (80.00) needs 90.01; 经济发展 (30 of 50) has the room.
    page.goto(page.base_url + "/years/2026/scores/B01/")
    expect(page.locator("#tier-gap")).to_have_text("差 10.01 分 → 优秀")
    expect(page.locator('#decider-moves tr[data-indicator="E01"]')).to_contain_text("提高 10.01 分")
    expect(page.locator('[data-chart="losses"][data-drawn="true"]')).to_be_visible()
    page.locator("#tier-decider").screenshot(path=str(screenshot_dir / "tier-decider.png"))
    assert csp_violations == []


def test_the_office_adds_and_removes_indicators_in_a_draft(
    page, log_in, csp_violations, office_user, town, unit_a, unit_b, screenshot_dir
):
    year = scored_year(town, [unit_a, unit_b])
    results_compute(year=year, by=office_user)
    page.on("dialog", lambda dialog: dialog.accept())
    page.set_viewport_size({"width": 1366, "height": 900})

    log_in("office")
    page.goto(page.base_url + "/years/2026/drafts/")
    page.get_by_label("方案草稿名称").fill("增减指标")
    page.get_by_role("button", name="以本年度方案新建草稿").click()

    # a new indicator with bad values first: refused in Chinese, nothing added
    form = page.locator("#draft-add-indicator")
    form.get_by_label("单位类别").select_option("town")
    form.get_by_label("指标代码").fill("N01")
    form.get_by_label("指标名称").fill("营商环境")
    form.get_by_label("分值").fill("-10")
    form.get_by_label("计分方法").select_option("survey")
    form.get_by_role("button", name="新增指标").click()
    expect(page.locator("#draft-add-indicator")).to_contain_text("此项不能小于 0")
    page.screenshot(path=str(screenshot_dir / "draft-add-refused.png"), full_page=True)
    expect(page.locator('#draft-indicators tr[data-indicator="N01"]')).to_have_count(0)

    page.locator("#draft-add-indicator").get_by_label("分值").fill("10")
    page.locator("#draft-add-indicator").get_by_role("button", name="新增指标").click()
    expect(page.locator('#draft-indicators tr[data-indicator="N01"]')).to_contain_text("草稿新增")
    # 党建工作 out, 经济发展 up to 90
    page.get_by_role("button", name="移除「党建工作」").click()
    expect(page.locator('#draft-indicators tr[data-indicator="G01"]')).to_have_count(0)
    expect(page.locator("#draft-removed")).to_contain_text("党建工作")
    page.locator('#draft-indicators tr[data-indicator="E01"] input[name$="-points"]').fill("90")
    page.screenshot(path=str(screenshot_dir / "draft-edit-add-remove.png"), full_page=True)
    # Pressed from the keyboard: the page was opened at its #draft-indicators anchor, and the
    # browser keeps that anchor in view while the page settles, so on a loaded machine a
    # mouse click aimed at the button landed on the form after the page jumped back to it.
    page.get_by_role("button", name="保存并对比").press("Enter")
    # the comparison opens (its address first: the page's charts may still be loading)
    expect(page).to_have_url(re.compile(r"/compare/"), timeout=30_000)

    # 甲镇: 90 × 1 + N01 (no rate) 0 = 90.00, still excellent; 乙镇: 90 × 0.6 = 54.00, poor
    expect(page.locator("#draft-scheme-changes")).to_contain_text("营商环境")
    expect(page.locator("#draft-scheme-changes")).to_contain_text("党建工作")
    expect(page.locator('#comparison tr[data-unit="A01"]')).to_contain_text("90.00")
    b01 = page.locator('#comparison tr[data-unit="B01"]')
    expect(b01).to_contain_text("54.00")
    expect(b01).to_have_attribute("data-tier-changed", "true")
    page.screenshot(path=str(screenshot_dir / "draft-compare-add-remove.png"), full_page=True)

    page.get_by_role("link", name="方案草稿的均衡性").click()
    expect(page.locator("main")).to_contain_text("「营商环境」是方案草稿新增的指标")
    page.screenshot(path=str(screenshot_dir / "draft-balance-add-remove.png"), full_page=True)
    assert csp_violations == []
