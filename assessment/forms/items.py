"""Forms of catalogued items and waivers: the item and document of a record (申报加分, a
deduction by the list), the claims list's filter, and a waiver's proposal and decision."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from assessment.forms.base import DistrictForm, ListedChoices, model_choices
from assessment.forms.records import reason_field
from assessment.models import Indicator, Item
from units.models import Unit


class ItemChoiceField(forms.ModelChoiceField):
    iterator = ListedChoices

    def label_from_instance(self, obj: Item) -> str:
        level = f" · {obj.get_level_display()}" if obj.level else ""
        return _("%(indicator)s · %(code)s %(name)s%(level)s · %(points)s each time") % {
            "indicator": obj.indicator.name,
            "code": obj.code,
            "name": obj.name,
            "level": level,
            "points": f"{obj.points.normalize():f}",
        }


def item_field() -> ItemChoiceField:
    return ItemChoiceField(
        label=_("Catalogued item"),
        queryset=Item.objects.none(),
        required=False,
        help_text=_(
            "For an indicator with a catalogue: the item, and as the value the number of times "
            "(次) or persons (人次)."
        ),
    )


def document_field() -> forms.CharField:
    return forms.CharField(
        label=_("Document number"),
        max_length=100,
        required=False,
        help_text=_("The number of the document that proves it, e.g. 省政发〔2026〕12号."),
    )


def offer_items(form: forms.BaseForm, indicators: Iterable[Indicator]) -> None:
    """The items of these indicators in the form's item field; without any, no item fields."""
    items = Item.objects.filter(indicator__in=list(indicators)).select_related("indicator")
    if not items.exists():
        del form.fields["item"]
        del form.fields["document"]
        return
    model_choices(form, "item").queryset = items.order_by(
        "indicator__sort_order", "indicator__code", "sort_order", "code"
    )


def item_for_indicator(form: forms.Form, data: dict[str, Any]) -> None:
    """An item chosen names its indicator: none chosen takes it, another one is an error."""
    item, indicator = data.get("item"), data.get("indicator")
    if item is None:
        return
    if indicator is None and "indicator" in form.errors:
        form.errors.pop("indicator")
    if indicator is None:
        data["indicator"] = item.indicator
    elif item.indicator_id != indicator.pk:
        form.add_error(
            "item",
            _("This item is not in the catalogue of %(indicator)s.") % {"indicator": indicator},
        )


class ClaimFilterForm(DistrictForm):
    unit = forms.ModelChoiceField(
        label=_("Unit"), queryset=Unit.objects.none(), required=False, to_field_name="code"
    )
    item = forms.ModelChoiceField(label=_("Item"), queryset=Item.objects.none(), required=False)

    def __init__(self, *args: Any, units: Any, items: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choices(self, "unit").queryset = units
        model_choices(self, "item").queryset = items


class WaiverProposeForm(DistrictForm):
    reason = reason_field(_("Reason for the waiver"))
    clause = forms.CharField(
        label=_("Fault-tolerance clause"),
        max_length=200,
        help_text=_("The clause of the district's fault-tolerance rules, e.g. 容错纠错办法第五条."),
    )


class WaiverDeclineForm(DistrictForm):
    reason = reason_field(_("Reason for declining"))
