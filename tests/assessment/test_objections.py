"""Objections (异议) during the publicity: filed by a unit, answered by the office, corrected by a
recomputation that the objection then names."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessment.models import (
    ComputationRun,
    EvidenceAttachment,
    Grade,
    Indicator,
    Objection,
    ObjectionStatus,
    YearStatus,
)
from assessment.services.compute import results_compute
from assessment.services.grading import grading_save
from assessment.services.objections import (
    objection_file,
    objection_resolve,
    objections_blocking_publication,
)
from tests.assessment.workflow import build_district, open_publicity

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english", "english")]


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def district(town, unit_a, unit_b, office_user):
    year = build_district(town, unit_a, unit_b, office_user)
    open_publicity(year, office_user)
    return year


@pytest.fixture
def party(district):
    return Indicator.objects.get(year=district, code="G01")


def _file(year, unit, indicator, by, **extra):
    return objection_file(
        year=year, unit=unit, indicator=indicator, by=by,
        reason=extra.pop("reason", "党建工作年度检查评为先进，应评A"), **extra,
    )  # fmt: skip


def test_a_unit_objects_to_its_own_score_with_a_reason_and_a_document(
    district, party, unit_a, reporter_a, media_root
):
    upload = SimpleUploadedFile("先进表彰文件.pdf", PDF, content_type="application/pdf")
    objection = _file(district, unit_a, party, reporter_a, attachments=[upload])
    assert (objection.status, objection.score, objection.filed_by) == (
        ObjectionStatus.OPEN,
        Decimal("34.00"),  # 40 × 0.85
        reporter_a,
    )
    assert objection.run == ComputationRun.objects.get(is_current=True)
    (attachment,) = EvidenceAttachment.objects.filter(objection=objection)
    assert attachment.original_name == "先进表彰文件.pdf" and attachment.evidence is None
    assert objection.history.get().history_user == reporter_a


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize("status", [YearStatus.SCORING, YearStatus.PUBLISHED])
def test_objections_are_filed_during_the_publicity_only(
    district, party, unit_a, reporter_a, status
):
    district.status = status
    district.save()
    with pytest.raises(ValidationError, match="only during the publicity"):
        _file(district, unit_a, party, reporter_a)
    assert not Objection.objects.exists()


def test_only_the_units_own_users_object_to_its_scores(
    district, party, unit_a, reporter_b, office_user, leader_user
):
    for user in (reporter_b, office_user, leader_user):
        with pytest.raises(ValidationError, match="Only the users of a unit"):
            _file(district, unit_a, party, user)


def test_a_reason_is_needed_and_one_objection_per_indicator_stays_open(
    district, party, unit_a, reporter_a
):
    with pytest.raises(ValidationError) as refused:
        _file(district, unit_a, party, reporter_a, reason="   ")
    assert "reason" in refused.value.message_dict
    _file(district, unit_a, party, reporter_a)
    with pytest.raises(ValidationError) as refused:
        _file(district, unit_a, party, reporter_a)
    assert "still open" in refused.value.message_dict["indicator"][0]


def test_the_office_rejects_with_a_reason(district, party, unit_a, reporter_a, office_user):
    objection = _file(district, unit_a, party, reporter_a)
    with pytest.raises(ValidationError) as refused:
        objection_resolve(objection=objection, by=office_user, accept=False, resolution=" ")
    assert "resolution" in refused.value.message_dict
    objection_resolve(
        objection=objection, by=office_user, accept=False, resolution="年度检查结论为B，维持原评"
    )
    objection.refresh_from_db()
    assert (objection.status, objection.resolved_by) == (ObjectionStatus.REJECTED, office_user)
    assert objection.history.first().history_change_reason == "年度检查结论为B，维持原评"
    with pytest.raises(ValidationError, match="already been answered"):
        objection_resolve(objection=objection, by=office_user, accept=True, resolution="改判")


def test_only_the_office_answers(district, party, unit_a, reporter_a, lead_user):
    objection = _file(district, unit_a, party, reporter_a)
    with pytest.raises(ValidationError, match="Only the assessment office"):
        objection_resolve(objection=objection, by=lead_user, accept=True, resolution="同意")


def test_accepted_the_office_amends_the_input_recomputes_and_the_objection_names_the_run(
    district, party, unit_a, reporter_a, office_user
):
    objection = _file(district, unit_a, party, reporter_a)
    assert objections_blocking_publication(district)  # open
    objection_resolve(objection=objection, by=office_user, accept=True, resolution="核实后改评A")
    objection.refresh_from_db()
    assert objection.awaits_recomputation
    assert "accepted" in objections_blocking_publication(district)[0]

    # The grade is amended through the grading door, with a reason (publicity: office only).
    with pytest.raises(ValidationError, match="give the reason"):
        grading_save(
            indicator=party, rows={"A01": {"grade": "A", "reason": "表彰"}}, by=office_user
        )
    grading_save(
        indicator=party,
        rows={"A01": {"grade": "A", "reason": "获市级先进"}},
        by=office_user,
        reason="异议成立：改评A",
    )
    assert Grade.history.filter(history_change_reason="异议成立：改评A").exists()
    run = results_compute(year=district, by=office_user, reason="异议成立后重新计算")
    objection.refresh_from_db()
    assert objection.resolved_run == run and not objection.awaits_recomputation
    assert objections_blocking_publication(district) == []
    # 甲镇: 55.20 + 40 × 1.00 = 95.20
    assert str(run.units.get(unit=unit_a).total) == "95.20"
    assert run.reason == "异议成立后重新计算"


def test_a_lead_department_no_longer_grades_during_the_publicity(
    district, party, lead_user, lead_unit
):
    party.lead_unit = lead_unit
    party.save()
    with pytest.raises(ValidationError, match="only the assessment office"):
        grading_save(
            indicator=party, rows={"A01": {"grade": "A", "reason": "x"}}, by=lead_user, reason="r"
        )


# --- pages ------------------------------------------------------------------------------------


def test_the_reporter_files_from_the_score_sheet_and_the_office_answers_on_the_page(
    client, district, party, unit_a, reporter_a, office_user, media_root
):
    client.force_login(reporter_a)
    sheet = client.get(reverse("assessment:score_sheet", args=[2026, "A01"]))
    assert sheet.status_code == 200 and sheet.context["may_object"]
    form_url = reverse("assessment:objection_file", args=[2026, "A01"])
    assert client.get(form_url + "?indicator=G01").context["form"].initial["indicator"] == party.pk
    response = client.post(
        form_url,
        {
            "indicator": party.pk,
            "reason": "应评A",
            "attachments": [SimpleUploadedFile("证明.pdf", PDF, content_type="application/pdf")],
        },
    )
    objection = Objection.objects.get()
    assert response["Location"] == reverse("assessment:objection_detail", args=[objection.pk])
    page = client.get(response["Location"])
    assert page.context["form"] is None  # a unit does not answer its own objection
    attachment = objection.attachments.get()
    download = client.get(reverse("assessment:evidence_attachment", args=[attachment.pk]))
    assert b"".join(download.streaming_content) == PDF

    client.force_login(office_user)
    assert client.get(response["Location"]).context["form"] is not None
    client.post(
        reverse("assessment:objection_resolve", args=[objection.pk]),
        {"decision": "accept", "resolution": "核实后改评A"},
    )
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.ACCEPTED
    listed = client.get(reverse("assessment:objection_list", args=[2026]))
    assert [o.pk for o in listed.context["objections"]] == [objection.pk]


def test_other_units_see_neither_the_objection_nor_its_files(
    client, district, party, unit_a, reporter_a, reporter_b, media_root
):
    upload = SimpleUploadedFile("证明.pdf", PDF, content_type="application/pdf")
    objection = _file(district, unit_a, party, reporter_a, attachments=[upload])
    client.force_login(reporter_b)
    assert (
        client.get(reverse("assessment:objection_detail", args=[objection.pk])).status_code == 403
    )
    attachment = objection.attachments.get()
    download = reverse("assessment:evidence_attachment", args=[attachment.pk])
    assert client.get(download).status_code == 403
    assert client.get(reverse("assessment:objection_list", args=[2026])).context["objections"] == []
    assert client.get(reverse("assessment:objection_file", args=[2026, "A01"])).status_code == 403
    assert (
        client.post(
            reverse("assessment:objection_resolve", args=[objection.pk]),
            {"decision": "reject", "resolution": "x"},
        ).status_code
        == 403
    )


@pytest.mark.usefixtures("english")
def test_out_of_publicity_the_form_says_why(client, district, party, reporter_a):
    district.status = YearStatus.SCORING
    district.save()
    client.force_login(reporter_a)
    response = client.post(
        reverse("assessment:objection_file", args=[2026, "A01"]),
        {"indicator": party.pk, "reason": "应评A"},
    )
    assert response.status_code == 200
    assert "only during the publicity" in response.content.decode()
    assert not Objection.objects.exists()
    assert response.context["open_now"] is False


def test_the_date_of_the_publicity_is_kept(district):
    assert district.publicity_ends_on == datetime.date(2099, 12, 31)


def test_an_objection_sent_twice_is_filed_once(client, district, party, reporter_a):
    """A double click on 提交异议: the second post shows the first objection."""
    from tests.test_submitted_twice import send_twice

    client.force_login(reporter_a)
    form_url = reverse("assessment:objection_file", args=[2026, "A01"])
    files = lambda: {  # noqa: E731
        "attachments": [SimpleUploadedFile("证明.pdf", PDF, content_type="application/pdf")]
    }
    first, second = send_twice(
        client, form_url, "objection-form", {"indicator": str(party.pk), "reason": "应评A"}, files
    )
    objection = Objection.objects.get()
    assert first["Location"] == reverse("assessment:objection_detail", args=[objection.pk])
    assert second.redirect_chain[0][0] == first["Location"]
