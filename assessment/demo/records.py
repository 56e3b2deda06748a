"""The demo year's records: evidence (verified, pending, rejected, corrected, late), the imported
ranks, grades and rates, evaluations, highlights, statements and an attachment."""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from decimal import Decimal
from typing import cast

from django.contrib.auth.models import User as AuthUser
from django.core.files.base import ContentFile
from django.utils import timezone

from assessment.demo.plans import (
    CENT,
    Plan,
    _day,
    _dec,
    _note,
)
from assessment.demo.scheme import (
    DEDUCTION_ITEM,
    DEMO_PDF,
    DEMO_PDF_NAME,
    DEMO_YEAR,
    FAILURES,
    GRADE_A_REASONS,
    GRADE_D_REASONS,
    HIGHLIGHTS,
    LAST_MONTH,
    LATE_REASON,
    REJECTIONS,
    STATEMENT_TEXTS,
    VETO_ITEM,
    Item,
    M,
)
from assessment.demo.world import (
    District,
    IndicatorKey,
    PlanKey,
    bulk_write,
)
from assessment.lib import attachments as files
from assessment.lib.history import set_change_reason, set_history_user
from assessment.models import (
    AssessmentYear,
    CadreEvaluation,
    CityRank,
    Evidence,
    EvidenceStatement,
    EvidenceStatus,
    Grade,
    Highlight,
    Indicator,
    SurveyRate,
    TeamEvaluation,
)
from units.models import Unit


def _verified_at(date: datetime.date, rng: random.Random) -> datetime.datetime:
    moment = datetime.datetime.combine(
        date + datetime.timedelta(days=rng.randint(2, 12)),
        datetime.time(rng.randint(9, 17), rng.randint(0, 59)),
    )
    return timezone.make_aware(moment)


def entered_at(date: datetime.date) -> datetime.datetime:
    """When the demo's record of ``date`` was entered: the next morning (before any decision,
    which comes two days or more after the date)."""
    return timezone.make_aware(
        datetime.datetime.combine(date + datetime.timedelta(days=1), datetime.time(9, 30))
    )


def evidence_row(
    unit: Unit,
    indicator: Indicator,
    entry: tuple[datetime.date, Decimal, str],
    status: str,
    recorder: AuthUser | None,
    district: District,
    rng: random.Random,
    reason: str = "",
) -> Evidence:
    date, value, text = entry
    reviewed = status != EvidenceStatus.PENDING
    record = Evidence(
        unit=unit,
        indicator=indicator,
        date=date,
        value=value,
        description=text,
        status=status,
        recorded_by=recorder,
        data_source_id=indicator.source_unit_id,  # 一数一源: the source's figure
        recorded_at=entered_at(date),
        verified_by=district.office if reviewed else None,
        verified_at=_verified_at(date, rng) if reviewed else None,
        status_reason=reason,
    )
    if district.catalogue is not None:
        district.catalogue.name(record)  # a bonus or deduction by the list: its item, document
    set_history_user(record, recorder or district.office)
    return record


def _unit_evidence(
    unit: Unit, item: Item, indicator: Indicator, plan: Plan, district: District, rng: random.Random
) -> list[Evidence]:
    """Mostly verified; September and October partly still pending; now and then a rejection."""
    recorder: AuthUser | None
    if item.method == M.DEDUCTION:
        recorder = district.supervision or district.office
    elif indicator.source_unit_id is not None:  # 一数一源: the source records for every unit
        recorder = district.reporters.get(indicator.source_unit_id)
    else:
        recorder = district.reporters.get(unit.pk)
    rows = []
    for entry in sorted(plan.records):
        pending = entry[0].month >= LAST_MONTH - 1 and rng.random() < 0.2
        status = EvidenceStatus.PENDING if pending else EvidenceStatus.VERIFIED
        rows.append(evidence_row(unit, indicator, entry, status, recorder, district, rng))
    if plan.records and item.method not in (M.BONUS, M.DEDUCTION) and rng.random() < 0.06:
        reason = rng.choice(REJECTIONS)
        date, value, text = rng.choice(plan.records)
        if reason != REJECTIONS[0]:  # a wrong figure rather than the same one twice
            value = (value * Decimal(rng.choice(["1.3", "1.5", "2"]))).quantize(CENT)
        entry = (date, value, text)
        rows.append(
            evidence_row(
                unit, indicator, entry, EvidenceStatus.REJECTED, recorder, district, rng, reason
            )
        )
    return rows


def _veto_evidence(
    indicators: dict[IndicatorKey, Indicator], district: District, rng: random.Random
) -> list[Evidence]:
    """One verified veto (a serious accident) and one reported incident still being checked."""
    first_category = district.units[0].category_id  # towns: where such accidents happen
    vetoed = rng.choice([u for u in district.units if u.category_id == first_category])
    checking = rng.choice([u for u in district.units if u is not vetoed] or [vetoed])
    cases = [
        (
            vetoed,
            EvidenceStatus.VERIFIED,
            "发生较大生产安全事故（3人死亡），经区考核委员会审定一票否决",
        ),
        (checking, EvidenceStatus.PENDING, "辖区发生群体性聚集事件，是否构成一票否决情形待核实"),
    ]
    rows = []
    for unit, status, text in cases:
        date = _day(rng, rng.randint(6, LAST_MONTH))
        entry = (date, Decimal(1), f"{date.month}月{date.day}日{text}")
        indicator = indicators[(unit.category_id, VETO_ITEM.code)]
        rows.append(evidence_row(unit, indicator, entry, status, district.office, district, rng))
    return rows


