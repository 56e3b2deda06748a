"""Forms of a key project's progress reports and contribution points, and of the decisions on
them: they parse what was typed; ``services.projects`` decides.

They ask what every verified record asks (``forms.records``); the team, the dates and the cap
on points are the service's rules, shown through ``add_service_errors``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from assessment.forms.base import (
    DistrictForm,
    date_field,
    model_choices,
    number_field,
    plain_number,
)
from assessment.forms.projects import CadreChoiceField, team_cadres
from assessment.forms.records import (
    CorrectionForm,
    ask_late_reason,
    attachments_field,
    description_field,
    reason_field,
)
from assessment.forms.records import DecisionForm as RecordDecisionForm
from assessment.models import AMOUNT, AssessmentYear, Contribution, KeyProject
from assessment.models.years import DecimalSize
from units.access import AnyUser
from units.models import Cadre

_points = Contribution._meta.get_field("points")
POINTS: DecimalSize = {"max_digits": _points.max_digits, "decimal_places": _points.decimal_places}


def _ask_late_reason(form: forms.BaseForm, user: AnyUser, year: AssessmentYear) -> None:
    ask_late_reason(
        form, user, year, _("The year no longer collects records: this one will be marked late.")
    )


# --- progress (the responsible unit) ----------------------------------------------------------


class ProgressForm(DistrictForm):
    date = date_field()
    amount = number_field(_("Amount done"), AMOUNT)
    description = description_field()
    attachments = attachments_field()

    def __init__(self, *args: Any, user: AnyUser, year: AssessmentYear, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _ask_late_reason(self, user, year)


class ProgressCorrectForm(CorrectionForm):
    copied = ("date", "amount", "description")

    date = date_field()
    amount = number_field(_("Amount done"), AMOUNT)
    description = description_field()
    attachments = attachments_field()
    reason = reason_field(_("Reason for the correction"))


# --- contribution points ----------------------------------------------------------------------


def _points_field(year: AssessmentYear) -> forms.DecimalField:
    return number_field(
        _("Points"),
        POINTS,
        _("More than 0 and at most %(cap)s: at most that much counts for a person in a year.")
        % {"cap": plain_number(year.contribution_cap)},
    )


class ContributionForm(DistrictForm):
    cadre = CadreChoiceField(label=_("Person"), queryset=Cadre.objects.none())
    description = description_field()

    def __init__(self, *args: Any, user: AnyUser, project: KeyProject, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choices(self, "cadre").queryset = team_cadres(project)
        self.fields["points"] = _points_field(project.year)
        self.order_fields(["cadre", "points", "description"])
        _ask_late_reason(self, user, project.year)


class ContributionCorrectForm(CorrectionForm):
    copied = ("points", "description")

    description = description_field()
    reason = reason_field(_("Reason for the correction"))

    def __init__(self, *args: Any, record: Contribution, **kwargs: Any) -> None:
        super().__init__(*args, record=record, **kwargs)
        self.fields["points"] = _points_field(record.project.year)
        self.order_fields(["points", "description", "reason"])


# --- verification -----------------------------------------------------------------------------


class DecisionForm(RecordDecisionForm):
    """Verify or reject one record; the service asks for the reason of a rejection."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        required=False,
        help_text=_("Required for a rejection."),
    )
