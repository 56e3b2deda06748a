"""A unit's highlights of the year (亮点/典型): register and withdraw.

Each unit registers 2–4 highlights a year: a fifth is refused, fewer than two is a warning
shown on its home page, never an error. Highlights are registered and withdrawn by the unit's
own users or the assessment office, while the year is being set up or collects evidence.
Recognition of a highlight by higher levels is recorded as bonus evidence
(``services.evidence.evidence_record``), not here.

Like ``services.evidence``: each function validates before it writes, names the user in the
history and runs in one transaction.
"""

from __future__ import annotations

from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from assessment.access import manages_assessment
from assessment.lib.history import set_history_user
from assessment.models import AssessmentYear, Highlight, YearStatus
from assessment.services import records as record_rules
from assessment.services.records import User
from units.access import is_staff_member, user_unit_id
from units.models import Unit

MIN_HIGHLIGHTS = 2  # fewer is a warning
MAX_HIGHLIGHTS = 4  # more is refused
OPEN_STATES = frozenset({YearStatus.SETUP, YearStatus.COLLECTING})


class Registered(NamedTuple):
    highlight: Highlight
    below_minimum: bool  # the unit still has fewer than MIN_HIGHLIGHTS: warn, do not refuse


def highlight_refusal(user: User, unit: Unit) -> str | None:
    """Why ``user`` may not register or withdraw ``unit``'s highlights, or None if they may."""
    if not is_staff_member(user):
        return _("You may not register highlights.")
    if manages_assessment(user) or user_unit_id(user) == unit.pk:
        return None
    return _("Only the unit's own users and the assessment office may register its highlights.")


def highlights_open(year: AssessmentYear) -> bool:
    return year.status in OPEN_STATES


def _year_open(year: AssessmentYear) -> None:
    if not highlights_open(year):
        raise ValidationError(
            _(
                "The %(year)s assessment is in the state “%(status)s”: highlights can only be "
                "changed while the year is being set up or collects evidence."
            )
            % {"year": year.year, "status": YearStatus(year.status).label},
            code="year_locked",
        )


def below_minimum(*, year: AssessmentYear, unit: Unit) -> bool:
    """Whether the unit has registered fewer highlights than expected this year."""
    return Highlight.objects.filter(year=year, unit=unit).count() < MIN_HIGHLIGHTS


@transaction.atomic
def highlight_register(
    *, year: AssessmentYear, unit: Unit, title: str, description: str, by: User
) -> Registered:
    """Register a highlight of ``unit`` for ``year``; at most four, warn below two.

    Refused (``ValidationError``) unless ``by`` is one of the unit's users or the office, the
    year is being set up or collects evidence, and the unit has fewer than four highlights.
    """
    record_rules.refuse(highlight_refusal(by, unit))
    year = AssessmentYear.objects.get(pk=year.pk)  # its state now, not the caller's
    _year_open(year)
    Unit.objects.select_for_update().get(pk=unit.pk)  # two clicks cannot both be the 4th
    if Highlight.objects.filter(year=year, unit=unit).count() >= MAX_HIGHLIGHTS:
        raise ValidationError(
            _("A unit registers at most %(count)s highlights a year: withdraw one first.")
            % {"count": MAX_HIGHLIGHTS},
            code="too_many",
        )
    highlight = Highlight(
        year=year,
        unit=unit,
        title=title.strip(),
        description=description.strip(),
        created_by=by if by.is_authenticated else None,
    )
    highlight.full_clean()
    record_rules.save(highlight, by)
    return Registered(highlight, below_minimum(year=year, unit=unit))


@transaction.atomic
def highlight_withdraw(*, highlight: Highlight, by: User) -> None:
    """Withdraw (delete) a highlight; its history keeps what it was and who withdrew it."""
    highlight = Highlight.objects.select_related("year", "unit").get(pk=highlight.pk)
    record_rules.refuse(highlight_refusal(by, highlight.unit))
    _year_open(highlight.year)
    if by.is_authenticated:
        set_history_user(highlight, by)
    highlight.delete()
