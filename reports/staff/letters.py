"""The target-responsibility letter (目标责任书) of a unit for a year.

What the unit undertakes: its category's indicators grouped as in the scheme, with their
points, scoring method, the unit's target and base, the unit of measure, the cadre responsible
and the lead department; signed by the unit and by the district. Three queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.documents.pdf import Document
from assessment.forms.base import plain_number
from assessment.models import AssessmentYear, Indicator, Target
from units.models import Cadre, Unit


@dataclass(frozen=True)
class LetterLine:
    indicator: Indicator
    target: Decimal | None
    base: Decimal | None
    leader: Cadre | None

    @property
    def target_text(self) -> str | None:
        return plain_number(self.target)

    @property
    def base_text(self) -> str | None:
        return plain_number(self.base)


@dataclass
class LetterGroup:
    name: str
    lines: list[LetterLine] = field(default_factory=list)

    @property
    def points(self) -> Decimal:
        """The group's share of the regular points (bonus, deduction, veto stand outside)."""
        return sum(
            (line.indicator.points for line in self.lines if line.indicator.is_regular),
            Decimal(0),
        )

    @property
    def is_regular(self) -> bool:
        return any(line.indicator.is_regular for line in self.lines)


@dataclass(frozen=True)
class Letter:
    year: AssessmentYear
    unit: Unit
    groups: list[LetterGroup]
    principals: list[Cadre]

    @property
    def regular_points(self) -> Decimal:
        return sum((group.points for group in self.groups), Decimal(0))

    @property
    def is_empty(self) -> bool:
        return not self.groups


def letter_for(year: AssessmentYear, unit: Unit) -> Letter:
    """The letter of ``unit`` (its category loaded) for ``year``."""
    indicators = list(
        Indicator.objects.filter(year=year, category_id=unit.category_id)
        .select_related("lead_unit")
        .order_by("sort_order", "code")
    )
    targets = {
        target.indicator_id: target
        for target in Target.objects.filter(
            unit=unit, indicator_id__in=[i.pk for i in indicators]
        ).select_related("leader")
    }
    groups: dict[str, LetterGroup] = {}
    for indicator in indicators:
        target = targets.get(indicator.pk)
        groups.setdefault(indicator.group, LetterGroup(indicator.group)).lines.append(
            LetterLine(
                indicator=indicator,
                target=target.target if target else None,
                base=target.base if target else None,
                leader=target.leader if target else None,
            )
        )
    principals = list(
        Cadre.objects.filter(unit=unit, is_active=True, rank_kind=Cadre.RankKind.PRINCIPAL)
    )
    return Letter(year=year, unit=unit, groups=list(groups.values()), principals=principals)


def letter_title(letter: Letter) -> str:
    return _("%(year)s target-responsibility letter") % {"year": letter.year.year}


def letter_intro(letter: Letter) -> str:
    return _(
        "Under the district's annual target-responsibility assessment, %(unit)s undertakes to "
        "reach the following targets in %(year)s. The indicators are scored by the methods "
        "listed; the regular indicators carry %(points)s points, bonus, deduction and veto "
        "items stand outside them."
    ) % {
        "unit": letter.unit.name,
        "year": letter.year.year,
        "points": plain_number(letter.regular_points),
    }


def signature_labels() -> list[str]:
    return [
        _("Responsible unit (seal)"),
        _("Principal of the unit (signature)"),
        _("District assessment committee (seal)"),
    ]


def letter_pdf(letter: Letter) -> bytes:
    """The letter as an A4 landscape PDF with signature lines for the unit and the district."""
    document = Document(
        title=letter_title(letter),
        subtitle=f"{letter.unit.name}（{letter.unit.code}） · {letter.unit.category.name}",
        footer=_("Printed %(date)s") % {"date": f"{timezone.localdate():%Y-%m-%d}"},
        landscape=True,
    )
    document.paragraph(letter_intro(letter))
    headers = [
        _("Code"),
        _("Indicator"),
        _("Points"),
        _("Scoring method"),
        _("Target"),
        _("Base"),
        _("Unit of measure"),
        _("Responsible cadre"),
        _("Lead department"),
    ]
    for group in letter.groups:
        name = group.name or _("Other indicators")
        document.heading(
            _("%(group)s (%(points)s points)")
            % {"group": name, "points": plain_number(group.points)}
            if group.is_regular
            else _("%(group)s (outside the regular points)") % {"group": name}
        )
        document.table(
            headers,
            [
                [
                    line.indicator.code,
                    line.indicator.name,
                    plain_number(line.indicator.points),
                    line.indicator.get_method_display(),
                    line.target_text,
                    line.base_text,
                    line.indicator.measure or None,
                    line.leader.name if line.leader else None,
                    line.indicator.lead_unit.name if line.indicator.lead_unit else None,
                ]
                for line in group.lines
            ],
            widths=[1.2, 3.5, 1, 3.2, 1.6, 1.6, 1.2, 1.6, 2.6],
        )
    if letter.is_empty:
        document.paragraph(_("The scheme of this unit's category has no indicators yet."))
    document.signatures(signature_labels())
    return document.render()
