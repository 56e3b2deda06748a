"""Publishing: the document, the refusals, early publication, a review and version 2."""

import datetime
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from assessment.models import (
    Grade,
    Highlight,
    Indicator,
    Publication,
    TeamEvaluation,
    YearStatus,
)
from assessment.models.publication import document_sha256
from assessment.selectors.changes import score_changes
from assessment.services.compute import results_compute
from assessment.services.grading import grading_save
from assessment.services.objections import objection_file
from assessment.services.publication import publication_document, publish
from assessment.services.year import year_transition
from tests.assessment.workflow import build_district, open_publicity
from tests.canonical import canonical_sha256

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english", "english")]


@pytest.fixture
def district(town, unit_a, unit_b, office_user, cadres):
    year = build_district(town, unit_a, unit_b, office_user)
    TeamEvaluation.objects.create(year=year, unit=unit_a, score=90)
    Highlight.objects.create(year=year, unit=unit_a, title="一网统管", description="…")
    results_compute(year=year, by=office_user)
    open_publicity(year, office_user)
    return year


def _party(year):
    return Indicator.objects.get(year=year, code="G01")


def test_the_document_has_the_published_format(district, settings):
    settings.LANGUAGE_CODE = "en"  # the explanations are worded in the site's language
    results_compute(year=district, reason="English texts")
    run = district.runs.get(is_current=True)
    document = publication_document(district, run, version=1)
    assert list(document) == [
        "format", "year", "version", "published_at", "computed_at", "input_sha256", "bonus_pool",
        "categories", "units", "teams", "cadres",
    ]  # fmt: skip
    assert (document["format"], document["year"], document["input_sha256"]) == (
        1,
        2026,
        run.input_hash,
    )
    (town,) = document["categories"]
    assert town["groups"] == ["经济发展", "党的建设"]
    assert town["indicators"][0] == {
        "code": "E01", "name": "地区生产总值", "group": "经济发展", "points": "60.00",
        "method": "completion", "measure": "亿元",
    }  # fmt: skip
    first, second = document["units"]
    assert {k: first[k] for k in ("unit", "name", "category", "total", "rank", "tier", "veto")} == {
        "unit": "A01", "name": "甲镇", "category": "town", "total": "89.20", "rank": 1,
        "tier": "good", "veto": False,
    }  # fmt: skip
    assert first["indicators"] == {"E01": "55.20", "G01": "34.00"}
    assert first["group_totals"] == {"经济发展": "55.20", "党的建设": "34.00"}
    assert first["explanations"]["E01"]["text"] == (
        "completion rate = 460 ÷ 500 = 92%; 60 × 92% = 55.20"
    )
    assert first["explanations"]["G01"]["grade"] == "B"
    assert first["highlights"] == ["一网统管"] and second["highlights"] == []
    # persons: in the document (never on a public page)
    assert document["teams"] == [
        {"unit": "A01", "evaluation": "90.00", "score": "89.44", "tier": "good"}
    ]  # 0.7 × 89.20 + 0.3 × 90 = 89.44
    assert document["cadres"] == []  # no cadre evaluation entered
    json.dumps(document)  # plain JSON values only


def test_the_digest_is_that_of_the_sorted_compact_utf8_json():
    """Keys in any order and Chinese text: the digest is the one ``sha256sum`` gives for
    {"format":1,"units":[{"name":"甲镇","total":"89.20","unit":"A01"}],"year":2026}."""
    document = {
        "year": 2026,
        "units": [{"unit": "A01", "total": "89.20", "name": "甲镇"}],
        "format": 1,
    }
    digest = "f278f1386a74ccc70bcd601a2d047ebfd0609246f03c3fec366e95fab290d6b3"
    assert document_sha256(document) == digest
    assert canonical_sha256(document) == digest  # the tests' own computation agrees


def test_publishing_early_needs_a_confirmation_and_is_recorded(district, office_user):
    with pytest.raises(ValidationError) as refused:
        publish(year=district, by=office_user)
    assert refused.value.error_list[0].code == "publicity_not_ended"
    assert "2099-12-31" in refused.value.messages[0]
    assert not Publication.objects.exists()

    publication = publish(year=district, by=office_user, confirm_early=True, reason="区委决定")
    district.refresh_from_db()
    assert district.status == YearStatus.PUBLISHED
    assert (publication.version, publication.early, publication.reason) == (1, True, "区委决定")
    assert publication.published_by == office_user and publication.changes == []
    assert publication.sha256 == canonical_sha256(publication.document) and publication.intact
    assert publication.document["published_at"] == publication.published_at.isoformat()
    assert district.history.first().history_change_reason == "区委决定"


