"""The evaluation round's pages: the office prepares, prints and closes; raters vote by code."""

from __future__ import annotations

import datetime
import io
import re

import pypdf
import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessment.models import Ballot, EvaluationRound, RoundStatus, TeamEvaluation
from assessment.services import ballots as ballot_service
from tests.assessment.ballots_world import cast, codes, opened_round
from tests.assessment.workflow import build_district
from tests.factories import CadreFactory, UnitFactory

pytestmark = pytest.mark.django_db

CODE = re.compile(r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}")


@pytest.fixture
def year(town, unit_a, unit_b, office_user, cadres):
    return build_district(town, unit_a, unit_b, office_user)


def codes_in(pdf: bytes) -> list[str]:
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    return CODE.findall(re.sub(r"[\s\x00]+", "", text))


def print_codes(client, evaluation_round, group_name, size, unit=None):
    group = evaluation_round.groups.get(name=group_name)
    response = client.post(
        reverse("assessment:batch_create", kwargs={"pk": evaluation_round.pk}),
        {"group": group.pk, "unit": unit.pk if unit else "", "size": size},
    )
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    return codes_in(response.content)


def ballot_post(page_context, mark: str = "good") -> dict:
    data = {"code": page_context["paper"].code, "opened": page_context["opened"]}
    for row in page_context["rows"]:
        for item in row["items"]:
            data[item["field"]] = mark
    return data


def test_the_office_prepares_opens_prints_and_closes_a_round(
    client, year, office_user, unit_a, unit_b, town
):
    client.force_login(office_user)
    listing = reverse("assessment:round_list", kwargs={"year": 2026})
    assert client.get(listing).status_code == 200
    response = client.post(listing, {"name": "2026年度民主测评", "closes_on": "2099-12-31"})
    evaluation_round = EvaluationRound.objects.get()
    assert response.url == reverse("assessment:round_detail", kwargs={"pk": evaluation_round.pk})
    assert [g.name for g in evaluation_round.groups.all()] == [
        "区领导", "同级单位主要负责人", "本单位干部职工", "服务对象代表"
    ]  # fmt: skip

    # keep two groups: leaders 0.6 (2 ballots), the unit's staff 0.4 (1 ballot per unit)
    groups = list(evaluation_round.groups.all())
    data = {"groups-TOTAL_FORMS": 4, "groups-INITIAL_FORMS": 4}
    for index, (group, weight, minimum, delete) in enumerate(
        zip(
            groups,
            ["0.6", "0.3", "0.4", "0.1"],
            [2, 5, 1, 5],
            [False, True, False, True],
            strict=True,
        )
    ):
        data |= {
            f"groups-{index}-id": group.pk, f"groups-{index}-name": group.name,
            f"groups-{index}-weight": weight, f"groups-{index}-min_ballots": minimum,
            f"groups-{index}-position": index,
        }  # fmt: skip
        if group.own_unit:
            data[f"groups-{index}-own_unit"] = "on"
        if delete:
            data[f"groups-{index}-DELETE"] = "on"
    url = reverse("assessment:round_groups", kwargs={"pk": evaluation_round.pk})
    assert client.post(url, data).status_code == 302
    assert [(g.name, str(g.weight), g.min_ballots) for g in evaluation_round.groups.all()] == [
        ("区领导", "0.6000", 2), ("本单位干部职工", "0.4000", 1)
    ]  # fmt: skip

    url = reverse("assessment:round_subjects_add", kwargs={"pk": evaluation_round.pk})
    client.post(url, {"categories": [town.pk], "teams": "on"})  # the teams of 甲镇 and 乙镇
    assert evaluation_round.subjects.count() == 2
    client.post(reverse("assessment:round_open", kwargs={"pk": evaluation_round.pk}))
    evaluation_round.refresh_from_db()
    assert evaluation_round.status == RoundStatus.OPEN

    leaders = print_codes(client, evaluation_round, "区领导", 2)
    staff_a = print_codes(client, evaluation_round, "本单位干部职工", 1, unit=unit_a)
    assert len(leaders) == 2 and len(staff_a) == 1

    voter = client.__class__()
    for code, mark in [(leaders[0], "excellent"), (leaders[1], "good"), (staff_a[0], "good")]:
        page = voter.get(reverse("vote:start"), {"c": code.replace("-", "")})
        assert page.status_code == 200
        done = voter.post(reverse("vote:cast"), ballot_post(page.context, mark))
        assert done.status_code == 200
        assert done.templates[0].name == "ballots/vote_done.html"

    detail = client.get(reverse("assessment:round_detail", kwargs={"pk": evaluation_round.pk}))
    assert detail.context["close_problems"]  # 乙镇's staff cast nothing (at least 1)
    refused = client.post(reverse("assessment:round_close", kwargs={"pk": evaluation_round.pk}))
    assert refused.status_code == 302
    evaluation_round.refresh_from_db()
    assert evaluation_round.status == RoundStatus.OPEN
    client.post(
        reverse("assessment:round_close", kwargs={"pk": evaluation_round.pk}),
        {"confirm_short": "on"},
    )
    evaluation_round.refresh_from_db()
    assert evaluation_round.status == RoundStatus.CLOSED
    # 甲镇's team: leaders (100 + 80) / 2 = 90, staff 80 → 0.6 × 90 + 0.4 × 80 = 86.00
    assert TeamEvaluation.objects.get(unit=unit_a).score == 86
    page = client.get(reverse("assessment:round_detail", kwargs={"pk": evaluation_round.pk}))
    assert "86.00" in page.content.decode()


