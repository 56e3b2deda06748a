"""The office imports a workbook in a real browser: upload, read the preview, confirm, see the
data; and a large one, read by the background worker while the page shows its progress."""

import time
from decimal import Decimal

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from assessment.models import ImportJob, ImportJobState, Target
from tests.imports_helpers import make_scheme, xlsx_bytes

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("media_root")]

TARGETS = ["年度", "单位代码", "指标代码", "目标值"]


@pytest.fixture
def scheme(town, economic, unit_a, unit_b, lead_unit):
    return make_scheme(status="setup", town=town, economic=economic, lead_unit=lead_unit)


def _upload(page, tmp_path, rows) -> None:
    """From the menu to the targets' upload form, and send the file."""
    page.locator("nav a[href='/imports/']").first.click()
    page.locator("[data-kind='targets'] a[href$='/upload/']").click()
    workbook = tmp_path / "目标.xlsx"
    workbook.write_bytes(xlsx_bytes(rows))
    page.locator("#id_file").set_input_files(str(workbook))
    page.locator("#upload-form button[type='submit']").click()


def test_the_office_previews_confirms_and_sees_the_targets(
    page, log_in, office_user, scheme, unit_a, tmp_path, screenshot_dir
):
    gdp = scheme.indicators.get(code="GDP", category__code="town")
    Target.objects.create(unit=unit_a, indicator=gdp, target=Decimal(100))
    log_in("office")
    _upload(page, tmp_path, [TARGETS, [2026, "A01", "GDP", 120], [2026, "B01", "GDP", 90]])

    expect(page.locator("#import-outcome")).to_have_attribute("data-state", "previewed")
    expect(page.locator("[data-count='new']")).to_have_text("1")
    expect(page.locator("[data-count='changed']")).to_have_text("1")
    expect(page.locator("#import-rows")).to_contain_text("目标值: 100 → 120")
    page.screenshot(path=str(screenshot_dir / "import-preview.png"), full_page=True)
    assert Target.objects.get(unit=unit_a, indicator=gdp).target == Decimal(100)

    page.locator("#confirm-form button[type='submit']").click()
    expect(page.locator("#import-outcome")).to_have_attribute("data-state", "imported")
    page.goto(page.base_url + "/years/2026/targets/A01/")
    gdp_row = page.locator("tbody tr").filter(has_text="GDP")
    expect(gdp_row.locator("input").first).to_have_value("120")
    assert Target.objects.get(unit=unit_a, indicator=gdp).target == Decimal(120)
    assert Target.objects.filter(indicator=gdp).count() == 2


def test_a_large_workbook_shows_its_progress_until_the_worker_has_read_it(
    page, log_in, office_user, scheme, tmp_path, settings
):
    settings.IMPORT_BACKGROUND_BYTES = 0  # every file goes to the background worker
    log_in("office")
    _upload(page, tmp_path, [TARGETS, [2026, "A01", "GDP", 120]])

    # The bar shows 0 % (its filled part has no width yet, which Playwright calls hidden).
    expect(page.locator("#import-progress")).to_be_visible()
    expect(page.locator("#import-progress .progress-bar")).to_have_attribute("data-percent", "0")
    job = ImportJob.objects.get()
    assert job.state == ImportJobState.QUEUED
    # The worker as ``make run`` starts it, run until the job is done: a batch run that starts
    # before the upload's queue entry is visible to it finds nothing and ends (a real worker
    # just keeps polling).
    for _attempt in range(50):
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
        job.refresh_from_db()
        if job.finished:
            break
        time.sleep(0.2)
    assert job.finished, job.state
    # The page polls its progress and loads the preview by itself once the job is done.
    expect(page.locator("#import-outcome")).to_have_attribute("data-state", "previewed")
    expect(page.locator("[data-count='new']")).to_have_text("1")
