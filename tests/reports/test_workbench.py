"""The workbench (工作台), every role's home page: what waits for each person, counted by hand on
the small district of ``tests.workbench_district`` (20 April 2026)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from assessment.models import Evidence, EvidenceStatus, YearStatus
from reports.models import WorkbenchVisit
from tests.factories import UserFactory
from tests.workbench_district import TODAY, build, record
from units.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args: TODAY)


@pytest.fixture
def district(town, unit_a, unit_b, lead_unit, reporter_a, reporter_b, supervision_user):
    return build(
        town=town, unit_a=unit_a, unit_b=unit_b, lead_unit=lead_unit, reporter_a=reporter_a,
        reporter_b=reporter_b, supervision_user=supervision_user,
    )  # fmt: skip


def bench_of(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response


def tasks(response) -> dict[str, dict[str, int | None]]:
    """{section: {task: count}} as the page shows them."""
    return {
        section.key: {task.key: task.count for task in section.tasks}
        for section in response.context["bench"].sections
    }


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


# --- what each role sees ------------------------------------------------------------------------


def test_a_reporter_sees_its_units_work_counted_by_hand(client, district, reporter_a):
    response = bench_of(client, reporter_a)

    assert tasks(response) == {
        "reporter": {
            "record": 3,  # GDP, accidents and the bonus; failures are supervision's
            "rejected": 1,  # 1 March
            "overdue": 1,  # GDP, 50 days; the ceiling without records is good news
            "statements": 1,  # the deduction of 2 April
            "highlights": 2,  # none registered, at least two a year
            "letter": None,
        }
    }
    html = response.content.decode()
    assert reverse("assessment:evidence_correct", args=[district.a_rejected.pk]) in html
    assert reverse("assessment:evidence_statement", args=[district.a_failure.pk]) in html
    assert reverse("reports:letter", args=[2026, "A01"]) in html
    assert "填报平时记录" in text(response) and "工作台" in text(response)


def test_a_reporter_never_sees_another_units_work(client, district, reporter_a):
    html = bench_of(client, reporter_a).content.decode()

    assert "/units/B01/" not in html and "乙镇" not in html
    for record_ in (district.b_pending, district.b_veto):
        assert f"/evidence/{record_.pk}/" not in html
        assert f"/verify/{record_.pk}/" not in html


def test_the_other_reporter_counts_its_own(client, district, reporter_b):
    found = tasks(bench_of(client, reporter_b))["reporter"]

    # GDP last recorded on 10 April (10 days): not overdue; the veto event is its to answer.
    assert (found["rejected"], found["overdue"], found["statements"]) == (1, 0, 1)


def test_a_lead_department_sees_its_queue_and_the_units_overdue_on_its_indicators(
    client, district, lead_user
):
    response = bench_of(client, lead_user)

    assert tasks(response) == {"lead": {"verify": 1, "grading": 0, "overdue_units": 1}}
    assert "甲镇" in text(response)  # overdue on GDP, which it leads
    assert reverse("assessment:verify_queue", args=[2026]) in response.content.decode()


def test_supervision_sees_its_records_waiting_and_the_vetoes_to_confirm(
    client, district, supervision_user
):
    response = bench_of(client, supervision_user)

    assert tasks(response) == {
        "supervision": {"failure": None, "signals_confirmed": 0, "mine": 2, "vetoes_waiting": 1}
    }
    assert reverse("assessment:verify_failure_record", args=[2026]) in response.content.decode()


def test_the_office_sees_its_queues_and_the_years_next_step(client, district, office_user):
    response = bench_of(client, office_user)

    assert tasks(response) == {"office": {"verify": 3, "vetoes": 1, "signals": 0, "imports": 0}}
    html = response.content.decode()
    # one click to the veto event, whose confirmation is a second person's
    assert reverse("assessment:verify_record", args=[2026, district.b_veto.pk]) in html
    assert "本年度下一步：结束平时考核" in text(response)
    assert "还有 3 条记录待核实" in text(response)


def test_a_veto_the_office_proposed_itself_is_not_its_to_confirm(
    client, district, office_user, unit_a
):
    record(unit_a, district.veto, (4, 15), 1, office_user)

    assert tasks(bench_of(client, office_user))["office"]["vetoes"] == 1  # only B01's


def test_the_office_is_told_which_ranks_block_the_computation(
    client, district, office_user, town, unit_a, unit_b
):
    from tests.assessment.factories import IndicatorFactory

    IndicatorFactory(year=district.year, category=town, code="R01", method="city_rank")
    district.year.status = YearStatus.SCORING
    district.year.save(update_fields=["status"])

    page = text(bench_of(client, office_user))
    assert "计算考核结果" in page
    assert "计算前还缺 2 个单位的全市排名" in page


def test_a_district_leader_sees_the_headline_figures_and_what_changed(
    client, district, leader_user, unit_a, reporter_a
):
    response = bench_of(client, leader_user)

    assert tasks(response) == {"leader": {"instruct": None}}  # no answer to read yet
    figures = {f.key: (f.value, f.change) for f in response.context["bench"].figures}
    # GDP below 80% of its pro-rata target at both towns; A01's GDP overdue; three pending.
    assert figures == {
        "risks": (2, None),
        "overdue": (1, None),
        "objections": (0, None),
        "pending": (3, None),
    }
    assert reverse("reports:dashboard", args=[2026]) in response.content.decode()

    record(unit_a, district.gdp, (4, 19), 50, reporter_a)  # A01 reports again
    response = client.get(reverse("home"))
    figures = {f.key: (f.value, f.change) for f in response.context["bench"].figures}
    assert figures["pending"] == (4, 1) and figures["overdue"] == (0, -1)
    assert "新增 1 条平时记录" in text(response)
    assert WorkbenchVisit.objects.filter(user=leader_user).count() == 1


def test_only_staff_members_have_a_workbench(client, district, nobody):
    assert client.get(reverse("home")).status_code == 302  # to the login
    client.force_login(nobody)
    assert client.get(reverse("home")).status_code == 403


def test_a_user_of_two_roles_sees_both_sections(client, district, lead_unit):
    both = UserFactory(username="both", role=Role.LEAD, unit=lead_unit)
    both.groups.add(*UserFactory(role=Role.REPORTER, unit=None).groups.all())

    assert set(tasks(bench_of(client, both))) == {"lead", "reporter"}


# --- alarms that mean something -----------------------------------------------------------------


def test_no_reporting_alarm_once_collection_has_closed(client, district, reporter_a, leader_user):
    district.year.status = YearStatus.SCORING
    district.year.save(update_fields=["status"])

    assert tasks(bench_of(client, reporter_a))["reporter"]["overdue"] == 0
    figures = {f.key: f.value for f in bench_of(client, leader_user).context["bench"].figures}
    assert figures["overdue"] == 0
    home = client.get(reverse("assessment:evidence_unit_home", args=[2026, "A01"]))
    assert home.context["overdue_count"] == 0


def card_of(html: str, pk: int) -> tuple[str, str]:
    """(the class of an indicator's card, its content) on a unit's home page."""
    tag = re.search(rf'<div class="([^"]*)" id="indicator-{pk}"', html)
    assert tag is not None
    rest = html[tag.end() :]
    return tag.group(1), rest[: rest.find('id="indicator-')] if 'id="indicator-' in rest else rest


def test_a_ceiling_above_its_ceiling_shows_as_exceeded(client, district, reporter_a, unit_a):
    for day, value in [((2, 1), 1), ((3, 1), 1), ((4, 1), 3)]:
        record(unit_a, district.accidents, day, value, reporter_a, EvidenceStatus.VERIFIED)

    client.force_login(reporter_a)
    html = client.get(reverse("assessment:evidence_unit_home", args=[2026, "A01"])).content.decode()

    css, card = card_of(html, district.accidents.pk)
    assert "border-danger" in css
    assert 'data-field="exceeded"' in card and "progress-exceeded" in card
    assert "超出上限：125 %" in card  # 5 accidents against a ceiling of 4


def test_a_ceiling_within_its_ceiling_is_a_plain_bar(client, district, reporter_a, unit_a):
    record(unit_a, district.accidents, (2, 1), 3, reporter_a, EvidenceStatus.VERIFIED)

    client.force_login(reporter_a)
    html = client.get(reverse("assessment:evidence_unit_home", args=[2026, "A01"])).content.decode()

    css, card = card_of(html, district.accidents.pk)
    assert "border-danger" not in css
    assert 'data-field="exceeded"' not in card and 'value="75"' in card  # 3 of 4


def test_a_verified_record_leaves_every_queue_at_once(client, district, office_user, lead_user):
    Evidence.objects.filter(pk=district.b_pending.pk).update(status=EvidenceStatus.VERIFIED)

    assert tasks(bench_of(client, office_user))["office"]["verify"] == 2
    assert tasks(bench_of(client, lead_user))["lead"]["verify"] == 0


def test_while_the_results_are_out_for_comment_a_reporter_may_object_and_no_longer_record(
    client, district, reporter_a
):
    district.year.status = YearStatus.PUBLICITY
    district.year.publicity_ends_on = datetime.date(2026, 5, 10)
    district.year.save(update_fields=["status", "publicity_ends_on"])

    response = bench_of(client, reporter_a)

    found = tasks(response)["reporter"]
    assert "record" not in found and "highlights" not in found
    assert found["objection"] is None
    assert reverse("assessment:objection_file", args=[2026, "A01"]) in response.content.decode()
    assert "截至 2026-05-10" in text(response)


@pytest.mark.parametrize("username", ["reporter_a", "office", "supervision", "lead", "leader"])
def test_a_workbench_makes_a_fixed_number_of_queries(
    request, client, district, unit_a, unit_b, reporter_a, username, django_assert_max_num_queries
):
    user = {
        "reporter_a": reporter_a,
        "office": request.getfixturevalue("office_user"),
        "supervision": request.getfixturevalue("supervision_user"),
        "lead": request.getfixturevalue("lead_user"),
        "leader": request.getfixturevalue("leader_user"),
    }[username]
    client.force_login(user)
    client.get(reverse("home"))
    with django_assert_max_num_queries(60) as few:
        client.get(reverse("home"))
    supervision = request.getfixturevalue("supervision_user")
    for day in range(1, 6):  # more of every kind of work, for both towns
        for unit in (unit_a, unit_b):
            record(unit, district.gdp, (2, day), 1, reporter_a, EvidenceStatus.REJECTED)
            record(unit, district.safety, (2, day), 1, supervision)
            record(unit, district.veto, (2, day), 1, supervision)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("home"))


def test_another_lead_department_sees_none_of_this_ones_work(client, district, economic):
    from tests.factories import UnitFactory

    other = UserFactory(
        username="lead_2", role=Role.LEAD, unit=UnitFactory(code="JJ09", category=economic)
    )
    response = bench_of(client, other)

    assert tasks(response) == {"lead": {"verify": 0, "grading": 0, "overdue_units": 0}}
    assert "甲镇" not in text(response)


def test_the_workbench_reads_in_english_when_chosen(client, district, reporter_a):
    client.cookies["django_language"] = "en"
    page = text(bench_of(client, reporter_a))

    assert "Workbench" in page and "Rejected records to correct" in page
