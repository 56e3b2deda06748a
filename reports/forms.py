"""Forms of the staff reports: they parse and check input; ``reports.staff`` decides."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from assessment.forms.base import DistrictForm


class BulletinCreateForm(DistrictForm):
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        choices=[("", _("No quarter: dated only")), *[(q, str(q)) for q in range(1, 5)]],
        coerce=int,
        empty_value=None,
        required=False,
    )
    as_of = forms.DateField(
        label=_("As of"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Overdue reporting is counted on this day; today if empty."),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Leave empty for the usual title."),
    )


class OutstandingFilterForm(DistrictForm):
    threshold = forms.DecimalField(
        label=_("Contribution points from"),
        min_value=Decimal(0),
        max_digits=6,
        decimal_places=2,
        required=False,
        help_text=_("The year's cap of contribution points if empty."),
    )

    def threshold_or(self, default: Decimal) -> Decimal:
        """The chosen threshold, or ``default`` when none (or an invalid one) was given."""
        if self.is_valid() and self.cleaned_data["threshold"] is not None:
            return self.cleaned_data["threshold"]
        return default
