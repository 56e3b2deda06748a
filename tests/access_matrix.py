"""The access matrix's data: a small complete district, and who may GET which URL.

``build_world`` makes the objects every URL pattern needs, through the services where they
have one: a published year 2025 (with its publication), a year 2026 computed and in the
publicity (公示) with a scheme, targets, evidence of both towns with attachments, a failure
recorded against 甲镇, a key project of 甲镇 with a milestone, a task, a progress report and
a contribution, an objection of 甲镇, a refused import job of 甲镇's reporter, a bulletin.

``MATRIX`` maps each URL name (``name#variant`` for a second case of the same pattern) to the
URL's arguments, built from the world, and the status each role must get for a GET. Where a
URL takes an object, the object is 甲镇's: reporter B's column is the object-level denial.
The rows of the evaluation rounds, the surveys and the reminders live in modules of
their own; ``tests.access_matrix_all`` puts them together.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from unittest import mock

from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assessment.imports.jobs import job_start
from assessment.models import (
    AssessmentYear,
    Contribution,
    Evidence,
    EvidenceAttachment,
    EvidenceStatus,
    Grade,
    ImportJob,
    Indicator,
    KeyProject,
    Milestone,
    Objection,
    ProgressUpdate,
    ProjectTask,
    Publication,
    YearStatus,
)
from assessment.services import projects as project_service
from assessment.services.compute import results_compute
from assessment.services.evidence import evidence_record
from assessment.services.highlights import highlight_register
from assessment.services.objections import objection_file
from assessment.services.publication import publish
from assessment.services.year import year_transition
from reports.downloads import published_files
from reports.models import ProgressBulletin
from reports.staff.bulletins import bulletin_create
from tests.assessment.factories import IndicatorFactory, TargetFactory, YearFactory, town_indicators
from tests.assessment.workflow import ENDS, build_district, open_publicity
from tests.factories import CadreFactory, UnitFactory, UserFactory
from tests.imports_helpers import xlsx_bytes
from units.models import Cadre, Unit, UnitCategory
from units.roles import Role

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< >>\n%%EOF\n"
TODAY = datetime.date(2026, 7, 1)  # the world is built on this day (the year collects)

ROLES = (
    "anonymous",
    "reporter_a",
    "reporter_b",
    "lead",
    "supervision",
    "leader",
    "office",
    "admin",
)

# Expected outcomes besides plain status codes: a redirect to the site's login, to the admin's
# login, or anywhere else (a page sending the user on: its own unit's page, the first tab...).
LOGIN = "302 → login"
ADMIN_LOGIN = "302 → admin login"
REDIRECT = "302 → elsewhere"


def pdf(name: str = "证明材料.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@dataclass
class World:
    users: dict[str, Any]
    unit_a: Unit
    unit_b: Unit
    lead_unit: Unit
    town: UnitCategory
    year: AssessmentYear  # 2026
    published: AssessmentYear  # 2025
    publication: Publication
    gdp: Indicator  # E01, completion, led by the lead department
    party: Indicator  # G01, graded, led by the lead department
    other_graded: Indicator  # G02, graded, led by nobody (the office assesses it)
    deduction: Indicator  # D01, deduction
    evidence_a: Evidence  # pending, of 甲镇, recorded by its reporter, with an attachment
    evidence_b: Evidence  # pending, of 乙镇, recorded by its reporter, with an attachment
    failure_a: Evidence  # a deduction against 甲镇 recorded by supervision
    own_record_lead: Evidence  # pending, of the lead department, on an indicator it leads
    attachment_a: EvidenceAttachment
    attachment_b: EvidenceAttachment
    highlight_a: Any
    cadre_a: Cadre
    project: KeyProject
    milestone: Milestone
    task: ProjectTask
    update: ProgressUpdate
    contribution: Contribution
    objection: Objection | None
    job: ImportJob
    bulletin: ProgressBulletin | None


def build_users(unit_a: Unit, unit_b: Unit, lead_unit: Unit, office: Any) -> dict[str, Any]:
    return {
        "anonymous": None,
        "reporter_a": UserFactory(username="reporter_a", role=Role.REPORTER, unit=unit_a),
        "reporter_b": UserFactory(username="reporter_b", role=Role.REPORTER, unit=unit_b),
        "lead": UserFactory(username="lead", role=Role.LEAD, unit=lead_unit),
        "supervision": UserFactory(username="supervision", role=Role.SUPERVISION, unit=None),
        "leader": UserFactory(username="leader", role=Role.LEADER, unit=None),
        "office": office,
        "admin": UserFactory(
            username="admin", unit=None, is_staff=True, is_superuser=True, role=None
        ),
    }


def build_world(*, publicity: bool = True) -> World:
    """The district; 2026 ends in the publicity, or (``publicity=False``) still collecting,
    computed, with no objection and no bulletin."""
    with mock.patch.object(timezone, "localdate", lambda *args: TODAY):
        return _build(publicity)


def _build(publicity: bool) -> World:
    town = UnitCategory.objects.get_or_create(code="town", defaults={"name": "镇街"})[0]
    economic = UnitCategory.objects.get_or_create(code="economic", defaults={"name": "经济部门"})[0]
    unit_a = UnitFactory(code="A01", name="甲镇", category=town, headcount=40)
    unit_b = UnitFactory(code="B01", name="乙镇", category=town, headcount=30)
    office = UserFactory(username="office", role=Role.OFFICE, unit=None, is_staff=True)
    zhang = CadreFactory(unit=unit_a, name="张三", position="党委书记", rank_kind="principal")
    li = CadreFactory(unit=unit_a, name="李四", position="副镇长")
    CadreFactory(unit=unit_b, name="王五", position="镇长", rank_kind="principal")

    # 2025: computed, publicised and published (version 1).
    published = build_district(town, unit_a, unit_b, office, year=2025)
    open_publicity(published, office)
    publication = publish(year=published, by=office, confirm_early=True)
    # Its downloads made as its first visitor makes them: the pages that offer them then read
    # them, instead of rendering them again in every test's rolled-back savepoint.
    published_files(publication)
    # The lead department (区发改局) is assessed from 2026 on, in its own category.
    lead_unit = UnitFactory(code="JJ01", name="区发展和改革局", category=economic, headcount=25)
    users = build_users(unit_a, unit_b, lead_unit, office)

    # 2026: collecting.
    year = YearFactory(year=2026, status=YearStatus.COLLECTING)
    gdp, party = town_indicators(
        year, town, points=(Decimal(50), Decimal(30)),
        gdp={"lead_unit": lead_unit}, party={"lead_unit": lead_unit},
    )  # fmt: skip
    other_graded = IndicatorFactory(
        year=year, category=town, code="G02", name="平安建设", points=Decimal(20),
        method="graded", group="社会治理",
    )  # fmt: skip
    deduction = IndicatorFactory(
        year=year, category=town, code="D01", name="安全生产事故", points=Decimal(5),
        method="deduction", group="扣分项目",
    )  # fmt: skip
    service = IndicatorFactory(
        year=year, category=economic, code="F01", name="服务发展", points=Decimal(100),
        method="graded", group="服务发展",
    )  # fmt: skip
    Grade.objects.create(indicator=service, unit=lead_unit, grade="A")
    # An indicator the lead department leads and is itself assessed on: its own record.
    projects_done = IndicatorFactory(
        year=year, category=economic, code="F02", name="重大项目推进", points=Decimal(10),
        lead_unit=lead_unit,
    )  # fmt: skip
    TargetFactory(indicator=projects_done, unit=lead_unit, target=Decimal(10))
    TargetFactory(indicator=gdp, unit=unit_a, target=Decimal(500))
    TargetFactory(indicator=gdp, unit=unit_b, target=Decimal(400))
    for unit, value in [(unit_a, 460), (unit_b, 300)]:
        Evidence.objects.create(
            unit=unit, indicator=gdp, date=datetime.date(2026, 3, 28), value=value,
            description="一季度统计快报", status=EvidenceStatus.VERIFIED,
        )  # fmt: skip
    for indicator, grades in [(party, ("B", "A")), (other_graded, ("A", "B"))]:
        Grade.objects.create(indicator=indicator, unit=unit_a, grade=grades[0])
        Grade.objects.create(indicator=indicator, unit=unit_b, grade=grades[1])
    evidence_a = evidence_record(
        unit=unit_a, indicator=gdp, date=datetime.date(2026, 5, 31), value=Decimal(20),
        description="五月统计快报", by=users["reporter_a"], attachments=[pdf("甲镇快报.pdf")],
    )  # fmt: skip
    evidence_b = evidence_record(
        unit=unit_b, indicator=gdp, date=datetime.date(2026, 5, 31), value=Decimal(10),
        description="五月统计快报", by=users["reporter_b"], attachments=[pdf("乙镇快报.pdf")],
    )  # fmt: skip
    failure_a = evidence_record(
        unit=unit_a, indicator=deduction, date=datetime.date(2026, 6, 1), value=Decimal(1),
        description="发生一般安全生产事故", by=users["supervision"],
    )  # fmt: skip
    own_record_lead = evidence_record(
        unit=lead_unit, indicator=projects_done, date=datetime.date(2026, 6, 1), value=Decimal(4),
        description="四个项目开工", by=office,
    )  # fmt: skip
    highlight_a = highlight_register(
        year=year,
        unit=unit_a,
        title="乡村振兴示范",
        description="省级示范村",
        by=users["reporter_a"],
    ).highlight

    project = project_service.project_save(
        year=year, name="高标准农田建设", unit=unit_a, lead_cadre=zhang, members=[li],
        description="新建高标准农田 1000 亩", by=office,
    )  # fmt: skip
    milestone = project_service.milestone_save(
        project=project, title="完成土地平整", due=datetime.date(2026, 9, 30), by=office
    )
    task = project_service.task_save(
        milestone=milestone, cadre=li, description="平整土地", quantity=Decimal(100),
        measure="亩", due=datetime.date(2026, 9, 30), by=office,
    )  # fmt: skip
    update = project_service.progress_record(
        task=task, date=datetime.date(2026, 6, 1), amount=Decimal(40), description="完成四成",
        by=users["reporter_a"],
    )  # fmt: skip
    contribution = project_service.contribution_record(
        project=project, cadre=li, points=Decimal(2), description="牵头完成土地流转",
        by=users["reporter_a"],
    )  # fmt: skip

    # A workbook with a bad cell: refused, staged, so its marked copy exists.
    rows = [
        ["单位代码", "指标代码", "日期", "数值", "说明"],
        ["A01", "E01", "2026-06-30", "十万", "x"],
    ]
    job = job_start(
        kind="evidence", data=xlsx_bytes(rows), file_name="甲镇记录.xlsx", user=users["reporter_a"]
    )

    results_compute(year=year, by=office, bonus_pool=100000)
    objection = bulletin = None
    if publicity:
        year_transition(year=year, to=YearStatus.SCORING, by=office)
        open_publicity(year, office, ENDS)
        objection = objection_file(
            year=year, unit=unit_a, indicator=party, by=users["reporter_a"],
            reason="党建工作年度检查评为先进，应评A", attachments=[pdf("先进表彰.pdf")],
        )  # fmt: skip
        bulletin = bulletin_create(year=year, quarter=2, as_of=TODAY, by=office)
    year.refresh_from_db()
    return World(
        users=users,
        unit_a=unit_a,
        unit_b=unit_b,
        lead_unit=lead_unit,
        town=town,
        year=year,
        published=published,
        publication=publication,
        gdp=gdp,
        party=party,
        other_graded=other_graded,
        deduction=deduction,
        evidence_a=evidence_a,
        evidence_b=evidence_b,
        failure_a=failure_a,
        own_record_lead=own_record_lead,
        attachment_a=evidence_a.attachments.get(),
        attachment_b=evidence_b.attachments.get(),
        highlight_a=highlight_a,
        cadre_a=zhang,
        project=project,
        milestone=milestone,
        task=task,
        update=update,
        contribution=contribution,
        objection=objection,
        job=job,
        bulletin=bulletin,
    )


# --- the matrix -------------------------------------------------------------------------------

Kwargs = Callable[[World], dict[str, Any]]
Row = tuple[Kwargs, dict[str, object]]


def _none(w: World) -> dict[str, Any]:
    return {}


def _year(w: World) -> dict[str, Any]:
    return {"year": 2026}


def _year_unit(w: World) -> dict[str, Any]:
    return {"year": 2026, "unit": w.unit_a.code}


def _pk(attr: str) -> Kwargs:
    return lambda w: {"pk": getattr(w, attr).pk}


def roles(anonymous: object = LOGIN, default: object = 200, **each: object) -> dict[str, object]:
    """Every role's expected status: ``default`` unless named."""
    unknown = set(each) - set(ROLES)
    assert not unknown, unknown
    statuses = {role: default for role in ROLES}
    statuses["anonymous"] = anonymous
    statuses.update(each)
    return statuses


