"""The demo's integrity review queue: a few planted cases, then the year's signals computed,
so that the office finds something to review. The rest of the year is entered the day after
each record's date; its stock phrases still make a few look-alike descriptions.

The towns (镇街) carry the cases:

- one PDF attached to a record of 花园街道 and one of 新城街道 (the same file, by SHA-256);
- 西山镇 and 南塘镇 describing a project in the same words but for the numbers and their names;
- 北岭镇 entering four records in one morning in November, dated February to May (backdating);
- 青石镇 reporting a fixed-asset investment six times the largest of the other towns (outlier).
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db.models import Sum

from assessment.demo.records import entered_at, evidence_row
from assessment.demo.scheme import DEMO_YEAR
from assessment.demo.world import District, IndicatorKey, bulk_write
from assessment.lib import attachments as files
from assessment.models import AssessmentYear, Evidence, EvidenceStatus, Indicator
from assessment.services.integrity import integrity_compute
from units.models import Unit

SHARED_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n% FAI 2026 list of projects\ntrailer<<>>\n%%EOF\n"
SHARED_PDF_NAME = "固定资产投资项目入库清单.pdf"
LOOK_ALIKE = (
    "{name}开展安全生产隐患大排查大整治，排查隐患{count}处，已全部整改到位，形成闭环管理台账"
)
RNG = random.Random(DEMO_YEAR * 17)  # the decision times of the planted verified record
BACKDATED = [(2, 10, "12.50"), (3, 12, "15.00"), (4, 15, "18.20"), (5, 18, "16.40")]


def seed_integrity_cases(
    year: AssessmentYear, indicators: dict[IndicatorKey, Indicator], district: District
) -> str:
    """Plant the cases, compute the signals; returns a line for the seed's output."""
    towns = {unit.name: unit for unit in district.units if unit.code.startswith("ZJ")}
    if len(towns) < 8:
        return ""

    def indicator(unit: Unit, code: str) -> Indicator:
        return indicators[(unit.category_id, code)]

    _shared_attachment(
        [indicator(towns[name], "FAI") for name in ("花园街道", "新城街道")],
        [towns["花园街道"], towns["新城街道"]],
        district,
    )
    rows = [
        _row(towns[name], indicator(towns[name], "MS"), datetime.date(DEMO_YEAR, 10, 20),
             Decimal(count), LOOK_ALIKE.format(name=name, count=count), district)
        for name, count in (("西山镇", 12), ("南塘镇", 9))
    ]  # fmt: skip
    burst = entered_at(datetime.date(DEMO_YEAR, 11, 17))
    for n, (month, day, value) in enumerate(BACKDATED):
        row = _row(towns["北岭镇"], indicator(towns["北岭镇"], "REV"),
                   datetime.date(DEMO_YEAR, month, day), Decimal(value),
                   f"{month}月非税收入补充入库", district)  # fmt: skip
        row.recorded_at = burst + datetime.timedelta(minutes=3 * n)
        rows.append(row)
    rows.append(_outlier(towns["青石镇"], indicator(towns["青石镇"], "FAI"), district))
    bulk_write(Evidence, rows, district)
    added, _removed = integrity_compute(year=year, by=district.office)
    return f"integrity review queue: {added} signals of the planted cases"


def _row(
    unit: Unit,
    indicator: Indicator,
    date: datetime.date,
    value: Decimal,
    text: str,
    district: District,
    status: str = EvidenceStatus.PENDING,
) -> Evidence:
    recorder = district.reporters.get(unit.pk)
    entry = (date, value, text)
    return evidence_row(unit, indicator, entry, status, recorder, district, RNG)


def _shared_attachment(indicators: list[Indicator], units: list[Unit], district: District) -> None:
    """The same file on the first verified record of each unit."""
    for unit, indicator in zip(units, indicators, strict=True):
        record = (
            Evidence.objects.counting()
            .filter(unit=unit, indicator=indicator)
            .order_by("date", "pk")
            .first()
        )
        if record is not None:
            prepared = files.prepare(ContentFile(SHARED_PDF, name=SHARED_PDF_NAME))
            files.store(evidence=record, prepared=prepared, by=district.reporters.get(unit.pk))


def _outlier(unit: Unit, indicator: Indicator, district: District) -> Evidence:
    """A verified figure six times the largest of the other towns' year so far (and far above
    the unit's own figure of last year)."""
    peers = (
        Evidence.objects.counting()
        .filter(indicator=indicator)
        .exclude(unit=unit)
        .values("unit")
        .annotate(total=Sum("value"))
    )
    largest = max((row["total"] for row in peers), default=Decimal(100))
    last_year = Evidence.objects.counting().filter(
        unit=unit, indicator__code=indicator.code, indicator__year__year=DEMO_YEAR - 1
    ).aggregate(total=Sum("value"))["total"] or Decimal(0)
    value = (max(largest * 6, last_year * 3)).quantize(Decimal("0.01"))
    return _row(unit, indicator, datetime.date(DEMO_YEAR, 10, 25), value,
                "全年固定资产投资（含跨年度结转项目）", district,
                status=EvidenceStatus.VERIFIED)  # fmt: skip
