"""Forms of the year, its parameters and state, its indicators, targets and computation."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from assessment.forms.base import (
    DistrictForm,
    DistrictModelForm,
    add_reason_if_needed,
    add_state_field,
    model_choices,
    plain_number,
)
from assessment.imports.values import Share, tidy
from assessment.imports.values import target as period_value
from assessment.models import (
    AssessmentYear,
    Indicator,
    Item,
    PeriodTarget,
    ReportingPeriod,
    YearStatus,
)
from assessment.policy import TRANSITIONS, Action
from assessment.scoring.colours import TARGETED_METHODS, pro_rata_share
from assessment.selectors.years import TargetsGrid
from assessment.services.period_targets import PeriodEntry
from assessment.services.scheme import (
    INDICATOR_FIELDS,
    ITEM_FIELDS,
    PARAMETER_FIELDS,
    PARAMETER_SECTIONS,
    TargetRow,
    indicator_state,
    targets_state,
    year_state,
)
from units.models import Unit


class YearCreateForm(DistrictForm):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)


# The settings page's sections, titled, in the order of the service's sections.
SECTION_TITLES = (
    _("Tiers and quotas"),
    _("Grade factors"),
    _("Three-in-one weights"),
    _("Bonus pool and coefficients"),
    _("Reporting period"),
    _("Data sources (一数一源)"),
)
PARAMETER_GROUPS: list[tuple[Any, tuple[str, ...]]] = list(
    zip(SECTION_TITLES, PARAMETER_SECTIONS, strict=True)
)


def model_form_field(model: type[models.Model], name: str) -> forms.Field:
    """The model field's form field, with the model's limits checked already in the form."""
    model_field = cast("models.Field[Any, Any]", model._meta.get_field(name))
    formfield = cast(forms.Field, model_field.formfield())
    for validator in model_field.validators:
        if validator not in formfield.validators:
            formfield.validators.append(validator)
    if isinstance(formfield, forms.DateField):
        formfield.widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    return formfield


def parameter_field(name: str) -> forms.Field:
    """A parameter is a column of the year, and each has a form field."""
    return model_form_field(AssessmentYear, name)


class YearParametersForm(DistrictForm):
    """Every parameter of a year; the values are handed to ``year_update_parameters``."""

    def __init__(self, *args: Any, year: AssessmentYear, **kwargs: Any) -> None:
        initial = {}
        for name in PARAMETER_FIELDS:
            value = getattr(year, name)
            initial[name] = plain_number(value) if isinstance(value, Decimal) else value
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        for name in PARAMETER_FIELDS:
            self.fields[name] = parameter_field(name)
        add_reason_if_needed(self, year, Action.EDIT_PARAMETERS)
        add_state_field(self, year_state(year))

    def groups(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [(label, [self[name] for name in names]) for label, names in PARAMETER_GROUPS]

    def parameters(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in PARAMETER_FIELDS}


class TransitionForm(DistrictForm):
    to = forms.ChoiceField(label=_("New state"), choices=YearStatus.choices)
    reason = forms.CharField(
        label=_("Reason (kept in the year's history)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    publicity_ends = forms.DateField(
        label=_("Last day of the publicity (公示)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Needed to open the publicity; it cannot be in the past."),
    )


def next_states(year: AssessmentYear) -> list[YearStatus]:
    """The states a year may move to next, in the order of a year's life; "published" is
    reached by publishing (the publish form), not by a state button."""
    allowed = TRANSITIONS[YearStatus(year.status)]
    return [s for s in YearStatus if s in allowed and s != YearStatus.PUBLISHED]


# --- indicators -------------------------------------------------------------------------------


class ItemForm(DistrictModelForm):
    """One item of a bonus or deduction indicator's catalogue; the instance comes with its
    indicator set."""

    class Meta:
        model = Item
        fields = ITEM_FIELDS
        help_texts = {
            "points": _("The points of one occurrence (or one person held accountable)."),
            "cap": _("Empty: no item cap."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("points", "cap"):
            if isinstance(value := self.initial.get(name), Decimal):
                self.initial[name] = plain_number(value)
        add_reason_if_needed(self, self.instance.indicator.year, Action.EDIT_SCHEME)


class IndicatorForm(DistrictModelForm):
    """One indicator of a scheme. The instance comes with its year and category set."""

    class Meta:
        model = Indicator
        fields = INDICATOR_FIELDS
        widgets = {"measure": forms.TextInput(attrs={"placeholder": _("e.g. 万元, %, 件")})}
        help_texts = {
            "points": _("The weight of the indicator; the regular indicators add up to 100."),
            "cap": _("Upper bound of the completion ratio: 1 means at most full points."),
            "total_share": _("Increment method only: the weight of the total (0.5 by default)."),
            "step": _("City ranking only: points lost per place; empty means points ÷ ranked."),
        }
        error_messages = {
            "points": {"min_value": _("Points cannot be negative.")},
            "cap": {"min_value": _("The cap must be at least 1 (1 means at most full points).")},
            "total_share": {
                "min_value": _("The share of the total must be between 0 and 1."),
                "max_value": _("The share of the total must be between 0 and 1."),
            },
            "step": {"min_value": _("The rank step must be greater than 0.")},
            "method": {
                "invalid_choice": _(
                    "“%(value)s” is not a scoring method. Choose one of the listed methods."
                )
            },
            "aggregation": {
                "invalid_choice": _(
                    "“%(value)s” is not an aggregation. Choose the sum or the latest record."
                )
            },
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("lead_unit", "source_unit"):
            model_choices(self, name).queryset = Unit.objects.active().order_by(
                "category__sort_order", "code"
            )
        for name in ("points", "cap", "total_share", "step"):
            value = self.initial.get(name)
            if isinstance(value, Decimal):
                self.initial[name] = plain_number(value)
        add_reason_if_needed(self, self.instance.year, Action.EDIT_SCHEME)
        if self.instance.pk is not None:
            add_state_field(self, indicator_state(self.instance))

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        clash = (
            Indicator.objects.filter(
                year_id=self.instance.year_id, category_id=self.instance.category_id, code=code
            )
            .exclude(pk=self.instance.pk)
            .first()
        )
        if clash is not None:
            raise ValidationError(
                _("The code %(code)s is already used in this scheme by “%(name)s”."),
                code="unique",
                params={"code": code, "name": clash.name},
            )
        return code


# --- targets ----------------------------------------------------------------------------------


class TargetsForm(DistrictForm):
    """All of a unit's targets in one form: a target, base and responsible cadre per line."""

    def __init__(
        self,
        *args: Any,
        grid: TargetsGrid,
        year: AssessmentYear,
        periods: Sequence[ReportingPeriod] = (),
        entered: Mapping[tuple[int, int], PeriodTarget] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.grid = grid
        self.periods = list(periods)
        self._cadres = {str(cadre.pk): cadre for cadre in grid.cadres}
        cadre_choices = [("", "—"), *((str(c.pk), c.name) for c in grid.cadres)]
        for line in grid.lines:
            indicator, pk = line.indicator, line.indicator.pk
            name = f"{indicator.name}（{indicator.code}）"
            if line.needs_target:
                self.fields[f"target-{pk}"] = self._number(_("target"), name)
            if line.needs_base:
                self.fields[f"base-{pk}"] = self._number(_("base"), name)
            self.fields[f"leader-{pk}"] = forms.ChoiceField(
                label=f"{_('responsible cadre')} · {name}", choices=cadre_choices, required=False
            )
            if indicator.method in TARGETED_METHODS:
                self._add_period_fields(line.indicator, name, entered or {})
            if line.target is not None:
                self.initial[f"target-{pk}"] = plain_number(line.target.target)
                self.initial[f"base-{pk}"] = plain_number(line.target.base)
                self.initial[f"leader-{pk}"] = line.target.leader_id or ""
        add_reason_if_needed(self, year, Action.EDIT_TARGETS)
        add_state_field(self, targets_state(line.target for line in grid.lines if line.target))

    def _add_period_fields(
        self, indicator: Indicator, name: str, entered: Mapping[tuple[int, int], PeriodTarget]
    ) -> None:
        """A cumulative target per period: a figure or a share such as 45%; blank, the pro-rata
        default (shown as the placeholder). A closed period's figure is kept as it was."""
        for period in self.periods:
            key = f"period-{period.pk}-{indicator.pk}"
            default = f"{tidy(pro_rata_share(period.year.year, period.ends_on) * 100)}%"
            self.fields[key] = forms.CharField(
                label=f"{period.name} · {name}",
                required=False,
                disabled=period.is_closed,
                widget=forms.TextInput(
                    attrs={
                        "inputmode": "decimal",
                        "placeholder": _("Default by elapsed time: %(share)s") % {"share": default},
                    }
                ),
            )
            row = entered.get((period.pk, indicator.pk))
            if row is not None:
                self.initial[key] = (
                    str(Share(row.share)) if row.share is not None else plain_number(row.value)
                )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in self.fields:
            if name.startswith("period-") and name in data and data[name]:
                try:
                    data[name] = period_value(data[name])
                except ValueError as error:
                    self.add_error(name, str(error))
        return data

    def period_entries(self) -> list[PeriodEntry]:
        """The period fields of open periods as entries (closed ones are left as they are)."""
        entries = []
        for line in self.grid.lines:
            for period in self.periods:
                key = f"period-{period.pk}-{line.indicator.pk}"
                if key not in self.fields or period.is_closed:
                    continue
                value = self.cleaned_data.get(key) or None
                entries.append(
                    PeriodEntry(
                        period=period,
                        indicator=line.indicator,
                        share=value.value if isinstance(value, Share) else None,
                        value=None if isinstance(value, Share) else value,
                    )
                )
        return entries

    def period_fields(self, indicator: Indicator) -> list[tuple[str, forms.BoundField]]:
        """The indicator's period fields with their period's name, for the table."""
        return [
            (period.name, self[f"period-{period.pk}-{indicator.pk}"])
            for period in self.periods
            if f"period-{period.pk}-{indicator.pk}" in self.fields
        ]

    @staticmethod
    def _number(what: Any, indicator_name: str) -> forms.DecimalField:
        return forms.DecimalField(
            label=f"{what} · {indicator_name}",
            max_digits=20,
            decimal_places=6,
            required=False,
            widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        )

    def lines(self) -> list[dict[str, Any]]:
        """The grid's lines with their bound fields, for the table."""
        rows = []
        for line in self.grid.lines:
            pk = line.indicator.pk
            leader = self._cadres.get(str(line.leader_id))
            rows.append(
                {
                    "line": line,
                    "numbers": [
                        self[f"target-{pk}"] if line.needs_target else None,
                        self[f"base-{pk}"] if line.needs_base else None,
                    ],
                    "leader": self[f"leader-{pk}"],
                    "periods": self.period_fields(line.indicator),
                    "leader_name": leader.name if leader else "",
                }
            )
        return rows

    def rows(self) -> list[TargetRow]:
        data = self.cleaned_data
        return [
            TargetRow(
                indicator=line.indicator,
                target=data.get(f"target-{line.indicator.pk}"),
                base=data.get(f"base-{line.indicator.pk}"),
                leader=self._cadres.get(data.get(f"leader-{line.indicator.pk}") or ""),
            )
            for line in self.grid.lines
        ]

    def add_service_errors(self, error: ValidationError) -> None:
        """Put the service's "<indicator code>.<field>" errors on the fields of that line."""
        by_code = {line.indicator.code: line.indicator.pk for line in self.grid.lines}
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for key, messages in error.message_dict.items():
            code, _dot, field = key.rpartition(".")
            name = f"{field}-{by_code.get(code)}"
            self.add_error(name if name in self.fields else None, messages)


# A bonus pool of up to 9,999 亿 yuan: far above any district's, far below what the column holds.
BONUS_POOL_LIMIT = 999_999_999_999


class ComputeForm(DistrictForm):
    bonus_pool = forms.IntegerField(
        label=_("Bonus pool (yuan)"),
        min_value=0,
        max_value=BONUS_POOL_LIMIT,
        required=False,
        help_text=_("Leave empty to use the year's bonus pool."),
    )

    def __init__(self, *args: Any, year: AssessmentYear, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        add_reason_if_needed(self, year, Action.COMPUTE)
