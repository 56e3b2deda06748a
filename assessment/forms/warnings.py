"""Forms of the three-colour warnings: rectification reports and their review, talks, and
leaders' instructions with their answers."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from assessment.forms.base import DistrictForm, date_field, model_choices
from assessment.forms.records import MultipleFileField
from assessment.models import Indicator, WarningNotice
from units.models import Unit


def _text(label: Any, *, rows: int = 3, max_length: int = 2000, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        **kwargs,
    )


class ReportForm(DistrictForm):
    """A unit's rectification report (整改报告) on its warning notice."""

    measures = _text(
        _("Measures"),
        rows=5,
        max_length=4000,
        help_text=_("What the unit does to make up each shortfall, who does it and by when."),
    )
    done_by = date_field(_("Measures completed by"))
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("Optional: PDF, images or Office documents, at most 10 files."),
    )


REVIEW_DECISIONS = [("accept", _("Accept the report")), ("return", _("Send the report back"))]


class ReviewForm(DistrictForm):
    decision = forms.ChoiceField(label=_("Decision"), choices=REVIEW_DECISIONS)
    note = _text(
        _("Note"), required=False, help_text=_("Required when the report is sent back: say why.")
    )

    @property
    def accept(self) -> bool:
        return self.cleaned_data["decision"] == "accept"


class TalkForm(DistrictForm):
    """A talk (约谈) with a unit's leaders."""

    held_on = date_field(_("Held on"))
    attendees = _text(_("Attendees"), rows=2, max_length=1000)
    commitments = _text(_("Commitments"), rows=4, max_length=4000)


class InstructionForm(DistrictForm):
    """A district leader's instruction (领导批示) to a unit."""

    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), empty_label=None)
    indicator = forms.ModelChoiceField(
        label=_("On the indicator"), queryset=Indicator.objects.none(), required=False
    )
    notice = forms.ModelChoiceField(
        label=_("On the warning notice"), queryset=WarningNotice.objects.none(), required=False
    )
    bulletin_quarter = forms.TypedChoiceField(
        label=_("On the quarterly bulletin"),
        choices=[("", "—")] + [(q, _("Quarter %(n)s") % {"n": q}) for q in range(1, 5)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    text = _text(_("Instruction"), rows=4)

    def __init__(
        self,
        *args: Any,
        units: list[Unit],
        indicators: list[Indicator],
        notices: list[WarningNotice],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        model_choices(self, "unit").queryset = Unit.objects.filter(
            pk__in=[u.pk for u in units]
        ).order_by("category__sort_order", "code")
        indicator = model_choices(self, "indicator")
        indicator.queryset = Indicator.objects.filter(pk__in=[i.pk for i in indicators])
        indicator.label_from_instance = lambda i: f"{i.name}（{i.code}）"
        notice = model_choices(self, "notice")
        notice.queryset = WarningNotice.objects.filter(
            pk__in=[n.pk for n in notices]
        ).select_related("unit", "period")
        notice.label_from_instance = lambda n: f"{n.unit.name} · {n.period.name}"


class AnswerForm(DistrictForm):
    answer = _text(pgettext_lazy("a leader's instruction", "Answer"), rows=4, max_length=4000)
