"""The pages of catalogued items and waivers: a unit claims a bonus by the list, the office
records a deduction per person, the claims list flags a document two units cite, the scheme
page lists the catalogue, and a waiver is proposed and confirmed by two office members. The
pages are read in Chinese, as the office reads them."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessment.models import Evidence, EvidenceStatus, Item, Waiver, YearStatus
from tests.assessment.factories import IndicatorFactory, YearFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< >>\n%%EOF\n"


@pytest.fixture
def catalogue(town, unit_a, unit_b, lead_unit):
    year = YearFactory(year=2026, status=YearStatus.COLLECTING)
    award = IndicatorFactory(
        year=year, category=town, code="AWARD", name="表彰奖励", points=D(3), method="bonus",
        lead_unit=lead_unit,
    )  # fmt: skip
    fail = IndicatorFactory(
        year=year, category=town, code="FAIL", name="问责通报", points=D(2), method="deduction"
    )
    return {
        "year": year,
        "award": award,
        "fail": fail,
        "P1": Item.objects.create(
            indicator=award, code="P1", name="省级表彰", level="provincial", points=1, cap=2
        ),
        "W1": Item.objects.create(
            indicator=fail, code="W1", name="问责（每人次）", points=D("0.5")
        ),
    }


def claim(unit, item, count, document, status=EvidenceStatus.PENDING):  # type: ignore[no-untyped-def]
    return Evidence.objects.create(
        unit=unit, indicator=item.indicator, item=item, date=datetime.date(2026, 4, 1),
        value=D(count), document=document, description=f"{unit.code}的申报", status=status,
    )  # fmt: skip


def text(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


def test_a_unit_claims_a_provincial_award_with_its_document_and_attachment(
    client, reporter_a, unit_a, catalogue
):
    client.force_login(reporter_a)
    url = reverse("assessment:evidence_record", args=[2026, "A01"])
    page = text(client.get(url))
    assert "AWARD" not in page or "P1 省级表彰" in page  # the item is offered by its name
    response = client.post(
        url,
        {
            "item": catalogue["P1"].pk,  # the item names its indicator
            "date": "2026-04-01",
            "value": "1",
            "document": " 省政发〔2026〕12号 ",
            "description": "获评省级先进集体",
            "attachments": [SimpleUploadedFile("表彰文件.pdf", PDF_BYTES, "application/pdf")],
        },
    )
    assert response.status_code == 302
    record = Evidence.objects.get()
    assert (record.indicator, record.item, record.value, record.document, record.status) == (
        catalogue["award"],
        catalogue["P1"],
        D(1),
        "省政发〔2026〕12号",
        "pending",
    )
    assert record.attachments.get().original_name == "表彰文件.pdf"
    home = text(client.get(reverse("assessment:evidence_unit_home", args=[2026, "A01"])))
    assert "P1 省级表彰 × 1" in home and "省政发〔2026〕12号" in home


def test_a_claim_of_half_a_time_is_refused_in_chinese_and_nothing_is_saved(
    client, reporter_a, catalogue
):
    client.force_login(reporter_a)
    response = client.post(
        reverse("assessment:evidence_record", args=[2026, "A01"]),
        {"indicator": catalogue["award"].pk, "item": catalogue["P1"].pk, "date": "2026-04-01",
         "value": "1.5", "description": "半次"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "请填写次数（人次）：不小于 1 的整数。" in text(response)
    assert not Evidence.objects.exists()


def test_the_office_records_a_deduction_per_person_by_the_list(client, office_user, catalogue):
    client.force_login(office_user)
    response = client.post(
        reverse("assessment:verify_failure_record", args=[2026]),
        {"unit": "B01", "indicator": catalogue["fail"].pk, "item": catalogue["W1"].pk,
         "date": "2026-06-01", "value": "3", "document": "纪发〔2026〕9号",
         "description": "三人被问责"},
    )  # fmt: skip
    assert response.status_code == 302
    record = Evidence.objects.get()
    assert (record.unit.code, record.item.code, record.value) == ("B01", "W1", D(3))


def test_the_claims_list_flags_a_document_two_units_cite_to_the_verifier_only(
    client, office_user, lead_user, reporter_a, unit_a, unit_b, catalogue
):
    claim(unit_a, catalogue["P1"], 1, "省政发〔2026〕12号")
    claim(unit_b, catalogue["P1"], 3, "省政发〔2026〕12号")
    url = reverse("assessment:claims", args=[2026])
    client.force_login(office_user)
    page = text(client.get(url))
    assert "2 条记录所引文号另有单位也引用" in page
    assert "另有乙镇引用" in page and "另有甲镇引用" in page
    # the lead department of the award sees it in its queue too
    client.force_login(lead_user)
    queue = text(client.get(reverse("assessment:verify_queue", args=[2026])))
    assert "另有乙镇引用" in queue and "另有甲镇引用" in queue
    # a unit sees its own claims, and no other unit's name
    client.force_login(reporter_a)
    own = text(client.get(url))
    assert "A01的申报" in own and "B01的申报" not in own and "乙镇" not in own
    assert "另有" not in own


def test_the_claims_list_per_item_across_units(client, office_user, unit_a, unit_b, catalogue):
    claim(unit_a, catalogue["P1"], 1, "甲文1号")
    claim(unit_b, catalogue["W1"], 2, "")
    client.force_login(office_user)
    page = text(client.get(reverse("assessment:claims", args=[2026]), {"item": catalogue["W1"].pk}))
    assert "B01的申报" in page and "A01的申报" not in page


def test_the_scheme_page_lists_each_catalogue(client, leader_user, catalogue):
    client.force_login(leader_user)
    page = text(client.get(reverse("assessment:scheme_detail", args=[2026, "town"])))
    assert 'data-catalogue="AWARD"' in page and 'data-catalogue="FAIL"' in page
    assert "省级表彰" in page and "问责（每人次）" in page


def test_a_waiver_is_proposed_confirmed_by_another_member_and_the_unit_sees_why(
    client, office_user, office_2, reporter_b, unit_b, catalogue
):
    record = claim(unit_b, catalogue["W1"], 3, "纪发1号", status=EvidenceStatus.VERIFIED)
    client.force_login(office_user)
    propose = reverse("assessment:waiver_propose", args=[record.pk])
    response = client.post(propose, {"reason": "改革探索中的无意过失", "clause": "容错办法第五条"})
    assert response.status_code == 302
    waiver = Waiver.objects.get()
    decide = reverse("assessment:waiver_decide", args=[waiver.pk])
    # the proposer cannot confirm it
    page = text(client.post(decide, {"decision": "confirm"}, follow=True))
    assert "该容错免责由您提出，须由考核办另一名人员确认。" in page
    record.refresh_from_db()
    assert not record.is_waived
    client.force_login(office_2)
    client.post(decide, {"decision": "confirm"})
    record.refresh_from_db()
    assert record.is_waived and record.status == "verified"
    client.force_login(reporter_b)
    home = text(client.get(reverse("assessment:evidence_unit_home", args=[2026, "B01"])))
    assert "容错免责" in home and "改革探索中的无意过失" in home and "容错办法第五条" in home
    assert office_user.first_name in home and office_2.first_name in home


def test_only_the_office_proposes_or_decides_and_another_units_record_is_not_shown(
    client, reporter_a, supervision_user, unit_b, catalogue
):
    record = claim(unit_b, catalogue["W1"], 1, "", status=EvidenceStatus.VERIFIED)
    propose = reverse("assessment:waiver_propose", args=[record.pk])
    client.force_login(reporter_a)
    assert client.get(propose).status_code == 403  # another unit's record
    client.force_login(supervision_user)
    assert client.get(propose).status_code == 403
    assert client.post(propose, {"reason": "r", "clause": "c"}).status_code == 403
    assert client.get(reverse("assessment:waiver_list", args=[2026])).status_code == 403
    assert not Waiver.objects.exists()


def test_the_office_adds_and_edits_an_item_on_the_scheme_page(client, office_user, town):
    year = YearFactory(year=2026, status=YearStatus.SETUP)
    award = IndicatorFactory(year=year, category=town, code="AWARD", points=3, method="bonus")
    gdp = IndicatorFactory(year=year, category=town, code="GDP", points=100)
    client.force_login(office_user)
    scheme = text(client.get(reverse("assessment:scheme_detail", args=[2026, "town"])))
    add = reverse("assessment:item_create", args=[2026, award.pk])
    assert add in scheme
    response = client.post(
        add, {"code": "P1", "name": "省级表彰", "level": "provincial", "points": "1",
              "cap": "2", "sort_order": "1"},
    )  # fmt: skip
    assert response.status_code == 302
    item = Item.objects.get()
    assert (item.indicator, item.points, item.cap, item.history.count()) == (award, 1, 2, 1)
    # points of 0 are refused, in Chinese
    edit = reverse("assessment:item_edit", args=[2026, item.pk])
    page = text(
        client.post(edit, {"code": "P1", "name": "省级表彰", "points": "0", "sort_order": "1"})
    )
    assert "确保该值大于或等于 0.01" in page or "0.01" in page
    item.refresh_from_db()
    assert item.points == 1
    # a completion indicator has no catalogue
    assert client.get(reverse("assessment:item_create", args=[2026, gdp.pk])).status_code == 404


def test_a_catalogue_changed_while_collecting_needs_the_reason(client, office_user, catalogue):
    client.force_login(office_user)
    edit = reverse("assessment:item_edit", args=[2026, catalogue["P1"].pk])
    data = {"code": "P1", "name": "省级表彰", "level": "provincial", "points": "1.5", "cap": "2",
            "sort_order": "1"}  # fmt: skip
    page = text(client.post(edit, data))
    assert "调整原因" in page
    assert client.post(edit, {**data, "reason": "考核委员会调整分值"}).status_code == 302
    catalogue["P1"].refresh_from_db()
    assert catalogue["P1"].points == D("1.5")
    assert catalogue["P1"].history.latest().history_change_reason == "考核委员会调整分值"