def _seed_evidence(
    plans: dict[PlanKey, Plan],
    indicators: dict[IndicatorKey, Indicator],
    district: District,
    rng: random.Random,
) -> int:
    rows = []
    for (unit, item), plan in plans.items():
        indicator = indicators[(unit.category_id, item.code)]
        rows += _unit_evidence(unit, item, indicator, plan, district, rng)
    rows += _veto_evidence(indicators, district, rng)
    created = bulk_write(Evidence, rows, district)
    return len(created) + _correct(created, district, rng)


def _correct(records: list[Evidence], district: District, rng: random.Random) -> int:
    """A couple of verified figures found wrong later: a correction supersedes each."""
    flows = [
        record
        for record in records
        if record.status == EvidenceStatus.VERIFIED
        and record.indicator.method in (M.COMPLETION, M.INCREMENT)
        and record.value > 10
    ]
    corrections = []
    for old in rng.sample(flows, min(3, len(flows))):
        verified_at = cast(datetime.datetime, old.verified_at)  # verified: it has the time
        value = (old.value * Decimal(rng.choice(["0.9", "0.95", "1.05"]))).quantize(old.value)
        text = (
            f"更正{old.date.month}月数据：原填报{old.value}，"
            f"经核对应为{value}{old.indicator.measure}（{old.description}）"
        )[:500]
        correction = Evidence(
            unit=old.unit,
            indicator=old.indicator,
            date=old.date,
            value=value,
            description=text,
            status=EvidenceStatus.VERIFIED,
            supersedes=old,
            recorded_by=old.recorded_by,
            data_source_id=old.data_source_id,
            recorded_at=verified_at + datetime.timedelta(days=19),
            verified_by=district.office,
            verified_at=verified_at + datetime.timedelta(days=20),
        )
        set_history_user(correction, old.recorded_by or district.office)
        corrections.append(correction)
    bulk_write(Evidence, corrections, district)
    for correction in corrections:
        superseded = cast(Evidence, correction.supersedes)  # set above
        superseded.is_current = False
        set_history_user(superseded, district.office)
        set_change_reason(superseded, "已被更正记录取代")
        superseded.save(update_fields=["is_current"])
    return len(corrections)


# --- imported assessments, evaluations, key projects -------------------------------------------


def _by_quality(units: list[Unit], district: District, rng: random.Random) -> list[Unit]:
    """Units best first by how well they work, with some noise: graders do not all agree."""
    noisy = {unit.pk: district.quality[unit.pk] + rng.uniform(-0.08, 0.08) for unit in units}
    return sorted(units, key=lambda unit: -noisy[unit.pk])


def _city_ranks(
    item: Item, indicator: Indicator, units: list[Unit], district: District, rng: random.Random
) -> list:
    ordered = _by_quality(units, district, rng)
    total = item.rank_total
    if total >= 3 * len(units):  # ranked among many: our units hold distinct places
        places = sorted(rng.sample(range(1, total + 1), len(units)))
    else:  # each compared with its peers in the city's other districts
        places = [
            min(total, max(1, round(1 + (1.22 - district.quality[unit.pk]) / 0.4 * (total - 1))))
            for unit in ordered
        ]
    return [
        CityRank(indicator=indicator, unit=unit, rank=rank, total=total)
        for unit, rank in zip(ordered, places, strict=True)
    ]


def _grades(
    item: Item, indicator: Indicator, units: list[Unit], district: District, rng: random.Random
) -> list:
    rows = []
    ordered = _by_quality(units, district, rng)
    for position, unit in enumerate(ordered):
        share = position / len(ordered)
        grade = "A" if share < 0.25 else "B" if share < 0.7 else "C" if share < 0.9 else "D"
        reasons = {"A": GRADE_A_REASONS, "D": GRADE_D_REASONS}.get(grade)
        reason = rng.choice(reasons) if reasons else ""
        rows.append(Grade(indicator=indicator, unit=unit, grade=grade, reason=reason))
    return rows


def _survey_rates(
    item: Item, indicator: Indicator, units: list[Unit], district: District, rng: random.Random
) -> list:
    rows = []
    for unit in units:
        rate = 0.9 + 0.12 * (district.quality[unit.pk] - 1) + rng.uniform(-0.02, 0.02)
        rate = min(0.99, max(0.78, rate))
        value = _dec(rate * 100, 2) if item.percent else _dec(rate, 4)
        rows.append(SurveyRate(indicator=indicator, unit=unit, rate=value))
    return rows


