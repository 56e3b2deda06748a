"""The results workflow in a real browser: publicity, an objection accepted and corrected, an
early publication, a formal review (复核) and version 2 on the publications page."""

import pytest
from playwright.sync_api import expect

from assessment.models import Indicator, Objection, ObjectionStatus, Publication, YearStatus
from tests.assessment.workflow import build_district

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _regrade(page, party: Indicator, unit: str, grade: str, why: str) -> None:
    """The office amends a grade in the grading grid, with the amendment's reason."""
    page.goto(page.base_url + f"/years/2026/grading/{party.pk}/")
    page.locator(f"#id_{unit}-grade").select_option(grade)
    page.locator(f"#id_{unit}-reason").fill(why)
    page.locator("#id_amendment_reason").fill(why)
    page.locator("#grading-save").click()
    expect(page.locator(".alert-success")).to_be_visible()


def _recompute(page, why: str) -> None:
    page.goto(page.base_url + "/years/2026/results/town/")
    page.locator("#id_reason").fill(why)
    page.locator('form[action$="/compute/"] button[type="submit"]').click()
    expect(page.locator(".alert-success")).to_be_visible()


def test_publicity_objection_correction_publication_and_review(
    page, log_in, csp_violations, media_root, office_user, reporter_a, town, unit_a, unit_b,
    screenshot_dir,
):  # fmt: skip
    year = build_district(town, unit_a, unit_b, office_user)
    party = Indicator.objects.get(year=year, code="G01")
    page.on("dialog", lambda dialog: dialog.accept())  # every data-confirm question: yes

    # The office opens the publicity until a day to come.
    log_in("office")
    page.goto(page.base_url + "/years/2026/")
    page.locator("#id_transition-publicity_ends").fill("2099-12-31")
    page.locator('#transition-form button[value="publicity"]').click()
    expect(page.locator("h1 [data-status='publicity']")).to_be_visible()
    expect(page.locator("#publicity-notice")).to_contain_text("2099-12-31")

    # 甲镇's reporter reads the score sheet with its rules and objects to the grade.
    log_in("reporter_a")
    page.goto(page.base_url + "/years/2026/results/town/")
    expect(page.locator("#results-table tbody tr")).to_have_count(2)  # the category's ranking
    page.goto(page.base_url + "/years/2026/scores/A01/")
    expect(page.locator("#score-sheet")).to_contain_text("460 ÷ 500 = 92%")
    page.screenshot(path=str(screenshot_dir / "results-score-sheet.png"), full_page=True)
    page.locator('[data-object="G01"]').click()
    page.locator("#id_reason").fill("本单位党建工作获市级先进表彰，应评为A等。")
    page.locator("#id_attachments").set_input_files(
        files=[{"name": "表彰文件.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.locator("#objection-submit").click()
    expect(page.locator("[data-objection-status='open']")).to_be_visible()
    expect(page.locator("#objection-facts")).to_contain_text("表彰文件.pdf")
    objection = Objection.objects.get()

    # The office accepts it, corrects the grade and recomputes: the change is shown.
    log_in("office")
    page.goto(page.base_url + f"/objections/{objection.pk}/")
    page.locator("#id_resolution").fill("经核实，市委组织部已通报表扬，改评A等。")
    page.locator("#accept-objection").click()
    expect(page.locator("[data-objection-status='accepted']")).to_be_visible()
    _regrade(page, party, "A01", "A", "异议成立，改评A等")
    _recompute(page, "异议成立后重新计算")
    changes = page.locator("#changes-table")
    expect(changes).to_contain_text("34.00")
    expect(changes).to_contain_text("40.00")
    expect(changes).to_contain_text("95.20")  # the new total
    page.screenshot(path=str(screenshot_dir / "results-changes.png"), full_page=True)
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.ACCEPTED and objection.resolved_run is not None

    # Published early, with the confirmation.
    page.goto(page.base_url + "/years/2026/")
    expect(page.locator("#publish-early")).to_be_visible()
    page.locator("#id_publish-confirm_early").check()
    page.locator("#publish-button").click()
    expect(page.locator("#publication-v1 [data-mark='early']")).to_be_visible()

    # A formal review: a reason, a correction, a recomputation, version 2.
    page.goto(page.base_url + "/years/2026/")
    page.locator("#id_transition-reason").fill("市考核办通知复核乙镇党建工作评价")
    page.locator('#transition-form button[value="review"]').click()
    expect(page.locator("h1 [data-status='review']")).to_be_visible()
    _regrade(page, party, "B01", "B", "复核：年度检查结论为B等")
    _recompute(page, "复核后重新计算")
    page.goto(page.base_url + "/years/2026/")
    page.locator("#id_publish-reason").fill("复核：乙镇党建工作改评B等")
    page.locator("#publish-button").click()
    expect(page.locator("[data-version]")).to_have_count(2)
    second = page.locator("#publication-v2")
    expect(second).to_contain_text("乙镇")
    expect(second).to_contain_text("40.00")
    expect(second).to_contain_text("34.00")
    expect(second).to_contain_text("复核：乙镇党建工作改评B等")
    page.screenshot(path=str(screenshot_dir / "results-publications.png"), full_page=True)

    year.refresh_from_db()
    assert year.status == YearStatus.PUBLISHED
    v2, v1 = Publication.objects.filter(year=year).order_by("-version")
    assert (v1.early, v2.early) == (True, False)
    assert v2.changes == [
        {"unit": "B01", "indicator": "G01", "before": "40.00", "after": "34.00"},
        {"unit": "B01", "indicator": "total", "before": "85.00", "after": "79.00"},
    ]
    assert csp_violations == []
