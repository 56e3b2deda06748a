"""Forms of the satisfaction surveys: the office's settings and the public answer sheet."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from assessment.forms.base import DistrictForm, DistrictModelForm, model_choices
from assessment.models import AssessmentYear, Survey, SurveyChoice, SurveyQuestion
from assessment.services import surveys as survey_service
from units.models import Unit

HONEYPOT = "extra_note"


class SurveyForm(DistrictModelForm):
    """A survey's settings and its questions, one per line (a draft's only)."""

    questions = forms.CharField(
        label=_("Questions"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "One question per line, in the order they are asked. Each is answered "
            "satisfied, fairly satisfied or dissatisfied."
        ),
    )

    class Meta:
        model = Survey
        fields = list(survey_service.SURVEY_FIELDS)
        widgets = {
            "opens_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "closes_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "intro": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, year: AssessmentYear, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The model's own checks (dates within the year, the indicator's year) run on the form's
        # instance too: it belongs to the year from the start.
        self.instance.year = year
        indicators = survey_service.survey_indicators(year)
        model_choices(self, "indicator").queryset = indicators
        model_choices(self, "indicator").label_from_instance = lambda i: (
            f"{i.category.name} · {i.name}（{i.code}）"
        )
        categories = {indicator.category_id for indicator in indicators}
        model_choices(self, "unit").queryset = (
            Unit.objects.active().filter(category_id__in=categories).order_by("code")
        )
        model_choices(self, "unit").label_from_instance = lambda unit: f"{unit.name}（{unit.code}）"
        if self.instance.pk and not self.is_bound:
            self.initial["questions"] = "\n".join(
                self.instance.questions.order_by("position", "pk").values_list("text", flat=True)
            )

    def question_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["questions"].splitlines()]

    def settings(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in survey_service.SURVEY_FIELDS}


class SurveyCloseForm(DistrictForm):
    without_rate = forms.BooleanField(
        label=_("Close without a rate if there are too few valid responses"),
        required=False,
    )


class SurveyCodesForm(DistrictForm):
    size = forms.IntegerField(
        label=pgettext_lazy("survey", "Number of codes"),
        min_value=1,
        max_value=survey_service.MAX_BATCH,
        initial=40,
        help_text=_("Eight slips to an A4 page. The codes are printed once and never shown again."),
    )
    void_earlier = forms.BooleanField(
        label=_("Withdraw the unused codes of earlier batches"),
        required=False,
        help_text=_("For slips lost or given out by mistake: their codes stop working."),
    )


class ResponseForm(forms.Form):
    """The public answer sheet: one choice per question, the code where one is needed, the
    page's stamp and a field people never see (filled only by automated senders)."""

    stamp = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, questions: list[SurveyQuestion], uses_codes: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        if uses_codes:
            self.fields["code"] = forms.CharField(
                label=pgettext_lazy("survey", "Your code"),
                max_length=40,
                help_text=_("The code printed on your slip, e.g. K7QF-3MXA-9TPW."),
                widget=forms.TextInput(
                    attrs={"autocomplete": "off", "autocapitalize": "characters"}
                ),
            )
        for question in questions:
            self.fields[self.key(question)] = forms.ChoiceField(
                label=question.text,
                choices=SurveyChoice.choices,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose one answer.")},
            )
        self.fields[HONEYPOT] = forms.CharField(
            label=_("Leave this field empty"), required=False, max_length=200
        )

    @staticmethod
    def key(question: SurveyQuestion) -> str:
        return f"q{question.pk}"

    def choices(self) -> dict[int, str]:
        return {q.pk: self.cleaned_data[self.key(q)] for q in self.questions}

    def question_fields(self) -> list[forms.BoundField]:
        return [self[self.key(question)] for question in self.questions]
