"""Forms of the verification queue and of recording failures: they parse; the services decide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from assessment.forms.base import DistrictForm, model_choices
from assessment.forms.items import document_field, item_field, item_for_indicator, offer_items
from assessment.forms.records import DecisionForm as RecordDecisionForm
from assessment.forms.records import MultipleFileField, reason_field
from assessment.models import AMOUNT, FAILURE_METHODS, AssessmentYear, Evidence, Indicator
from assessment.scoring.inputs import FLAG_METHODS
from units.models import Unit


class QueueFilterForm(DistrictForm):
    """The queue's filters (GET): a filter that does not parse is shown as an error and ignored."""

    unit = forms.ModelChoiceField(
        label=_("Unit"), queryset=Unit.objects.none(), required=False, to_field_name="code"
    )
    indicator = forms.ModelChoiceField(
        label=_("Indicator"), queryset=Indicator.objects.none(), required=False
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, year: AssessmentYear, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choices(self, "unit").queryset = Unit.objects.filter(is_active=True).order_by("code")
        model_choices(self, "indicator").queryset = Indicator.objects.filter(
            year=year
        ).select_related("category")
        model_choices(self, "indicator").label_from_instance = lambda i: f"{i.category.name} · {i}"

    def apply(self, records: QuerySet[Evidence]) -> QuerySet[Evidence]:
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("unit"):
            records = records.filter(unit=data["unit"])
        if data.get("indicator"):
            records = records.filter(indicator=data["indicator"])
        if data.get("date_from"):
            records = records.filter(date__gte=data["date_from"])
        if data.get("date_to"):
            records = records.filter(date__lte=data["date_to"])
        return records


class DecisionForm(RecordDecisionForm):
    """Verify or reject the chosen records; a rejection needs a reason (checked by the service
    too, so the message is the same whichever door)."""

    records = forms.ModelMultipleChoiceField(
        label=_("Records"),
        queryset=Evidence.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one record.")},
    )
    reason = reason_field(_("Reason for the rejection"), required=False)
    query = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, records: QuerySet[Evidence], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choices(self, "records").queryset = records

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("decision") == "reject" and not data.get("reason", "").strip():
            self.add_error("reason", _("Give the reason for the rejection."))
        return data


class AutoSubmitSelect(forms.Select):
    """A select that submits its form when changed (static/js/site.js); a button does without
    JavaScript."""

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs["class"] = f"{widget_attrs.get('class', '')} js-autosubmit".strip()
        return context


class FailureUnitForm(DistrictForm):
    """Step one (GET): the unit the failure is recorded against."""

    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.filter(is_active=True).select_related("category").order_by("code"),
        to_field_name="code",
        empty_label=_("Choose a unit"),
        widget=AutoSubmitSelect,
    )


def failure_indicators(year: AssessmentYear, unit: Unit) -> QuerySet[Indicator]:
    """The deduction and veto indicators of the unit's scheme in the year."""
    return Indicator.objects.filter(
        year=year, category_id=unit.category_id, method__in=[m.value for m in FAILURE_METHODS]
    ).order_by("sort_order", "code")


class FailureForm(DistrictForm):
    """Step two (POST): a deduction or veto event against the chosen unit."""

    indicator = forms.ModelChoiceField(label=_("Indicator"), queryset=Indicator.objects.none())
    item = item_field()
    document = document_field()
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    value = forms.DecimalField(
        label=_("Points lost or times"),
        required=False,
        min_value=Decimal(0),
        max_digits=AMOUNT["max_digits"],
        decimal_places=AMOUNT["decimal_places"],
        help_text=_(
            "For a veto event or a disqualification leave it empty: it is recorded with the "
            "value 1. For a catalogued item: the number of times or persons."
        ),
    )
    description = forms.CharField(
        label=_("Description"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    attachments = MultipleFileField(label=_("Attachments"))
    late_reason = reason_field(_("Reason for the late record"), required=False)

    def __init__(
        self, *args: Any, year: AssessmentYear, unit: Unit, late: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        model_choices(self, "indicator").queryset = failure_indicators(year, unit)
        model_choices(self, "indicator").label_from_instance = lambda i: (
            f"{i} · {i.get_method_display()}"
        )
        offer_items(self, failure_indicators(year, unit))
        if not late:
            del self.fields["late_reason"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        item_for_indicator(self, data)
        indicator = data.get("indicator")
        if indicator is None:
            return data
        if indicator.method in FLAG_METHODS:
            data["value"] = Decimal(1)
        elif data.get("value") is None:
            self.add_error("value", _("Enter the points lost."))
        return data
