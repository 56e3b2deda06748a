"""Forms of the key-project pages: planning (the office) and the list's filters; they parse
what was typed, ``services.projects`` decides. Progress and contribution points are
``forms.project_progress``.

The rules (who is in the team, dates in the year and by the milestone, reasons for amendments)
are the service's, shown on these forms through ``add_service_errors``; the forms only ask
for what the service needs.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from assessment.forms.base import (
    DistrictForm,
    add_reason_if_needed,
    date_field,
    model_choices,
    number_field,
)
from assessment.models import AMOUNT, AssessmentYear, KeyProject
from assessment.policy import Action
from assessment.selectors.projects import team_of
from units.models import Cadre, Unit


class CadreLabelMixin:
    """A cadre as the forms offer it: name, unit and position (homonyms are common)."""

    def label_from_instance(self, obj: Cadre) -> str:
        return f"{obj.name} · {obj.unit.name} · {obj.position}"


class CadreChoiceField(CadreLabelMixin, forms.ModelChoiceField):
    pass


class CadreMultipleChoiceField(CadreLabelMixin, forms.ModelMultipleChoiceField):
    pass


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
        model_choices(self, "unit").queryset = Unit.objects.filter(
            Q(is_active=True) | Q(pk=unit_id)
        )
        cadres = Cadre.objects.filter(Q(is_active=True) | Q(pk__in=team)).select_related("unit")
        model_choices(self, "lead_cadre").queryset = cadres
        model_choices(self, "members").queryset = cadres
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
    due = date_field(_("Due by"))

    def __init__(self, *args: Any, year: AssessmentYear, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        add_reason_if_needed(self, year, Action.PLAN_PROJECTS)


class TaskForm(DistrictForm):
    cadre = CadreChoiceField(label=_("Person"), queryset=Cadre.objects.none())
    description = forms.CharField(label=_("Task"), max_length=300)
    quantity = number_field(_("Quantity"), AMOUNT)
    measure = forms.CharField(
        label=_("Unit of measure"),
        max_length=20,
        help_text=_("For example 亩, 万元, 户 or 个."),
    )
    due = date_field(_("Due by"))

    def __init__(self, *args: Any, project: KeyProject, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choices(self, "cadre").queryset = team_cadres(project)
        add_reason_if_needed(self, project.year, Action.PLAN_PROJECTS)


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
        model_choices(self, "unit").queryset = Unit.objects.filter(
            pk__in=projects.values("unit_id")
        ).order_by("code")

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        unit = data.get("unit")
        return {"unit_code": unit.code if unit else "", "pending_only": bool(data.get("pending"))}
