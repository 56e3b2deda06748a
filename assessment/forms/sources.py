"""The data source unit's form (一数一源): one figure of one unit on an indicator it provides."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from assessment.forms.base import DistrictForm, date_field, model_choices, number_field
from assessment.forms.evidence import IndicatorChoiceField
from assessment.forms.records import ask_late_reason, attachments_field, description_field
from assessment.models import AMOUNT, AssessmentYear, Indicator
from units.access import AnyUser
from units.models import Unit


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return f"{obj.name}（{obj.code}）"


class SourceRecordForm(DistrictForm):
    """The fields are ``evidence_record``'s keyword arguments; the service decides."""

    indicator = IndicatorChoiceField(label=_("Indicator"), queryset=Indicator.objects.none())
    unit = UnitChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    date = date_field()
    value = number_field(pgettext_lazy("record", "Value"), AMOUNT)
    description = description_field()
    attachments = attachments_field()

    def __init__(
        self,
        *args: Any,
        user: AnyUser,
        year: AssessmentYear,
        indicators: list[Indicator],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        model_choices(self, "indicator").queryset = Indicator.objects.filter(
            pk__in=[i.pk for i in indicators]
        ).order_by("category__sort_order", "sort_order", "code")
        model_choices(self, "unit").queryset = (
            Unit.objects.active()
            .filter(category_id__in={i.category_id for i in indicators})
            .order_by("category__sort_order", "code")
        )
        ask_late_reason(
            self, user, year, _("The year no longer collects evidence: this record will be late.")
        )
