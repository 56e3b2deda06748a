"""The first visitors after a publication, together: the published PDF is made once."""

from __future__ import annotations

import time

import pytest
from django.db import connection

from assessment.models import Publication
from assessment.services.publication import publish
from reports import downloads
from reports.models import PublishedFile
from tests.assessment.workflow import build_district, open_publicity
from tests.races import race


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent requests need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_three_first_visitors_at_once_make_the_pdf_once(
    town, unit_a, unit_b, office_user, monkeypatch
):
    year = build_district(town, unit_a, unit_b, office_user)
    open_publicity(year, office_user)
    publication = publish(year=year, by=office_user, confirm_early=True)
    assert not PublishedFile.objects.filter(publication=publication).exists()  # made on a visit
    made: list[str] = []
    pdf, content_type = downloads.FORMATS["pdf"]

    def slow_pdf(of: Publication) -> bytes:
        made.append("pdf")
        time.sleep(0.5)  # the others arrive while it is being made
        return pdf(of)

    monkeypatch.setitem(downloads.FORMATS, "pdf", (slow_pdf, content_type))

    def visit(name: str) -> str:
        return downloads.published_file(Publication.objects.get(pk=publication.pk), "pdf").sha256

    outcomes = race(visit, ["first", "second", "third"])

    assert made == ["pdf"]
    assert len(set(outcomes.values())) == 1
    assert PublishedFile.objects.get(publication=publication, fmt="pdf").sha256 == outcomes["first"]
