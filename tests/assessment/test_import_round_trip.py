"""Export → import round trips: what the admin exports imports back unchanged, kind by kind.

Each workbook is exported the way the admin does it (its resource, its ``SafeXLSX`` format,
through the export view) and previewed by the assessment office: every row must be unchanged
and there must be no error. Text that Excel would run as a formula stays the same text over
export → import → export, and numbers stay numeric cells.
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from assessment.admin import resources
from assessment.imports import RowStatus, workbook_import, workbook_preview
from assessment.models import (
    CadreEvaluation,
    CityRank,
    Evidence,
    EvidenceStatus,
    Grade,
    Indicator,
    PeriodTarget,
    ReportingPeriod,
    SurveyRate,
    Target,
    TeamEvaluation,
)
from tests.factories import CadreFactory, UnitFactory
from tests.imports_helpers import make_scheme, workbook_headers
from units.models import Unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

FORMULA_LIKE = ["=SUM(A1)", "+86 电话回访", "-5 万元差额", "@工作组", "＝全角等号开头"]

# (workbook kind, admin model as "app_model", export resource, rows exported)
EXPORTS = [
    pytest.param(kind, model, resource, count, id=model)
    for kind, model, resource, count in [
        ("units", "units_unit", resources.UnitResource, 9),
        ("cadres", "units_cadre", resources.CadreResource, 4),
        ("indicators", "assessment_indicator", resources.IndicatorExport, 6),
        ("targets", "assessment_target", resources.TargetExport, 3),
        # the period targets: rows of the same workbook, 期间 named
        ("targets", "assessment_periodtarget", resources.PeriodTargetExport, 3),
        ("evidence", "assessment_evidence", resources.EvidenceExport, 9),
        ("city_ranks", "assessment_cityrank", resources.CityRankExport, 2),
        ("grades", "assessment_grade", resources.GradeExport, 2),
        ("surveys", "assessment_surveyrate", resources.SurveyExport, 2),
        # team and cadre evaluations: two admin exports, one workbook kind
        ("evaluations", "assessment_teamevaluation", resources.TeamEvaluationExport, 2),
        ("evaluations", "assessment_cadreevaluation", resources.CadreEvaluationExport, 3),
    ]
]


@pytest.fixture
def district(town, economic, unit_a, unit_b, lead_unit, cadres):
    """A small district in the middle of its year: every kind of record, as clerks type it.

    Names and descriptions hold full-width punctuation and text that Excel would run as a
    formula; numbers have decimals; one record was corrected and one rejected.
    """
    year = make_scheme(status="collecting", town=town, economic=economic, lead_unit=lead_unit)
    Indicator.objects.filter(code="GDP").update(cap=Decimal("1.2"), aggregation="latest")
    Indicator.objects.filter(code="RANK").update(step=Decimal("0.5"), name=FORMULA_LIKE[0])
    Indicator.objects.filter(code="SAT").update(name="群众满意度（测评）", total_share=0)
    UnitFactory(code="A0101", name="甲镇（城关社区）", category=town, headcount=8, parent=unit_a)
    for number, text in enumerate(FORMULA_LIKE, start=1):
        UnitFactory(code=f"X0{number}", name=text, category=economic, headcount=number)
    seconded = CadreFactory(unit=lead_unit, name="赵六（挂职）", position=FORMULA_LIKE[4])
    cadres = [*cadres, seconded]
    indicators = {i.code: i for i in Indicator.objects.filter(year=year)}
    _targets(indicators, unit_a, unit_b, lead_unit, cadres)
    _evidence(indicators, unit_a, unit_b)
    _assessments(year, indicators, unit_a, unit_b, cadres)
    return year


def _targets(indicators, unit_a, unit_b, lead_unit, cadres):
    gdp = indicators["GDP"]
    Target.objects.create(
        indicator=gdp, unit=unit_a, target=Decimal("12000.5"), base=10000, leader=cadres[0]
    )
    Target.objects.create(indicator=gdp, unit=unit_b, target=Decimal("9800"))
    Target.objects.create(
        indicator=indicators["TAX"], unit=lead_unit, target=Decimal("35000.25"), leader=cadres[3]
    )
    year = gdp.year
    q1, q2 = (
        ReportingPeriod.objects.create(
            year=year, name=name, starts_on=datetime.date(2026, first, 1), ends_on=ends
        )
        for name, first, ends in [
            ("Q1", 1, datetime.date(2026, 3, 31)),
            ("Q2", 4, datetime.date(2026, 6, 30)),
        ]
    )
    PeriodTarget.objects.create(period=q1, unit=unit_a, indicator=gdp, share=Decimal("0.2"))
    PeriodTarget.objects.create(period=q2, unit=unit_a, indicator=gdp, share=Decimal("0.4525"))
    PeriodTarget.objects.create(period=q2, unit=unit_b, indicator=gdp, value=Decimal("4500.5"))


def _evidence(indicators, unit_a, unit_b):
    gdp = indicators["GDP"]

    def record(unit, day, value, description, **extra):
        return Evidence.objects.create(
            unit=unit,
            indicator=extra.pop("indicator", gdp),
            date=datetime.date(2026, *day),
            value=Decimal(value),
            description=description,
            **extra,
        )

    record(unit_a, (3, 31), "3200.25", "一季度，完成“开门红”（超额）")
    record(unit_b, (6, 30), "5100", "上半年", status=EvidenceStatus.VERIFIED)
    record(unit_a, (5, 1), "1.5", "获省级表彰", indicator=indicators["AWARD"])
    for number, text in enumerate(FORMULA_LIKE, start=1):
        record(unit_b, (7, number), number, text)
    wrong = record(unit_a, (4, 30), "100", "四月")
    wrong.is_current = False
    wrong.save()
    record(unit_a, (4, 30), "120", "四月", supersedes=wrong, correction_reason="录入错误")
    record(unit_b, (8, 1), "7", "重复填报", status=EvidenceStatus.REJECTED)


def _assessments(year, indicators, unit_a, unit_b, cadres):
    for unit, rank, grade, rate, score in [
        (unit_a, 3, "A", "0.9235", "92.5"),
        (unit_b, 7, "B", "88.5", "88"),
    ]:
        CityRank.objects.create(indicator=indicators["RANK"], unit=unit, rank=rank, total=12)
        Grade.objects.create(indicator=indicators["PARTY"], unit=unit, grade=grade)
        SurveyRate.objects.create(indicator=indicators["SAT"], unit=unit, rate=Decimal(rate))
        TeamEvaluation.objects.create(year=year, unit=unit, score=Decimal(score))
    CadreEvaluation.objects.create(year=year, cadre=cadres[0], score=Decimal("95"))
    CadreEvaluation.objects.create(year=year, cadre=cadres[2], score=Decimal("90.25"))
    CadreEvaluation.objects.create(year=year, cadre=cadres[3], score=Decimal("86"))


def admin_export(client, model: str, resource) -> bytes:
    """The admin's export of ``model`` with every column of ``resource`` (its xlsx format)."""
    prefix = resource.__name__.lower()
    form = {"format": "0", "resource": "0"}
    form.update({f"{prefix}_{name}": "on" for name in resource._meta.fields})
    response = client.post(reverse(f"admin:{model}_export"), form)
    assert response.status_code == 200, response.content[:500]
    return response.content