def everyone(status: object) -> dict[str, object]:
    return roles(anonymous=status, default=status)


NOT_A_READER = {"reporter_a": 403, "reporter_b": 403, "lead": 403, "supervision": 403}
ONLY_OFFICE = {**NOT_A_READER, "leader": 403}
# Who may not see 甲镇's unit pages, its evidence and its key project: 乙镇's reporter.
NOT_B = {"reporter_b": 403}


def district_reports(**each: object) -> dict[str, object]:
    """The district-wide reports: office, district leaders and administrators."""
    return roles(**{**NOT_A_READER, **each})


def office_only(**each: object) -> dict[str, object]:
    return roles(**{**ONLY_OFFICE, **each})


def project_report() -> dict[str, object]:
    """Reporting on 甲镇's project: its own users and the office (乙镇 may not even see it)."""
    return roles(
        default=200, reporter_b=403, lead=403, supervision=403, leader=403
    )  # office, admin, reporter_a


def job_of_reporter_a(status: object) -> dict[str, object]:
    return roles(default=403, reporter_a=status, office=status, admin=status)


ADMIN_PAGE = {role: ADMIN_LOGIN for role in ROLES if role not in ("office", "admin")}

MATRIX: dict[str, Row] = {
    # --- the site's own pages, login and language
    "home": (_none, roles()),
    "login": (_none, everyone(200)),
    "logout": (_none, everyone(405)),  # POST only (Django 5)
    "password_change": (_none, roles()),
    "password_change_done": (_none, roles()),
    "set_language": (_none, everyone(REDIRECT)),  # a GET changes nothing and goes home
    # --- the admin site: its top-level pages and one changelist per app
    "admin:index": (_none, {**ADMIN_PAGE, "office": 200, "admin": 200}),
    "admin:login": (_none, {**everyone(200), "office": REDIRECT, "admin": REDIRECT}),
    "admin:logout": (
        _none,
        {**{r: REDIRECT for r in ROLES}, "office": 405, "admin": 405},
    ),
    "admin:password_change": (_none, {**ADMIN_PAGE, "office": 200, "admin": 200}),
    "admin:password_change_done": (_none, {**ADMIN_PAGE, "office": 200, "admin": 200}),
    "admin:jsi18n": (_none, {**ADMIN_PAGE, "office": 200, "admin": 200}),
    # Without its parameters the autocomplete refuses everyone it lets in.
    "admin:autocomplete": (_none, {**ADMIN_PAGE, "office": 403, "admin": 403}),
    "admin:view_on_site": (
        lambda w: {
            "content_type_id": ContentType.objects.get_for_model(Unit).pk,
            "object_id": w.unit_a.pk,
        },
        {**ADMIN_PAGE, "office": REDIRECT, "admin": REDIRECT},
    ),
    "admin:app_list": (
        lambda w: {"app_label": "units"},
        {**ADMIN_PAGE, "office": 200, "admin": 200},
    ),
    "admin:app_list#auth": (
        lambda w: {"app_label": "auth"},
        {**ADMIN_PAGE, "office": 404, "admin": 200},
    ),
    "admin:auth_user_changelist": (_none, {**ADMIN_PAGE, "office": 403, "admin": 200}),
    "admin:axes_accessattempt_changelist": (_none, {**ADMIN_PAGE, "office": 403, "admin": 200}),
    "admin:django_tasks_database_dbtaskresult_changelist": (
        _none,
        {**ADMIN_PAGE, "office": 403, "admin": 200},
    ),
    "admin:units_unit_changelist": (_none, {**ADMIN_PAGE, "office": 200, "admin": 200}),
    "admin:assessment_evidence_changelist": (_none, {**ADMIN_PAGE, "office": 200, "admin": 200}),
    "admin:reports_progressbulletin_changelist": (
        _none,
        {**ADMIN_PAGE, "office": 200, "admin": 200},
    ),
    # --- public results: no login; only what was published
    "public:year_list": (_none, everyone(200)),
    "public:checking": (_none, everyone(200)),
    "public:year": (lambda w: {"year": 2025}, everyone(200)),
    "public:year#unpublished": (lambda w: {"year": 2026}, everyone(404)),
    "public:year_version": (lambda w: {"year": 2025, "version": 1}, everyone(200)),
    "public:year_version#unknown": (lambda w: {"year": 2025, "version": 2}, everyone(404)),
    "public:unit": (lambda w: {"year": 2025, "code": "A01"}, everyone(200)),
    "public:unit#unpublished": (lambda w: {"year": 2026, "code": "A01"}, everyone(404)),
    "public:unit_version": (
        lambda w: {"year": 2025, "version": 1, "code": "A01"},
        everyone(200),
    ),
    "public:download": (lambda w: {"year": 2025, "fmt": "json"}, everyone(200)),
    "public:download#unpublished": (lambda w: {"year": 2026, "fmt": "json"}, everyone(404)),
    "public:download_version": (
        lambda w: {"year": 2025, "version": 1, "fmt": "xlsx"},
        everyone(200),
    ),
    # --- staff reports
    "reports:index": (_none, roles()),
    "reports:dashboard_latest": (
        _none,
        district_reports(office=REDIRECT, leader=REDIRECT, admin=REDIRECT),
    ),
    "reports:dashboard": (_year, district_reports()),
    "reports:dashboard_risks": (_year, district_reports()),
    "reports:dashboard_overdue": (_year, district_reports()),
    # Units' users are sent to their own unit's letter; supervision has no unit.
    "reports:letter_list": (
        _year,
        district_reports(reporter_a=REDIRECT, reporter_b=REDIRECT, lead=REDIRECT),
    ),
    "reports:letter": (_year_unit, district_reports(reporter_a=200)),
    "reports:letter_pdf": (_year_unit, district_reports(reporter_a=200)),
    "reports:bulletin_list": (_year, district_reports()),
    "reports:bulletin_create": (_year, everyone(405)),
    "reports:bulletin_compare": (_year, district_reports()),
    "reports:bulletin_detail": (lambda w: {"year": 2026, "pk": w.bulletin.pk}, district_reports()),
    "reports:teams": (_year, district_reports()),
    "reports:cadres": (_year, district_reports()),
    "reports:cadre_dossier": (_pk("cadre_a"), district_reports()),
    "reports:outstanding": (_year, district_reports()),
    "reports:outstanding_xlsx": (_year, district_reports()),
    "reports:bonus": (_year, district_reports()),
    "reports:bonus_xlsx": (_year, district_reports()),
    # --- units
    "units:unit_list": (_none, roles()),
    "units:unit_detail": (lambda w: {"code": w.unit_a.code}, roles(**NOT_B)),
    "units:unit_detail#unknown": (lambda w: {"code": "ZZ99"}, roles(default=404)),
    "units:cadre_list": (_none, roles()),
    "units:category_list": (_none, roles(reporter_a=403, reporter_b=403)),
    # --- years, schemes, targets, results
    "assessment:year_list": (_none, roles()),
    "assessment:year_create": (_none, everyone(405)),
    "assessment:year_detail": (_year, roles()),
    "assessment:year_detail#unknown": (lambda w: {"year": 2099}, roles(default=404)),
    "assessment:year_transition": (_year, everyone(405)),
    "assessment:scheme_index": (_year, roles(default=REDIRECT)),
    "assessment:scheme_detail": (lambda w: {"year": 2026, "category": "town"}, roles()),
    # The scheme is fixed in the publicity: the office is sent back to it.
    "assessment:indicator_create": (
        lambda w: {"year": 2026, "category": "town"},
        office_only(office=REDIRECT, admin=REDIRECT),
    ),
    "assessment:indicator_edit": (
        lambda w: {"year": 2026, "pk": w.gdp.pk},
        office_only(office=REDIRECT, admin=REDIRECT),
    ),
    "assessment:indicator_delete": (lambda w: {"year": 2026, "pk": w.gdp.pk}, everyone(405)),
    # The catalogue is part of the scheme: fixed in the publicity (the office is sent back);
    # an unknown item is not found for those who may edit items.
    "assessment:item_create": (
        lambda w: {"year": 2026, "pk": w.deduction.pk},
        office_only(office=REDIRECT, admin=REDIRECT),
    ),
    "assessment:item_edit": (
        lambda w: {"year": 2026, "pk": 999_999},
        office_only(office=404, admin=404),
    ),
    "assessment:target_index": (_year, roles(reporter_a=REDIRECT, reporter_b=REDIRECT)),
    "assessment:targets": (_year_unit, roles(**NOT_B)),
    "assessment:compute": (_year, everyone(405)),
    "assessment:results_index": (_year, roles(default=REDIRECT)),
    "assessment:results": (lambda w: {"year": 2026, "category": "town"}, roles()),
    # --- evidence
    "assessment:evidence_unit_home": (_year_unit, roles(**NOT_B)),
    # The record form offers the indicators the user may record for 甲镇: none to a leader.
    "assessment:evidence_record": (_year_unit, roles(reporter_b=403, leader=403)),
    "assessment:highlight_add": (_year_unit, everyone(405)),
    "assessment:highlight_withdraw": (_pk("highlight_a"), everyone(405)),
    # 甲镇's pending GDP record: its unit, the lead department of GDP and the office correct it.
    "assessment:evidence_correct": (
        _pk("evidence_a"),
        roles(reporter_b=403, supervision=403, leader=403),
    ),
    # The deduction against 甲镇 is answered by 甲镇's users only.
    "assessment:evidence_statement": (
        _pk("failure_a"),
        roles(default=403, reporter_a=200),
    ),
    "assessment:evidence_attachment": (_pk("attachment_a"), roles(**NOT_B)),
    # shown in place on the verification page to exactly those who may download it
    "assessment:evidence_attachment_preview": (_pk("attachment_a"), roles(**NOT_B)),
    # --- verification and failures
    "assessment:verify_queue": (_year, office_only(lead=200)),
    "assessment:verify_decide": (_year, everyone(405)),
    "assessment:verify_record": (
        lambda w: {"year": 2026, "pk": w.evidence_a.pk},
        office_only(lead=200),
    ),
    "assessment:verify_failure_record": (_year, office_only(supervision=200)),
    # --- catalogued items and waivers: every staff member reads the claims they may read
    # (a unit its own); the office proposes, confirms and lists waivers
    "assessment:claims": (_year, roles()),
    "assessment:waiver_list": (_year, office_only()),
    "assessment:waiver_propose": (_pk("failure_a"), office_only()),
    "assessment:waiver_decide": (lambda w: {"pk": 1}, everyone(405)),
    # --- grading
    "assessment:grading_index": (_year, office_only(lead=200)),
    "assessment:grading_grid": (
        lambda w: {"year": 2026, "pk": w.party.pk},
        office_only(lead=200),
    ),
    "assessment:grading_grid#not_led": (
        lambda w: {"year": 2026, "pk": w.other_graded.pk},
        office_only(),
    ),
    "assessment:grading_grid#not_graded": (
        lambda w: {"year": 2026, "pk": w.gdp.pk},
        office_only(lead=404, office=404, admin=404),
    ),
    # --- key projects (planning is closed in the publicity: the office is sent back)
    "assessment:project_list": (_year, roles()),
    "assessment:project_create": (_year, office_only(office=REDIRECT, admin=REDIRECT)),
    "assessment:project_detail": (_pk("project"), roles(**NOT_B)),
    "assessment:project_edit": (_pk("project"), office_only(office=REDIRECT, admin=REDIRECT)),
    "assessment:project_milestone_add": (
        _pk("project"),
        office_only(office=REDIRECT, admin=REDIRECT),
    ),
    "assessment:project_task_add": (
        _pk("milestone"),
        office_only(office=REDIRECT, admin=REDIRECT),
    ),
    "assessment:project_progress_record": (_pk("task"), project_report()),
    "assessment:project_progress_correct": (_pk("update"), project_report()),
    "assessment:project_progress_decide": (_pk("update"), everyone(405)),
    "assessment:project_contribution_record": (_pk("project"), project_report()),
    "assessment:project_contribution_correct": (_pk("contribution"), project_report()),
    "assessment:project_contribution_decide": (_pk("contribution"), everyone(405)),
    # --- imports
    "assessment:import_index": (_none, roles(leader=403)),
    "assessment:import_log": (_none, office_only(leader=200)),
    "assessment:import_template": (lambda w: {"kind": "evidence"}, roles(leader=403)),
    "assessment:import_template#targets": (lambda w: {"kind": "targets"}, office_only()),
    "assessment:import_template#unknown": (
        lambda w: {"kind": "nonsense"},
        roles(default=404),
    ),
    "assessment:import_upload": (lambda w: {"kind": "evidence"}, roles(leader=403)),
    "assessment:import_job": (_pk("job"), {**job_of_reporter_a(200), "anonymous": LOGIN}),
    # A finished job's progress is an empty answer telling the page to reload.
    "assessment:import_progress": (_pk("job"), {**job_of_reporter_a(204), "anonymous": LOGIN}),
    "assessment:import_confirm": (_pk("job"), everyone(405)),
    "assessment:import_retry": (_pk("job"), everyone(405)),
    "assessment:import_marked": (_pk("job"), {**job_of_reporter_a(200), "anonymous": LOGIN}),
    # --- results: score sheets, objections, publications
    # In the publicity a unit reads its own sheet, not a peer's (its ranking it does read).
    "assessment:score_sheet": (_year_unit, roles(**NOT_B)),
    "assessment:indicator_records": (
        lambda w: {"year": 2026, "unit": "A01", "indicator": "E01"},
        roles(**NOT_B),
    ),
    "assessment:objection_list": (_year, roles()),
    "assessment:objection_file": (_year_unit, roles(default=403, reporter_a=200)),
    "assessment:objection_detail": (_pk("objection"), roles(**NOT_B)),
    "assessment:objection_resolve": (_pk("objection"), everyone(405)),
    "assessment:publish": (_year, everyone(405)),
    "assessment:publication_list": (lambda w: {"year": 2025}, roles()),
    "assessment:publication_document": (
        lambda w: {"year": 2025, "version": 1},
        office_only(leader=200),
    ),
}

# Known access bugs: {(url name, role): reason}. The matrix holds the correct status; these
# cases are expected to fail until the bug is fixed (strict: a fix makes the suite say so).
KNOWN_BUGS: dict[tuple[str, str], str] = {}
