"""What every form of the staff pages shares: they parse and check input; the services decide
and write. Labels, errors and the reason asked for an amendment look the same everywhere."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import Any, Protocol, cast

from django import forms
from django.core import validators
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.models import ModelChoiceIterator
from django.forms.widgets import Widget
from django.utils.translation import gettext_lazy as _

from assessment.models import AssessmentYear
from assessment.models.years import DecimalSize
from assessment.policy import Action, needs_reason
from assessment.services.concurrency import STATE_FIELD


class DistrictBoundField(forms.BoundField):
    """Renders a widget with Bootstrap's classes, marked invalid when it has errors."""

    def build_widget_attrs(
        self, attrs: dict[str, Any], widget: Widget | None = None
    ) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        if self.errors:
            css += " is-invalid"
        attrs["class"] = f"{attrs.get('class', '')} {css}".strip()
        return attrs


# The largest whole number every integer column of the site holds (PostgreSQL's ``integer``).
# A number field that names no bound of its own gets this one, so that a pasted 30-digit
# number is refused with the field's message instead of overflowing the database.
LARGEST_WHOLE = 2_147_483_647


def bound_whole_numbers(form: forms.BaseForm) -> None:
    """Give every whole-number field without bounds the database's bounds."""
    for field in form.fields.values():
        if not isinstance(field, forms.IntegerField) or isinstance(field, forms.DecimalField):
            continue
        if field.max_value is None:
            field.max_value = LARGEST_WHOLE
            field.validators.append(validators.MaxValueValidator(LARGEST_WHOLE))
            field.widget.attrs.setdefault("max", str(LARGEST_WHOLE))
        if field.min_value is None:
            field.min_value = -LARGEST_WHOLE
            field.validators.append(validators.MinValueValidator(-LARGEST_WHOLE))
            field.widget.attrs.setdefault("min", str(-LARGEST_WHOLE))


class ModelChoices(Protocol):
    """What a form sets on a model choice field of its own once it knows the user or the year:
    the rows offered, and how each reads."""

    queryset: QuerySet[Any]
    label_from_instance: Callable[[Any], str]


class ListedChoices(ModelChoiceIterator):
    """A short list of choices read in one plain query. Django's own iterator reads them through
    a server-side cursor on PostgreSQL (DECLARE, FETCH and CLOSE, held past the transaction):
    three round trips for the twenty indicators of a form."""

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


def model_choices(form: forms.BaseForm, name: str) -> ModelChoices:
    """The form's field ``name``, which the form declares as a ``ModelChoiceField``."""
    return cast(ModelChoices, form.fields[name])


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """The form's field ``name``, which the form declares as a ``ChoiceField``."""
    return cast(forms.ChoiceField, form.fields[name])


class DistrictForm(forms.Form):
    bound_field_class = DistrictBoundField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bound_whole_numbers(self)


class DistrictModelForm(forms.ModelForm):
    bound_field_class = DistrictBoundField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bound_whole_numbers(self)


def reason_field() -> forms.CharField:
    return forms.CharField(
        label=_("Reason for the amendment"),
        max_length=500,
        help_text=_("Required now: the year is past set-up, so the change is recorded with why."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def add_reason_if_needed(form: forms.BaseForm, year: AssessmentYear, action: Action) -> None:
    """Policy: past set-up a change is an amendment and needs a reason; ask only then."""
    if needs_reason(year, action):
        form.fields["reason"] = reason_field()


def add_state_field(form: forms.BaseForm, digest: str) -> None:
    """The digest of the data the form was opened on, sent back with it: the service refuses
    the save if the data has changed since (``assessment.services.concurrency``). A bound form
    keeps the digest it was sent, so a refused form stays refused until the page is reopened."""
    form.fields[STATE_FIELD] = forms.CharField(
        widget=forms.HiddenInput, required=False, initial=digest, max_length=64
    )


def opened_state(form: forms.BaseForm) -> str | None:
    """The digest the form was opened with (None: not sent, the save is not checked)."""
    return form.cleaned_data.get(STATE_FIELD) or None


def plain_number(value: Decimal | None) -> str | None:
    """500.000000 → "500", 0.8500 → "0.85": what a clerk typed, not the column's precision."""
    if value is None:
        return None
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def add_service_errors(form: forms.BaseForm, error: ValidationError, fields: Iterable[str]) -> None:
    """A service's refusal on the form: under its field where the form has one, else on top."""
    known = set(fields) & set(form.fields)
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in known else None, errors)


DATE_FORMAT = "%Y-%m-%d"


def date_field(label: Any = None) -> forms.DateField:
    return forms.DateField(
        label=label or _("Date"),
        input_formats=[DATE_FORMAT],
        widget=forms.DateInput(attrs={"type": "date"}, format=DATE_FORMAT),
    )


def number_field(label: Any, digits: DecimalSize, help_text: Any = "") -> forms.DecimalField:
    """A decimal of the column's precision, typed on a phone's decimal keypad."""
    return forms.DecimalField(
        label=label,
        max_digits=digits["max_digits"],
        decimal_places=digits["decimal_places"],
        help_text=help_text,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
