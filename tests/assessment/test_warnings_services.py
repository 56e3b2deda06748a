"""Period targets, closing a period, notices, reports, talks and instructions (database).

The numbers of each test are worked by hand in its comments.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from assessment.models import (
    EvidenceAttachment,
    EvidenceStatus,
    PeriodColour,
    RectificationReport,
    TalkListEntry,
    WarningNotice,
)
from assessment.scoring.colours import Colour
from assessment.selectors import warnings as read
from assessment.services import warnings as service
from tests.assessment.warnings_world import build_world, day, record
from tests.factories import PDF_BYTES

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(year, town, unit_a, unit_b, office_user):
    return build_world(year, town, unit_a, unit_b, office_user)


def test_quarters_are_created_once(world, year, office_user):
    q1, *_middle, q4 = world["periods"]
    assert (q1.name, q1.starts_on, q1.ends_on) == ("Q1", day(1, 1), day(3, 31))
    assert (q4.starts_on, q4.ends_on) == (day(10, 1), day(12, 31))
    with pytest.raises(ValidationError):
        service.periods_create(year=year, by=office_user)


def test_only_the_office_creates_periods(year, reporter_a):
    with pytest.raises(ValidationError):
        service.periods_create(year=year, by=reporter_a)


def test_closing_q2_stores_colours_and_issues_a_notice_for_the_red_unit(
    world, unit_a, unit_b, office_user
):
    gdp, petitions, safety = world["gdp"], world["petitions"], world["safety"]
    q1, q2 = world["periods"][:2]
    # Q2 target 45 % × 1,000 = 450. 甲镇: 200 + 137.5 = 337.5 = 75 % → red (line 360).
    record(unit_a, gdp, day(3, 10), "200")
    record(unit_a, gdp, day(6, 20), "137.5")
    record(unit_a, gdp, day(7, 2), "500")  # after 30 June: not counted at Q2
    # 乙镇: 400 verified (≥ 360 → yellow); 100 more still pending does not count.
    record(unit_b, gdp, day(5, 1), "400")
    record(unit_b, gdp, day(6, 1), "100", status=EvidenceStatus.PENDING)
    # Q2 ceiling 45 % × 200 = 90. 乙镇 has 95 petitions → red; 甲镇 30 → green (≤ 72).
    record(unit_b, petitions, day(4, 1), "95")
    record(unit_a, petitions, day(4, 1), "30")
    # A waived veto record does not colour 乙镇's safety red.
    record(unit_b, safety, day(2, 1), "1", waived=True)
    service.period_close(period=q1, by=office_user, today=day(4, 2))
    notices = service.period_close(period=q2, by=office_user, today=day(7, 5))
    stored = read.colours_at(q2)
    assert stored[(unit_a.pk, gdp.pk)] is Colour.RED
    assert stored[(unit_b.pk, gdp.pk)] is Colour.YELLOW
    assert stored[(unit_b.pk, petitions.pk)] is Colour.RED
    assert stored[(unit_a.pk, petitions.pk)] is Colour.GREEN
    assert stored[(unit_b.pk, safety.pk)] is Colour.GREEN
    assert (unit_a.pk, world["bonus"].pk) not in stored
    assert {notice.unit for notice in notices} == {unit_a, unit_b}
    notice_a = WarningNotice.objects.get(period=q2, unit=unit_a)
    # Due 15 days after the close on 5 July.
    assert notice_a.report_due == day(7, 20)
    reds = list(read.notice_reds(notice_a))
    assert [(row.indicator.code, row.shortfall) for row in reds] == [("E01", D("112.5"))]
    notice_b = WarningNotice.objects.get(period=q2, unit=unit_b)
    assert [(row.indicator.code, row.shortfall) for row in read.notice_reds(notice_b)] == [
        ("C01", D(5))
    ]


def test_stored_colours_do_not_change_when_later_evidence_arrives(world, unit_a, office_user):
    gdp, q1 = world["gdp"], world["periods"][0]
    # Q1 target 200; 100 by 31 March → red (line 160).
    record(unit_a, gdp, day(3, 1), "100")
    service.period_close(period=q1, by=office_user, today=day(4, 1))
    record(unit_a, gdp, day(3, 30), "150")  # verified late, dated in Q1
    assert read.colours_at(q1)[(unit_a.pk, gdp.pk)] is Colour.RED
    assert PeriodColour.objects.get(period=q1, unit=unit_a, indicator=gdp).actual == D(100)


def test_periods_close_in_order_once_and_after_their_end(world, office_user):
    q1, q2 = world["periods"][:2]
    with pytest.raises(ValidationError, match="之前的期间"):
        service.period_close(period=q2, by=office_user, today=day(7, 5))
    with pytest.raises(ValidationError):
        service.period_close(period=q1, by=office_user, today=day(3, 31))
    service.period_close(period=q1, by=office_user, today=day(4, 1))
    with pytest.raises(ValidationError):
        service.period_close(period=q1, by=office_user, today=day(4, 2))
    assert not PeriodColour.objects.filter(period=q2).exists()


def test_red_at_q2_and_q3_puts_the_unit_on_the_talk_list(world, unit_a, office_user):
    gdp = world["gdp"]
    q1, q2, q3 = world["periods"][:3]
    # Q1 200 → 200 verified: green. Q2 450 → 300: red (< 360). Q3 700 → 500: red (< 560).
    record(unit_a, gdp, day(3, 1), "200")
    record(unit_a, gdp, day(5, 1), "100")
    record(unit_a, gdp, day(8, 1), "200")
    service.period_close(period=q1, by=office_user, today=day(4, 1))
    service.period_close(period=q2, by=office_user, today=day(7, 1))
    # one red period end is not enough (乙镇, with no records, is red at both: listed)
    assert not TalkListEntry.objects.filter(unit=unit_a).exists()
    service.period_close(period=q3, by=office_user, today=day(10, 1))
    entry = TalkListEntry.objects.get(unit=unit_a)
    assert (entry.period, entry.unit, entry.indicator, entry.reds) == (q3, unit_a, gdp, 2)
    talk = service.talk_record(
        period=q3, unit=unit_a, held_on=day(10, 9), attendees="张三、李四",
        commitments="四季度补足缺口", by=office_user,
    )  # fmt: skip
    entry.refresh_from_db()
    assert entry.talk == talk


def test_a_talk_only_for_a_unit_on_the_list(world, unit_b, office_user):
    with pytest.raises(ValidationError):
        service.talk_record(
            period=world["periods"][0], unit=unit_b, held_on=day(4, 9), attendees="王五",
            commitments="-", by=office_user,
        )  # fmt: skip


def test_a_red_turns_yellow_only_by_figures_not_by_an_accepted_report(
    world, unit_a, unit_b, reporter_a, office_user, media_root
):
    gdp = world["gdp"]
    q1, q2, q3 = world["periods"][:3]
    service.period_close(period=q1, by=office_user, today=day(4, 1))
    service.period_close(period=q2, by=office_user, today=day(7, 1))
    # Q3 target 700: 甲镇 500, 乙镇 500 → both red (< 560).
    record(unit_a, gdp, day(8, 1), "500")
    record(unit_b, gdp, day(8, 1), "500")
    service.period_close(period=q3, by=office_user, today=day(10, 1))
    notice = WarningNotice.objects.get(period=q3, unit=unit_a)
    report = service.report_file(
        notice=notice, measures="加快项目投产", done_by=day(11, 30),
        uploads=[SimpleUploadedFile("整改方案.pdf", PDF_BYTES, content_type="application/pdf")],
        by=reporter_a,
    )  # fmt: skip
    service.report_review(report=report, accept=True, note="", by=office_user)
    # November: 乙镇 makes up 100 (600 ≥ 560 → yellow); 甲镇's report was accepted, but its
    # figures stayed at 500 → still red. Q3 ended 30 Sept, so its targets apply now.
    record(unit_b, gdp, day(11, 10), "100")
    now = read.colours_now(world["gdp"].year, day(11, 20))
    assert now[(unit_a.pk, gdp.pk)] is Colour.RED
    assert now[(unit_b.pk, gdp.pk)] is Colour.YELLOW
    # 乙镇 reaches 700 → green; the stored Q3 colour stays red.
    record(unit_b, gdp, day(11, 15), "100")
    assert read.colours_now(gdp.year, day(11, 20))[(unit_b.pk, gdp.pk)] is Colour.GREEN
    assert read.colours_at(q3)[(unit_b.pk, gdp.pk)] is Colour.RED


@pytest.fixture
def notice_a(world, unit_a, office_user):
    q1 = world["periods"][0]
    service.period_close(period=q1, by=office_user, today=day(4, 1))  # no records: all red
    return WarningNotice.objects.get(period=q1, unit=unit_a)


def test_report_with_attachment_accepted_or_sent_back(
    notice_a, reporter_a, office_user, media_root
):
    upload = SimpleUploadedFile("整改报告.pdf", PDF_BYTES, content_type="application/pdf")
    report = service.report_file(
        notice=notice_a, measures="开展专项督导", done_by=day(4, 30), uploads=[upload],
        by=reporter_a,
    )  # fmt: skip
    notice_a.refresh_from_db()
    assert notice_a.acknowledged_by == reporter_a
    assert EvidenceAttachment.objects.get(report=report).original_name == "整改报告.pdf"
    with pytest.raises(ValidationError):  # one report under review at a time
        service.report_file(
            notice=notice_a, measures="再报", done_by=day(4, 30), uploads=[], by=reporter_a
        )
    with pytest.raises(ValidationError) as error:
        service.report_review(report=report, accept=False, note=" ", by=office_user)
    assert "note" in error.value.message_dict
    service.report_review(report=report, accept=False, note="措施不具体", by=office_user)
    second = service.report_file(
        notice=notice_a, measures="细化到月", done_by=day(5, 15), uploads=[], by=reporter_a
    )
    service.report_review(report=second, accept=True, note="", by=office_user)
    assert list(
        RectificationReport.objects.filter(notice=notice_a).values_list("status", flat=True)
    ) == ["returned", "accepted"]
    assert not read.report_is_open(notice_a)
    assert report.history.count() == 2  # filed, then sent back: audited


def test_report_needs_measures_and_a_date_and_nothing_is_half_written(
    notice_a, reporter_a, media_root
):
    with pytest.raises(ValidationError) as error:
        service.report_file(notice=notice_a, measures=" ", done_by=None, uploads=[], by=reporter_a)
    assert set(error.value.message_dict) == {"measures", "done_by"}
    assert not RectificationReport.objects.exists()
    notice_a.refresh_from_db()
    assert notice_a.acknowledged_at is None


def test_another_units_user_cannot_file_or_answer(notice_a, reporter_b, leader_user, year):
    with pytest.raises(ValidationError):
        service.report_file(
            notice=notice_a, measures="代报", done_by=day(4, 30), uploads=[], by=reporter_b
        )
    with pytest.raises(ValidationError):
        service.notice_acknowledge(notice=notice_a, by=reporter_b)
    instruction = service.instruction_write(
        year=year, unit=notice_a.unit, notice=notice_a, text="请限期整改", by=leader_user
    )
    with pytest.raises(ValidationError):
        service.instruction_answer(instruction=instruction, answer="收到", by=reporter_b)


def test_instruction_written_by_a_leader_and_answered_by_the_unit(
    world, year, unit_a, leader_user, reporter_a, office_user
):
    with pytest.raises(ValidationError):
        service.instruction_write(year=year, unit=unit_a, text="请重视", by=office_user)
    with pytest.raises(ValidationError) as error:
        service.instruction_write(year=year, unit=unit_a, text=" ", by=leader_user)
    assert "text" in error.value.message_dict
    instruction = service.instruction_write(
        year=year, unit=unit_a, indicator=world["gdp"], text="请加快进度", by=leader_user
    )
    service.instruction_answer(instruction=instruction, answer="已部署专班推进", by=reporter_a)
    instruction.refresh_from_db()
    assert (instruction.answer, instruction.answered_by) == ("已部署专班推进", reporter_a)
    with pytest.raises(ValidationError):
        service.instruction_answer(instruction=instruction, answer="再答", by=reporter_a)
    assert list(read.instructions_for_user(leader_user, year)) == [instruction]


def test_a_unit_user_reads_only_its_own_notices(notice_a, reporter_b):
    from django.http import Http404

    with pytest.raises(Http404):
        read.notice_get_for_user(reporter_b, notice_a.pk)
    assert list(read.notices_for_user(reporter_b, notice_a.period)) == [
        WarningNotice.objects.get(period=notice_a.period, unit__code="B01")
    ]
