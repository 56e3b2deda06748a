"""Forms of the evaluation rounds: the round's rules, its groups and questions, its people,
code batches, and the rater's ballot."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms import BaseModelFormSet, modelformset_factory
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from assessment.forms.base import model_choices
from assessment.models import EvaluationRound, Mark, Question, RaterGroup, RoundStatus
from units.models import Unit, UnitCategory

MARK_CHOICES = Mark.choices


class RoundCreateForm(forms.ModelForm):
    class Meta:
        model = EvaluationRound
        fields = ["name", "closes_on"]
        widgets = {"closes_on": forms.DateInput(attrs={"type": "date"})}


class RoundForm(forms.ModelForm):
    """The round's rules; once voting has opened, only the closing day may move."""

    class Meta:
        model = EvaluationRound
        fields = [
            "name",
            "closes_on",
            "excellent_limit",
            "reason_for_excellent",
            "reason_for_poor",
            "points_excellent",
            "points_good",
            "points_average",
            "points_poor",
        ]
        widgets = {"closes_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.status != RoundStatus.DRAFT:
            for name, field in self.fields.items():
                if name != "closes_on":
                    field.disabled = True

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        points: list[Any] = [data.get(f"points_{mark}") for mark in Mark.values]
        if None not in points and not (points[0] >= points[1] >= points[2] >= points[3]):
            raise forms.ValidationError(
                _("The points must not increase from “excellent” down to “poor”.")
            )
        if data.get("points_excellent") == 0:
            self.add_error("points_excellent", _("“Excellent” must be worth more than 0 points."))
        return data


GroupFormSet: type[BaseModelFormSet[RaterGroup, forms.ModelForm[RaterGroup]]] = (
    modelformset_factory(
        RaterGroup,
        fields=["name", "weight", "min_ballots", "own_unit", "position"],
        extra=1,
        can_delete=True,
    )
)
QuestionFormSet: type[BaseModelFormSet[Question, forms.ModelForm[Question]]] = modelformset_factory(
    Question, fields=["text", "weight", "position"], extra=1, can_delete=True
)


class SubjectsAddForm(forms.Form):
    categories = forms.ModelMultipleChoiceField(
        queryset=UnitCategory.objects.order_by("sort_order", "code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("All units of these categories"),
    )
    units = forms.ModelMultipleChoiceField(
        queryset=Unit.objects.filter(is_active=True).order_by("code"),
        required=False,
        label=_("Or these units"),
    )
    teams = forms.BooleanField(required=False, initial=True, label=_("their leadership teams"))
    cadres = forms.BooleanField(required=False, initial=True, label=_("their active cadres"))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("categories") and not data.get("units"):
            raise forms.ValidationError(_("Choose categories or units."))
        return data

    def chosen_units(self) -> list[Unit]:
        data = self.cleaned_data
        chosen = {unit.pk: unit for unit in data.get("units") or []}
        if data.get("categories"):
            for unit in Unit.objects.filter(is_active=True, category__in=data["categories"]):
                chosen[unit.pk] = unit
        return sorted(chosen.values(), key=lambda unit: unit.code)


class BatchForm(forms.Form):
    group = forms.ModelChoiceField(queryset=RaterGroup.objects.none(), label=_("Rater group"))
    unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(),
        required=False,
        label=_("Unit (for a unit's own raters only)"),
    )
    size = forms.IntegerField(
        min_value=1, max_value=500, initial=10, label=pgettext_lazy("voting", "Number of codes")
    )

    def __init__(self, *args: Any, round: EvaluationRound, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choices(self, "group").queryset = round.groups.all()
        model_choices(self, "unit").queryset = Unit.objects.filter(
            pk__in=round.subjects.values("unit_id")
        ).order_by("code")


class VoidForm(forms.Form):
    reason = forms.CharField(max_length=500, label=_("Why are the codes voided?"))


class CloseForm(forms.Form):
    confirm_short = forms.BooleanField(
        required=False,
        label=_("Close even though some teams or cadres have too few valid ballots"),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        max_length=40,
        label=pgettext_lazy("voting", "Your code"),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )
