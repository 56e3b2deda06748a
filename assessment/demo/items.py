"""The demo's bonus and deduction by the list (加减分清单): the catalogues of the 2026 bonus and
deduction indicators, the item and document of each of their records, and a few cases an
office meets: one document claimed by two units, an item over its cap, a disqualified unit and
a deduction waived under the fault-tolerance rules."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User as AuthUser
from django.db import models

from assessment.demo.scheme import BONUS_ITEM, DEDUCTION_ITEM, DEMO_YEAR, DISQUALIFY_ITEM
from assessment.lib.history import set_history_user
from assessment.models import Evidence, EvidenceStatus, Indicator, Waiver
from assessment.models import Item as ListItem
from units.models import Unit
from units.roles import GROUP_NAMES, Role

# code, name (as the demo's records word it), level, points each time, cap, issuer of documents
CATALOGUES: dict[str, tuple[tuple[str, str, str, str, str | None, str], ...]] = {
    BONUS_ITEM.code: (
        ("J1", "工作获国家部委通报表扬", "national", "1.0", "2", "国办函"),
        ("J2", "获省委省政府表彰", "provincial", "0.5", "1.5", "省委"),
        ("J3", "工作经验被省级刊物推广", "provincial", "0.3", "0.9", "省委办刊"),
        ("J4", "获市委市政府通报表扬", "city", "0.2", "0.6", "市委"),
    ),
    DEDUCTION_ITEM.code: (
        ("K1", "被市委市政府督查通报批评", "city", "1.0", None, "市督查通报"),
        ("K2", "重点工作推进滞后被区委督查室通报", "district", "0.5", None, "区委督通"),
        ("K3", "政务信息迟报漏报被通报", "district", "0.3", None, "区政务通报"),
        ("K4", "无故缺席全区重点工作推进会", "district", "0.2", None, "区委办通报"),
        ("K5", "被问责（每人次）", "", "0.5", "2", "区纪委"),
    ),
}
_MONTH = re.compile(r"^\d{1,2}月")
SHARED_DOCUMENT = "省委〔2026〕18号"
WAIVER_REASON = "推进改革试点中因政策界限不明出现的探索性偏差，未造成重大损失，已及时纠正"
WAIVER_CLAUSE = "区容错纠错实施办法第五条第（二）项"


@dataclass
class Catalogue:
    """The items by (indicator id, the text the demo's records use), and a running document
    number per issuer, so that no two generated records cite the same document by chance."""

    items: dict[tuple[int, str], ListItem] = field(default_factory=dict)
    issuers: dict[int, str] = field(default_factory=dict)  # item id → issuer
    numbers: dict[str, int] = field(default_factory=dict)

    def document(self, item: ListItem) -> str:
        issuer = self.issuers[item.pk]
        self.numbers[issuer] = self.numbers.get(issuer, 100) + 1
        return f"{issuer}〔{DEMO_YEAR}〕{self.numbers[issuer]}号"

    def by_code(self, indicator: Indicator, code: str) -> ListItem:
        return next(
            i for i in self.items.values() if i.indicator_id == indicator.pk and i.code == code
        )

    def name(self, record: Evidence) -> None:
        """A generated bonus or deduction record names its item, once, with a document."""
        text = _MONTH.sub("", record.description)
        item = self.items.get((record.indicator_id, text))
        if item is not None:
            record.item, record.value = item, Decimal(1)
            record.document = self.document(item)


Write = Callable[[type[models.Model], Sequence[Any], Any], list[Any]]


def seed_catalogues(indicators: dict[Any, Indicator], write: Write, district: Any) -> Catalogue:
    """The items of every 2026 bonus and deduction indicator, in the scheme's categories."""
    rows, issuers = [], {}
    for indicator in indicators.values():
        for order, (code, name, level, points, cap, issuer) in enumerate(
            CATALOGUES.get(indicator.code, ()), start=1
        ):
            item = ListItem(
                indicator=indicator, code=code, name=name, level=level, points=Decimal(points),
                cap=Decimal(cap) if cap else None, sort_order=order,
            )  # fmt: skip
            item.full_clean()
            rows.append(item)
            issuers[(indicator.pk, code)] = issuer
    catalogue = Catalogue()
    for item in write(ListItem, rows, district):
        catalogue.issuers[item.pk] = issuers[(item.indicator_id, item.code)]
        catalogue.items[(item.indicator_id, item.name)] = item
    return catalogue


def seed_list_cases(
    indicators: dict[Any, Indicator],
    catalogue: Catalogue,
    write: Write,
    district: Any,
    row: Callable[..., Evidence],
) -> None:
    """The cases an office meets, on the first units of the first category: one document
    claimed by two units, an item over its cap, a disqualified unit and a waived deduction."""
    category = district.units[0].category_id
    units: list[Unit] = [u for u in district.units if u.category_id == category]
    if len(units) < 3:
        return
    bonus = indicators[(category, BONUS_ITEM.code)]
    deduction = indicators[(category, DEDUCTION_ITEM.code)]
    disqualify = indicators[(category, DISQUALIFY_ITEM.code)]
    best = max(units, key=lambda unit: district.perf.get(unit.pk, 1))
    joint, capped, failed = units[0], units[1], units[2]
    day = datetime.date(DEMO_YEAR, 9, 18)

    def case(unit: Unit, indicator: Indicator, code: str | None, count: int, document: str,
             text: str, recorder: AuthUser | None) -> Evidence:  # fmt: skip
        record = row(
            unit, indicator, (day, Decimal(count), text), EvidenceStatus.VERIFIED,
            recorder, district, _rng(),
        )  # fmt: skip
        if code is not None:
            record.item = catalogue.by_code(indicator, code)
            record.document = document
        return record

    supervision = district.supervision or district.office
    reporter = district.reporters.get
    joint_text = "9月获省委省政府联合表彰（两地共同获评）"
    cases = [
        # a joint commendation: both units cite the same document (the verifier sees it)
        (joint, bonus, "J2", 1, SHARED_DOCUMENT, joint_text, reporter(joint.pk)),
        (capped, bonus, "J2", 1, SHARED_DOCUMENT, joint_text, reporter(capped.pk)),
        # four city commendations: 4 × 0.2 = 0.8, the item's cap of 0.6 counts
        (capped, bonus, "J4", 4, "市委〔2026〕66号", "9月四项工作获市委市政府通报表扬",
         reporter(capped.pk)),
        # disqualified from excellent: the best unit of the category, to show the rule
        (best, disqualify, None, 1, "", "9月违反中央八项规定精神问题被市纪委通报", supervision),
    ]  # fmt: skip
    rows = [case(*entry) for entry in cases]
    waived = case(
        failed, deduction, "K5", 2, "区纪委〔2026〕31号", "9月2名干部因试点工作推进不力被问责",
        supervision,
    )  # fmt: skip
    write(Evidence, [*rows, waived], district)
    _waive(waived, district)


def _rng() -> Any:
    import random

    return random.Random(DEMO_YEAR * 17)


def _waive(record: Evidence, district: Any) -> None:
    """The office proposes, a second member (another office account, else the system
    administrator) confirms: the deduction stays on record and no longer counts."""
    User = get_user_model()
    office_group = GROUP_NAMES[Role.OFFICE]
    second = (
        User.objects.filter(groups__name=office_group).exclude(pk=district.office.pk).first()
        or User.objects.filter(is_superuser=True).order_by("pk").first()
    )
    if second is None:
        return
    when = record.verified_at or datetime.datetime.now(datetime.UTC)
    waiver = Waiver(
        evidence=record, reason=WAIVER_REASON, clause=WAIVER_CLAUSE,
        proposed_by=district.office, confirmed_by=second,
        confirmed_at=when + datetime.timedelta(days=3),
    )  # fmt: skip
    set_history_user(waiver, district.office)
    waiver.save()
    record.is_waived = True
    set_history_user(record, second)
    record.save(update_fields=["is_waived"])
