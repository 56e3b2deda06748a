"""A year's current results as JSON or a workbook (``manage.py export_results``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from assessment.imports import KINDS
from assessment.models import AssessmentYear, ComputationRun, TierChoices
from assessment.services.compute import warning_messages
from units.xlsx import add_sheet, new_workbook, to_bytes


def current_run(year: AssessmentYear) -> ComputationRun | None:
    return year.runs.filter(is_current=True).first()


def results_document(year: AssessmentYear, run: ComputationRun) -> dict[str, Any]:
    """The results as plain values; scores as 2-place decimal strings (spec, "Arithmetic")."""
    units = list(
        run.units.select_related("unit", "category").order_by(
            "category__sort_order", "rank", "unit__code"
        )
    )
    teams = run.teams.select_related("unit", "unit__category").order_by(
        "unit__category__sort_order", "rank", "unit__code"
    )
    cadres = run.cadres.select_related("cadre__unit").order_by(
        "rank", "cadre__unit__code", "cadre__name"
    )
    # Word every unit's warnings in one go (two queries), then hand them back unit by unit.
    worded = iter(warning_messages(run, [w for r in units for w in r.warnings]))
    unit_warnings = {r.pk: [next(worded) for _w in r.warnings] for r in units}
    return {
        "year": year.year,
        "status": year.status,
        "computed_at": run.computed_at.isoformat(),
        "input_sha256": run.input_hash,
        "bonus_pool": run.bonus_pool,
        "units": [
            {
                "unit": r.unit.code,
                "name": r.unit.name,
                "category": r.category.code,
                "total": format(r.total, "f"),
                "rank": r.rank,
                "tier": r.tier,
                "veto": r.veto,
                "disqualified": r.disqualified,
                "bonus": r.bonus,
                "indicators": dict(r.scores),
                "group_totals": dict(r.group_totals),
                "warnings": unit_warnings[r.pk],
            }
            for r in units
        ],
        "teams": [
            {"unit": t.unit.code, "score": format(t.score, "f"), "tier": t.tier} for t in teams
        ],
        "cadres": [
            {
                "unit": c.cadre.unit.code,
                "name": c.cadre.name,
                "score": format(c.score, "f"),
                "tier": c.tier,
            }
            for c in cadres
        ],
    }


def results_workbook(document: dict[str, Any]) -> bytes:
    """The same numbers as the JSON, in sheets with Chinese headers and numeric cells."""
    from decimal import Decimal

    tiers = dict(TierChoices.choices)
    # Columns that a workbook import also has are headed as the import reads them.
    unit_code = KINDS["units"].column("code").header
    unit_name = KINDS["units"].column("name").header
    category = KINDS["units"].column("category").header
    indicator_code = KINDS["indicators"].column("code").header
    cadre_name = KINDS["cadres"].column("name").header
    workbook = new_workbook()
    add_sheet(
        workbook,
        _("Units"),
        [unit_code, unit_name, category, _("Total"), _("Rank"), _("Tier"), _("One-vote veto"),
         _("Bonus (yuan)"), _("Disqualified from excellent")],
        (
            [u["unit"], u["name"], u["category"], Decimal(u["total"]), u["rank"],
             str(tiers[u["tier"]]), _("yes") if u["veto"] else "",
             u["bonus"], _("yes") if u.get("disqualified") else ""]
            for u in document["units"]
        ),
        number_formats={4: "0.00", 8: "#,##0"},
    )  # fmt: skip
    add_sheet(
        workbook,
        _("Indicator scores"),
        [unit_code, indicator_code, _("Score")],
        (
            [u["unit"], code, Decimal(score)]
            for u in document["units"]
            for code, score in u["indicators"].items()
        ),
        number_formats={3: "0.00"},
    )
    add_sheet(
        workbook,
        _("Leadership teams"),
        [unit_code, _("Score"), _("Tier")],
        ([t["unit"], Decimal(t["score"]), str(tiers[t["tier"]])] for t in document["teams"]),
        number_formats={2: "0.00"},
    )
    add_sheet(
        workbook,
        _("Cadres"),
        [unit_code, cadre_name, _("Score"), _("Tier")],
        (
            [c["unit"], c["name"], Decimal(c["score"]), str(tiers[c["tier"]])]
            for c in document["cadres"]
        ),
        number_formats={3: "0.00"},
    )
    return to_bytes(workbook)
