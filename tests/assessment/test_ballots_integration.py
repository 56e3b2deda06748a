"""Evaluations that come from ballots are not overwritten by imports; the teams and cadres
reports name the round behind an evaluation."""

from __future__ import annotations

from decimal import Decimal

import pytest

from assessment.imports import workbook_import
from assessment.models import CadreEvaluation, TeamEvaluation
from assessment.services import ballots as ballot_service
from tests.assessment.ballots_world import cast, codes, opened_round
from tests.assessment.workflow import build_district
from tests.imports_helpers import xlsx_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

HEADER = ["年度", "单位代码", "干部姓名", "测评得分"]


@pytest.fixture
def year(town, unit_a, unit_b, office_user, cadres):
    return build_district(town, unit_a, unit_b, office_user)


def run(rows, user):
    return workbook_import(
        kind="evaluations", data=xlsx_bytes([HEADER, *rows]), file_name="e.xlsx", user=user
    )


def closed_round(year, office_user, unit_a, unit_b):
    evaluation_round = opened_round(year, office_user, [unit_a])  # 甲镇's team, 张三 and 李四
    for code in codes(evaluation_round, office_user, "区领导", 2):
        cast(evaluation_round, code, {"甲镇": "good", "张三": "good", "李四": "average"})
    for code in codes(evaluation_round, office_user, "本单位干部职工", 2, unit=unit_a):
        cast(evaluation_round, code, {"甲镇": "excellent", "张三": "good", "李四": "average"})
    ballot_service.round_close(evaluation_round=evaluation_round, by=office_user)
    return evaluation_round


def test_an_import_cannot_overwrite_an_evaluation_from_ballots(year, office_user, unit_a, unit_b):
    closed_round(year, office_user, unit_a, unit_b)
    # team 甲镇 = 0.6 × 80 + 0.4 × 100 = 88.00; 张三 = 80.00; 李四 = 60.00
    assert TeamEvaluation.objects.get(unit=unit_a).score == Decimal("88.00")

    preview = run([[2026, "A01", None, 95], [2026, "A01", "张三", 80], [2026, "B01", None, 75]],
                  office_user)  # fmt: skip

    assert not preview.committed
    assert [str(error) for error in preview.errors] == [
        "Row 2, “测评得分”: The evaluation of 2026 · A01 comes from the ballots of the "
        "evaluation round “年度民主测评” and cannot be imported."
    ]
    assert TeamEvaluation.objects.get(unit=unit_a).score == Decimal("88.00")
    # the same file without the refused row: 张三's equal score and 乙镇's team pass
    assert run([[2026, "A01", "张三", 80], [2026, "B01", None, 75]], office_user).committed
    assert TeamEvaluation.objects.get(unit=unit_b).score == Decimal(75)
    assert CadreEvaluation.objects.get(cadre__name="张三").round is not None


def test_an_open_round_keeps_its_people_out_of_imports(year, office_user, unit_a):
    opened_round(year, office_user, [unit_a])
    preview = run([[2026, "A01", "李四", 70]], office_user)
    assert [str(error) for error in preview.errors] == [
        "Row 2, “测评得分”: 2026 · A01 · 李四 is evaluated in the round “年度民主测评”, which "
        "has not closed: the evaluation will come from its ballots."
    ]
    assert not CadreEvaluation.objects.exists()


def test_the_teams_and_cadres_reports_link_an_evaluation_to_its_ballots(
    client, year, office_user, unit_a, unit_b
):
    from django.urls import reverse

    from assessment.services.compute import results_compute

    evaluation_round = closed_round(year, office_user, unit_a, unit_b)
    results_compute(year=year, by=office_user)
    client.force_login(office_user)
    round_url = reverse("assessment:round_detail", kwargs={"pk": evaluation_round.pk}) + "#results"
    teams = client.get(reverse("reports:teams", kwargs={"year": 2026})).content.decode()
    assert teams.count(f'href="{round_url}"') == 1  # 甲镇's team; 乙镇's was not balloted
    cadres = client.get(reverse("reports:cadres", kwargs={"year": 2026})).content.decode()
    assert cadres.count(f'href="{round_url}"') == 2  # 张三 and 李四
