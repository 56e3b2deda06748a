"""A democratic evaluation round end to end in real Chromium: the office prepares and opens
it and prints code slips; raters vote on phone-sized pages; a code's second use is refused;
the office closes the round, computes, and the team and cadre scores carry the evaluations.

Hand-worked (groups 区领导 0.6 with 2 ballots, 本单位干部职工 0.4 with 1 per town; points
100/80/60/0): 甲镇's team (100+80)/2 = 90 and 100 → 0.6 × 90 + 0.4 × 100 = 94.00, team score
0.7 × 89.20 + 0.3 × 94.00 = 90.64; 张三 100 and 80 → 92.00, cadre score 0.6 × 89.20 + 0.4 ×
92.00 = 90.32; 王五 (0+60)/2 = 30 and 80 → 50.00, cadre score 0.6 × 85.00 + 0.4 × 50.00 = 71.00.
"""

import io
import re
from decimal import Decimal

import pypdf
import pytest
from playwright.sync_api import expect

from assessment.models import CadreResult, EvaluationRound, RoundStatus, TeamResult
from tests.assessment.workflow import build_district

pytestmark = pytest.mark.django_db(transaction=True)

CODE = re.compile(r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}")


def _print(page, evaluation_round, group: str, size: int, unit: str = "") -> list[str]:
    page.locator("#id_group").select_option(value=str(evaluation_round.groups.get(name=group).pk))
    if unit:
        page.locator("#id_unit").select_option(label=unit)
    page.locator("#id_size").fill(str(size))
    with page.expect_download() as download:
        page.locator('#codes button[type="submit"]').click()
    pdf = download.value.path().read_bytes()
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    return CODE.findall(re.sub(r"[\s\x00]+", "", text))


def _mark(
    phone, evaluation_round, marks: dict[str, str], reasons: dict[str, str] | None = None
) -> None:
    question = evaluation_round.questions.get()
    for name, mark in marks.items():
        subject = evaluation_round.subjects.filter(
            cadre__name=name
        ).first() or evaluation_round.subjects.get(cadre__isnull=True, unit__name=name)
        phone.locator(f'label[for="mark_{subject.pk}_{question.pk}_{mark}"]').click()
        if reasons and name in reasons:
            phone.locator(f"#reason_{subject.pk}_{question.pk}").fill(reasons[name])


