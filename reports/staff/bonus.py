"""The bonus distribution (考核奖金, 奖优罚劣) of the current run, and its workbook.

Spec, "Bonus distribution": a unit's share of the pool P is P × c × h / Σ(c × h), c its tier's
coefficient and h its headcount; amounts are whole yuan by largest remainder and add up to the
pool. The amounts shown are the run's; the coefficients and headcounts are today's, and the
table says when they no longer give the run's amounts (then the results need recomputing).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.utils.translation import gettext as _

from assessment import scoring
from assessment.models import AssessmentYear, ComputationRun, TierChoices, UnitResult
from units.xlsx import add_sheet, new_workbook, put, to_bytes

CENTS = Decimal("0.01")


def _decimal(value: Fraction, places: Decimal = CENTS) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(places, ROUND_HALF_UP)


@dataclass(frozen=True)
class BonusLine:
    result: UnitResult
    coefficient: Decimal
    headcount: int
    weight: Decimal  # c × h
    share: Decimal  # P × c × h / Σ(c × h), yuan, 2 places (before the whole-yuan rounding)
    percent: Decimal  # of the pool, 2 places
    amount: int  # whole yuan, as computed


@dataclass
class BonusTable:
    year: AssessmentYear
    run: ComputationRun
    pool: int | None
    coefficients: dict[str, Decimal]
    lines: list[BonusLine] = field(default_factory=list)
    consistent: bool = True  # today's coefficients and headcounts give the run's amounts

    @property
    def total_amount(self) -> int:
        return sum(line.amount for line in self.lines)

    @property
    def total_headcount(self) -> int:
        return sum(line.headcount for line in self.lines)

    @property
    def total_weight(self) -> Decimal:
        return sum((line.weight for line in self.lines), Decimal(0))

    @property
    def paid(self) -> bool:
        return self.pool is not None and self.run.bonus_paid

    def tier_coefficients(self) -> list[tuple[str, str, Decimal]]:
        return [(tier, str(label), self.coefficients[tier]) for tier, label in TierChoices.choices]


def bonus_table(year: AssessmentYear, run: ComputationRun) -> BonusTable:
    """Every unit of the run with its coefficient, headcount, share and amount (one query)."""
    params = year.scoring_params()
    coefficients = {tier: Decimal(c) for tier, c in params.tier_coefficients.items()}
    table = BonusTable(year=year, run=run, pool=run.bonus_pool, coefficients=coefficients)
    results = list(
        UnitResult.objects.filter(run=run)
        .select_related("unit", "category")
        .order_by("category__sort_order", "rank", "unit__code")
    )
    weights = {r.pk: coefficients[r.tier] * r.unit.headcount for r in results}
    weight_sum = sum((Fraction(w) for w in weights.values()), Fraction(0))
    pool = table.pool or 0
    for r in results:
        weight = weights[r.pk]
        part = Fraction(weight) / weight_sum if weight_sum > 0 else Fraction(0)
        table.lines.append(
            BonusLine(
                result=r,
                coefficient=coefficients[r.tier],
                headcount=r.unit.headcount,
                weight=weight.normalize() if weight else Decimal(0),
                share=_decimal(pool * part),
                percent=_decimal(100 * part),
                amount=r.bonus or 0,
            )
        )
    if table.pool is not None:
        check = scoring.distribute_bonus(
            table.pool,
            [
                scoring.BonusClaim(r.unit.code, coefficients[r.tier], r.unit.headcount, r.rank)
                for r in results
            ],
        )
        table.consistent = all(check.amounts[r.unit.code] == (r.bonus or 0) for r in results)
    return table


def bonus_workbook(table: BonusTable) -> bytes:
    """For the finance office: one row per unit, numbers as numbers, a total row."""
    tiers = dict(TierChoices.choices)
    workbook = new_workbook()
    rows: list[list[object]] = [
        [
            line.result.unit.code,
            line.result.unit.name,
            line.result.category.name,
            str(tiers[line.result.tier]),
            line.coefficient,
            line.headcount,
            line.weight,
            line.share,
            line.amount,
        ]
        for line in table.lines
    ]
    rows.append(
        [_("Total of all units"), "", "", "", None, table.total_headcount, table.total_weight, None,
         table.total_amount]
    )  # fmt: skip
    sheet = add_sheet(
        workbook,
        _("Bonus distribution"),
        [
            _("Unit code"),
            _("Unit name"),
            _("Unit category"),
            _("Tier"),
            _("Coefficient"),
            _("Headcount"),
            _("Coefficient × headcount"),
            _("Share (yuan)"),
            _("Amount (yuan)"),
        ],
        rows,
        number_formats={5: "0.00", 7: "0.00", 8: "#,##0.00", 9: "#,##0"},
        widths={2: 24},
    )
    put(sheet, len(rows) + 3, 1, _("Bonus pool (yuan)"))
    put(sheet, len(rows) + 3, 9, table.pool, "#,##0")
    return to_bytes(workbook)
