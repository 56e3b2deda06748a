"""One source per figure (一数一源): an indicator that names its data source unit takes its
figures from that unit, once for every unit.

Hand-built district: two towns 甲镇 (A01) and 乙镇 (B01), the statistics bureau 区统计局 (TJ01)
as the data source of GDP and of fixed-asset investment (INV), GDP led by 区发改局 (JJ01).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessment.imports import workbook_import
from assessment.models import Evidence, EvidenceStatus, Indicator, IntegritySignal
from assessment.selectors.evidence import indicators_overdue, unit_progress
from assessment.selectors.sources import source_differences
from assessment.selectors.verify import queue_for_user
from assessment.services.evidence import evidence_record, evidence_verify
from assessment.services.integrity import integrity_compute
from tests.assessment.factories import IndicatorFactory
from tests.factories import UnitFactory, UserFactory
from tests.imports_helpers import xlsx_bytes
from units.roles import Role

pytestmark = [pytest.mark.django_db]

D = Decimal
EVIDENCE = ["单位代码", "指标代码", "日期", "数值", "说明"]


@pytest.fixture
def stats(economic):
    return UnitFactory(code="TJ01", name="区统计局", category=economic, headcount=20)


@pytest.fixture
def tongji(stats):
    """A reporter of the statistics bureau: an ordinary unit user, not the office."""
    return UserFactory(username="tongji", role=Role.REPORTER, unit=stats)


@pytest.fixture
def gdp(year, town, stats, lead_unit):
    return IndicatorFactory(
        year=year, category=town, code="GDP", name="地区生产总值", source_unit=stats,
        lead_unit=lead_unit, measure="万元",
    )  # fmt: skip


@pytest.fixture
def inv(year, town, stats):
    return IndicatorFactory(
        year=year, category=town, code="INV", name="固定资产投资", source_unit=stats
    )


@pytest.fixture
def party(year, town):
    """An indicator without a source: each town records its own."""
    return IndicatorFactory(year=year, category=town, code="PARTY", name="党建活动")


def record(unit, indicator, by, value, day=datetime.date(2026, 6, 30), note="统计快报"):
    return evidence_record(
        unit=unit, indicator=indicator, date=day, value=D(value), description=note, by=by
    )


def import_rows(rows, user):
    return workbook_import(
        kind="evidence",
        data=xlsx_bytes([EVIDENCE, *rows]),
        file_name="统计局数据.xlsx",
        user=user,
    )


# --- who records a source-fed indicator --------------------------------------------------------


def test_a_unit_may_not_record_a_source_fed_indicator_and_is_told_who_provides_it(
    unit_a, gdp, reporter_a, in_english
):
    with pytest.raises(ValidationError) as refused:
        record(unit_a, gdp, reporter_a, 120)
    assert "区统计局" in " ".join(refused.value.messages)
    assert "一数一源" in " ".join(refused.value.messages)
    assert not Evidence.objects.exists()


def test_the_lead_department_of_a_source_fed_indicator_does_not_record_it_either(
    unit_a, gdp, lead_user
):
    with pytest.raises(ValidationError, match="区统计局"):
        record(unit_a, gdp, lead_user, 120)


def test_the_source_unit_records_for_every_unit_and_its_records_name_it(
    unit_a, unit_b, stats, gdp, tongji
):
    first = record(unit_a, gdp, tongji, 120)
    second = record(unit_b, gdp, tongji, 95)
    assert [first.data_source, second.data_source] == [stats, stats]
    assert first.status == EvidenceStatus.PENDING


def test_a_unit_that_is_not_the_source_cannot_record_for_another_unit(
    unit_a, unit_b, party, gdp, reporter_a
):
    for indicator in (party, gdp):
        with pytest.raises(ValidationError):
            record(unit_b, indicator, reporter_a, 10)
    assert not Evidence.objects.exists()


def test_a_source_fed_indicator_is_never_the_units_overdue_indicator(unit_a, gdp, party):
    overdue = indicators_overdue(unit=unit_a, year=gdp.year, today=datetime.date(2026, 6, 30))
    assert [row.indicator.code for row in overdue] == ["PARTY"]


def test_the_source_unit_records_only_the_indicators_it_provides(unit_a, party, tongji):
    with pytest.raises(ValidationError):
        record(unit_a, party, tongji, 10)


def test_only_the_office_verifies_the_figures_of_a_source(
    unit_a, gdp, tongji, lead_user, office_user
):
    figure = record(unit_a, gdp, tongji, 120)
    with pytest.raises(ValidationError):
        evidence_verify(record=figure, by=lead_user, accept=True)
    with pytest.raises(ValidationError):
        evidence_verify(record=figure, by=tongji, accept=True)
    evidence_verify(record=figure, by=office_user, accept=True)
    figure.refresh_from_db()
    assert figure.status == EvidenceStatus.VERIFIED


def test_an_indicator_names_a_source_only_for_a_quantitative_method(year, town, stats):
    survey = Indicator(
        year=year, category=town, code="SAT", name="满意度", points=D(10), method="survey",
        source_unit=stats,
    )  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        survey.full_clean()
    assert "source_unit" in refused.value.message_dict


# --- the record form ---------------------------------------------------------------------------


def test_the_record_form_shows_a_source_fed_indicator_read_only_with_its_source(
    client, unit_a, gdp, party, reporter_a
):
    client.force_login(reporter_a)
    url = reverse("assessment:evidence_record", kwargs={"year": 2026, "unit": "A01"})

    page = client.get(url, {"indicator": gdp.pk})

    assert page.status_code == 200
    html = page.content.decode()
    assert "<fieldset disabled>" in html
    assert 'id="year-closed"' in html
    assert "「地区生产总值」的数据由数据来源单位「区统计局」统一为各单位提供" in html
    assert 'id="record-submit"' not in html
    # the ordinary form names what the source provides, and offers only the unit's own
    plain = client.get(url).content.decode()
    assert 'id="sourced-elsewhere"' in plain
    assert f'<option value="{gdp.pk}"' not in plain
    assert f'<option value="{party.pk}"' in plain


def test_sending_the_form_on_a_source_fed_indicator_saves_nothing(
    client, unit_a, gdp, party, reporter_a
):
    client.force_login(reporter_a)
    url = reverse("assessment:evidence_record", kwargs={"year": 2026, "unit": "A01"})
    data = {"indicator": gdp.pk, "date": "2026-06-30", "value": "120", "description": "自报"}

    page = client.post(url, data)

    assert page.status_code == 200
    assert "区统计局" in page.content.decode()
    assert not Evidence.objects.exists()


# --- one workbook, every unit ------------------------------------------------------------------


def test_one_source_workbook_imported_once_fills_the_indicators_of_every_unit(
    client, unit_a, unit_b, stats, gdp, inv, tongji, reporter_a, office_user
):
    preview = import_rows(
        [
            ["A01", "GDP", "2026-06-30", 1200, "上半年地区生产总值"],
            ["B01", "GDP", "2026-06-30", 950, "上半年地区生产总值"],
            ["A01", "INV", "2026-06-30", 300, "上半年固定资产投资"],
            ["B01", "INV", "2026-06-30", 410, "上半年固定资产投资"],
        ],
        tongji,
    )
    assert preview.committed, preview.errors
    records = Evidence.objects.order_by("unit__code", "indicator__code")
    assert [(r.unit.code, r.indicator.code, r.value, r.data_source_id) for r in records] == [
        ("A01", "GDP", D(1200), stats.pk),
        ("A01", "INV", D(300), stats.pk),
        ("B01", "GDP", D(950), stats.pk),
        ("B01", "INV", D(410), stats.pk),
    ]
    assert {r.source_file for r in records} == {"统计局数据.xlsx"}
    for figure in records:
        evidence_verify(record=figure, by=office_user, accept=True)

    progress = {
        row.indicator.code: row for row in unit_progress(unit=unit_a, year=gdp.year).indicators
    }
    assert (progress["GDP"].verified, progress["GDP"].source_dated) == (
        D(1200),
        datetime.date(2026, 6, 30),
    )
    client.force_login(reporter_a)
    page = client.get(
        reverse("assessment:evidence_unit_home", kwargs={"year": 2026, "unit": "A01"})
    )
    html = page.content.decode()
    assert "数据由数据来源单位「区统计局」提供" in html
    assert "2026-06-30" in html

    # the same file again changes nothing
    again = import_rows([["A01", "GDP", "2026-06-30", 1200, "上半年地区生产总值"]], tongji)
    assert not again.errors and Evidence.objects.count() == 4


def test_a_unit_importing_a_source_fed_row_is_refused_with_a_row_error(
    unit_a, gdp, party, reporter_a, in_english
):
    preview = import_rows(
        [
            ["A01", "PARTY", "2026-06-30", 3, "党建活动"],
            ["A01", "GDP", "2026-06-30", 1300, "自报地区生产总值"],
        ],
        reporter_a,
    )
    assert not preview.committed
    messages = [str(error) for error in preview.errors]
    assert len(messages) == 1 and messages[0].startswith("Row 3: ")
    assert "区统计局" in messages[0]
    assert not Evidence.objects.exists()


# --- what counts: the source's figures only ----------------------------------------------------


def claim_before_the_source(unit, indicator, by, value, office):
    """A unit's own figure recorded (and verified) before the indicator named its source."""
    source = indicator.source_unit
    Indicator.objects.filter(pk=indicator.pk).update(source_unit=None)
    indicator.source_unit = None
    claim = record(unit, indicator, by, value, note="本镇自报地区生产总值")
    evidence_verify(record=claim, by=office, accept=True)
    Indicator.objects.filter(pk=indicator.pk).update(source_unit=source)
    indicator.source_unit = source
    return claim


