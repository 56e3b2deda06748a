"""The warnings pages: the office closes a period, a unit reads its notice and files its report,
the office reviews it, a leader writes an instruction and the unit answers; who sees what."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessment.models import (
    Instruction,
    PeriodColour,
    RectificationReport,
    ReportStatus,
    WarningNotice,
)
from assessment.services import warnings as service
from tests.assessment.warnings_world import build_world, day, record
from tests.factories import PDF_BYTES

pytestmark = pytest.mark.django_db

# The pages read "today" from the clock: 5 July 2026, after the end of Q2.
JULY_5 = datetime.date(2026, 7, 5)


@pytest.fixture
def world(year, town, unit_a, unit_b, office_user):
    built = build_world(year, town, unit_a, unit_b, office_user)
    # Q1 target 200: both at 200 → green. Q2 target 450: 甲镇 337.5 (75 %) → red; 乙镇 450.
    record(unit_a, built["gdp"], day(3, 1), "200")
    record(unit_a, built["gdp"], day(5, 1), "137.5")
    record(unit_b, built["gdp"], day(3, 1), "450")
    service.period_close(period=built["periods"][0], by=office_user, today=day(4, 1))
    return built


@pytest.fixture
def on_july_5():
    with mock.patch("django.utils.timezone.localdate", return_value=JULY_5):
        yield


def _close_q2(client, world):
    q2 = world["periods"][1]
    return client.post(reverse("assessment:warning_period_close", kwargs={"pk": q2.pk}))


def test_office_closes_q2_and_sees_the_notice_and_the_heat_map(
    client, world, office_user, unit_a, on_july_5
):
    client.force_login(office_user)
    page = client.get(reverse("assessment:warnings_year", kwargs={"year": 2026}))
    assert "Q2结账" in page.content.decode()  # the next period to close
    response = _close_q2(client, world)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    notice = WarningNotice.objects.get(period=world["periods"][1])
    assert notice.unit == unit_a
    assert notice.report_due == datetime.date(2026, 7, 20)
    # The heat map gives the colour in words with a link to the records behind it.
    records_url = reverse(
        "assessment:indicator_records", kwargs={"year": 2026, "unit": "A01", "indicator": "E01"}
    )
    assert f'href="{records_url}"' in page
    assert 'data-colour="red"' in page and ">红灯<" in page
    assert PeriodColour.objects.filter(period=world["periods"][1], colour="red").count() == 1


def test_only_the_office_closes_a_period(client, world, reporter_a, leader_user, on_july_5):
    for user in (reporter_a, leader_user):
        client.force_login(user)
        assert _close_q2(client, world).status_code == 403
    assert not PeriodColour.objects.filter(period=world["periods"][1]).exists()


def test_the_unit_files_its_report_and_the_office_accepts_it(
    client, world, office_user, reporter_a, reporter_b, media_root, on_july_5
):
    client.force_login(office_user)
    _close_q2(client, world)
    notice = WarningNotice.objects.get(period=world["periods"][1])
    url = reverse("assessment:notice_detail", kwargs={"pk": notice.pk})
    client.force_login(reporter_b)
    assert client.get(url).status_code == 404  # another unit's notice
    client.force_login(reporter_a)
    page = client.get(url).content.decode()
    # 450 − 337.5 = 112.5 short
    assert "112.5" in page and 'id="report-form"' in page
    empty = client.post(
        reverse("assessment:notice_report", kwargs={"pk": notice.pk}),
        {"measures": "", "done_by": ""},
    )
    assert empty.status_code == 200 and "此项为必填项" in empty.content.decode()
    assert not RectificationReport.objects.exists()
    response = client.post(
        reverse("assessment:notice_report", kwargs={"pk": notice.pk}),
        {
            "measures": "加快重点项目投产",
            "done_by": "2026-08-31",
            "attachments": [
                SimpleUploadedFile("整改方案.pdf", PDF_BYTES, content_type="application/pdf")
            ],
        },
    )
    assert response.status_code == 302
    report = RectificationReport.objects.get()
    assert report.attachments.get().original_name == "整改方案.pdf"
    client.force_login(office_user)
    assert 'id="review-form"' in client.get(url).content.decode()
    client.post(
        reverse("assessment:report_review", kwargs={"pk": report.pk}),
        {"decision": "accept", "note": ""},
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED
    # Accepting the report does not turn the stored colour.
    stored = PeriodColour.objects.get(
        period=notice.period, unit=notice.unit, indicator=world["gdp"]
    )
    assert stored.colour == "red"


def test_sending_back_needs_a_reason(client, world, office_user, reporter_a, on_july_5):
    client.force_login(office_user)
    _close_q2(client, world)
    notice = WarningNotice.objects.get(period=world["periods"][1])
    report = service.report_file(
        notice=notice, measures="补报", done_by=day(8, 1), uploads=[], by=reporter_a
    )
    response = client.post(
        reverse("assessment:report_review", kwargs={"pk": report.pk}),
        {"decision": "return", "note": ""},
    )
    assert "说明退回的理由" in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.FILED


def test_a_leaders_instruction_reaches_the_unit_and_its_answer_the_leader(
    client, world, leader_user, reporter_a, reporter_b, unit_a
):
    client.force_login(leader_user)
    response = client.post(
        reverse("assessment:instructions", kwargs={"year": 2026}),
        {"unit": unit_a.pk, "indicator": world["gdp"].pk, "text": "请抓紧补足二季度缺口"},
    )
    instruction = Instruction.objects.get()
    assert response["Location"] == reverse(
        "assessment:instruction_detail", kwargs={"pk": instruction.pk}
    )
    url = reverse("assessment:instruction_detail", kwargs={"pk": instruction.pk})
    client.force_login(reporter_b)
    assert client.get(url).status_code == 403
    assert (
        client.post(reverse("assessment:instructions", kwargs={"year": 2026}), {}).status_code
        == 403
    )
    client.force_login(reporter_a)
    page = client.get(url).content.decode()
    assert "请抓紧补足二季度缺口" in page and 'id="answer-form"' in page
    # the glossary's word for a unit's answer to an instruction (an objection's is 处理意见)
    assert "落实情况" in page and "处理意见" not in page
    client.post(
        reverse("assessment:instruction_answer", kwargs={"pk": instruction.pk}),
        {"answer": "已成立专班，八月底前补足"},
    )
    client.force_login(leader_user)
    page = client.get(reverse("assessment:instructions", kwargs={"year": 2026})).content.decode()
    assert "已成立专班，八月底前补足" in page
    assert '<th scope="col">落实情况</th>' in page


def test_a_unit_sees_only_its_own_row_of_the_heat_map(client, world, reporter_b, on_july_5):
    client.force_login(reporter_b)
    page = client.get(reverse("assessment:warnings_year", kwargs={"year": 2026})).content.decode()
    assert 'data-unit="B01"' in page
    assert 'data-unit="A01"' not in page
    assert "结账" not in page  # no close button for a unit


def test_the_talk_page_is_the_offices(client, world, reporter_a, office_user):
    url = reverse(
        "assessment:warning_talk_record", kwargs={"pk": world["periods"][0].pk, "unit": "A01"}
    )
    client.force_login(reporter_a)
    assert client.get(url).status_code == 403
    client.force_login(office_user)
    assert client.get(url).status_code == 200


def test_the_dashboard_shows_the_colours_now_with_words_and_links(
    client, world, leader_user, on_july_5
):
    # "Now" (5 July) compares with the latest period ended, Q2 (30 June): target 450;
    # 甲镇 337.5 → red, 乙镇 450 → green.
    client.force_login(leader_user)
    page = client.get(reverse("reports:dashboard", kwargs={"year": 2026})).content.decode()
    heat = page[page.index('id="heat-map"') :]
    a_row = heat[heat.index('data-unit="A01"') :].split("</tr>")[0]
    b_row = heat[heat.index('data-unit="B01"') :].split("</tr>")[0]
    assert 'data-colour="red"' in a_row and ">红灯<" in a_row
    assert 'data-colour="red"' not in b_row and ">绿灯<" in b_row
    assert reverse("assessment:warnings_year", kwargs={"year": 2026}) in page
