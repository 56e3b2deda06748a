"""The pages a reviewer reads first, in Chinese, on the demo district: they speak the office's
words (../shared/GLOSSARY.md). Screenshots go to test-output/screenshots/glossary-*.png."""

import importlib
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import expect

from assessment.demo.scheme import DEMO_YEAR, OFFICE_USERNAME
from assessment.models import EvaluationRound, Indicator
from tests import snapshot
from tests.conftest import TEST_PASSWORD
from tests.demo_seed import snapshot_path
from tests.imports_helpers import xlsx_bytes
from units.models import Membership, UnitCategory

pytestmark = pytest.mark.django_db(transaction=True)

# Words the glossary marks to avoid, looked for in a page's own wording (headings, labels,
# table headers, buttons, messages), not in the district's data.
AVOIDED = ("录入人", "失误", "在用", "已停用", "测评得分率", "参评总数", "参与排名数", "纸条")
AVOIDED += ("编码", "审核", "字段", "风险", "档案", "后台任务进程")


# The demo as this worker first put it in place (seeded, or taken from the seeded demo's copy).
_seeded: dict[str, snapshot.Snapshot] = {}


@pytest.fixture
def demo(settings, tmp_path, media_root, tmp_path_factory):
    """The demo district, committed (these tests run against a live server), every account's
    password the tests' own. The rows and files of a seed are put back (``tests/snapshot.py``):
    this worker's first, or the copy the shared seed of the other tests left for the run
    (``tests/demo_seed.py``), which is what seeding again would give, in a twentieth of the
    time. Only without either is the demo seeded here."""
    settings.VAR_DIR = tmp_path
    if "rows" in _seeded:
        snapshot.put_back(_seeded["rows"], media_root)
        return
    if kept := snapshot.load(snapshot_path(tmp_path_factory)):
        snapshot.put_back(kept, media_root)
    else:
        # A transactional test before this one flushed the categories the migrations made.
        default_categories = importlib.import_module("units.migrations.0002_default_categories")
        for code, name, order in default_categories.DEFAULT_CATEGORIES:
            UnitCategory.objects.get_or_create(
                code=code, defaults={"name": name, "sort_order": order}
            )
        # The demo answers its surveys, counted per hour in the cache: the test started with
        # an empty one (tests/conftest.py), so this seed counts from zero.
        call_command("seed_demo", stdout=io.StringIO())
    for user in get_user_model().objects.all():
        user.set_password(TEST_PASSWORD)
        user.save(update_fields=["password"])
    _seeded["rows"] = snapshot.take()
    _seeded["rows"].media = media_root


# The page's own words: what the templates and messages put there, not the data rows.
WORDING = "h1, h2, h3, nav, label, th, button, .alert, .badge, .form-text, legend, caption"


def _shows_the_glossarys_words(page, name: str, screenshot_dir, *terms: str) -> None:
    for term in terms:
        expect(page.locator("body")).to_contain_text(term)
    for word in AVOIDED:
        expect(page.locator(WORDING).filter(has_text=word), f"{name}: {word}").to_have_count(0)
    expect(page.locator("nav.breadcrumb, nav[aria-label]").first).not_to_have_attribute(
        "aria-label", re.compile("breadcrumb")
    )
    page.screenshot(path=str(screenshot_dir / f"glossary-{name}.png"), full_page=True)


def test_the_office_sees_the_glossarys_words(page, log_in, demo, screenshot_dir, tmp_path):
    log_in(OFFICE_USERNAME)
    _shows_the_glossarys_words(page, "home", screenshot_dir, "考核年度", "工作提醒")

    page.goto(page.base_url + f"/years/{DEMO_YEAR}/verify/")
    expect(page.locator("#queue-table")).to_be_visible()
    _shows_the_glossarys_words(
        page, "verification-queue", screenshot_dir, "填报人", "数值", "核实所选"
    )

    page.goto(page.base_url + "/imports/")
    page.locator("[data-kind='targets'] a[href$='/upload/']").click()
    workbook = tmp_path / "目标值.xlsx"
    workbook.write_bytes(
        xlsx_bytes([["年度", "单位代码", "指标代码", "目标值"], [DEMO_YEAR, "TO99", "GDP", 1]])
    )
    page.locator("#id_file").set_input_files(str(workbook))
    if page.locator("#id_reason").count():
        page.locator("#id_reason").fill("年中调整")
    page.locator("#upload-form button[type='submit']").click()
    expect(page.locator("#import-errors")).to_be_visible()
    expect(page.locator("#import-errors")).to_contain_text(
        "单位代码「TO99」不存在，请核对或先导入该单位。"
    )
    _shows_the_glossarys_words(page, "import-errors", screenshot_dir, "填写内容", "Excel 行号")

    evaluation_round = EvaluationRound.objects.get(year__year=DEMO_YEAR, status="open")
    page.goto(page.base_url + f"/evaluations/{evaluation_round.pk}/")
    expect(page.locator("h1")).to_contain_text(evaluation_round.name)
    _shows_the_glossarys_words(
        page, "round", screenshot_dir, "测评主体", "测评码", "生成测评码卡（PDF）"
    )


def test_a_reporter_and_the_grading_grid_show_the_glossarys_words(
    page, phone, log_in, demo, screenshot_dir
):
    reporter = Membership.objects.select_related("unit").get(user__username="tianbao")
    # the reporter's reminders on a phone: one card per item, each line named, no table
    # squeezed to a character a line (the desktop keeps its table)
    log_in("tianbao", on=phone)
    phone.goto(phone.base_url + "/reminders/")
    first = phone.locator("tr.reminder").first
    expect(first).to_be_visible()
    expect(phone.locator(".reminder-table thead")).to_be_hidden()
    assert first.evaluate("row => getComputedStyle(row).display") == "block"
    before = "cell => getComputedStyle(cell, '::before').content"
    assert first.locator("td").first.evaluate(before) == '"阶段："'
    phone.screenshot(path=str(screenshot_dir / "reminders-reporter-phone.png"), full_page=True)
    log_in("tianbao")
    page.goto(page.base_url + "/reminders/")
    expect(page.locator(".reminder-table thead")).to_be_visible()
    page.goto(page.base_url + f"/years/{DEMO_YEAR}/units/{reporter.unit.code}/record/")
    expect(page.locator("#record-form")).to_be_visible()
    _shows_the_glossarys_words(page, "record-form", screenshot_dir, "填报平时记录", "数值")

    indicator = (
        Indicator.objects.filter(year__year=DEMO_YEAR, method="city_rank")
        .order_by("category__sort_order", "code")
        .first()
    )
    log_in(OFFICE_USERNAME)  # no lead department leads a city rank in the demo
    page.goto(page.base_url + f"/years/{DEMO_YEAR}/grading/{indicator.pk}/")
    expect(page.locator("h1")).to_contain_text(indicator.name)
    _shows_the_glossarys_words(
        page, "grading-grid", screenshot_dir, "参与排名单位数", "定性评价、全市排名与满意度测评"
    )


def test_the_public_results_speak_chinese(page, demo, screenshot_dir):
    page.goto(page.base_url + f"/results/{DEMO_YEAR - 1}/")
    expect(page.locator("#publication-version")).to_contain_text("第 1 版")
    expect(page.locator("main")).not_to_contain_text(re.compile(r"\bv\d"))
    _shows_the_glossarys_words(page, "public-results", screenshot_dir, "已公布结果", "考核结果")
