"""Forms of the results workflow: objections, their answers, and publishing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from assessment.forms.base import DistrictForm, model_choices
from assessment.forms.records import MultipleFileField
from assessment.models import Indicator


class ObjectionForm(DistrictForm):
    """A unit objects to one of its indicator scores (异议), with the reason and documents."""

    indicator = forms.ModelChoiceField(
        label=_("Indicator"), queryset=Indicator.objects.none(), empty_label=None
    )
    reason = forms.CharField(
        label=_("Why the score is wrong"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Name the figure or record you believe is wrong and what it should be."),
    )
    attachments = MultipleFileField(
        label=_("Supporting documents"),
        required=False,
        help_text=_("Optional: PDF, images or Office documents, at most 10 files."),
    )

    def __init__(self, *args: Any, indicators: list[Indicator], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = model_choices(self, "indicator")
        field.queryset = Indicator.objects.filter(pk__in=[i.pk for i in indicators]).order_by(
            "sort_order", "code"
        )
        field.label_from_instance = lambda indicator: f"{indicator.name}（{indicator.code}）"


RESOLUTIONS = [("reject", _("Reject the objection")), ("accept", _("Accept the objection"))]


class ObjectionResolveForm(DistrictForm):
    decision = forms.ChoiceField(label=_("Decision"), choices=RESOLUTIONS)
    resolution = forms.CharField(
        label=_("Reason or correction"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Rejecting: why the score stands. Accepting: the correction that follows; then amend "
            "the input (evidence, grade, rank, survey or target) and compute the results again."
        ),
    )

    @property
    def accept(self) -> bool:
        return self.cleaned_data["decision"] == "accept"


class PublishForm(DistrictForm):
    confirm_early = forms.BooleanField(
        label=_("I confirm publishing before the publicity period has ended"),
        required=False,
    )
    reason = forms.CharField(
        label=_("Reason (kept with the publication)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For a new version: the review that led to it (复核)."),
    )