def sheet_of(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]


def values_of(data: bytes) -> list[tuple]:
    return sorted(sheet_of(data).iter_rows(values_only=True), key=repr)


def preview_of(kind: str, data: bytes, user):
    return workbook_preview(kind=kind, data=data, file_name=f"{kind}.xlsx", user=user)


@pytest.mark.parametrize(("kind", "model", "resource", "count"), EXPORTS)
def test_every_export_imports_back_unchanged(
    client, office_user, district, kind, model, resource, count
):
    client.force_login(office_user)
    data = admin_export(client, model, resource)
    preview = preview_of(kind, data, office_user)
    assert [str(error) for error in preview.errors] == []
    assert [row.status for row in preview.rows] == [RowStatus.UNCHANGED] * count


@pytest.mark.parametrize(("kind", "model", "resource", "count"), EXPORTS)
def test_every_export_has_its_kinds_headers_in_the_workbooks_order(
    client, office_user, district, kind, model, resource, count
):
    client.force_login(office_user)
    headers = [cell.value for cell in sheet_of(admin_export(client, model, resource))[1]]
    if model == "assessment_teamevaluation":  # a team's evaluation names no cadre
        assert headers == ["年度", "单位代码", "测评得分"]
    else:
        assert headers == workbook_headers(kind)


@pytest.mark.parametrize(("kind", "model", "resource", "count"), EXPORTS)
def test_numbers_are_exported_as_numbers(
    client, office_user, district, kind, model, resource, count
):
    client.force_login(office_user)
    sheet = sheet_of(admin_export(client, model, resource))
    numeric = {"年度", "编制人数", "分值", "封顶系数", "总量占比", "名次步长", "目标值", "基数"}
    numeric |= {"数值", "名次", "参评总数", "得分率", "测评得分"}
    headers = [cell.value for cell in sheet[1]]
    checked = 0
    for row in sheet.iter_rows(min_row=2):
        for header, cell in zip(headers, row, strict=True):
            if header == "目标值" and str(cell.value).endswith("%"):
                assert model == "assessment_periodtarget"  # a share, written as the form takes it
            elif header in numeric and cell.value not in (None, ""):
                assert cell.data_type == "n", (header, cell.value)
                checked += 1
            elif header == "日期":
                assert cell.is_date, cell.value
    assert checked or not numeric & set(headers)


