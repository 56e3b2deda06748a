"""The list pages whose rows the demo has few or none of make as many queries with more.

``tests/test_query_budgets.py`` holds every list page to a budget on the demo district; where
the demo lists a row or two, or none (imports, objections, publications, waivers, drafts,
leaders' instructions), a budget alone would not catch a query made per row. Here each such
page is given one row and opened, then five more rows (each with its own id and relations, so
that a relation read per row would be read once more per row), and opened again: it must show
every new row and make exactly as many queries as with one.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, models
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessment.demo.scheme import DEMO_YEAR, OFFICE_USERNAME
from assessment.models import (
    AssessmentYear,
    ComputationRun,
    Evidence,
    ImportLog,
    Indicator,
    Instruction,
    Objection,
    Publication,
    Waiver,
)
from assessment.services import drafts
from tests.demo_seed import seeded_demo

pytestmark = pytest.mark.django_db

PREVIOUS = DEMO_YEAR - 1  # the demo's published year: objections and publications are there
MORE = 5  # rows added to the list


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    with seeded_demo(django_db_blocker, tmp_path_factory):
        yield AssessmentYear.objects.get(year=DEMO_YEAR)


def _copy(row: models.Model, **changes: object) -> models.Model:
    """A new row like ``row`` (a fresh read of it), with its own id and ``changes``."""
    model = type(row)
    copy = model._base_manager.get(pk=row.pk)
    copy.pk = None
    copy._state.adding = True
    for name, value in changes.items():
        setattr(copy, name, value)
    copy.save()
    return copy


def _user(username: str) -> models.Model:
    return get_user_model().objects.get(username=username)


# One more row of each list, made the n-th time; each gives what the page shows of it.


def _import(number: int) -> str:
    name = f"增长测试-{number}.xlsx"
    ImportLog.objects.create(
        kind="targets", file_name=name, sha256=f"{number:064x}", imported_by=_user(OFFICE_USERNAME),
        door="web", succeeded=True, counts={"new": number},
    )  # fmt: skip
    return name


def _objection(number: int) -> str:
    run = ComputationRun.objects.get(year__year=PREVIOUS, is_current=True)
    result = run.units.select_related("unit").order_by("unit__code")[number]
    indicator = Indicator.objects.filter(year=run.year, category=result.unit.category_id).first()
    objection = Objection.objects.create(
        year=run.year, unit=result.unit, indicator=indicator, run=run,
        filed_by=_user(OFFICE_USERNAME), reason=f"第 {number} 条异议",
    )  # fmt: skip
    return f'data-objection="{objection.pk}"'


def _publication(number: int) -> str:
    newest = Publication.objects.filter(year__year=PREVIOUS).order_by("-version").first()
    assert newest is not None  # the demo published its previous year
    copy = _copy(newest, version=newest.version + 1, reason=f"第 {number} 次更正")
    return f'id="publication-v{copy.version}"'


def _waiver(number: int) -> str:
    standing = Waiver.objects.filter(evidence__indicator__year__year=DEMO_YEAR).first()
    assert standing is not None  # the demo waived a deduction
    records = Evidence.objects.filter(indicator__year__year=DEMO_YEAR)
    free = records.exclude(pk__in=Waiver.objects.values("evidence")).order_by("pk").first()
    copy = _copy(standing, evidence=free)
    return f'data-waiver-row="{copy.pk}"'


def _draft(number: int) -> str:
    year = AssessmentYear.objects.get(year=DEMO_YEAR)
    draft = drafts.draft_create(year=year, name=f"方案草稿 {number}", by=_user(OFFICE_USERNAME))
    return draft.name


def _instruction(number: int) -> str:
    written = Instruction.objects.filter(year__year=DEMO_YEAR).first()
    assert written is not None  # the demo's leader wrote instructions
    copy = _copy(written, text=f"第 {number} 条批示", answer="", answered_at=None)
    return reverse("assessment:instruction_detail", kwargs={"pk": copy.pk})


# (page, its arguments, who opens it, how one more row of its list is made)
PAGES = [
    ("assessment:import_log", {}, OFFICE_USERNAME, _import),
    ("assessment:objection_list", {"year": PREVIOUS}, OFFICE_USERNAME, _objection),
    ("assessment:publication_list", {"year": PREVIOUS}, OFFICE_USERNAME, _publication),
    ("assessment:waiver_list", {"year": DEMO_YEAR}, OFFICE_USERNAME, _waiver),
    ("assessment:draft_list", {"year": DEMO_YEAR}, OFFICE_USERNAME, _draft),
    ("assessment:instructions", {"year": DEMO_YEAR}, "lingdao", _instruction),
]


def _visit(client: Client, url: str) -> tuple[int, str]:
    """(queries made, the page) of a second visit (the first may write or fill caches)."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


@pytest.mark.parametrize(
    ("name", "kwargs", "username", "make"), PAGES, ids=[page[0].split(":")[1] for page in PAGES]
)
def test_a_list_page_makes_as_many_queries_for_more_rows(demo, name, kwargs, username, make):
    client = Client()
    client.force_login(_user(username))
    url = reverse(name, kwargs=kwargs)
    make(1)  # at least one row to begin with (the demo has none of some kinds)
    queries_with_one, _page = _visit(client, url)

    shown = [make(number) for number in range(2, 2 + MORE)]

    queries_with_more, page = _visit(client, url)
    assert [marker for marker in shown if marker not in page] == []
    assert queries_with_more == queries_with_one
