"""Forms of the draft schemes: name a new draft, change a draft, adopt it for a year."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from assessment.forms.base import DistrictForm, add_state_field, plain_number
from assessment.forms.years import PARAMETER_GROUPS, model_form_field, parameter_field
from assessment.models import DRAFT_PARAMETERS, AssessmentYear, DraftScheme, Indicator, YearStatus
from assessment.services.drafts import NEW_INDICATOR_DEFAULTS, draft_state
from units.models import UnitCategory

# What the draft form changes of each indicator (its code and name stay the year's).
ROW_FIELDS: tuple[str, ...] = ("points", "method", "cap", "total_share", "step")


class DraftCreateForm(DistrictForm):
    name = forms.CharField(label=_("Draft name"), max_length=100)


def row_prefix(index: int) -> str:
    return f"row{index}-"


class DraftForm(DistrictForm):
    """The draft's name, parameters, bonus pool, and per indicator its points, method, cap,
    share of the total and rank step."""

    name = forms.CharField(label=_("Draft name"), max_length=100)

    def __init__(self, *args: Any, draft: DraftScheme, **kwargs: Any) -> None:
        self.draft = draft
        initial: dict[str, Any] = {"name": draft.name, "bonus_pool": draft.bonus_pool}
        for name in DRAFT_PARAMETERS:
            initial[name] = plain_number(Decimal(str(draft.params[name])))
        for index, row in enumerate(draft.indicators):
            for field in ROW_FIELDS:
                value = row.get(field)
                number = field != "method" and value is not None
                initial[row_prefix(index) + field] = (
                    plain_number(Decimal(value)) if number else value
                )
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        add_state_field(self, draft_state(draft))
        for name in (*DRAFT_PARAMETERS, "bonus_pool"):
            self.fields[name] = parameter_field(name)
        for index, row in enumerate(draft.indicators):
            for field in ROW_FIELDS:
                formfield = model_form_field(Indicator, field)
                # the table's column heads label the inputs for the eye; this, for a reader
                formfield.widget.attrs["aria-label"] = f"{row['name']} · {formfield.label}"
                self.fields[row_prefix(index) + field] = formfield

    def groups(self) -> list[tuple[Any, list[forms.BoundField]]]:
        wanted = {*DRAFT_PARAMETERS, "bonus_pool"}
        return [
            (label, [self[name] for name in names if name in wanted])
            for label, names in PARAMETER_GROUPS
            if wanted & set(names)
        ]

    def rows(self) -> list[tuple[dict[str, Any], list[forms.BoundField]]]:
        return [
            (row, [self[row_prefix(index) + field] for field in ROW_FIELDS])
            for index, row in enumerate(self.draft.indicators)
        ]

    def parameters(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in DRAFT_PARAMETERS}

    def indicator_changes(self) -> dict[tuple[str, str], dict[str, Any]]:
        return {
            (row["category"], row["code"]): {
                field: self.cleaned_data[row_prefix(index) + field] for field in ROW_FIELDS
            }
            for index, row in enumerate(self.draft.indicators)
        }


# What the office gives a new indicator of a draft: as the scheme page asks for one.
NEW_FIELDS: tuple[str, ...] = (
    "code", "name", "group", "points", "method", "aggregation", "cap", "total_share", "step",
)  # fmt: skip


class DraftIndicatorForm(DistrictForm):
    """A new indicator of the draft: its category, code, name and rule."""

    category = forms.ChoiceField(label=_("Unit category"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                name: plain_number(value) if isinstance(value, Decimal) else value
                for name, value in NEW_INDICATOR_DEFAULTS.items()
            },
        )
        kwargs.setdefault("prefix", "new")
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["category"])
        field.choices = [
            ("", "---------"),
            *UnitCategory.objects.order_by("sort_order", "code").values_list("code", "name"),
        ]
        for name in NEW_FIELDS:
            self.fields[name] = model_form_field(Indicator, name)

    def indicator(self) -> dict[str, Any]:
        """The service's arguments: the category, and the indicator's values."""
        values = {name: self.cleaned_data[name] for name in NEW_FIELDS}
        return {"category": self.cleaned_data["category"], "values": values}


class AdoptForm(DistrictForm):
    """The year (still being set up) that takes the draft as its scheme."""

    year = forms.ModelChoiceField(
        label=_("Year being set up"), queryset=AssessmentYear.objects.none()
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["year"])
        field.queryset = AssessmentYear.objects.filter(status=YearStatus.SETUP).order_by("year")