def test_the_period_targets_are_exported_as_the_targets_workbook_takes_them(
    client, office_user, district
):
    client.force_login(office_user)
    data = admin_export(client, "assessment_periodtarget", resources.PeriodTargetExport)
    # a share as a percentage (0.4525 → 45.25%), a figure as a number; no base, no leader
    assert [row for row in values_of(data) if row[0] == 2026] == [
        (2026, "A01", "GDP", "Q1", "20%", None, None),
        (2026, "A01", "GDP", "Q2", "45.25%", None, None),
        (2026, "B01", "GDP", "Q2", 4500.5, None, None),
    ]
    # the admin lists them to read and export; they change through the targets form or workbook
    listing = client.get(reverse("admin:assessment_periodtarget_changelist"))
    assert listing.status_code == 200 and "0.4525" in listing.content.decode()
    assert not listing.context["has_add_permission"]
    assert client.get(reverse("admin:assessment_periodtarget_add")).status_code == 403


def test_the_superseded_and_the_rejected_evidence_are_not_exported(client, office_user, district):
    client.force_login(office_user)
    rows = values_of(admin_export(client, "assessment_evidence", resources.EvidenceExport))
    april = [row for row in rows if row[4] == "四月"]
    assert [row[3] for row in april] == [120]
    assert not [row for row in rows if row[4] == "重复填报"]


def _texts(data: bytes, header: str) -> list[str]:
    sheet = sheet_of(data)
    column = [cell.value for cell in sheet[1]].index(header) + 1
    cells = [sheet.cell(row=row, column=column) for row in range(2, sheet.max_row + 1)]
    for cell in cells:
        if isinstance(cell.value, str) and cell.value.startswith(tuple("=+-@＝")):
            assert (cell.data_type, cell.quotePrefix) == ("s", True), cell.value
    return sorted(str(cell.value) for cell in cells)


def export_import_export(client, user, kind, model, resource, forget=None):
    """Export, let ``forget`` change the database, import the export, export again."""
    client.force_login(user)
    first = admin_export(client, model, resource)
    if forget is not None:
        forget()
    imported = workbook_import(kind=kind, data=first, file_name=f"{kind}.xlsx", user=user)
    assert [str(error) for error in imported.errors] == []
    return first, imported, admin_export(client, model, resource)


TEXT_COLUMNS = [
    pytest.param("units", "units_unit", resources.UnitResource, "单位名称", id="unit names"),
    pytest.param("cadres", "units_cadre", resources.CadreResource, "职务", id="positions"),
    pytest.param(
        "indicators",
        "assessment_indicator",
        resources.IndicatorExport,
        "指标名称",
        id="indicator names",
    ),
    pytest.param(
        "evidence", "assessment_evidence", resources.EvidenceExport, "说明", id="descriptions"
    ),
]


@pytest.mark.parametrize(("kind", "model", "resource", "header"), TEXT_COLUMNS)
def test_formula_like_text_is_the_same_after_export_import_export(
    client, office_user, district, kind, model, resource, header
):
    first, imported, second = export_import_export(client, office_user, kind, model, resource)
    assert set(FORMULA_LIKE) & set(_texts(first, header))
    assert not imported.committed  # nothing to write: every row unchanged
    assert _texts(second, header) == _texts(first, header)
    assert values_of(second) == values_of(first)


# Written by an import, free text is kept as typed, the full-width "＝" included.
AS_TYPED = FORMULA_LIKE


def _rename_units() -> None:
    Unit.objects.filter(name__in=AS_TYPED).update(name="改过的名称")


def _delete_evidence() -> None:
    Evidence.objects.filter(description__in=AS_TYPED).delete()


@pytest.mark.parametrize(
    ("kind", "model", "resource", "header", "forget", "status"),
    [
        pytest.param(
            "units",
            "units_unit",
            resources.UnitResource,
            "单位名称",
            _rename_units,
            "changed",
            id="units",
        ),
        pytest.param(
            "evidence",
            "assessment_evidence",
            resources.EvidenceExport,
            "说明",
            _delete_evidence,
            "new",
            id="evidence",
        ),
    ],
)
def test_formula_like_text_written_by_an_import_reads_back_the_same(
    client, office_user, district, kind, model, resource, header, forget, status
):
    """An import stores the text itself, not the quote prefix that kept it inert in Excel."""
    first, imported, second = export_import_export(
        client, office_user, kind, model, resource, forget
    )
    assert imported.committed and imported.counts[status] == len(AS_TYPED)
    assert _texts(second, header) == _texts(first, header)
    assert values_of(second) == values_of(first)
