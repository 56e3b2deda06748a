"""Forms of the evidence pages: they parse what was typed; ``services.evidence`` decides.

A record's fields and reasons are asked as for every verified record (``forms.records``).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from assessment.access import evidence_record_refusal, source_refusal
from assessment.forms.base import (
    DistrictForm,
    ListedChoices,
    date_field,
    model_choices,
    number_field,
)
from assessment.forms.items import document_field, item_field, item_for_indicator, offer_items
from assessment.forms.records import (
    CorrectionForm,
    ask_late_reason,
    attachments_field,
    description_field,
    reason_field,
)
from assessment.models import AMOUNT, AssessmentYear, Indicator
from units.access import AnyUser
from units.models import Unit


class IndicatorChoiceField(forms.ModelChoiceField):
    iterator = ListedChoices

    def label_from_instance(self, obj: Indicator) -> str:
        if obj.measure:
            return f"{obj.name}（{obj.code}）· {obj.measure}"
        return f"{obj.name}（{obj.code}）"


def _value_field() -> forms.DecimalField:
    return number_field(
        pgettext_lazy("record", "Value"),
        AMOUNT,
        _("In the indicator's unit of measure; for a catalogued item, the number of times."),
    )


def recordable_indicators(user: AnyUser, unit: Unit, year: AssessmentYear) -> list[Indicator]:
    """The indicators of the unit's scheme this year that ``user`` may record for the unit."""
    indicators = (
        Indicator.objects.filter(year=year, category_id=unit.category_id)
        .select_related("source_unit")
        .order_by("sort_order", "code")
    )
    return [i for i in indicators if evidence_record_refusal(user, unit, i) is None]


def sourced_elsewhere(user: AnyUser, unit: Unit, year: AssessmentYear) -> list[Indicator]:
    """The indicators of the unit's scheme whose figures another unit provides (一数一源): the
    form names them and their source, and refuses them with the rule's reason."""
    return [
        indicator
        for indicator in Indicator.objects.filter(
            year=year, category_id=unit.category_id, source_unit__isnull=False
        )
        .select_related("source_unit")
        .order_by("sort_order", "code")
        if evidence_record_refusal(user, unit, indicator) == source_refusal(indicator)
    ]


class EvidenceRecordForm(DistrictForm):
    indicator = IndicatorChoiceField(label=_("Indicator"), queryset=Indicator.objects.none())
    item = item_field()
    date = date_field()
    value = _value_field()
    document = document_field()
    description = description_field()
    attachments = attachments_field()

    def __init__(
        self, *args: Any, user: AnyUser, unit: Unit, year: AssessmentYear, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        allowed = recordable_indicators(user, unit, year)
        model_choices(self, "indicator").queryset = Indicator.objects.filter(
            pk__in=[i.pk for i in allowed]
        ).order_by("sort_order", "code")
        offer_items(self, allowed)
        ask_late_reason(
            self,
            user,
            year,
            _("The year no longer collects evidence: this record will be late."),
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        item_for_indicator(self, self.cleaned_data)
        return self.cleaned_data


class SelfReportForm(DistrictForm):
    """The unit's own figure (自报数) on an indicator whose data source unit provides it: for
    the office to compare, never counted. ``self_report`` tells its submission apart."""

    self_report = forms.CharField(widget=forms.HiddenInput, initial="1")
    date = date_field()
    value = _value_field()
    description = description_field()
    attachments = attachments_field()


class EvidenceCorrectForm(CorrectionForm):
    copied = ("date", "value", "description")

    date = date_field()
    value = _value_field()
    description = description_field()
    attachments = attachments_field()
    reason = reason_field(_("Reason for the correction"))


class EvidenceStatementForm(DistrictForm):
    text = forms.CharField(
        label=_("Statement"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5})
    )


class HighlightForm(DistrictForm):
    title = forms.CharField(label=_("Title"), max_length=100)
    description = forms.CharField(
        label=_("Description"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
