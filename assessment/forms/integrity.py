"""The office's decision on a signal of the integrity review queue."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from assessment.forms.records import reason_field
from assessment.models import Indicator, IntegritySignal, MethodChoices


class SignalDismissForm(forms.Form):
    reason = reason_field(_("Reason for dismissing"))


class SignalConfirmForm(forms.Form):
    reason = reason_field(_("Reason for confirming"))
    indicator = forms.ModelChoiceField(
        label=_("Deduction or disqualification"), queryset=Indicator.objects.none()
    )

    def __init__(self, *args: Any, signal: IntegritySignal, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["indicator"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Indicator.objects.filter(
            year_id=signal.year_id,
            category_id=signal.unit.category_id,
            method__in=[MethodChoices.DEDUCTION, "disqualify"],
        ).order_by("code")


class SignalFailureForm(forms.Form):
    """The failure supervision records for a confirmed signal."""

    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    value = forms.DecimalField(
        label=_("Points deducted"), min_value=0, max_digits=18, decimal_places=4
    )
    description = forms.CharField(label=_("Description"), max_length=500)
