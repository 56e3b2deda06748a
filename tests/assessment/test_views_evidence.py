"""A unit reporter's evidence pages: home with progress, record, correct, answer, download."""

import datetime
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from assessment.models import (
    Evidence,
    EvidenceAttachment,
    EvidenceStatement,
    EvidenceStatus,
    YearStatus,
)
from tests.assessment.factories import (
    IndicatorFactory,
    TargetFactory,
    YearFactory,
    evidence_with,
)
from tests.factories import PDF_BYTES

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

D = Decimal
DAY = datetime.date(2026, 11, 20)


@pytest.fixture
def gdp(year, town, unit_a):
    indicator = IndicatorFactory(
        year=year, category=town, code="E01", name="地区生产总值", measure="万元", points=D(20)
    )
    TargetFactory(indicator=indicator, unit=unit_a, target=D(500))
    return indicator


@pytest.fixture
def deduction(year, town):
    return IndicatorFactory(
        year=year, category=town, code="X01", name="安全生产事故", method="deduction", points=D(5)
    )


def add(unit, indicator, value, status=EvidenceStatus.PENDING, **fields):
    return Evidence.objects.create(
        unit=unit,
        indicator=indicator,
        date=fields.pop("date", DAY),
        value=D(value),
        description=fields.pop("description", "记录"),
        status=status,
        **fields,
    )


def logged_in(client, user):
    client.force_login(user)
    return client


def home_url(unit="A01"):
    return reverse("assessment:evidence_unit_home", args=[2026, unit])


def record_url(unit="A01"):
    return reverse("assessment:evidence_record", args=[2026, unit])