_IMPORTS = {M.CITY_RANK: _city_ranks, M.GRADED: _grades, M.SURVEY: _survey_rates}


def seed_imports(
    year: AssessmentYear,
    indicators: dict[IndicatorKey, Indicator],
    district: District,
    rng: random.Random,
) -> None:
    by_category: dict[int, list[Unit]] = defaultdict(list)
    for unit in district.units:
        by_category[unit.category_id].append(unit)
    rows: dict[type, list] = defaultdict(list)
    for category_id, units in by_category.items():
        for item in district.scheme(units[0]):
            if item.method in _IMPORTS:
                indicator = indicators[(category_id, item.code)]
                made = _IMPORTS[item.method](item, indicator, units, district, rng)
                rows[type(made[0])] += made
    for unit in district.units:
        score = 88 + 20 * (district.quality[unit.pk] - 1) + rng.uniform(-3, 3)
        rows[TeamEvaluation].append(
            TeamEvaluation(year=year, unit=unit, score=_dec(min(99, max(70, score)), 2))
        )
        for cadre in district.cadres.get(unit.pk, []):
            score = 86 + 15 * (district.quality[unit.pk] - 1) + rng.uniform(-5, 5)
            rows[CadreEvaluation].append(
                CadreEvaluation(year=year, cadre=cadre, score=_dec(min(99, max(65, score)), 2))
            )
    for model, made in rows.items():
        bulk_write(model, made, district)


# --- highlights, statements, a late record and an attachment ----------------------------------


def seed_highlights(year: AssessmentYear, district: District) -> None:
    """Two or three highlights per unit; the second unit has only one (its page warns)."""
    rows = []
    for index, unit in enumerate(district.units):
        count = 1 if index == 1 else 2 + index % 2
        author = district.reporters.get(unit.pk) or district.office
        for number in range(count):
            title, description = HIGHLIGHTS[(index + number * 3) % len(HIGHLIGHTS)]
            rows.append(
                Highlight(
                    year=year,
                    unit=unit,
                    title=title,
                    description=description,
                    created_by=author,
                )
            )
    bulk_write(Highlight, rows, district)


def _seed_statements(
    year: AssessmentYear, indicators: dict[IndicatorKey, Indicator], district: District
) -> None:
    """Two deductions answered with a statement by the unit's reporter.

    If the reporters' units have fewer than two deductions on record, supervision records the
    missing ones (verified) first, so that the demo always shows two answered failures.
    """
    failures = list(
        Evidence.objects.filter(
            indicator__year=year,
            indicator__method=M.DEDUCTION,
            is_current=True,
            unit_id__in=list(district.reporters),
        ).order_by("unit__code", "date", "pk")
    )
    if not district.reporters:
        return
    unit = next(u for u in district.units if u.pk in district.reporters)
    indicator = indicators[(unit.category_id, DEDUCTION_ITEM.code)]
    rng = random.Random(DEMO_YEAR)
    extra = [
        evidence_row(
            unit,
            indicator,
            (datetime.date(DEMO_YEAR, 8 + n, 12), value, f"{8 + n}月{text}"),
            EvidenceStatus.VERIFIED,
            district.supervision or district.office,
            district,
            rng,
        )
        for n, (value, text) in enumerate(FAILURES[2:][: max(0, 2 - len(failures))])
    ]
    failures += bulk_write(Evidence, extra, district)
    rows = [
        EvidenceStatement(
            evidence=failure,
            unit_id=failure.unit_id,
            text=text,
            stated_by=district.reporters[failure.unit_id],
        )
        for failure, text in zip(failures, STATEMENT_TEXTS, strict=False)
    ]
    bulk_write(EvidenceStatement, rows, district)


def _seed_late_record(indicators: dict[IndicatorKey, Indicator], district: District) -> None:
    """One record added by the office after the collection closed, with its reason."""
    unit = district.units[-1]
    item = next(i for i in district.scheme(unit) if i.data == "count")
    date = datetime.date(DEMO_YEAR, LAST_MONTH, 28)
    record = Evidence(
        unit=unit,
        indicator=indicators[(unit.category_id, item.code)],
        date=date,
        value=Decimal(1),
        description=f"{_note(item, LAST_MONTH, 1)}（补录）",
        recorded_by=district.office,
        recorded_at=entered_at(datetime.date(DEMO_YEAR, 11, 19)),  # in scoring, after the close
        is_late=True,
        late_reason=LATE_REASON,
    )
    record.full_clean()
    bulk_write(Evidence, [record], district)


def _seed_attachment(year: AssessmentYear, district: District) -> None:
    """A small PDF on one verified record, stored like any upload."""
    record = (
        Evidence.objects.counting()
        .filter(indicator__year=year, indicator__method=M.BONUS)
        .order_by("unit__code", "date", "pk")
        .first()
    )
    if record is None:
        return
    prepared = files.prepare(ContentFile(DEMO_PDF, name=DEMO_PDF_NAME))
    files.store(evidence=record, prepared=prepared, by=district.office)
