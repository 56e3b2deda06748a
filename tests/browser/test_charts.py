"""Charts that do not mislead: the value axis of a bar chart of scores starts at zero."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.reports import test_staff_district as staff_district

pytestmark = pytest.mark.django_db(transaction=True)

# The small district's fixtures: the towns average 84.00 (tests.reports.test_staff_dashboard).
district = staff_district.district
unit_c = staff_district.unit_c

LOWEST_VALUE_ON_AXIS = """(key) => {
  const chart = echarts.getInstanceByDom(document.querySelector(`[data-chart="${key}"]`));
  return chart.getModel().getComponent("yAxis").axis.scale.getExtent()[0];
}"""


def test_the_dashboard_s_bars_of_category_averages_start_at_zero(
    page, log_in, office_user, district, page_errors, screenshot_dir
):
    log_in("office")
    page.goto(page.base_url + reverse("reports:dashboard", args=[2026]))
    chart = page.locator('[data-chart="category-chart"]')
    expect(chart.locator("canvas").first).to_be_visible()
    # A bar of 84 drawn from 80 would look five times a bar of 80.8: the axis starts at 0.
    assert page.evaluate(LOWEST_VALUE_ON_AXIS, "category-chart") == 0
    chart.screenshot(path=str(screenshot_dir / "dashboard-bars-from-zero.png"))
    assert page_errors == []