def test_after_the_publicity_it_publishes_without_confirmation(district, office_user):
    district.publicity_ends_on = timezone.localdate() - datetime.timedelta(days=1)
    district.save()
    publication = publish(year=district, by=office_user)
    assert not publication.early


def test_an_open_objection_stops_the_publication(district, unit_a, reporter_a, office_user):
    objection_file(
        year=district, unit=unit_a, indicator=_party(district), reason="应评A", by=reporter_a
    )
    with pytest.raises(ValidationError) as refused:
        publish(year=district, by=office_user, confirm_early=True)
    assert refused.value.error_list[0].code == "objections"
    assert "甲镇" in refused.value.messages[0]


def test_results_that_no_longer_match_the_data_are_not_published(district, office_user):
    Grade.objects.filter(unit__code="B01").update(grade="C")
    with pytest.raises(ValidationError) as refused:
        publish(year=district, by=office_user, confirm_early=True)
    assert refused.value.error_list[0].code == "results_outdated"


def test_only_from_publicity_or_review(office_user, town, unit_a, unit_b):
    year = build_district(town, unit_a, unit_b, office_user)  # scoring
    with pytest.raises(ValidationError) as refused:
        publish(year=year, by=office_user, confirm_early=True)
    assert refused.value.error_list[0].code == "transition_refused"


def test_a_review_publishes_version_2_with_what_changed(district, office_user, unit_a):
    first = publish(year=district, by=office_user, confirm_early=True)
    with pytest.raises(ValidationError, match="formal review"):
        grading_save(
            indicator=_party(district), rows={"A01": {"grade": "A", "reason": "x"}},
            by=office_user, reason="r",
        )  # fmt: skip
    year_transition(year=district, to=YearStatus.REVIEW, by=office_user, reason="市里通知复核党建")
    grading_save(
        indicator=_party(district),
        rows={"A01": {"grade": "A", "reason": "复核改评"}},
        by=office_user,
        reason="复核：改评A",
    )
    with pytest.raises(ValidationError, match="changed since the results were computed"):
        publish(year=district, by=office_user)
    results_compute(year=district, by=office_user, reason="复核后重新计算")
    second = publish(year=district, by=office_user)  # no early confirmation in a review
    district.refresh_from_db()
    assert district.status == YearStatus.PUBLISHED
    assert (second.version, second.early, second.reason) == (2, False, "市里通知复核党建")
    assert second.changes == [
        {"unit": "A01", "indicator": "G01", "before": "34.00", "after": "40.00"},
        {"unit": "A01", "indicator": "total", "before": "89.20", "after": "95.20"},
    ]
    first.refresh_from_db()
    assert first.document["units"][0]["total"] == "89.20" and first.intact
    assert list(district.publications.values_list("version", flat=True)) == [2, 1]


def test_score_changes_compare_numbers_and_name_the_total():
    before = {"A01": {"E01": "55.2", "G01": "34.00", "total": "89.20"}, "C01": {"total": "1"}}
    after = {"A01": {"E01": "55.20", "G01": "40.00", "total": "95.20"}, "B01": {"total": "80"}}
    assert score_changes(before, after) == [
        {"unit": "A01", "indicator": "G01", "before": "34.00", "after": "40.00"},
        {"unit": "A01", "indicator": "total", "before": "89.20", "after": "95.20"},
        {"unit": "B01", "indicator": "total", "before": None, "after": "80"},
        {"unit": "C01", "indicator": "total", "before": "1", "after": None},
    ]


# --- pages and the command line -----------------------------------------------------------------


