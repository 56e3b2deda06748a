"""The digest of a computation's inputs (``ComputationRun.input_hash``): SHA-256 of a canonical
text of ``YearInputs``, so that a stored result can later be shown to match the data it came
from (``assessment.services.compute.run_matches_inputs``).

One line per value, ``section|key…|value``, lines sorted; numbers as normalised decimal text,
so 1.50 and 1.5 hash alike whatever the database returned. The text is a contract with every
run stored so far: a change of it would make their data look changed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from assessment.scoring import YearInputs, to_decimal


def inputs_digest(inputs: YearInputs) -> str:
    """SHA-256 of the canonical text of ``inputs``: equal inputs, equal digest, in any order."""
    lines: list[str] = []
    params = inputs.params
    for name in sorted(params.__dataclass_fields__):
        lines.append(f"params|{name}|{canonical(getattr(params, name))}")
    for category, specs in inputs.indicators.items():
        for order, spec in enumerate(specs):
            fields = (
                spec.code, spec.group, spec.points, spec.method, spec.aggregation, spec.cap,
                spec.total_share, spec.step,
            )  # fmt: skip
            lines.append(f"indicator|{category}|{order}|" + "|".join(map(canonical, fields)))
            lines.extend(
                f"item|{category}|{spec.code}|{item.code}|{item.level}|"
                f"{canonical(item.points)}|{canonical(item.cap)}"
                for item in spec.items
            )
    lines.extend(f"unit|{u.code}|{u.category}|{u.headcount}" for u in inputs.units)
    lines.extend(f"cadre|{c.unit}|{c.name}" for c in inputs.cadres)
    sections: dict[str, Mapping[Any, object]] = {
        "target": inputs.targets,
        "base": inputs.bases,
        "grade": inputs.grades,
        "survey": inputs.survey_rates,
        "team": inputs.team_evaluations,
        "cadre_evaluation": inputs.cadre_evaluations,
        "contribution": inputs.contributions,
    }
    # The large sections (a city's 100,000 targets, bases and sums) in one comprehension each,
    # without a call a line for the key or for a decimal: half the time of the plain form.
    number = _number
    for section, mapping in sections.items():
        lines.extend(
            f"{section}|{key if type(key) is str else '|'.join(key)}|"
            f"{number(value) if type(value) is Decimal else canonical(value)}"
            for key, value in mapping.items()
        )
    lines.extend(
        f"evidence|{'|'.join(key)}|"
        f"{number(total.value) if type(total.value) is Decimal else canonical(total.value)}|"
        f"{total.records}"
        for key, total in inputs.evidence.items()
    )
    lines.extend(
        f"city_rank|{_key(key)}|{rank}|{total}" for key, (rank, total) in inputs.city_ranks.items()
    )
    lines.extend(
        f"item_record|{_key(key)}|{r.item}|{r.count}|{r.date}|{r.sequence}|{r.document_key}"
        for key, records in inputs.item_records.items()
        for r in records
    )
    lines.extend(
        f"waived|{_key(key)}|{reason}"
        for key, reasons in inputs.waived.items()
        for reason in reasons
    )
    lines.append(f"bonus_pool|{inputs.bonus_pool}")
    lines.sort()
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def _key(key: str | tuple[str, ...]) -> str:
    return key if isinstance(key, str) else "|".join(key)


def canonical(value: object) -> str:
    """A value as the digest's text: decimals normalised (``1.50`` → ``1.5``, ``0.00`` → ``0``),
    whole and binary numbers as the decimals they are, mappings sorted, nothing as ``""``."""
    if isinstance(value, Decimal):
        return _number(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return canonical(to_decimal(value))
    if isinstance(value, dict) or hasattr(value, "items"):
        items = sorted(value.items())
        return "{" + ",".join(f"{k}:{canonical(v)}" for k, v in items) + "}"
    return "" if value is None else str(value)


def _number(value: Decimal) -> str:
    """``canonical`` of a decimal, from its own text where that is plain (no exponent, short
    enough that normalising could not round it): trailing zeros and point dropped."""
    if not value:
        return "0"
    text = str(value)
    if "E" in text or len(text) > 20:
        return format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
