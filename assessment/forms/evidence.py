"""Forms of the evidence pages: they parse what was typed; ``services.evidence`` decides."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from assessment.access import evidence_record_refusal, manages_assessment
from assessment.forms.base import DistrictForm, plain_number
from assessment.models import AMOUNT, AssessmentYear, Evidence, Indicator
from assessment.policy import Action, needs_reason
from units.access import AnyUser
from units.models import Unit

DATE_FORMAT = "%Y-%m-%d"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the attachments service checks each of them."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list:
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class IndicatorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Indicator) -> str:
        if obj.measure:
            return f"{obj.name}（{obj.code}）· {obj.measure}"
        return f"{obj.name}（{obj.code}）"


def date_field() -> forms.DateField:
    return forms.DateField(
        label=_("Date"),
        input_formats=[DATE_FORMAT],
        widget=forms.DateInput(attrs={"type": "date"}, format=DATE_FORMAT),
    )


def _value_field() -> forms.DecimalField:
    return forms.DecimalField(
        label=_("Value"),
        max_digits=AMOUNT["max_digits"],
        decimal_places=AMOUNT["decimal_places"],
        help_text=_("In the indicator's unit of measure."),
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )


def description_field() -> forms.CharField:
    return forms.CharField(
        label=_("Description"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


def attachments_field() -> MultipleFileField:
    return MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("PDF, images or Office documents; you may choose several files."),
    )


def recordable_indicators(user: AnyUser, unit: Unit, year: AssessmentYear) -> list[Indicator]:
    """The indicators of the unit's scheme this year that ``user`` may record for the unit."""
    indicators = Indicator.objects.filter(year=year, category_id=unit.category_id).order_by(
        "sort_order", "code"
    )
    return [i for i in indicators if evidence_record_refusal(user, unit, i) is None]


class EvidenceRecordForm(DistrictForm):
    indicator = IndicatorChoiceField(label=_("Indicator"), queryset=Indicator.objects.none())
    date = date_field()
    value = _value_field()
    description = description_field()
    attachments = attachments_field()

    def __init__(
        self, *args: Any, user: AnyUser, unit: Unit, year: AssessmentYear, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        allowed = [i.pk for i in recordable_indicators(user, unit, year)]
        self.fields["indicator"].queryset = Indicator.objects.filter(pk__in=allowed).order_by(
            "sort_order", "code"
        )
        if manages_assessment(user) and needs_reason(year, Action.RECORD_EVIDENCE):
            self.fields["late_reason"] = forms.CharField(
                label=_("Reason for the late record"),
                max_length=500,
                help_text=_("The year no longer collects evidence: this record will be late."),
                widget=forms.Textarea(attrs={"rows": 2}),
            )


class EvidenceCorrectForm(DistrictForm):
    date = date_field()
    value = _value_field()
    description = description_field()
    attachments = attachments_field()
    reason = forms.CharField(
        label=_("Reason for the correction"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    @staticmethod
    def initial_for(record: Evidence) -> dict[str, Any]:
        return {
            "date": record.date,
            "value": plain_number(record.value),
            "description": record.description,
        }


class EvidenceStatementForm(DistrictForm):
    text = forms.CharField(
        label=_("Statement"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5})
    )


class HighlightForm(DistrictForm):
    title = forms.CharField(label=_("Title"), max_length=100)
    description = forms.CharField(
        label=_("Description"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


def add_service_errors(form: forms.BaseForm, error: ValidationError, fields: Iterable[str]) -> None:
    """A service's refusal on the form: under its field where the form has one, else on top."""
    known = set(fields) & set(form.fields)
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in known else None, errors)
