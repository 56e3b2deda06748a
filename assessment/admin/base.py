"""What every admin of the assessment app shares: each write asks the year's policy first,
and records written by the application's own pages are read-only here."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin
from simple_history.admin import SimpleHistoryAdmin
from simple_history.utils import update_change_reason

from assessment.models import AssessmentYear
from assessment.policy import Action, year_check
from units.xlsx import SafeXLSX


class PolicyModelForm(forms.ModelForm):
    """A model form that asks ``assessment.policy`` whether the change may happen now."""

    amendment_reason = forms.CharField(
        label=_("reason for the amendment"),
        required=False,
        max_length=500,
        help_text=_("Required once the year is past the state where this may change."),
    )
    model_admin: YearPolicyAdmin

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        year = self.model_admin.year_from_form(cleaned, self.instance)
        if year is not None:
            try:
                year_check(
                    year,
                    self.model_admin.policy_action,
                    reason=cleaned.get("amendment_reason", ""),
                )
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


class YearPolicyAdmin(ExportMixin, SimpleHistoryAdmin):
    """An admin whose saves and deletes follow ``assessment.policy`` for the object's year.

    Once a year is past the state where the change is free, the form asks for the reason of
    the amendment, and the reason is kept in the object's history.
    """

    policy_action: Action
    form = PolicyModelForm
    export_formats = [SafeXLSX]

    # ``obj`` and ``instance``: a row of the admin's model, which each admin names.
    def year_of(self, obj: Any) -> AssessmentYear:
        return obj.year

    def year_from_form(self, cleaned_data: dict[str, Any], instance: Any) -> AssessmentYear | None:
        year = cleaned_data.get("year")
        if year is None and instance.pk:
            year = self.year_of(instance)
        return year

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> type[PolicyModelForm]:
        # Made from ``self.form``, a PolicyModelForm (or a subclass of it).
        form = cast(type[PolicyModelForm], super().get_form(request, obj, change=change, **kwargs))
        form.model_admin = self  # a fresh class per call, so this is not shared
        return form

    def save_model(
        self, request: HttpRequest, obj: models.Model, form: PolicyModelForm, change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        reason = form.cleaned_data.get("amendment_reason", "")
        if reason:
            update_change_reason(obj, reason)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None:
            year = self.year_of(obj)
            try:
                year_check(year, self.policy_action)
            except ValidationError:
                return False  # past the free state only an amendment (a change) is possible
        return super().has_delete_permission(request, obj)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # bulk deletes would skip the year's policy
        return actions


class IndicatorScopedAdmin(YearPolicyAdmin):
    """For rows that belong to a year through their indicator."""

    def year_of(self, obj: Any) -> AssessmentYear:
        return obj.indicator.year

    def year_from_form(self, cleaned_data: dict[str, Any], instance: Any) -> AssessmentYear | None:
        indicator = cleaned_data.get("indicator") or (instance.indicator if instance.pk else None)
        return indicator.year if indicator is not None else None


class UnitIndicatorInputAdmin(IndicatorScopedAdmin):
    policy_action = Action.ENTER_ASSESSMENTS
    list_filter = ["indicator__year", "unit__category", "indicator"]
    search_fields = ["unit__code", "unit__name", "indicator__code", "indicator__name"]
    list_select_related = ["unit", "indicator"]
    autocomplete_fields = ["unit"]
    raw_id_fields = ["indicator"]


if TYPE_CHECKING:
    # What the mixin's ``super()`` reaches: it is mixed into year-policy admins only.
    _BallotedBase = YearPolicyAdmin
else:
    _BallotedBase = object


class BallotedMixin(_BallotedBase):
    """An evaluation given by the ballots of an evaluation round is shown, never changed by
    hand (nor by an import): it is the round's calculation.

    ``obj``: a team's or a cadre's evaluation."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.round_id is not None:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.round_id is not None:
            return False
        return super().has_delete_permission(request, obj)


class NoHandEdits:
    """Neither added, changed nor deleted through the admin."""

    def has_add_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False


class ReadOnlyAdmin(NoHandEdits, admin.ModelAdmin):
    """Computed or logged rows: shown, never edited by hand."""


class ReadOnlyInline(NoHandEdits, admin.TabularInline):
    extra = 0
