"""Every page keeps to the Content-Security-Policy: no inline script, no foreign code.

The demo district is seeded once for the module (inside a transaction rolled back at the
end); each page is then rendered as the assessment office or, for the public pages, as an
anonymous visitor, and its HTML is walked with ``html.parser``:

- the response carries a CSP whose ``script-src`` has no ``'unsafe-inline'``;
- no ``<script>`` without ``src`` except ``type="application/json"`` data islands;
- no ``on…=`` event-handler attribute and no ``javascript:`` URL;
- every ``<script src>`` and stylesheet comes from ``/static/`` on the same origin.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from assessment.demo.scheme import DEMO_YEAR, OFFICE_USERNAME
from assessment.models import EvaluationRound, EvidenceAttachment, KeyProject, Survey
from tests.demo_seed import seeded_demo
from tests.imports_helpers import xlsx_bytes
from units.models import Unit

pytestmark = pytest.mark.django_db

PREVIOUS_YEAR = DEMO_YEAR - 1  # the demo's published year
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "xlink:href"}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo district, seeded once for the module and rolled back afterwards."""
    with seeded_demo(django_db_blocker, tmp_path_factory):
        town_unit = Unit.objects.filter(category__code="town").order_by("code").first()
        project = KeyProject.objects.filter(year__year=DEMO_YEAR).order_by("pk").first()
        rounds = list(EvaluationRound.objects.order_by("pk").values_list("pk", flat=True))
        surveys = list(Survey.objects.order_by("pk"))
        attached = EvidenceAttachment.objects.filter(evidence__isnull=False).first()
        assert attached is not None
        assert town_unit is not None and project is not None and len(rounds) == 2
        yield {
            "unit": town_unit.code,
            "project": project.pk,
            "rounds": rounds,
            "survey": surveys[0].pk,
            "open survey token": surveys[1].token,
            "attached record": attached.evidence_id,
        }


@pytest.fixture
def office(demo, media_root):  # import staging goes to the media folder
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(username=OFFICE_USERNAME))
    return client


