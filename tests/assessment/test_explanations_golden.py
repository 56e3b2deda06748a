"""What a reader sees of the demo's score explanations is, word for word, what the code wrote
when it stored the texts with the numbers.

``golden/explanations_demo.json`` was generated once from the code before explanations were
stored as numbers and worded when shown (commit b5d97ef says how): every stored text of every
run of the demo, the 2026 year computed once more in English, and the explanations of the
published document. Here the same demo is seeded by today's code and every explanation is
worded by today's path: the results page's selector, the score sheet's wording and the
published document.

When the demo's own data changes, the file is written again from the demo as it is then, and
the change is read before it is committed: after the demo's period targets moved its deduction
records to the second half-year, 76 of some 2,000 texts changed, each because its numbers did
(a deduction not yet recorded, a figure drawn again), none in its wording.
"""

import json
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from assessment.demo.scheme import DEMO_YEAR, OFFICE_USERNAME
from assessment.lib.explanations import explanation_text, explanation_texts
from assessment.models import AssessmentYear, Publication, UnitResult
from assessment.selectors.results import results_for_category
from assessment.services.compute import results_compute
from tests.demo_seed import seeded_demo
from units.models import UnitCategory

pytestmark = pytest.mark.django_db

GOLDEN = json.loads(
    (Path(__file__).parent / "golden" / "explanations_demo.json").read_text(encoding="utf-8")
)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    with seeded_demo(django_db_blocker, tmp_path_factory) as out:
        yield out


def _worded(results) -> dict[str, dict[str, str]]:
    return {
        r.unit.code: dict(sorted(explanation_texts(r.explanations(), r.scores).items()))
        for r in sorted(results, key=lambda r: r.unit.code)
    }


def test_every_run_of_the_demo_reads_as_its_texts_were_stored(seeded):
    worded = {
        str(year.year): [
            _worded(UnitResult.objects.filter(run=run).select_related("unit", "category", "run"))
            for run in year.runs.order_by("pk")
        ]
        for year in AssessmentYear.objects.order_by("year")
    }
    assert worded == GOLDEN["site_language"]
    # 2 years × 506 explanations, none empty
    assert sum(len(t) for runs in worded.values() for run in runs for t in run.values()) == 1012
    assert all(
        t for runs in worded.values() for run in runs for u in run.values() for t in u.values()
    )


def test_the_results_page_shows_the_same_words(seeded):
    office = get_user_model().objects.get(username=OFFICE_USERNAME)
    year = AssessmentYear.objects.get(year=DEMO_YEAR)
    expected = GOLDEN["site_language"][str(DEMO_YEAR)][-1]  # the current run
    shown: dict[str, dict[str, str]] = {}
    for category in UnitCategory.objects.all():
        table = results_for_category(user=office, year=year, category=category)
        for row in table.rows:
            shown[row.result.unit.code] = {
                cell.indicator.code: cell.text for cell in row.cells if cell.text
            }
    assert shown == expected


def test_the_published_document_embeds_the_same_explanations(seeded):
    published = {
        f"{p.year.year}/v{p.version}": {
            unit["unit"]: unit["explanations"] for unit in p.document["units"]
        }
        for p in Publication.objects.select_related("year")
    }
    assert published == GOLDEN["published"]


def test_worded_in_english_as_the_english_site_stored_them(seeded, settings):
    settings.LANGUAGE_CODE = "en"
    run = results_compute(year=AssessmentYear.objects.get(year=DEMO_YEAR))
    worded = _worded(UnitResult.objects.filter(run=run).select_related("unit", "category", "run"))
    assert worded == GOLDEN["english_recomputed"][str(DEMO_YEAR)]


def test_the_numbers_are_stored_without_words(seeded):
    for details in UnitResult.objects.values_list("details", flat=True):
        assert all("text" not in detail for detail in details.values())


def test_a_text_stored_by_an_earlier_version_is_shown_as_stored(seeded):
    """Results computed before explanations were kept as numbers carry their text."""
    old = {"method": "completion", "points": "20.00", "target": "500", "actual": "460",
           "text": "完成率 = 460 ÷ 500 = 92%；20 × 92% = 18.40"}  # fmt: skip
    assert explanation_text(old, "18.40") == old["text"]
    # ... also when its numbers would be worded otherwise today
    assert explanation_text({**old, "actual": "1"}, "18.40") == old["text"]
    assert explanation_text({}, "18.40") == "" and explanation_text(None, None) == ""
