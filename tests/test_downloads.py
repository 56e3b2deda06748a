"""Every file the site offers for download has a Chinese name for a Chinese user (RFC 5987
``filename*``), with an ASCII name beside it for old clients.

The download views are collected from the URL configuration: a view that names its response
as an attachment (``units.downloads.attachment``, or a helper of its module that calls it).
Each is then fetched on the demo district as a user allowed to.
"""

import ast
import inspect
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from assessment.demo.scheme import DEMO_YEAR, OFFICE_USERNAME
from assessment.models import AssessmentYear, EvaluationRound, ImportJob, RaterGroup, Survey
from assessment.models.surveys import SurveyAccess, new_token
from assessment.services import drafts
from tests.demo_seed import seeded_demo
from tests.imports_helpers import xlsx_bytes
from units.models import Unit

pytestmark = pytest.mark.django_db

CHINESE = re.compile(r"[\u4e00-\u9fff]")
NAMER = "attachment"  # units.downloads.attachment, the one place a download is named


def _patterns(resolver: URLResolver, namespace: str = ""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _patterns(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", inspect.unwrap(pattern.callback)


def _namers(module) -> set[str]:
    """The functions of a module that name a download: ``attachment`` and those calling it."""
    tree = ast.parse(inspect.getsource(module))
    names = {NAMER, "download"} if module.__name__ == "reports.views.public" else {NAMER}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and _calls(node, {NAMER}):
            names.add(node.name)
    return names


def _calls(function: ast.AST, names: set[str]) -> bool:
    for node in ast.walk(function):
        if isinstance(node, ast.Call):
            called = node.func
            name = called.attr if isinstance(called, ast.Attribute) else getattr(called, "id", "")
            if name in names:
                return True
    return False


def download_views() -> set[str]:
    found = set()
    for name, view in _patterns(get_resolver()):
        function = getattr(view, "__func__", view)
        try:
            source = inspect.getsource(function)
        except (OSError, TypeError):
            continue
        module = inspect.getmodule(function)
        if module is None or not module.__name__.startswith(("assessment", "reports", "units")):
            continue
        tree = ast.parse(inspect.cleandoc("\n" + source) if source[0].isspace() else source)
        if _calls(tree, _namers(module)):
            found.add(name)
    return found


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo district, seeded (once per worker) and rolled back at the module's end."""
    with seeded_demo(django_db_blocker, tmp_path_factory):
        yield


@pytest.fixture
def office(client, demo):
    client.force_login(get_user_model().objects.get(username=OFFICE_USERNAME))
    return client


def _refused_import(client) -> str:
    rows = [["年度", "单位代码", "指标代码", "目标值"], [DEMO_YEAR, "TO99", "GDP", 1]]
    upload = SimpleUploadedFile("目标值.xlsx", xlsx_bytes(rows))
    client.post(reverse("assessment:import_upload", kwargs={"kind": "targets"}), {"file": upload})
    job = ImportJob.objects.latest("created_at")
    return reverse("assessment:import_marked", kwargs={"pk": job.pk})


def _voting_codes(client) -> tuple[str, dict]:
    evaluation_round = EvaluationRound.objects.filter(status="open").first()
    group = RaterGroup.objects.filter(round=evaluation_round, own_unit=False).first()
    url = reverse("assessment:batch_create", kwargs={"pk": evaluation_round.pk})
    return url, {"group": group.pk, "size": 2}


def _survey_codes(client) -> tuple[str, dict]:
    survey = Survey.objects.exclude(status="closed").first()
    questions = list(survey.questions.all())
    survey.pk, survey.token, survey.access, survey.status = None, new_token(), "codes", "draft"
    survey.title += "（问卷码）"
    survey.save()
    for question in questions:
        question.pk, question.survey = None, survey
        question.save()
    assert survey.access == SurveyAccess.CODES
    return reverse("assessment:survey_codes", kwargs={"pk": survey.pk}), {"size": 2}


def _draft_comparison(year: int) -> str:
    office = get_user_model().objects.get(username=OFFICE_USERNAME)
    draft = drafts.draft_create(
        year=AssessmentYear.objects.get(year=year), name="沿用方案", by=office
    )
    return reverse("assessment:draft_export", kwargs={"pk": draft.pk})


def _requests(client) -> dict[str, tuple[str, dict | None]]:
    """Each download view: its address on the demo district, and the form it is posted with."""
    unit = Unit.objects.filter(is_active=True).order_by("code").first()
    survey = Survey.objects.first()
    published = DEMO_YEAR - 1
    return {
        "public:download": (reverse("public:download", args=[published, "xlsx"]), None),
        "public:download_version": (
            reverse("public:download_version", args=[published, 1, "pdf"]),
            None,
        ),
        "reports:letter_pdf": (reverse("reports:letter_pdf", args=[DEMO_YEAR, unit.code]), None),
        "reports:outstanding_xlsx": (reverse("reports:outstanding_xlsx", args=[DEMO_YEAR]), None),
        "reports:bonus_xlsx": (reverse("reports:bonus_xlsx", args=[DEMO_YEAR]), None),
        "assessment:publication_document": (
            reverse("assessment:publication_document", args=[published, 1]),
            None,
        ),
        "assessment:import_template": (
            reverse("assessment:import_template", kwargs={"kind": "targets"}),
            None,
        ),
        "assessment:import_marked": (_refused_import(client), None),
        "assessment:batch_create": _voting_codes(client),
        "assessment:survey_codes": _survey_codes(client),
        "assessment:survey_poster": (
            reverse("assessment:survey_poster", kwargs={"pk": survey.pk}),
            None,
        ),
        "assessment:draft_export": (_draft_comparison(published), None),
        "assessment:records_export": (
            reverse("assessment:records_export", args=[DEMO_YEAR, "csv"]),
            None,
        ),
        "admin:assessment_target_workbook_template": (
            reverse("admin:assessment_target_workbook_template"),
            None,
        ),
    }


def test_the_download_views_are_the_ones_this_test_fetches(db):
    expected = {
        "public:download",
        "public:download_version",
        "reports:letter_pdf",
        "reports:outstanding_xlsx",
        "reports:bonus_xlsx",
        "assessment:publication_document",
        "assessment:import_template",
        "assessment:import_marked",
        "assessment:batch_create",
        "assessment:survey_codes",
        "assessment:survey_poster",
        "assessment:draft_export",
        "assessment:records_export",
    }
    found = download_views()
    assert expected <= found
    # the admin's template views of every importable model, one of which is fetched below
    assert {name for name in found - expected if not name.endswith("_workbook_template")} == set()


def _file_names(response) -> tuple[str, str]:
    header = response["Content-Disposition"]
    assert header.startswith("attachment;"), header
    fallback = re.search(r'filename="([^"]*)"', header).group(1)
    name = unquote(re.search(r"filename\*=UTF-8''(\S+)", header).group(1))
    return name, fallback


def test_every_download_has_a_chinese_name_for_a_chinese_user(office):
    expected_start = {
        "reports:bonus_xlsx": f"考核奖金-{DEMO_YEAR}",
        "reports:letter_pdf": f"目标责任书-{DEMO_YEAR}-",
        "reports:outstanding_xlsx": "重点项目突出贡献干部-",
        "assessment:batch_create": "测评码卡-",
        "assessment:survey_codes": "问卷码卡-",
        "assessment:survey_poster": "满意度测评海报-",
        "public:download": f"{DEMO_YEAR - 1}年度考核结果-第",
        "assessment:import_template": "目标值-模板",
        "assessment:import_marked": "目标值-错误标注",
        "assessment:publication_document": f"{DEMO_YEAR - 1}年度考核结果-第1版",
        "assessment:draft_export": f"方案草稿模拟测算对比-沿用方案-{DEMO_YEAR - 1}",
        "assessment:records_export": f"平时记录及来源-{DEMO_YEAR}",
    }
    requests = _requests(office)
    assert set(requests) >= download_views() - {
        n for n in download_views() if n.endswith("_workbook_template")
    }
    for view, (url, form) in requests.items():
        response = office.post(url, form) if form is not None else office.get(url)
        assert response.status_code == 200, (view, response.status_code)
        name, fallback = _file_names(response)
        assert CHINESE.search(name), (view, name)
        assert not re.search(r"\bv\d", name), (view, name)  # 第 N 版, not v N
        assert fallback.isascii() and Path(fallback).suffix == Path(name).suffix, (view, fallback)
        if view in expected_start:
            assert name.startswith(expected_start[view]), (view, name)


def test_an_english_user_gets_english_file_names(office):
    office.post(reverse("set_language"), {"language": "en"})
    response = office.get(reverse("reports:bonus_xlsx", args=[DEMO_YEAR]))
    name, fallback = _file_names(response)
    assert name == f"Assessment bonus-{DEMO_YEAR}.xlsx"
    assert fallback == f"bonus-{DEMO_YEAR}.xlsx"