def test_a_round_from_printed_codes_to_the_three_in_one_scores(
    page, phone, log_in, office_user, town, unit_a, unit_b, cadres, screenshot_dir
):
    build_district(town, unit_a, unit_b, office_user)  # 甲镇 89.20, 乙镇 85.00
    page.on("dialog", lambda dialog: dialog.accept())

    # --- the office prepares the round
    log_in("office")
    page.goto(page.base_url + "/years/2026/")
    page.locator("#evaluations-link").click()
    page.locator("#id_name").fill("2026年度民主测评")
    page.locator("#id_closes_on").fill("2099-12-31")
    page.locator('#content form button[type="submit"].btn-primary').click()
    expect(page.locator("[data-round-status='draft']")).to_be_visible()
    evaluation_round = EvaluationRound.objects.get()

    page.goto(page.base_url + f"/evaluations/{evaluation_round.pk}/groups/")
    for index, (weight, minimum, delete) in enumerate(
        [("0.6", 2, False), (None, None, True), ("0.4", 1, False), (None, None, True)]
    ):
        if delete:
            page.locator(f"#id_groups-{index}-DELETE").check()
        else:
            page.locator(f"#id_groups-{index}-weight").fill(weight)
            page.locator(f"#id_groups-{index}-min_ballots").fill(str(minimum))
    page.locator('#content form button[type="submit"]').click()
    expect(page.locator("#groups tbody tr")).to_have_count(2)

    page.goto(page.base_url + f"/evaluations/{evaluation_round.pk}/edit/")
    page.locator("#id_excellent_limit").fill("2")
    page.locator('#content form button[type="submit"]').click()
    page.locator("#subjects input[name='categories']").first.check()
    page.locator("#subjects button[type='submit']").click()
    expect(page.locator("#subjects tbody tr")).to_have_count(5)  # 2 teams, 3 cadres
    page.locator("#open button[type='submit']").click()
    expect(page.locator("[data-round-status='open']")).to_be_visible()

    # --- slips for every group: the codes exist only in these PDFs
    leaders = _print(page, evaluation_round, "区领导", 2)
    staff_a = _print(page, evaluation_round, "本单位干部职工", 1, unit="A01 甲镇")
    staff_b = _print(page, evaluation_round, "本单位干部职工", 1, unit="B01 乙镇")
    assert (len(leaders), len(staff_a), len(staff_b)) == (2, 1, 1)
    page.screenshot(path=str(screenshot_dir / "evaluation-round.png"), full_page=True)

    # --- raters vote on their phones
    vote = page.base_url + "/vote/?c="

    phone.goto(vote + leaders[0])
    expect(phone.locator("fieldset[data-subject]").first).to_be_visible()
    expect(phone.locator("html")).to_have_js_property("scrollWidth", 375)  # no sideways scroll
    _mark(phone, evaluation_round, {"甲镇": "excellent", "张三": "excellent", "李四": "excellent",
                          "乙镇": "good", "王五": "average"})  # fmt: skip
    phone.locator("#cast-ballot").click()
    expect(phone.locator("#ballot-errors")).to_be_visible()  # 3 “excellent”, at most 2
    phone.screenshot(path=str(screenshot_dir / "evaluation-ballot-refused.png"), full_page=True)
    _mark(phone, evaluation_round, {"李四": "good"})  # the other marks were kept
    phone.locator("#cast-ballot").click()
    expect(phone.locator("#cast")).to_be_visible()

    phone.goto(vote + leaders[1].replace("-", "").lower())  # typed as it reads, in lower case
    marks = {
        "甲镇": "good",
        "张三": "excellent",
        "李四": "good",
        "乙镇": "excellent",
        "王五": "poor",
    }
    _mark(phone, evaluation_round, marks, reasons={"王五": "分管工作推进缓慢"})
    phone.locator("#cast-ballot").click()
    expect(phone.locator("#cast")).to_be_visible()

    phone.goto(page.base_url + "/vote/")  # typing the code instead of scanning it
    phone.locator("#id_code").fill(staff_a[0])
    phone.locator("#code-form button[type='submit']").click()
    expect(phone.locator("fieldset[data-subject]")).to_have_count(3)  # 甲镇's own people
    _mark(phone, evaluation_round, {"甲镇": "excellent", "张三": "good", "李四": "average"})
    phone.locator("#cast-ballot").click()
    expect(phone.locator("#cast")).to_be_visible()

    phone.goto(vote + staff_b[0])
    _mark(phone, evaluation_round, {"乙镇": "good", "王五": "good"})
    phone.locator("#cast-ballot").click()
    expect(phone.locator("#cast")).to_be_visible()

    # a second use of a code is refused
    phone.goto(vote + leaders[0])
    expect(phone.locator("#id_code.is-invalid")).to_be_visible()
    expect(phone.locator("fieldset[data-subject]")).to_have_count(0)
    phone.screenshot(path=str(screenshot_dir / "evaluation-code-used.png"), full_page=True)

    # --- the office closes the round and computes
    page.goto(page.base_url + f"/evaluations/{evaluation_round.pk}/")
    expect(page.locator("#turnout [data-group='区领导'] [data-ballots]")).to_have_text("2")
    page.locator("#close button[type='submit']").click()
    expect(page.locator("[data-round-status='closed']")).to_be_visible()
    team_a = evaluation_round.subjects.get(cadre__isnull=True, unit=unit_a)
    expect(page.locator(f"#results [data-subject='{team_a.pk}'] [data-score]")).to_have_text(
        "94.00"
    )
    page.goto(page.base_url + "/years/2026/results/town/")
    page.locator('form[action$="/compute/"] button[type="submit"]').click()
    expect(page.locator(".alert-success")).to_be_visible()
    assert EvaluationRound.objects.get().status == RoundStatus.CLOSED

    assert TeamResult.objects.get(run__is_current=True, unit=unit_a).score == Decimal("90.64")
    assert CadreResult.objects.get(run__is_current=True, cadre__name="张三").score == Decimal(
        "90.32"
    )
    assert CadreResult.objects.get(run__is_current=True, cadre__name="王五").score == Decimal(
        "71.00"
    )
    page.goto(page.base_url + "/reports/2026/teams/")
    expect(page.locator("[data-round]").first).to_be_visible()
    expect(page.locator("body")).to_contain_text("90.64")
