"""Forms of the key-project pages: they parse what was typed; ``services.projects`` decides.

The rules (who is in the team, dates in the year and by the milestone, points under the cap,
reasons for amendments, late records and rejections) are the service's, shown on these forms
through ``add_service_errors``; the forms only ask for what the service needs.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from assessment.access import manages_assessment
from assessment.forms.base import DistrictForm, add_reason_if_needed, plain_number
from assessment.forms.evidence import (  # a date, a description, files: asked the same way
    attachments_field,
    date_field,
    description_field,
)
from assessment.forms.verify import DECISIONS
from assessment.models import AMOUNT, AssessmentYear, Contribution, KeyProject, ProgressUpdate
from assessment.policy import Action, needs_reason
from assessment.services.projects import team_of
from units.access import AnyUser
from units.models import Cadre, Unit

_points = Contribution._meta.get_field("points")
POINTS = {"max_digits": _points.max_digits, "decimal_places": _points.decimal_places}


class CadreLabelMixin:
    """A cadre as the forms offer it: name, unit and position (homonyms are common)."""

    def label_from_instance(self, obj: Cadre) -> str:
        return f"{obj.name} · {obj.unit.name} · {obj.position}"


class CadreChoiceField(CadreLabelMixin, forms.ModelChoiceField):
    pass


class CadreMultipleChoiceField(CadreLabelMixin, forms.ModelMultipleChoiceField):
    pass


def _due_field() -> forms.DateField:
    field = date_field()
    field.label = _("Due by")
    return field


def _number_field(label: Any, digits: dict[str, int], help_text: Any = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        max_digits=digits["max_digits"],
        decimal_places=digits["decimal_places"],
        help_text=help_text,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )


def _reason_field(label: Any) -> forms.CharField:
    return forms.CharField(label=label, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


def reporting_is_late(user: AnyUser, year: AssessmentYear) -> bool:
    """A record made now would be late: the year is being scored and the office records."""
    return manages_assessment(user) and needs_reason(year, Action.RECORD_EVIDENCE)


def _ask_late_reason(form: forms.BaseForm, user: AnyUser, year: AssessmentYear) -> None:
    """Only when the record would be late: the service then requires the reason."""
    if reporting_is_late(user, year):
        form.fields["late_reason"] = _reason_field(_("Reason for the late record"))
        form.fields["late_reason"].help_text = _(
            "The year no longer collects records: this one will be marked late."
        )


def team_cadres(project: KeyProject) -> QuerySet[Cadre]:
    """The project's team as a queryset (the lead cadre and the members), by name."""
    team = [cadre.pk for cadre in team_of(project)]
    return Cadre.objects.filter(pk__in=team).select_related("unit").order_by("name")


# --- planning (the office) --------------------------------------------------------------------


class ProjectForm(DistrictForm):
    name = forms.CharField(label=_("Project name"), max_length=200)
    unit = forms.ModelChoiceField(label=_("Responsible unit"), queryset=Unit.objects.none())
    lead_cadre = CadreChoiceField(label=_("Lead cadre"), queryset=Cadre.objects.none())
    members = CadreMultipleChoiceField(
        label=_("Team members"),
        queryset=Cadre.objects.none(),
        required=False,
        help_text=_(
            "The other people of the project, not the lead cadre. Hold Ctrl (⌘ on a Mac) to "
            "choose several."
        ),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self, *args: Any, year: AssessmentYear, project: KeyProject | None = None, **kwargs: Any
    ) -> None:
        if project is not None:
            kwargs.setdefault("initial", self.initial_for(project))
        super().__init__(*args, **kwargs)
        # Inactive units and cadres are offered only where the project still names them.
        unit_id = project.unit_id if project else None
        team = [cadre.pk for cadre in team_of(project)] if project else []
        self.fields["unit"].queryset = Unit.objects.filter(Q(is_active=True) | Q(pk=unit_id))
        cadres = Cadre.objects.filter(Q(is_active=True) | Q(pk__in=team)).select_related("unit")
        self.fields["lead_cadre"].queryset = cadres
        self.fields["members"].queryset = cadres
        add_reason_if_needed(self, year, Action.PLAN_PROJECTS)

    @staticmethod
    def initial_for(project: KeyProject) -> dict[str, Any]:
        return {
            "name": project.name,
            "unit": project.unit_id,
            "lead_cadre": project.lead_cadre_id,
            "members": list(project.members.values_list("pk", flat=True)),
            "description": project.description,
        }