class _PageWalker(HTMLParser):
    """Collects every CSP violation of one page, in words."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._inline_script = False
        self.scripts = 0
        self.stylesheets = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        for name, value in values.items():
            if re.fullmatch(r"on[a-z]+", name):
                self.problems.append(f"<{tag} {name}=…> event handler")
            if name in URL_ATTRIBUTES and _is_javascript_url(value):
                self.problems.append(f"<{tag} {name}={value!r}> javascript: URL")
        if tag == "script":
            src = values.get("src")
            if src is None:
                if values.get("type", "").strip().lower() != "application/json":
                    self.problems.append(f"inline <script {values}>")
                    self._inline_script = True
            else:
                self.scripts += 1
                if not _same_origin_static(src):
                    self.problems.append(f"<script src={src!r}> not from /static/")
        if tag == "link" and "stylesheet" in values.get("rel", "").lower().split():
            self.stylesheets += 1
            href = values.get("href", "")
            if not _same_origin_static(href):
                self.problems.append(f"<link rel=stylesheet href={href!r}> not from /static/")
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            if "javascript:" in values.get("content", "").lower():
                self.problems.append("javascript: URL in a meta refresh")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        if self._inline_script and data.strip():
            self.problems[-1] += f": {data.strip()[:80]!r}"
            self._inline_script = False

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._inline_script = False


def _is_javascript_url(value: str) -> bool:
    # browsers ignore whitespace and control characters inside the scheme
    squeezed = re.sub(r"[\x00-\x20]", "", value).lower()
    return squeezed.startswith("javascript:")


def _same_origin_static(url: str) -> bool:
    return url.startswith("/static/") and not url.startswith("//")


def _script_src(policy: str) -> list[str]:
    directives = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = [word.lower() for word in words[1:]]
    return directives.get("script-src", directives.get("default-src", []))


def _assert_keeps_to_the_policy(response, url: str) -> _PageWalker:
    assert response.status_code == 200, (url, response.status_code)
    policy = response.headers.get("Content-Security-Policy")
    assert policy, f"{url}: no Content-Security-Policy header"
    script_src = _script_src(policy)
    assert script_src, f"{url}: the policy restricts no scripts: {policy}"
    assert "'unsafe-inline'" not in script_src, f"{url}: {policy}"
    assert "*" not in script_src, f"{url}: {policy}"
    walker = _PageWalker()
    walker.feed(response.content.decode())
    walker.close()
    assert not walker.problems, f"{url}:\n" + "\n".join(walker.problems)
    return walker


OFFICE_PAGES = {
    "home": lambda d: reverse("home"),
    "years": lambda d: reverse("assessment:year_list"),
    "year": lambda d: reverse("assessment:year_detail", args=[DEMO_YEAR]),
    "results index": lambda d: reverse("assessment:results_index", args=[DEMO_YEAR]),
    "results": lambda d: reverse("assessment:results", args=[DEMO_YEAR, "town"]),
    "score sheet": lambda d: reverse("assessment:score_sheet", args=[DEMO_YEAR, d["unit"]]),
    "unit evidence home": lambda d: reverse(
        "assessment:evidence_unit_home", args=[DEMO_YEAR, d["unit"]]
    ),
    "verification queue": lambda d: reverse("assessment:verify_queue", args=[DEMO_YEAR]),
    "verification of a record with a PDF": lambda d: reverse(
        "assessment:verify_record", args=[DEMO_YEAR, d["attached record"]]
    ),
    "grading index": lambda d: reverse("assessment:grading_index", args=[DEMO_YEAR]),
    "key projects": lambda d: reverse("assessment:project_list", args=[DEMO_YEAR]),
    "key project": lambda d: reverse("assessment:project_detail", args=[d["project"]]),
    "targets": lambda d: reverse("assessment:target_index", args=[DEMO_YEAR]),
    "schemes": lambda d: reverse("assessment:scheme_index", args=[DEMO_YEAR]),
    "imports": lambda d: reverse("assessment:import_index"),
    "import log": lambda d: reverse("assessment:import_log"),
    "reports": lambda d: reverse("reports:index"),
    "dashboard": lambda d: reverse("reports:dashboard", args=[DEMO_YEAR]),
    "letters": lambda d: reverse("reports:letter_list", args=[DEMO_YEAR]),
    "letter": lambda d: reverse("reports:letter", args=[DEMO_YEAR, d["unit"]]),
    "units": lambda d: reverse("units:unit_list"),
    "evaluation rounds": lambda d: reverse("assessment:round_list", args=[DEMO_YEAR]),
    "closed round": lambda d: reverse("assessment:round_detail", args=[d["rounds"][0]]),
    "open round": lambda d: reverse("assessment:round_detail", args=[d["rounds"][1]]),
    "surveys": lambda d: reverse("assessment:survey_list", args=[DEMO_YEAR]),
    "warnings": lambda d: reverse("assessment:warnings_year", args=[DEMO_YEAR]),
    "instructions": lambda d: reverse("assessment:instructions", args=[DEMO_YEAR]),
    "closed survey": lambda d: reverse("assessment:survey_detail", args=[d["survey"]]),
    "reminders": lambda d: reverse("reminders:year", args=[DEMO_YEAR]),
    "phase deadlines": lambda d: reverse("reminders:deadlines", args=[DEMO_YEAR]),
    "public results (logged in)": lambda d: reverse("public:year_list"),
    "draft schemes": lambda d: reverse("assessment:draft_list", args=[DEMO_YEAR]),
    "balance of the scheme": lambda d: reverse("assessment:year_balance", args=[DEMO_YEAR]),
    "draft": lambda d: reverse("assessment:draft_edit", args=[_demo_draft()]),
    "draft comparison": lambda d: reverse("assessment:draft_compare", args=[_demo_draft()]),
    "draft balance": lambda d: reverse("assessment:draft_balance", args=[_demo_draft()]),
}


def _demo_draft() -> int:
    """A draft of the demo year, made by the office on first use."""
    from assessment.models import AssessmentYear, DraftScheme
    from assessment.services.drafts import draft_create

    year = AssessmentYear.objects.get(year=DEMO_YEAR)
    draft = DraftScheme.objects.filter(year=year).first() or draft_create(
        year=year, name="草稿", by=None
    )
    return draft.pk


PUBLIC_PAGES = {
    "login": lambda d: reverse("login"),
    "home": lambda d: reverse("home"),
    "public years": lambda d: reverse("public:year_list"),
    "vote": lambda d: reverse("vote:start"),
    "survey": lambda d: reverse("survey:respond", args=[d["open survey token"]]),
    "public year": lambda d: reverse("public:year", args=[PREVIOUS_YEAR]),
    "public unit": lambda d: reverse("public:unit", args=[PREVIOUS_YEAR, d["unit"]]),
}


@pytest.mark.parametrize("page", list(OFFICE_PAGES))
def test_office_pages_keep_to_the_policy(office, demo, page):
    url = OFFICE_PAGES[page](demo)
    response = office.get(url, follow=True)  # an index may lead on to its first page
    if response.redirect_chain:
        url = response.redirect_chain[-1][0]
    walker = _assert_keeps_to_the_policy(response, url)
    assert walker.stylesheets, f"{url}: no stylesheet found; is the page the real one?"


def test_an_import_job_page_keeps_to_the_policy(office, demo):
    rows = [["年度", "单位代码", "指标代码", "目标值"], [DEMO_YEAR, demo["unit"], "NOPE", 1]]
    upload = office.post(
        reverse("assessment:import_upload", kwargs={"kind": "targets"}),
        {"file": SimpleUploadedFile("目标.xlsx", xlsx_bytes(rows)), "reason": "CSP"},
    )
    assert upload.status_code == 302, upload.content.decode()[:2000]
    url = upload["Location"]
    _assert_keeps_to_the_policy(office.get(url), url)


@pytest.mark.parametrize("page", list(PUBLIC_PAGES))
def test_public_pages_keep_to_the_policy_for_anonymous_visitors(client, demo, page):
    url = PUBLIC_PAGES[page](demo)
    response = client.get(url, follow=page == "home")
    if page == "home" and response.redirect_chain:
        url = response.redirect_chain[-1][0]
    _assert_keeps_to_the_policy(response, url)


def test_the_walker_finds_what_it_looks_for():
    """The checks themselves: each kind of violation is caught, a data island is not."""
    walker = _PageWalker()
    walker.feed(
        '<script type="application/json" id="d">{"a": 1}</script>'
        "<script>alert(1)</script>"
        '<a href=" java\tscript:alert(1)" onclick="x()">x</a>'
        '<script src="https://cdn.example/x.js"></script>'
        '<link rel="stylesheet" href="//cdn.example/x.css">'
        '<img src="/static/x.png" onerror="x()">'
    )
    joined = "\n".join(walker.problems)
    assert len(walker.problems) == 6, joined
    assert "alert(1)" in joined and "onclick" in joined and "onerror" in joined
    assert _script_src("default-src 'self'; script-src 'self' 'unsafe-inline'") == [
        "'self'",
        "'unsafe-inline'",
    ]