def test_a_second_use_of_a_code_is_refused_on_the_page(client, year, office_user, unit_a, unit_b):
    evaluation_round = opened_round(year, office_user, [unit_a, unit_b])
    client.force_login(office_user)
    (code,) = print_codes(client, evaluation_round, "区领导", 1)
    voter = client.__class__()
    page = voter.get(reverse("vote:start"), {"c": code})
    assert voter.post(reverse("vote:cast"), ballot_post(page.context)).status_code == 200
    again = voter.post(reverse("vote:start"), {"code": code})
    assert again.status_code == 409
    assert again.context["form"].errors["code"]
    replay = voter.post(reverse("vote:cast"), ballot_post(page.context, "excellent"))
    assert replay.status_code == 409
    assert Ballot.objects.count() == 1


def test_a_refused_ballot_keeps_the_marks_and_names_the_problem(
    client, year, office_user, unit_a, unit_b
):
    evaluation_round = opened_round(year, office_user, [unit_a, unit_b])  # at most 2 excellent
    client.force_login(office_user)
    (code,) = print_codes(client, evaluation_round, "区领导", 1)
    voter = client.__class__()
    page = voter.get(reverse("vote:start"), {"c": code})
    data = ballot_post(page.context, "excellent")
    response = voter.post(reverse("vote:cast"), data)
    assert response.status_code == 400
    assert response.context["general_errors"]  # 5 excellent marks, at most 2
    checked = [item["mark"] for row in response.context["rows"] for item in row["items"]]
    assert checked == ["excellent"] * 5
    assert Ballot.objects.count() == 0


@override_settings(VOTE_REFUSED_CODES_PER_HOUR=3, VOTE_SLOW_SECONDS=60)
def test_guessing_codes_is_slowed_to_one_try_a_minute(client, year, office_user, unit_a, unit_b):
    opened_round(year, office_user, [unit_a, unit_b])
    for _attempt in range(3):
        assert client.post(reverse("vote:start"), {"code": "ABCD-EFGH-JKMN"}).status_code == 404
    # Past the budget, one code a minute is checked; the next right away is refused.
    assert client.post(reverse("vote:start"), {"code": "ABCD-EFGH-JKMP"}).status_code == 404
    response = client.post(reverse("vote:start"), {"code": "ABCD-EFGH-JKMQ"})
    assert response.status_code == 429
    assert "现每 60 秒核对一次" in response.content.decode()


