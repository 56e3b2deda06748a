"""Every listing page, as every role, shows no record the role may not open.

The access matrix's district, with each record's description made unique: for each role the
records it may not read (``view_evidence``) are known, and no page the role reaches (200)
names one of them — not on a unit's home page, a timeline, a queue, a report or a search.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from assessment.models import Evidence
from tests.access_matrix import build_world
from tests.access_matrix_all import MATRIX
from tests.shared_rows import shared_world

# The roles that may not read every record (the office, leaders, supervision and the
# administrator read them all).
RESTRICTED = ("reporter_a", "reporter_b", "lead")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    with shared_world(django_db_blocker, tmp_path_factory, _marked_world) as world:
        yield world


def _marked_world():
    built = build_world()
    for record in Evidence.objects.all():  # a mark no page shows by chance
        Evidence.objects.filter(pk=record.pk).update(description=f"记录标记{record.pk}号")
    return built


def _cases() -> list:
    return [
        pytest.param(key, role, id=f"{key}-{role}")
        for key in MATRIX
        if not key.startswith("admin:")
        for role in RESTRICTED
        if MATRIX[key][1][role] == 200
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "role"), _cases())
def test_no_page_shows_a_record_its_reader_may_not_open(world, key, role):
    user = world.users[role]
    hidden = [  # never empty for these roles: each unit and the lead have others' records
        f"记录标记{record.pk}号"
        for record in Evidence.objects.select_related("indicator", "unit")
        if not user.has_perm("assessment.view_evidence", record)
    ]
    client = Client()
    client.force_login(user)
    response = client.get(reverse(key.split("#", 1)[0], kwargs=MATRIX[key][0](world)))
    if response.streaming or "html" not in response.get("Content-Type", ""):
        if response.streaming:  # read to the end: the client then closes the file (only it)
            b"".join(response.streaming_content)
        return  # a file: the exports and attachments are checked by their own tests
    page = response.content.decode()
    shown = [mark for mark in hidden if mark in page]
    assert shown == [], f"{key} as {role} shows records it may not open: {shown}"