class MilestoneForm(DistrictForm):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    due = _due_field()

    def __init__(self, *args: Any, year: AssessmentYear, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        add_reason_if_needed(self, year, Action.PLAN_PROJECTS)


class TaskForm(DistrictForm):
    cadre = CadreChoiceField(label=_("Person"), queryset=Cadre.objects.none())
    description = forms.CharField(label=_("Task"), max_length=300)
    quantity = _number_field(_("Quantity"), AMOUNT)
    measure = forms.CharField(
        label=_("Unit of measure"),
        max_length=20,
        help_text=_("For example 亩, 万元, 户 or 个."),
    )
    due = _due_field()

    def __init__(self, *args: Any, project: KeyProject, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = team_cadres(project)
        add_reason_if_needed(self, project.year, Action.PLAN_PROJECTS)


# --- progress (the responsible unit) ----------------------------------------------------------


class ProgressForm(DistrictForm):
    date = date_field()
    amount = _number_field(_("Amount done"), AMOUNT)
    description = description_field()
    attachments = attachments_field()

    def __init__(self, *args: Any, user: AnyUser, year: AssessmentYear, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _ask_late_reason(self, user, year)


class ProgressCorrectForm(DistrictForm):
    date = date_field()
    amount = _number_field(_("Amount done"), AMOUNT)
    description = description_field()
    attachments = attachments_field()
    reason = _reason_field(_("Reason for the correction"))

    @staticmethod
    def initial_for(update: ProgressUpdate) -> dict[str, Any]:
        return {
            "date": update.date,
            "amount": plain_number(update.amount),
            "description": update.description,
        }


# --- contribution points ----------------------------------------------------------------------


def _points_field(year: AssessmentYear) -> forms.DecimalField:
    return _number_field(
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
        self.fields["cadre"].queryset = team_cadres(project)
        self.fields["points"] = _points_field(project.year)
        self.order_fields(["cadre", "points", "description"])
        _ask_late_reason(self, user, project.year)


class ContributionCorrectForm(DistrictForm):
    description = description_field()
    reason = _reason_field(_("Reason for the correction"))

    def __init__(self, *args: Any, contribution: Contribution, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {"points": plain_number(contribution.points), "description": contribution.description},
        )
        super().__init__(*args, **kwargs)
        self.fields["points"] = _points_field(contribution.project.year)
        self.order_fields(["points", "description", "reason"])


# --- verification -----------------------------------------------------------------------------


class DecisionForm(DistrictForm):
    """Verify or reject one record; the service asks for the reason of a rejection."""

    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        required=False,
        help_text=_("Required for a rejection."),
    )

    @property
    def accept(self) -> bool:
        return self.cleaned_data["decision"] == "verify"


# --- the list's filters -----------------------------------------------------------------------


class ProjectFilterForm(DistrictForm):
    """The list's filters (GET): one that does not parse is ignored."""

    unit = forms.ModelChoiceField(
        label=_("Responsible unit"),
        queryset=Unit.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=_("All units"),
    )
    pending = forms.BooleanField(label=_("Only with records to verify"), required=False)

    def __init__(self, *args: Any, projects: QuerySet[KeyProject], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(
            pk__in=projects.values("unit_id")
        ).order_by("code")

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        unit = data.get("unit")
        return {"unit_code": unit.code if unit else "", "pending_only": bool(data.get("pending"))}
