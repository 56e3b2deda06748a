"""What the what-if pages show: comparison lines, chart data, balance warnings, the workbook.

Plain shaping of the engine's values for templates and downloads; every chart's numbers here
also appear in the table beside it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from assessment.models import TierChoices
from assessment.scoring import Tier
from assessment.scoring.balance import CategoryBalance
from assessment.scoring.deciders import TierDecider
from units.models import UnitCategory
from units.xlsx import add_sheet, new_workbook, to_bytes

if TYPE_CHECKING:
    from assessment.scoring.whatif import ComparisonRow
    from assessment.services.drafts import DraftRun

# How many of the units that moved most the comparison chart shows (the table shows all).
CHART_MOVERS = 20


def category_names() -> dict[str, str]:
    """Category code → name, in the categories' order."""
    return dict(UnitCategory.objects.order_by("sort_order", "code").values_list("code", "name"))


def tier_label(tier: Tier | str) -> str:
    return str(TierChoices(str(tier)).label)


def comparison_lines(run: DraftRun) -> list[dict[str, Any]]:
    """One line per unit for the comparison table, the units that moved most first."""
    names = run.data.unit_names
    return [
        {"row": row, "name": names.get(row.unit, row.unit)} for row in run.result.comparison.rows
    ]


def _bars(labels: list[str], series: Iterable[tuple[str, list[Any]]]) -> dict[str, Any]:
    return {
        "kind": "bars",
        "labels": labels,
        "series": [{"name": name, "values": values} for name, values in series],
    }


def _number(value: Decimal) -> float:
    return float(value)


def comparison_charts(run: DraftRun, categories: Mapping[str, str]) -> dict[str, Any]:
    """Units per tier, year against draft, per category; and the units that moved most."""
    tiers = list(Tier)
    labels = [tier_label(t) for t in tiers]
    charts: dict[str, Any] = {}
    for summary in run.result.comparison.categories:
        charts[f"tiers-{summary.category}"] = _bars(
            labels,
            [
                (_("The year's scheme"), [summary.old.tiers[t] for t in tiers]),
                (_("The draft"), [summary.new.tiers[t] for t in tiers]),
            ],
        )
    movers: list[ComparisonRow] = [r for r in run.result.comparison.rows if r.moved_by][
        :CHART_MOVERS
    ]
    names = run.data.unit_names
    charts["moved"] = _bars(
        [names.get(r.unit, r.unit) for r in movers],
        [(_("Change of the total"), [_number(r.moved_by) for r in movers])],
    )
    return charts


def balance_charts(
    balances: Iterable[CategoryBalance], categories: Mapping[str, str]
) -> dict[str, Any]:
    """Per category: the spread of each indicator, the totals per band, the units per tier."""
    charts: dict[str, Any] = {}
    for item in balances:
        charts[f"spread-{item.category}"] = _bars(
            [i.name for i in item.indicators],
            [(_("Spread of the scores"), [_number(i.spread) for i in item.indicators])],
        )
        charts[f"bands-{item.category}"] = _bars(
            [band.label for band in item.bands],
            [(_("Units"), [band.count for band in item.bands])],
        )
        charts[f"tiers-{item.category}"] = _bars(
            [tier_label(t) for t in Tier],
            [(_("Units"), [item.summary.tiers[t] for t in Tier])],
        )
    return charts


def balance_messages(
    item: CategoryBalance,
    indicator_names: Mapping[tuple[str, str], str],
    year: int,
    unrecorded: Collection[tuple[str, str]] = (),
) -> list[str]:
    """The warnings of a category's balance, in plain words for the office.

    ``unrecorded``: (category, code) of a draft's new indicators with nothing recorded in the
    year, which score alike for want of data rather than by their rule."""

    def name(code: str) -> str:
        return indicator_names.get((item.category, code), code)

    found: list[str] = []
    for indicator in item.flat:
        values = {"year": year, "indicator": name(indicator.code)}
        if (item.category, indicator.code) in unrecorded:
            found.append(
                _(
                    "「%(indicator)s」 is new in the draft and nothing is recorded for it in "
                    "%(year)s: every unit scores %(score)s on it, so it tells no unit apart "
                    "until its data is recorded."
                )
                % {**values, "score": indicator.lowest}
            )
        elif indicator.all_full:
            found.append(
                _(
                    "In %(year)s every unit scored full marks on 「%(indicator)s」: it tells "
                    "no unit apart."
                )
                % values
            )
        else:
            found.append(
                _(
                    "In %(year)s every unit scored the same on 「%(indicator)s」 (%(score)s): "
                    "it tells no unit apart."
                )
                % {**values, "score": indicator.lowest}
            )
    for indicator in item.heavy:
        found.append(
            _(
                "「%(indicator)s」 alone decides the tier of %(count)s of %(units)s units: had "
                "they scored as the best unit on it, their tier would have been better. It may "
                "weigh too much."
            )
            % {
                "indicator": name(indicator.code),
                "count": indicator.decides,
                "units": indicator.units,
            }
        )
    for pair in item.correlated:
        found.append(
            _(
                "「%(first)s」 and 「%(second)s」 rank the units almost alike (correlation "
                "%(r)s): they may measure the same work."
            )
            % {"first": name(pair.first), "second": name(pair.second), "r": pair.r}
        )
    return found


def decider_chart(decider: TierDecider) -> dict[str, Any]:
    """The points the unit lost against its category's best, indicator by indicator."""
    return {
        "losses": _bars(
            [loss.name for loss in decider.losses],
            [(_("Points behind the best unit"), [_number(loss.lost) for loss in decider.losses])],
        )
    }


def comparison_workbook(run: DraftRun) -> bytes:
    """The comparison as a workbook: one line per unit, then the summary per category."""
    names = run.data.unit_names
    categories = category_names()
    workbook = new_workbook()
    add_sheet(
        workbook,
        _("Comparison"),
        [
            _("Unit code"), _("Unit"), _("Category"),
            _("Total (year)"), _("Total (draft)"), _("Change of the total"),
            _("Rank (year)"), _("Rank (draft)"),
            _("Tier (year)"), _("Tier (draft)"), _("Tier changed"),
            _("Bonus (year, yuan)"), _("Bonus (draft, yuan)"),
        ],
        (
            [
                row.unit, names.get(row.unit, row.unit),
                categories.get(row.category, row.category),
                row.old.total, row.new.total, row.moved_by,
                row.old.rank, row.new.rank,
                tier_label(row.old.tier), tier_label(row.new.tier),
                _("yes") if row.tier_changed else "",
                row.old.bonus, row.new.bonus,
            ]
            for row in run.result.comparison.rows
        ),
        number_formats={4: "0.00", 5: "0.00", 6: "+0.00;-0.00;0.00", 12: "#,##0", 13: "#,##0"},
    )  # fmt: skip
    add_sheet(
        workbook,
        _("Per category"),
        [
            _("Category"), _("Units"),
            _("Excellent (year)"), _("Excellent (draft)"),
            _("Mean (year)"), _("Mean (draft)"),
            _("Spread (year)"), _("Spread (draft)"), _("Tier changes"),
        ],
        (
            [
                categories.get(c.category, c.category), c.old.count,
                c.old.excellent, c.new.excellent, c.old.mean, c.new.mean,
                c.old.spread, c.new.spread, c.tier_changes,
            ]
            for c in run.result.comparison.categories
        ),
        number_formats={5: "0.00", 6: "0.00", 7: "0.00", 8: "0.00"},
    )  # fmt: skip
    return to_bytes(workbook)