@override_settings(VOTE_REFUSED_CODES_PER_HOUR=3, VOTE_SLOW_SECONDS=60)
def test_raters_behind_one_address_still_vote_after_someones_typos(
    client, year, office_user, unit_a, unit_b
):
    """A department votes from one office network: 3 typos exhaust the address's budget, yet
    the next rater's right code opens the ballot and the ballot is stored."""
    evaluation_round = opened_round(year, office_user, [unit_a, unit_b])
    client.force_login(office_user)
    (code,) = print_codes(client, evaluation_round, "区领导", 1)
    voter = client.__class__()
    for typo in ["ABCD-EFGH-JKMN", "ABCD-EFGH-JKMP", "ABCD-EFGH-JKMQ"]:
        assert voter.post(reverse("vote:start"), {"code": typo}).status_code == 404
    page = voter.get(reverse("vote:start"), {"c": code})
    assert page.status_code == 200
    assert voter.post(reverse("vote:cast"), ballot_post(page.context)).status_code == 200
    assert Ballot.objects.count() == 1


def test_only_the_office_changes_a_round_and_leaders_read_it(
    client, year, office_user, leader_user, reporter_a, unit_a, unit_b
):
    evaluation_round = opened_round(year, office_user, [unit_a, unit_b])
    detail = reverse("assessment:round_detail", kwargs={"pk": evaluation_round.pk})
    client.force_login(leader_user)
    page = client.get(detail)
    assert page.status_code == 200
    assert "close_form" not in page.context
    assert (
        client.post(
            reverse("assessment:round_close", kwargs={"pk": evaluation_round.pk})
        ).status_code
        == 403
    )
    client.force_login(reporter_a)
    assert client.get(detail).status_code == 403


# --- queries ----------------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _all_good(evaluation_round) -> dict[str, str]:
    """A district leader's ballot: "good" for every team and cadre of the round."""
    return {
        subject.cadre.name if subject.cadre_id else subject.unit.name: "good"
        for subject in evaluation_round.subjects.select_related("cadre", "unit")
    }


def test_the_round_pages_make_the_same_queries_for_one_unit_or_six(
    client, year, office_user, unit_a, unit_b, town
):
    """The list of rounds and a round's page read no more for four rounds, a round of six units'
    teams and cadres with three batches of codes and four ballots, than for one round of one
    unit with one ballot."""
    small = opened_round(year, office_user, [unit_a])
    (code,) = codes(small, office_user, "区领导", 1)
    cast(small, code, _all_good(small))
    client.force_login(office_user)
    list_url = reverse("assessment:round_list", kwargs={"year": 2026})
    few_list = _queries(client, list_url)
    few_detail = _queries(client, reverse("assessment:round_detail", kwargs={"pk": small.pk}))

    others = [UnitFactory(code=f"R{n}", name=f"第{n}镇", category=town) for n in range(4)]
    for unit in others:
        CadreFactory(unit=unit, name=f"{unit.name}书记")
    large = opened_round(year, office_user, [unit_a, unit_b, *others], "全区民主测评")
    for code in codes(large, office_user, "区领导", 4):
        cast(large, code, _all_good(large))
    codes(large, office_user, "本单位干部职工", 3, unit=unit_a)
    codes(large, office_user, "本单位干部职工", 3, unit=unit_b)
    for number in range(2):
        ballot_service.round_create(
            year=year, by=office_user, name=f"专项测评{number}",
            closes_on=timezone.localdate() + datetime.timedelta(days=7),
        )  # fmt: skip
    # six teams; 张三, 李四 (甲镇), 王五 (乙镇) and the four new towns' secretaries
    assert large.subjects.count() == 6 + 7
    assert Ballot.objects.filter(round=large).count() == 4

    assert _queries(client, list_url) == few_list
    assert (
        _queries(client, reverse("assessment:round_detail", kwargs={"pk": large.pk})) == few_detail
    )
