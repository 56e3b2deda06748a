"""A small published district for the public pages' tests, built straight from documents.

The documents follow ``assessment.models.publication``'s format 1: two categories, five units,
2024 and 2025 published, 2025 corrected by a review in a version 2; 2026 exists unpublished.
``teams`` and ``cadres`` carry a cadre's name (``CADRE_NAME``) that must never reach the
public, and the publisher has a name (``PUBLISHER_NAME``) that must not either.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

import pytest

from assessment.models import (
    AssessmentYear,
    ComputationRun,
    Publication,
    YearStatus,
)
from tests.canonical import canonical_sha256
from tests.factories import UserFactory

CADRE_NAME = "欧阳明远"
PUBLISHER_NAME = "司马光辉"


def _indicator(
    code: str, name: str, group: str, points: str, method: str, measure: str = ""
) -> dict[str, str]:
    return {"code": code, "name": name, "group": group, "points": points, "method": method,
            "measure": measure}  # fmt: skip


def _category(code: str, name: str, *indicators: dict[str, str]) -> dict[str, Any]:
    """A category of the document: its indicators, and their groups in order."""
    groups = list(dict.fromkeys(indicator["group"] for indicator in indicators))
    return {"code": code, "name": name, "groups": groups, "indicators": list(indicators)}


CATEGORIES = [
    _category(
        "town", "镇街",
        _indicator("GDP", "地区生产总值", "经济发展", "60.00", "completion", "亿元"),
        _indicator("SAFE", "安全生产", "社会治理", "40.00", "graded"),
    ),
    _category(
        "economic", "经济部门",
        _indicator("BIZ", "重点业务", "业务工作", "70.00", "completion", "项"),
        _indicator("PARTY", "党建考核", "党建工作", "30.00", "graded"),
    ),
]  # fmt: skip
UNITS = {
    "ZJ01": ("城关街道", "town"),
    "ZJ02": ("东湖镇", "town"),
    "ZJ03": ("西山镇", "town"),
    "JJ01": ("区发展和改革局", "economic"),
    "JJ02": ("区商务局", "economic"),
}
SCORES = {
    2024: {
        "ZJ01": {"GDP": "50.00", "SAFE": "35.00"},
        "ZJ02": {"GDP": "55.00", "SAFE": "33.00"},
        "ZJ03": {"GDP": "35.00", "SAFE": "25.00"},
        "JJ01": {"BIZ": "55.00", "PARTY": "25.00"},
        "JJ02": {"BIZ": "50.00", "PARTY": "20.00"},
    },
    2025: {
        "ZJ01": {"GDP": "55.20", "SAFE": "36.15"},
        "ZJ02": {"GDP": "50.00", "SAFE": "30.00"},
        "ZJ03": {"GDP": "40.50", "SAFE": "25.00"},
        "JJ01": {"BIZ": "62.00", "PARTY": "27.50"},
        "JJ02": {"BIZ": "40.00", "PARTY": "15.25"},
    },
}
HIGHLIGHTS = {"ZJ01": ["建成智慧社区平台", "获评省级文明街道"]}


def tier_of(total: Decimal) -> str:
    for tier, threshold in (("excellent", 90), ("good", 80), ("average", 60)):
        if total >= threshold:
            return tier
    return "poor"


def _unit(code: str, scores: dict[str, str], rank: int) -> dict[str, Any]:
    name, category = UNITS[code]
    groups = {i["code"]: i["group"] for c in CATEGORIES for i in c["indicators"]}
    group_totals: dict[str, Decimal] = {}
    for indicator, score in scores.items():
        group = groups[indicator]
        group_totals[group] = group_totals.get(group, Decimal(0)) + Decimal(score)
    total = sum(group_totals.values(), Decimal(0))
    return {
        "unit": code, "name": name, "category": category, "total": f"{total:.2f}",
        "rank": rank, "tier": tier_of(total), "veto": False, "bonus": 100000 + rank,
        "group_totals": {group: f"{value:.2f}" for group, value in group_totals.items()},
        "indicators": dict(scores),
        "explanations": {
            indicator: {"method": "completion", "points": "60.00", "target": "500",
                        "base": None, "actual": "460", "rank": None, "ranked": None,
                        "grade": None, "rate": None,
                        "text": f"{indicator} 说明：完成 460，目标 500，得 {score} 分"}
            for indicator, score in scores.items()
        },
        "highlights": HIGHLIGHTS.get(code, []),
    }  # fmt: skip


def build_document(year: int, scores: dict[str, dict[str, str]], version: int = 1) -> dict:
    """A format-1 document: ranks by total within each category, tiers by the thresholds."""
    totals = {code: sum(Decimal(s) for s in unit.values()) for code, unit in scores.items()}
    units = []
    for category in CATEGORIES:
        codes = [code for code in scores if UNITS[code][1] == category["code"]]
        codes.sort(key=lambda code: -totals[code])
        units += [_unit(code, scores[code], rank) for rank, code in enumerate(codes, start=1)]
    return {
        "format": 1, "year": year, "version": version,
        "published_at": f"{year + 1}-01-20T10:00:00+08:00",
        "computed_at": f"{year + 1}-01-15T10:00:00+08:00", "input_sha256": "ab" * 32,
        "bonus_pool": 5000000, "categories": CATEGORIES, "units": units,
        "teams": [{"unit": "ZJ01", "evaluation": "88.00", "score": "90.57", "tier": "excellent"}],
        "cadres": [{"unit": "ZJ01", "name": CADRE_NAME, "evaluation": "90.00",
                    "contribution": "3.00", "score": "91.20", "tier": "excellent"}],
    }  # fmt: skip


def publish(year: int, document: dict, version: int = 1, changes=(), publisher=None):
    """Store a publication as the publish service would: a year, a computation, the document."""
    record, _created = AssessmentYear.objects.get_or_create(
        year=year, defaults={"status": YearStatus.PUBLISHED}
    )
    run = ComputationRun.objects.create(year=record, input_hash="0" * 64, is_current=False)
    return Publication.objects.create(
        year=record,
        version=version,
        run=run,
        document=document,
        changes=list(changes),
        published_by=publisher,
    )


V2_CHANGES = [
    {"unit": "ZJ02", "indicator": "GDP", "before": "50.00", "after": "52.00"},
    {"unit": "ZJ02", "indicator": "total", "before": "80.00", "after": "82.00"},
]


def publish_district() -> dict[str, Publication]:
    """2024 v1, 2025 v1 and v2 (东湖镇's GDP corrected by a review), 2026 unpublished."""
    publisher = UserFactory(username="publisher", first_name=PUBLISHER_NAME)
    corrected = {**SCORES[2025], "ZJ02": {"GDP": "52.00", "SAFE": "30.00"}}
    publications = {
        "2024": publish(2024, build_document(2024, SCORES[2024]), publisher=publisher),
        "2025v1": publish(2025, build_document(2025, SCORES[2025]), publisher=publisher),
        "2025v2": publish(
            2025, build_document(2025, corrected, 2), 2, V2_CHANGES, publisher=publisher
        ),
    }
    AssessmentYear.objects.create(year=2026, status=YearStatus.SCORING)
    return publications


# --- reading pages back -----------------------------------------------------------------------


class _Tables(HTMLParser):
    """Collects the cell texts, row by row, of the table with the given id."""

    def __init__(self, table_id: str) -> None:
        super().__init__()
        self.table_id, self.depth, self.rows, self.cell = table_id, 0, [], None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and (self.depth or dict(attrs).get("id") == self.table_id):
            self.depth += 1
        elif self.depth and tag == "tr":
            self.rows.append([])
        elif self.depth and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table" and self.depth:
            self.depth -= 1
        elif self.depth and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(re.sub(r"\s+", " ", "".join(self.cell)).strip())
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def table_rows(html: str, table_id: str) -> list[list[str]]:
    """The rows (header row included) of a table of the page, as the visitor reads them."""
    parser = _Tables(table_id)
    parser.feed(html)
    assert parser.rows, f"no table #{table_id}"
    return parser.rows


def json_island(html: str, element_id: str) -> Any:
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html)
    assert match, f"no json_script #{element_id}"
    return json.loads(match.group(1))


# --- the builder itself -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_built_district_follows_the_documented_format():
    publications = publish_district()
    latest = publications["2025v2"]
    assert latest.intact and latest.sha256 == canonical_sha256(latest.document)
    town = [u for u in latest.document["units"] if u["category"] == "town"]
    assert [(u["unit"], u["rank"], u["total"]) for u in town] == [
        ("ZJ01", 1, "91.35"),
        ("ZJ02", 2, "82.00"),
        ("ZJ03", 3, "65.50"),
    ]
    assert latest.document["cadres"][0]["name"] == CADRE_NAME