def test_a_units_own_figure_stops_counting_once_the_indicator_names_its_source(
    unit_a, gdp, reporter_a, tongji, office_user
):
    claim = claim_before_the_source(unit_a, gdp, reporter_a, 1300, office_user)
    figure = record(unit_a, gdp, tongji, 1200)
    evidence_verify(record=figure, by=office_user, accept=True)

    assert list(Evidence.objects.counting()) == [figure]
    assert list(Evidence.objects.claims()) == [claim]
    row = next(r for r in unit_progress(unit=unit_a, year=gdp.year).indicators)
    assert (row.verified, row.verified_records) == (D(1200), 1)


# --- a unit's own figure against its source ----------------------------------------------------


@pytest.fixture
def contradicted(unit_a, unit_b, gdp, reporter_a, reporter_b, tongji, office_user):
    """甲镇 claims 1,272 against the source's 1,200 (6 % above: beyond 5 %); 乙镇 claims
    1,049 against 1,000 (4.9 %: a near miss)."""
    claims = [
        claim_before_the_source(unit_a, gdp, reporter_a, 1272, office_user),
        claim_before_the_source(unit_b, gdp, reporter_b, 1049, office_user),
    ]
    figures = [record(unit_a, gdp, tongji, 1200), record(unit_b, gdp, tongji, 1000)]
    for figure in figures:
        evidence_verify(record=figure, by=office_user, accept=True)
    return claims, figures


