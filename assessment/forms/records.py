"""What the forms of every verified record share: files, the reasons asked, the decision.

Evidence (``forms.evidence``, ``forms.verify``) and key-project progress and contribution points
(``forms.project_progress``) ask the same way for what the one flow of ``services.records``
needs: a description, attachments, the reason of a late record or a correction, and a
decision with its reason. They parse; the service decides.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from assessment.forms.base import DistrictForm, plain_number
from assessment.models import AssessmentYear, VerifiedRecord
from assessment.services.records import recording_is_late
from units.access import AnyUser


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the attachments service checks each of them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list:
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


def description_field() -> forms.CharField:
    return forms.CharField(
        label=_("Description"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


def attachments_field() -> MultipleFileField:
    return MultipleFileField(
        label=_("Attachments"),
        help_text=_("PDF, images or Office documents; you may choose several files."),
    )


def reason_field(label: Any, *, required: bool = True) -> forms.CharField:
    """A reason the record keeps (at most 500 characters, as its columns)."""
    return forms.CharField(
        label=label,
        max_length=500,
        required=required,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def ask_late_reason(
    form: forms.BaseForm, user: AnyUser, year: AssessmentYear, help_text: Any
) -> None:
    """Only when the record would be late (``recording_is_late``): the service then requires
    the reason."""
    if recording_is_late(user, year):
        form.fields["late_reason"] = reason_field(_("Reason for the late record"))
        form.fields["late_reason"].help_text = help_text


class CorrectionForm(DistrictForm):
    """Corrects ``record``: opens on its own values (numbers as a clerk types them); each form
    declares its fields, the reason for the correction last."""

    copied: tuple[str, ...] = ()  # the record's fields the form opens with

    def __init__(self, *args: Any, record: VerifiedRecord, **kwargs: Any) -> None:
        kwargs.setdefault("initial", self.initial_for(record))
        super().__init__(*args, **kwargs)
        self.record = record

    @classmethod
    def initial_for(cls, record: VerifiedRecord) -> dict[str, Any]:
        values = {name: getattr(record, name) for name in cls.copied}
        return {
            name: plain_number(value) if isinstance(value, Decimal) else value
            for name, value in values.items()
        }


DECISIONS = [("verify", _("Verify")), ("reject", _("Reject"))]


class DecisionForm(DistrictForm):
    """Verify or reject; a rejection needs a reason (the service's rule, said on the form)."""

    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS)

    @property
    def accept(self) -> bool:
        return self.cleaned_data["decision"] == "verify"
