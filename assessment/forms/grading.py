"""The grading grid's form: one row of inputs per editable unit; it parses, the service decides.

Field names are ``<unit code>-<field>`` (``A01-grade``), labels name the field and the unit, so
an error says which value of which unit is wrong.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from assessment.forms.base import DistrictForm, add_state_field, plain_number, reason_field
from assessment.models import GradeChoices, Indicator, MethodChoices
from assessment.policy import Action, needs_reason
from assessment.services.grading import GRADING_FIELDS, GridError, grading_state, unit_label
from units.models import Unit


def _fields(method: str, unit: str) -> dict[str, forms.Field]:
    if method == MethodChoices.GRADED:
        return {
            "grade": forms.ChoiceField(
                label=_("Grade of %(unit)s") % {"unit": unit},
                choices=[("", "—"), *GradeChoices.choices],
                required=False,
            ),
            "reason": forms.CharField(
                label=_("Reason for %(unit)s") % {"unit": unit},
                max_length=500,
                required=False,
                widget=forms.Textarea(attrs={"rows": 1}),
            ),
        }
    if method == MethodChoices.CITY_RANK:
        return {
            "rank": forms.IntegerField(
                label=_("Rank of %(unit)s") % {"unit": unit}, min_value=1, required=False
            ),
            "total": forms.IntegerField(
                label=_("Number ranked for %(unit)s") % {"unit": unit},
                min_value=1,
                required=False,
            ),
        }
    return {
        "rate": forms.DecimalField(
            label=_("Rate of %(unit)s") % {"unit": unit},
            min_value=Decimal(0),
            max_value=Decimal(100),
            max_digits=9,
            decimal_places=6,
            required=False,
            help_text=_("A rate from 0 to 1, or a percentage up to 100."),
        )
    }


class GradingGridForm(DistrictForm):
    """The inputs of every unit the user may assess on one indicator."""

    def __init__(
        self,
        *args: Any,
        indicator: Indicator,
        units: list[Unit],
        existing: dict[int, Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self.method = indicator.method
        self.names = GRADING_FIELDS[self.method]
        self.units = units
        if needs_reason(indicator.year, Action.ENTER_ASSESSMENTS):
            # An amendment (during the publicity or a review): why, kept in the history.
            self.fields["amendment_reason"] = reason_field()
        for unit in units:
            current = existing.get(unit.pk)
            for name, field in _fields(self.method, unit_label(unit)).items():
                if current is not None:
                    value = getattr(current, name)
                    field.initial = plain_number(value) if isinstance(value, Decimal) else value
                self.fields[self.key(unit.code, name)] = field
        add_state_field(self, grading_state(indicator, units, existing))

    @staticmethod
    def key(code: str, name: str) -> str:
        return f"{code}-{name}"

    def row(self, unit: Unit) -> list[forms.BoundField]:
        return [self[self.key(unit.code, name)] for name in self.names]

    def rows(self) -> dict[str, dict[str, Any]]:
        """The cleaned values by unit code, for ``grading_save``."""
        return {
            unit.code: {
                name: self.cleaned_data.get(self.key(unit.code, name)) for name in self.names
            }
            for unit in self.units
        }

    def add_grid_errors(self, error: GridError) -> None:
        """The service's errors, on the fields they concern (or the form, if none)."""
        for code, fields in error.rows.items():
            for name, messages in fields.items():
                key = self.key(code, name)
                if name and key in self.fields:
                    self.add_error(key, messages)
                else:
                    self.add_error(None, [f"{code}：{message}" for message in messages])