def test_a_difference_beyond_the_tolerance_is_listed_with_both_figures(contradicted, year):
    (claim_a, _claim_b), (figure_a, _figure_b) = contradicted

    differences = source_differences(year)

    assert [(d.unit.code, d.source, d.claim, d.difference) for d in differences] == [
        ("A01", "1200.000000", "1272.000000", "6.00")
    ]
    assert differences[0].source_records == [figure_a]
    assert differences[0].claim_records == [claim_a]


def test_a_wider_tolerance_of_the_year_lists_nothing(contradicted, year):
    year.source_tolerance = D("0.06")  # exactly 6 %: not beyond
    year.save()
    assert source_differences(year) == []


def test_the_integrity_check_raises_a_signal_on_the_contradiction_only(
    contradicted, year, office_user
):
    integrity_compute(year=year, by=office_user)

    signals = IntegritySignal.objects.filter(kind="source_contradiction")
    assert [(s.unit.code, s.facts["claim"], s.facts["source"]) for s in signals] == [
        ("A01", "1272.000000", "1200.000000")
    ]
    (claim_a, _), (figure_a, _) = contradicted
    assert set(signals[0].records.all()) == {claim_a, figure_a}


def test_the_office_reads_the_differences_page_with_both_documents(
    client, contradicted, office_user
):
    client.force_login(office_user)
    page = client.get(reverse("assessment:source_differences", kwargs={"year": 2026}))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-unit="A01"' in html and 'data-unit="B01"' not in html
    assert "本镇自报地区生产总值" in html and "统计快报" in html


