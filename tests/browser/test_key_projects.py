"""A key project's main path in a real browser: the office plans it, the responsible unit's
reporter reports progress and proposes points (on a phone), a second office user verifies
both, and the project's page shows the task's bar and the person's points."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from assessment.models import Contribution, EvidenceStatus, KeyProject, ProgressUpdate, YearStatus
from tests.assessment.factories import YearFactory
from tests.factories import UserFactory
from units.roles import Role

pytestmark = [
    pytest.mark.django_db(transaction=True),
]


def _submit(page) -> None:
    page.locator('#project-form button[type="submit"]').click()
    expect(page.locator(".alert-success")).to_be_visible()


def _plan(page, zhang, li) -> None:
    """The office: a project led by 张三 with 李四, a milestone, and 李四's task of 100 亩."""
    page.goto(page.base_url + "/years/2026/")
    page.locator("#projects-link").click()
    page.locator("#project-create-link").click()
    page.locator("#id_name").fill("高标准农田建设")
    page.locator("#id_unit").select_option(label="甲镇（A01）")
    page.locator("#id_lead_cadre").select_option(str(zhang.pk))
    page.locator("#id_members").select_option([str(li.pk)])
    page.locator("#id_description").fill("新建高标准农田 1000 亩")
    _submit(page)
    expect(page.locator("#project-name")).to_contain_text("高标准农田建设")
    expect(page.locator("#project-header [data-field='team']")).to_contain_text("李四")

    page.locator("#milestone-add-link").click()
    page.locator("#id_title").fill("完成土地平整")
    page.locator("#id_due").fill("2026-12-31")
    _submit(page)

    page.locator('[data-action="add-task"]').click()
    page.locator("#id_cadre").select_option(str(li.pk))
    page.locator("#id_description").fill("平整土地")
    page.locator("#id_quantity").fill("100")
    page.locator("#id_measure").fill("亩")
    page.locator("#id_due").fill("2026-12-31")
    _submit(page)


def _report(page, li) -> None:
    """The reporter of 甲镇, on a phone: 30 亩 done, and 2 points for 李四."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(page.base_url + "/years/2026/units/A01/")
    page.locator("#unit-projects").get_by_role("link", name="高标准农田建设").click()
    page.locator('[data-action="report"]').click()
    page.locator("#id_date").fill("2026-11-20")
    page.locator("#id_amount").fill("30")
    page.locator("#id_description").fill("完成土地平整 30 亩")
    _submit(page)
    update = ProgressUpdate.objects.get()
    expect(page.locator(f"#update-{update.pk} [data-status='pending']")).to_be_visible()
    expect(page.locator("[data-task] [data-field='pending']")).to_contain_text("30 亩")

    page.locator("#contribution-propose-link").click()
    page.locator("#id_cadre").select_option(str(li.pk))
    page.locator("#id_points").fill("2")
    page.locator("#id_description").fill("牵头完成土地平整")
    _submit(page)
    proposal = Contribution.objects.get()
    expect(page.locator(f"#contribution-{proposal.pk} [data-status='pending']")).to_be_visible()
    page.screenshot(path=str(page.screenshot_dir / "project-reporter.png"), full_page=True)


def test_a_key_project_is_planned_reported_and_verified(
    page, log_in, csp_violations, office_user, reporter_a, unit_a, cadres, screenshot_dir
):
    YearFactory(year=2026, status=YearStatus.COLLECTING)
    UserFactory(username="office2", role=Role.OFFICE, unit=None)
    zhang, li, _wang = cadres
    page.screenshot_dir = screenshot_dir

    log_in("office")
    _plan(page, zhang, li)
    project = KeyProject.objects.get()
    assert project.unit == unit_a and list(project.members.all()) == [li]
    page.locator(".breadcrumb a[href='/years/2026/projects/']").click()  # whatever the language
    row = page.locator(f"#project-table tr[data-project='{project.pk}']")
    expect(row.locator("[data-field='team']")).to_have_text("2")
    expect(row.locator("[data-field='percent']")).to_contain_text("0 %")
    page.screenshot(path=str(screenshot_dir / "project-list.png"), full_page=True)

    log_in("reporter_a")
    _report(page, li)

    log_in("office2")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(page.base_url + f"/projects/{project.pk}/")
    update, proposal = ProgressUpdate.objects.get(), Contribution.objects.get()
    page.locator(f'#update-{update.pk} [data-action="verify"]').click()
    expect(page.locator(".alert-success")).to_be_visible()
    page.locator(f'#contribution-{proposal.pk} [data-action="verify"]').click()
    expect(page.locator(".alert-success")).to_be_visible()

    task = page.locator("[data-task]")
    expect(task.locator("progress")).to_have_attribute("value", "30")
    expect(task.locator("[data-field='percent']")).to_have_text("30 %")
    expect(task.locator("[data-field='verified']")).to_contain_text("30")
    expect(page.locator(f"#update-{update.pk} [data-status='verified']")).to_be_visible()
    person = page.locator(f"#people-table tr[data-cadre='{li.pk}']")
    expect(person.locator("[data-field='points']")).to_have_text("2")
    expect(person.locator("[data-field='points-pending']")).to_have_text("0")
    page.screenshot(path=str(screenshot_dir / "project-verified.png"), full_page=True)

    update.refresh_from_db()
    proposal.refresh_from_db()
    assert (update.status, update.verified_by.username) == (EvidenceStatus.VERIFIED, "office2")
    assert (proposal.status, proposal.points) == (EvidenceStatus.VERIFIED, Decimal(2))
    assert csp_violations == []