def pdf(name="报告.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


# --- the unit's home --------------------------------------------------------------------------


def test_a_reporter_sees_the_progress_of_their_own_unit_hand_checked(
    client, reporter_a, unit_a, gdp
):
    unit = unit_a
    add(unit, gdp, 120, EvidenceStatus.VERIFIED)
    add(unit, gdp, 180, EvidenceStatus.VERIFIED)
    add(unit, gdp, 150)
    add(unit, gdp, 999, EvidenceStatus.REJECTED)
    add(unit, gdp, 888, EvidenceStatus.VERIFIED, is_current=False)

    response = logged_in(client, reporter_a).get(home_url())

    assert response.status_code == 200
    (item,) = [row for row in response.context["rows"] if row["row"].indicator == gdp]
    row = item["row"]
    # 120 + 180 verified (the rejected and the superseded records do not count), 150 pending;
    # 300 / 500 = 60 %, and the completion score is 20 points × 0.6 = 12.
    assert (row.target, row.verified, row.pending) == (D(500), D(300), D(150))
    assert item["percent"] == 60
    assert row.projected == D("12.00")
    html = response.content.decode()
    assert '<progress class="flex-grow-1" max="100" value="60"' in html
    assert 'data-field="percent">60 %' in html
    assert "style=" not in html.split('id="indicators"')[1]


def test_the_timeline_shows_newest_first_with_marks_attachments_and_statements(
    client, reporter_a, unit_a, gdp, deduction, supervision_user
):
    old = add(unit_a, gdp, 10, date=datetime.date(2026, 3, 1), is_current=False)
    new = add(unit_a, gdp, 12, supersedes=old, correction_reason="数字录错")
    late = add(unit_a, gdp, 5, date=datetime.date(2026, 6, 1), is_late=True, late_reason="补录")
    failure = add(unit_a, deduction, 2, recorded_by=supervision_user)
    EvidenceStatement.objects.create(
        evidence=failure, unit=unit_a, text="已整改", stated_by=reporter_a
    )
    evidence_with(
        unit_a, gdp, reporter_a, pdf(), day=datetime.date(2026, 5, 1), value=1, note="带附件"
    )

    response = logged_in(client, reporter_a).get(home_url())

    html = response.content.decode()
    page = list(response.context["page"])
    assert [r.date for r in page] == sorted((r.date for r in page), reverse=True)
    assert f'id="record-{old.pk}"' in html and f'id="record-{new.pk}"' in html
    assert 'data-mark="superseded"' in html
    assert 'data-mark="late"' in html and f'id="record-{late.pk}"' in html
    assert "已整改" in html
    attachment = EvidenceAttachment.objects.get()
    assert reverse("assessment:evidence_attachment", args=[attachment.pk]) in html
    assert reverse("assessment:evidence_statement", args=[failure.pk]) in html
    assert reverse("assessment:evidence_correct", args=[new.pk]) in html
    assert reverse("assessment:evidence_correct", args=[old.pk]) not in html


def test_a_record_on_an_indicator_of_the_units_former_category_still_shows(
    client, office_user, unit_a, gdp, year, economic
):
    """A unit moved to another category mid-year keeps its records on the indicators of its
    former scheme: the timeline names them, though the scheme shown is the new one."""
    record = add(unit_a, gdp, 7, description="改类前的记录")
    IndicatorFactory(year=year, category=economic, code="J01", name="工业投资")
    unit_a.category = economic
    unit_a.save()

    response = logged_in(client, office_user).get(home_url())

    html = response.content.decode()
    assert response.status_code == 200
    timeline = html.split('id="timeline"')[1]
    assert f'id="record-{record.pk}"' in timeline
    assert "地区生产总值" in timeline and "改类前的记录" in timeline
    assert [row.indicator.code for row in response.context["progress"].indicators] == ["J01"]


def test_an_indicator_without_a_recent_record_stands_out_as_overdue(client, reporter_a, gdp):
    response = logged_in(client, reporter_a).get(home_url())

    assert 'data-overdue="true"' in response.content.decode()
    assert response.context["overdue_count"] == 1


def test_the_office_and_leaders_may_view_any_unit(client, office_user, leader_user, gdp):
    assert logged_in(client, office_user).get(home_url()).status_code == 200
    assert logged_in(Client(), leader_user).get(home_url()).status_code == 200


# --- who may see what -------------------------------------------------------------------------


def test_a_reporter_of_another_unit_gets_403_on_every_page_of_unit_a(
    client, reporter_a, reporter_b, unit_a, gdp
):
    record = evidence_with(unit_a, gdp, reporter_a, pdf(), day=DAY, note="甲镇的记录")
    attachment = record.attachments.get()
    client = logged_in(client, reporter_b)

    assert client.get(home_url()).status_code == 403
    assert client.get(record_url()).status_code == 403
    assert client.post(record_url(), {"indicator": gdp.pk}).status_code == 403
    assert (
        client.get(reverse("assessment:evidence_attachment", args=[attachment.pk])).status_code
        == 403
    )
    correct = reverse("assessment:evidence_correct", args=[record.pk])
    assert client.get(correct).status_code == 403
    assert client.post(correct, {"value": "1", "reason": "x"}).status_code == 403
    assert Evidence.objects.count() == 1


def test_anonymous_visitors_are_sent_to_the_login_page(client, gdp):
    response = client.get(home_url())
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- recording --------------------------------------------------------------------------------


def test_the_record_form_offers_only_the_indicators_of_the_units_category(
    client, reporter_a, gdp, deduction, economic, year
):
    other = IndicatorFactory(year=year, category=economic, code="J01", name="部门指标")
    last_year = IndicatorFactory(
        year=YearFactory(year=2025), category=gdp.category, code="E01", name="去年指标"
    )

    response = logged_in(client, reporter_a).get(record_url())

    choices = list(response.context["form"].fields["indicator"].queryset)
    assert choices == [gdp]  # not another category's, not last year's, not a deduction
    html = response.content.decode()
    assert "地区生产总值（E01）· 万元" in html
    assert other.name not in html and last_year.name not in html
    assert 'name="attachments"' in html and "multiple" in html
    assert "late_reason" not in html


def test_a_reporter_records_evidence_with_a_pdf_and_returns_to_the_home_page(
    client, reporter_a, unit_a, gdp
):
    response = logged_in(client, reporter_a).post(
        record_url(),
        {
            "indicator": gdp.pk,
            "date": "2026-11-20",
            "value": "150",
            "description": "一季度完成",
            "attachments": [pdf("一季度报告.pdf"), pdf("照片说明.pdf")],
        },
        follow=True,
    )

    assert response.redirect_chain == [(home_url(), 302)]
    record = Evidence.objects.get()
    assert (record.unit, record.value, record.status) == (unit_a, D(150), EvidenceStatus.PENDING)
    assert record.recorded_by == reporter_a
    assert sorted(record.attachments.values_list("original_name", flat=True)) == [
        "一季度报告.pdf",
        "照片说明.pdf",
    ]
    assert len(response.context["messages"]) == 1


def test_a_bad_date_keeps_what_was_typed_and_names_the_field(english, reporter_a, gdp):
    response = logged_in(english, reporter_a).post(
        record_url(),
        {"indicator": gdp.pk, "date": "2026-13-45", "value": "123.5", "description": "我写的说明"},
    )

    assert response.status_code == 200
    assert Evidence.objects.count() == 0
    html = response.content.decode()
    assert "Date：Enter a valid date." in html
    assert 'value="2026-13-45"' in html
    assert 'value="123.5"' in html
    assert "我写的说明" in html
    assert f'<option value="{gdp.pk}" selected>' in html


def test_a_date_outside_the_year_is_refused_by_the_service_under_the_date_field(
    english, reporter_a, gdp
):
    response = logged_in(english, reporter_a).post(
        record_url(),
        {"indicator": gdp.pk, "date": "2025-12-31", "value": "1", "description": "去年的"},
    )

    assert Evidence.objects.count() == 0
    assert "Date：The date must be in 2026" in response.content.decode()


def test_the_office_gives_a_late_reason_once_the_year_is_being_scored(
    client, office_user, unit_a, gdp, year
):
    year.status = YearStatus.SCORING
    year.save()
    client = logged_in(client, office_user)
    assert "id_late_reason" in client.get(record_url()).content.decode()

    data = {"indicator": gdp.pk, "date": "2026-11-20", "value": "5", "description": "补录"}
    assert client.post(record_url(), data).status_code == 200  # the reason is missing
    response = client.post(record_url(), {**data, "late_reason": "系统故障"})

    assert response.status_code == 302
    record = Evidence.objects.get()
    assert record.is_late and record.late_reason == "系统故障"


# --- correcting and answering -----------------------------------------------------------------


def test_a_correction_creates_a_new_record_that_supersedes_the_old_one(
    client, reporter_a, unit_a, gdp
):
    old = add(unit_a, gdp, 100, recorded_by=reporter_a, description="原记录")
    url = reverse("assessment:evidence_correct", args=[old.pk])
    client = logged_in(client, reporter_a)

    form_page = client.get(url).content.decode()
    assert 'value="100"' in form_page and "原记录" in form_page

    assert (
        client.post(url, {"date": "2026-11-20", "value": "110", "description": "改"}).status_code
        == 200
    )
    response = client.post(
        url, {"date": "2026-11-20", "value": "110", "description": "更正", "reason": "多录一位"}
    )

    assert response.status_code == 302 and response["Location"] == home_url()
    old.refresh_from_db()
    new = Evidence.objects.get(supersedes=old)
    assert not old.is_current and old.value == D(100)
    assert (new.value, new.correction_reason, new.is_current) == (D(110), "多录一位", True)
    assert client.get(url).status_code == 302  # a superseded record is not corrected again


def test_a_statement_answers_only_a_failure_against_the_users_unit(
    client, reporter_a, unit_a, gdp, deduction, supervision_user
):
    failure = add(unit_a, deduction, 2, recorded_by=supervision_user)
    achievement = add(unit_a, gdp, 50, recorded_by=reporter_a)
    client = logged_in(client, reporter_a)

    not_a_failure = reverse("assessment:evidence_statement", args=[achievement.pk])
    assert client.get(not_a_failure).status_code == 403
    assert client.post(not_a_failure, {"text": "说明"}).status_code == 403

    url = reverse("assessment:evidence_statement", args=[failure.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"text": "已于当日整改到位"})

    assert response.status_code == 302
    statement = EvidenceStatement.objects.get()
    assert (statement.evidence, statement.text, statement.stated_by) == (
        failure,
        "已于当日整改到位",
        reporter_a,
    )
    failure.refresh_from_db()
    assert failure.value == D(2) and failure.status == EvidenceStatus.PENDING


def test_a_reporter_of_another_unit_cannot_answer_a_failure(
    client, reporter_b, unit_a, deduction, supervision_user
):
    failure = add(unit_a, deduction, 2, recorded_by=supervision_user)
    url = reverse("assessment:evidence_statement", args=[failure.pk])

    assert logged_in(client, reporter_b).post(url, {"text": "x"}).status_code == 403
    assert not EvidenceStatement.objects.exists()


# --- downloads --------------------------------------------------------------------------------


def test_an_attachment_downloads_with_its_chinese_name_type_and_nosniff(
    client, reporter_a, unit_a, gdp
):
    record = evidence_with(
        unit_a, gdp, reporter_a, pdf("年度报告.pdf"), day=DAY, value=1, note="附件"
    )
    attachment = record.attachments.get()

    response = logged_in(client, reporter_a).get(
        reverse("assessment:evidence_attachment", args=[attachment.pk])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=utf-8''{quote('年度报告.pdf')}" in disposition
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_an_unknown_attachment_is_404(client, reporter_a):
    response = logged_in(client, reporter_a).get(
        reverse("assessment:evidence_attachment", args=[999])
    )
    assert response.status_code == 404


# --- safe methods and CSRF --------------------------------------------------------------------


def test_get_on_the_state_changing_pages_changes_nothing(
    client, reporter_a, unit_a, gdp, deduction, supervision_user
):
    record = add(unit_a, gdp, 100, recorded_by=reporter_a)
    failure = add(unit_a, deduction, 2, recorded_by=supervision_user)
    client = logged_in(client, reporter_a)
    query = "?value=1&reason=x&text=x&date=2026-11-20&description=x&indicator=" + str(gdp.pk)

    for url in (
        record_url(),
        reverse("assessment:evidence_correct", args=[record.pk]),
        reverse("assessment:evidence_statement", args=[failure.pk]),
    ):
        assert client.get(url + query).status_code == 200

    assert Evidence.objects.count() == 2
    assert not EvidenceStatement.objects.exists()
    record.refresh_from_db()
    assert record.is_current


def test_posts_without_the_csrf_token_are_refused(reporter_a, gdp):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reporter_a)
    data = {"indicator": gdp.pk, "date": "2026-11-20", "value": "1", "description": "x"}

    response = client.post(record_url(), data)

    assert response.status_code == 403
    assert Evidence.objects.count() == 0