def test_the_differences_page_makes_as_many_queries_for_more_differences(
    client, contradicted, unit_b, gdp, reporter_b, office_user
):
    client.force_login(office_user)
    url = reverse("assessment:source_differences", kwargs={"year": 2026})
    client.get(url)  # the first visit may fill caches
    with CaptureQueriesContext(connection) as with_one:
        assert 'data-unit="B01"' not in client.get(url).content.decode()

    # 乙镇 claims 100 more: 1,149 against the source's 1,000, 14.9 % above, in two records
    claim_before_the_source(unit_b, gdp, reporter_b, 100, office_user)

    with CaptureQueriesContext(connection) as with_two:
        html = client.get(url).content.decode()
    assert 'data-unit="A01"' in html and 'data-unit="B01"' in html
    assert len(with_two) == len(with_one)


# --- access ------------------------------------------------------------------------------------


def test_the_sources_page_is_the_source_units_and_the_offices(
    client, unit_a, gdp, tongji, reporter_a, lead_user, office_user
):
    url = reverse("assessment:source_index", kwargs={"year": 2026})
    for user, status in [(tongji, 200), (office_user, 200), (reporter_a, 403), (lead_user, 403)]:
        client.force_login(user)
        assert client.get(url).status_code == status, user
    differences = reverse("assessment:source_differences", kwargs={"year": 2026})
    for user, status in [(office_user, 200), (tongji, 403), (reporter_a, 403)]:
        client.force_login(user)
        assert client.get(differences).status_code == status, user


def test_the_source_unit_records_a_figure_for_a_unit_on_its_page(
    client, unit_a, stats, gdp, tongji
):
    client.force_login(tongji)
    url = reverse("assessment:source_index", kwargs={"year": 2026})
    data = {
        "indicator": gdp.pk, "unit": unit_a.pk, "date": "2026-06-30", "value": "1200",
        "description": "上半年地区生产总值",
    }  # fmt: skip
    assert client.post(url, data).status_code == 302
    saved = Evidence.objects.get()
    assert (saved.unit, saved.data_source, saved.recorded_by) == (unit_a, stats, tongji)
    page = client.get(url).content.decode()
    assert 'data-unit="A01"' in page and "2026-06-30" in page


def test_a_unit_cannot_post_figures_for_others_on_the_sources_page(client, unit_b, gdp, reporter_a):
    client.force_login(reporter_a)
    url = reverse("assessment:source_index", kwargs={"year": 2026})
    data = {"indicator": gdp.pk, "unit": unit_b.pk, "date": "2026-06-30", "value": "1"}
    assert client.post(url, {**data, "description": "x"}).status_code == 403
    assert not Evidence.objects.exists()


def test_another_units_records_stay_out_of_reach_by_their_ids(
    client, unit_a, unit_b, gdp, tongji, reporter_b
):
    figure = record(unit_a, gdp, tongji, 1200)
    client.force_login(reporter_b)
    correct = reverse("assessment:evidence_correct", kwargs={"pk": figure.pk})
    assert client.get(correct).status_code == 403
    home = reverse("assessment:evidence_unit_home", kwargs={"year": 2026, "unit": "A01"})
    assert client.get(home).status_code in (403, 404)
    # the source unit corrects the figures it provided, and reads no other unit's page
    client.force_login(tongji)
    assert client.get(correct).status_code == 200
    assert client.get(home).status_code in (403, 404)
    data = {"date": "2026-06-30", "value": "1250", "description": "统计快报（修订）"}
    done = client.post(correct, {**data, "reason": "统计局修订数据"})
    assert done.status_code == 302
    assert done.url == reverse("assessment:source_index", kwargs={"year": 2026})
    assert Evidence.objects.get(is_current=True).data_source == gdp.source_unit


def test_the_lead_department_is_not_asked_to_verify_a_sources_figures(
    unit_a, gdp, tongji, lead_user, office_user
):
    figure = record(unit_a, gdp, tongji, 1200)
    assert list(queue_for_user(lead_user, gdp.year)) == []
    assert list(queue_for_user(office_user, gdp.year)) == [figure]


