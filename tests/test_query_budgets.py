"""Every list page reads a fixed number of queries, whatever the number of units and records.

Measured on the demo district (33 units, thousands of records, objections, surveys, rounds,
projects, drafts, signals and warnings): each page, opened by the roles that work with it, must
stay within a budget below the number of rows it lists, so a query per row (or per unit) would
break it. Where the demo has only a row or two, or none (imports, objections, publications,
waivers, drafts, instructions), ``tests/test_query_budgets_growth.py`` grows the list and
counts again. The pages that other modules test against a growing world
are not repeated here (results, targets, grading, rounds, surveys, projects, reminders,
workbench, dashboard, letters, bulletins, teams, cadres, bonus, public pages).
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessment.demo.scheme import DEMO_YEAR, OFFICE_USERNAME
from assessment.models import AssessmentYear
from tests.demo_seed import seeded_demo

pytestmark = pytest.mark.django_db

PREVIOUS = DEMO_YEAR - 1  # the demo's published year: objections and publications are there
# (page, its arguments, who opens it, at most this many queries, at least this many rows)
PAGES = [
    ("assessment:year_list", {}, OFFICE_USERNAME, 20, 2),
    ("units:unit_list", {}, OFFICE_USERNAME, 20, 33),
    ("units:unit_list", {}, "tianbao", 20, 1),
    ("units:category_list", {}, OFFICE_USERNAME, 20, 4),
    ("assessment:import_log", {}, OFFICE_USERNAME, 20, 1),
    ("assessment:objection_list", {"year": PREVIOUS}, OFFICE_USERNAME, 20, 1),
    ("assessment:publication_list", {"year": PREVIOUS}, OFFICE_USERNAME, 20, 0),
    ("assessment:claims", {"year": DEMO_YEAR}, OFFICE_USERNAME, 25, 40),
    ("assessment:claims", {"year": DEMO_YEAR}, "qiantou", 25, 1),
    ("assessment:waiver_list", {"year": DEMO_YEAR}, OFFICE_USERNAME, 25, 1),
    ("assessment:draft_list", {"year": DEMO_YEAR}, OFFICE_USERNAME, 20, 1),
    ("assessment:integrity_queue", {"year": DEMO_YEAR}, OFFICE_USERNAME, 25, 9),
    ("assessment:source_index", {"year": DEMO_YEAR}, OFFICE_USERNAME, 25, 12),
    ("assessment:source_differences", {"year": DEMO_YEAR}, OFFICE_USERNAME, 25, 0),
    ("assessment:warnings_year", {"year": DEMO_YEAR}, "lingdao", 30, 33),
    ("assessment:warnings_year", {"year": DEMO_YEAR}, "tianbao", 30, 1),
    ("assessment:instructions", {"year": DEMO_YEAR}, "lingdao", 20, 1),
    ("assessment:verify_queue", {"year": DEMO_YEAR}, OFFICE_USERNAME, 25, 25),
]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    with seeded_demo(django_db_blocker, tmp_path_factory):
        yield AssessmentYear.objects.get(year=DEMO_YEAR)


def _rows(html: str) -> int:
    """What <main> lists: its tables' rows (header rows aside) and its list-group items."""
    main = html[html.index("<main") :]
    table_rows = len(re.findall(r"<tr[\s>]", main)) - len(re.findall(r"<thead", main))
    return table_rows + len(re.findall(r'class="list-group-item[" ]', main))


@pytest.mark.parametrize(
    ("name", "kwargs", "username", "budget", "rows"),
    PAGES,
    ids=[f"{name}-{username}" for name, _kwargs, username, _budget, _rows in PAGES],
)
def test_a_list_page_reads_a_fixed_number_of_queries(demo, name, kwargs, username, budget, rows):
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    url = reverse(name, kwargs=kwargs)
    client.get(url)  # the first visit may write (a workbench visit) or fill caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    shown = _rows(response.content.decode())
    assert len(queries) <= budget, "\n".join(q["sql"][:200] for q in queries.captured_queries)
    assert shown >= rows
