"""The public pages say where each score's figures came from: a source-fed indicator (一数一源)
names its data source unit in the published document, and the unit's public page shows it."""

import pytest
from django.urls import reverse

from assessment.models import Evidence, Indicator, Publication
from assessment.services.compute import results_compute
from assessment.services.publication import publish
from tests.assessment.workflow import build_district, open_publicity
from units.models import Unit

pytestmark = pytest.mark.django_db


def test_a_published_source_fed_indicator_names_its_source_on_the_public_page(
    client, town, unit_a, unit_b, office_user, request
):
    year = build_district(town, unit_a, unit_b, office_user)
    # the source is not assessed here (its category has no scheme in this small district)
    source = request.getfixturevalue("lead_unit")
    Unit.objects.filter(pk=source.pk).update(is_active=False)
    Indicator.objects.filter(year=year, code="E01").update(source_unit=source)
    # the figures counted are the source's (the same figures: the results stand)
    Evidence.objects.filter(indicator__year=year, indicator__code="E01").update(data_source=source)
    results_compute(year=year, by=office_user)
    open_publicity(year, office_user)
    publish(year=year, by=office_user, confirm_early=True)

    document = Publication.objects.get(year=year).document
    indicators = {i["code"]: i for c in document["categories"] for i in c["indicators"]}
    assert indicators["E01"]["data_source"] == "区发展和改革局"
    assert "data_source" not in indicators["G01"]  # graded: no source named

    page = client.get(reverse("public:unit", kwargs={"year": 2026, "code": "A01"}))
    text = page.content.decode()
    assert "数据来源单位：区发展和改革局" in text
    assert "定性评价、全市排名或满意度测评" in text  # G01, the assessors' grade