def test_the_year_page_publishes_early_with_the_confirmation(client, district, office_user):
    client.force_login(office_user)
    page = client.get(reverse("assessment:year_detail", args=[2026]))
    assert page.context["publish_form"] is not None and page.context["publish_early"]
    assert YearStatus.PUBLISHED not in page.context["transitions"]
    url = reverse("assessment:publish", args=[2026])
    response = client.post(url, {"publish-reason": "x"}, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    response = client.post(url, {"publish-confirm_early": "on"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("assessment:publication_list", args=[2026])
    (publication,) = response.context["publications"]
    assert publication.early
    assert publication.sha256 in response.content.decode()


def test_the_publications_page_lists_versions_and_changes(
    client, district, office_user, reporter_a
):
    publish(year=district, by=office_user, confirm_early=True)
    year_transition(year=district, to=YearStatus.REVIEW, by=office_user, reason="复核")
    grading_save(
        indicator=_party(district), rows={"A01": {"grade": "A", "reason": "复核改评"}},
        by=office_user, reason="复核改评A",
    )  # fmt: skip
    results_compute(year=district, by=office_user, reason="复核")
    publish(year=district, by=office_user)
    client.force_login(reporter_a)
    response = client.get(reverse("assessment:publication_list", args=[2026]))
    v2, v1 = response.context["publications"]
    assert (v2.version, v1.version) == (2, 1)
    assert v2.change_rows[0] == {
        "unit": "甲镇", "indicator": "党建工作", "before": "34.00", "after": "40.00",
    }  # fmt: skip
    assert not response.context["may_download"]  # the document names persons
    download = reverse("assessment:publication_document", args=[2026, 1])
    assert client.get(download).status_code == 403
    client.force_login(office_user)
    document = json.loads(client.get(download).content)
    assert canonical_sha256(document) == v1.sha256


def test_the_command_line_publishes_only_through_publish(district, office_user):
    with pytest.raises(CommandError, match="confirm"):
        call_command("year_status", year=2026, to="published")
    out = io.StringIO()
    call_command("year_status", year=2026, to="published", confirm_early=True, stdout=out)
    publication = Publication.objects.get()
    assert publication.sha256 in out.getvalue() and publication.early
    assert publication.published_by is None
    with pytest.raises(CommandError, match="reason"):
        call_command("year_status", year=2026, to="review")
    call_command("year_status", year=2026, to="review", reason="复核", stdout=io.StringIO())
    Grade.objects.filter(unit__code="A01").update(grade="A")
    with pytest.raises(CommandError, match="changed since"):
        call_command("year_status", year=2026, to="published")


def test_the_command_line_opens_the_publicity_with_its_end(office_user, town, unit_a, unit_b):
    build_district(town, unit_a, unit_b, office_user)
    with pytest.raises(CommandError, match="last day"):
        call_command("year_status", year=2026, to="publicity")
    with pytest.raises(CommandError, match="not a date"):
        call_command("year_status", year=2026, to="publicity", publicity_ends="31/12/2099")
    call_command(
        "year_status", year=2026, to="publicity", publicity_ends="2099-12-31", stdout=io.StringIO()
    )
    assert Publication.objects.count() == 0


def test_a_review_recomputes_with_the_units_the_year_had(district, office_user, unit_a, unit_b):
    """After 2026 is published, 甲镇 moves to another category with a new headcount and 乙镇
    closes. A review's recomputation still scores both towns in 镇街 as published: 甲镇 89.20
    (rank 1), 乙镇 85.00 (rank 2), and nothing changes."""
    from assessment.models import UnitResult, YearUnit
    from units.models import UnitCategory

    publish(year=district, by=office_user, confirm_early=True)
    kept = YearUnit.objects.filter(year=district)
    assert sorted(kept.values_list("unit__code", "category__code", "headcount")) == [
        ("A01", "town", 40),
        ("B01", "town", 30),
    ]
    street = UnitCategory.objects.create(code="street", name="街道")
    unit_a.category, unit_a.headcount = street, 55
    unit_a.save()
    unit_b.is_active = False
    unit_b.save()

    year_transition(year=district, to=YearStatus.REVIEW, by=office_user, reason="市里通知复核")
    run = results_compute(year=district, by=office_user, reason="复核后重新计算")
    rows = UnitResult.objects.filter(run=run).order_by("rank")
    assert [(r.unit.code, r.category.code, str(r.total), r.rank) for r in rows] == [
        ("A01", "town", "89.20", 1),
        ("B01", "town", "85.00", 2),
    ]
    second = publish(year=district, by=office_user)
    assert second.changes == []