def test_the_source_units_workbench_counts_the_units_still_without_its_figure(
    client, unit_a, unit_b, gdp, inv, tongji
):
    record(unit_a, gdp, tongji, 1200)
    client.force_login(tongji)
    page = client.get(reverse("home")).content.decode()
    # GDP and INV for 甲镇 and 乙镇: four figures to provide, one recorded
    assert 'data-task="sources"' in page
    task = page[page.index('data-task="sources"') :][:1500]
    assert 'data-field="count">3<' in task


# --- a unit's self-report (自报数): kept for the comparison, never counted ------------------------


def self_report(unit, by, value, indicator, day=datetime.date(2026, 6, 30)):
    return evidence_record(
        unit=unit, indicator=indicator, date=day, value=D(value), description="本镇自报", by=by,
        self_report=True,
    )  # fmt: skip


def test_a_unit_states_its_own_figure_on_the_form_and_it_never_counts(
    client, unit_a, gdp, reporter_a, tongji, office_user
):
    client.force_login(reporter_a)
    url = reverse("assessment:evidence_record", kwargs={"year": 2026, "unit": "A01"})
    form = client.get(url, {"indicator": gdp.pk}).content.decode()
    assert "自报数（仅供核对，不计分）" in form and 'id="self-report-form"' in form
    data = {"own-self_report": "1", "own-date": "2026-06-30", "own-value": "1300"}
    done = client.post(url, {**data, "indicator": gdp.pk, "own-description": "本镇统计口径"})
    assert done.status_code == 302
    own = Evidence.objects.get()
    assert (own.unit, own.value, own.data_source, own.is_self_report) == (
        unit_a, D(1300), None, True
    )  # fmt: skip
    # never asked about, never verified, never counted: the source's 1,200 is the figure
    assert list(queue_for_user(office_user, gdp.year)) == []
    with pytest.raises(ValidationError):
        evidence_verify(record=own, by=office_user, accept=True)
    source = record(unit_a, gdp, tongji, 1200)
    evidence_verify(record=source, by=office_user, accept=True)
    assert list(Evidence.objects.counting()) == [source]
    progress = {
        row.indicator.code: row for row in unit_progress(unit=unit_a, year=gdp.year).indicators
    }
    assert (progress["GDP"].verified, progress["GDP"].pending) == (D(1200), D(0))
    # the unit's timeline marks it
    home = reverse("assessment:evidence_unit_home", kwargs={"year": 2026, "unit": "A01"})
    page = client.get(home).content.decode()
    mark = page[page.index(f'id="record-{own.pk}"') :][:1200]
    assert "不计分（以数据来源单位的数据为准）" in mark and "待核实" not in mark


def test_a_self_report_beyond_the_tolerance_is_listed_and_one_within_is_silent(
    unit_a, unit_b, gdp, reporter_a, reporter_b, tongji, office_user, year
):
    """甲镇 says 1,272 against the source's 1,200: (1272 − 1200) / 1200 = 6 % > 5 %, listed.
    乙镇 says 1,050 against 1,000: exactly 5 %, within the tolerance, silent."""
    own_a = self_report(unit_a, reporter_a, 1272, gdp)
    self_report(unit_b, reporter_b, 1050, gdp)
    figure_a = record(unit_a, gdp, tongji, 1200)
    record(unit_b, gdp, tongji, 1000)

    differences = source_differences(year)

    assert [(d.unit.code, d.source, d.claim, d.difference) for d in differences] == [
        ("A01", "1200.000000", "1272.000000", "6.00")
    ]
    assert (differences[0].source_records, differences[0].claim_records) == ([figure_a], [own_a])


def test_a_unit_states_no_other_units_figure_and_corrects_its_own_as_a_self_report(
    client, unit_a, gdp, reporter_a, reporter_b
):
    with pytest.raises(ValidationError):
        self_report(unit_a, reporter_b, 1272, gdp)
    own = self_report(unit_a, reporter_a, 1272, gdp)
    client.force_login(reporter_a)
    correct = reverse("assessment:evidence_correct", kwargs={"pk": own.pk})
    data = {"date": "2026-06-30", "value": "1260", "description": "本镇自报（更正）"}
    assert client.post(correct, {**data, "reason": "口径更正"}).status_code == 302
    corrected = Evidence.objects.get(is_current=True)
    assert (corrected.value, corrected.is_self_report) == (D(1260), True)
