"""A lead department's main path in a real browser: grade the units of an indicator it leads."""

import pytest
from playwright.sync_api import expect

from assessment.models import Grade, YearStatus
from tests.assessment.factories import IndicatorFactory, YearFactory
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_lead_department_grades_the_units_of_its_indicator(
    page, log_in, lead_user, lead_unit, economic, screenshot_dir
):
    year = YearFactory(year=2026, status=YearStatus.COLLECTING)
    for number, name in [(2, "区商务局"), (3, "区财政局")]:
        UnitFactory(code=f"JJ{number:02d}", name=name, category=economic)
    IndicatorFactory(
        year=year, category=economic, code="Q1", name="营商环境评价", method="graded",
        lead_unit=lead_unit,
    )  # fmt: skip

    log_in("lead")
    page.goto(page.base_url + "/years/2026/grading/")
    page.get_by_role("link", name="营商环境评价").click()

    page.get_by_label("「区商务局（JJ02）」的等级").select_option("A")
    page.get_by_label("「区商务局（JJ02）」的理由").fill("全市营商环境考评第一名")
    page.get_by_label("「区财政局（JJ03）」的等级").select_option("B")
    page.get_by_role("button", name="保存评价表").click()

    expect(page.get_by_text("已保存：新增 2 条")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "grading-grid.png"), full_page=True)
    assert dict(Grade.objects.values_list("unit__code", "grade")) == {"JJ02": "A", "JJ03": "B"}
    # its own unit's row is the office's: no input for it
    expect(page.locator('tr[data-unit="JJ01"] select')).to_have_count(0)
