"""The admin for the assessment app: every write asks the year's policy first."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin
from simple_history.admin import SimpleHistoryAdmin
from simple_history.utils import update_change_reason

from assessment import resources
from assessment.admin_imports import WorkbookImportMixin
from assessment.models import (
    AssessmentYear,
    CadreEvaluation,
    CadreResult,
    CityRank,
    ComputationRun,
    Contribution,
    EvaluationRound,
    Evidence,
    EvidenceAttachment,
    EvidenceStatement,
    Grade,
    ImportLog,
    Indicator,
    KeyProject,
    Milestone,
    Objection,
    ProgressUpdate,
    ProjectTask,
    Publication,
    Question,
    RaterGroup,
    RoundResult,
    Survey,
    SurveyCodeBatch,
    SurveyQuestion,
    SurveyRate,
    SurveyResponse,
    Target,
    TeamEvaluation,
    TeamResult,
    UnitResult,
)
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

    def clean(self):  # type: ignore[no-untyped-def]
        cleaned = super().clean()
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

    def year_of(self, obj):  # type: ignore[no-untyped-def]
        return obj.year

    def year_from_form(self, cleaned_data, instance):  # type: ignore[no-untyped-def]
        year = cleaned_data.get("year")
        if year is None and instance.pk:
            year = self.year_of(instance)
        return year

    def get_form(self, request, obj=None, change=False, **kwargs):  # type: ignore[no-untyped-def]
        form = super().get_form(request, obj, change=change, **kwargs)
        form.model_admin = self  # a fresh class per call, so this is not shared
        return form

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        super().save_model(request, obj, form, change)
        reason = form.cleaned_data.get("amendment_reason", "")
        if reason:
            update_change_reason(obj, reason)

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        if obj is not None:
            year = self.year_of(obj)
            try:
                year_check(year, self.policy_action)
            except ValidationError:
                return False  # past the free state only an amendment (a change) is possible
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):  # type: ignore[no-untyped-def]
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # bulk deletes would skip the year's policy
        return actions


class IndicatorScopedAdmin(YearPolicyAdmin):
    """For rows that belong to a year through their indicator."""

    def year_of(self, obj):  # type: ignore[no-untyped-def]
        return obj.indicator.year

    def year_from_form(self, cleaned_data, instance):  # type: ignore[no-untyped-def]
        indicator = cleaned_data.get("indicator") or (instance.indicator if instance.pk else None)
        return indicator.year if indicator is not None else None


@admin.register(AssessmentYear)
class AssessmentYearAdmin(YearPolicyAdmin):
    policy_action = Action.EDIT_PARAMETERS
    list_display = ["year", "status", "bonus_pool", "publicity_ends_on", "updated_at"]
    list_filter = ["status"]
    readonly_fields = ["status", "created_at", "updated_at"]  # states move through services
    fieldsets = [
        (None, {"fields": ["year", "status", "amendment_reason"]}),
        (
            _("Tiers and quotas"),
            {
                "fields": [
                    ("excellent_threshold", "good_threshold", "average_threshold"),
                    ("excellent_quota", "team_excellent_quota", "cadre_excellent_quota"),
                ]
            },
        ),
        (_("Grade factors"), {"fields": [("grade_a", "grade_b", "grade_c", "grade_d")]}),
        (
            _("Three in one"),
            {
                "fields": [
                    ("team_unit_weight", "team_evaluation_weight"),
                    ("cadre_unit_weight", "cadre_evaluation_weight"),
                    "contribution_cap",
                ]
            },
        ),
        (
            _("Bonus"),
            {
                "fields": [
                    "bonus_pool",
                    (
                        "coefficient_excellent",
                        "coefficient_good",
                        "coefficient_average",
                        "coefficient_poor",
                    ),
                ]
            },
        ),
        (_("Calendar"), {"fields": ["reporting_period_days", "publicity_ends_on"]}),
    ]

    def year_from_form(self, cleaned_data, instance):  # type: ignore[no-untyped-def]
        return instance if instance.pk else None  # a new year starts in setup: free

    def year_of(self, obj):  # type: ignore[no-untyped-def]
        return obj


@admin.register(Indicator)
class IndicatorAdmin(WorkbookImportMixin, YearPolicyAdmin):
    import_kind = "indicators"
    policy_action = Action.EDIT_SCHEME
    resource_classes = [resources.IndicatorExport]
    list_display = [
        "code", "name", "year", "category", "group", "points", "method", "aggregation",
        "lead_unit",
    ]  # fmt: skip
    list_filter = ["year", "category", "method", "group"]
    search_fields = ["code", "name", "group"]
    list_select_related = ["year", "category", "lead_unit"]
    autocomplete_fields = ["lead_unit"]
    ordering = ["-year__year", "category__sort_order", "sort_order", "code"]


@admin.register(Target)
class TargetAdmin(WorkbookImportMixin, IndicatorScopedAdmin):
    import_kind = "targets"
    policy_action = Action.EDIT_TARGETS
    resource_classes = [resources.TargetExport]
    list_display = ["unit", "indicator", "target", "base", "leader"]
    list_filter = ["indicator__year", "unit__category", "indicator__method"]
    search_fields = ["unit__code", "unit__name", "indicator__code", "indicator__name"]
    list_select_related = ["unit", "indicator", "leader"]
    autocomplete_fields = ["unit", "leader"]
    raw_id_fields = ["indicator"]


@admin.register(Evidence)
class EvidenceAdmin(WorkbookImportMixin, ExportMixin, SimpleHistoryAdmin):
    """Evidence is append-only: read, exported and bulk-added by import here, never edited.

    A corrected row of an imported workbook adds a record that supersedes the old one (both
    are kept), so change and delete stay disabled.
    """

    import_kind = "evidence"
    resource_classes = [resources.EvidenceExport]
    export_formats = [SafeXLSX]
    list_display = [
        "date", "unit", "indicator", "value", "status", "is_current", "is_late", "recorded_by",
        "verified_by",
    ]  # fmt: skip
    list_filter = [
        "status",
        "is_current",
        "is_late",
        "indicator__year",
        "unit__category",
        "indicator__method",
    ]
    search_fields = [
        "unit__code",
        "unit__name",
        "indicator__code",
        "indicator__name",
        "description",
    ]
    list_select_related = ["unit", "indicator", "recorded_by", "verified_by"]
    date_hierarchy = "date"
    list_per_page = 100

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class UnitIndicatorInputAdmin(IndicatorScopedAdmin):
    policy_action = Action.ENTER_ASSESSMENTS
    list_filter = ["indicator__year", "unit__category", "indicator"]
    search_fields = ["unit__code", "unit__name", "indicator__code", "indicator__name"]
    list_select_related = ["unit", "indicator"]
    autocomplete_fields = ["unit"]
    raw_id_fields = ["indicator"]


@admin.register(CityRank)
class CityRankAdmin(WorkbookImportMixin, UnitIndicatorInputAdmin):
    import_kind = "city_ranks"
    resource_classes = [resources.CityRankExport]
    list_display = ["unit", "indicator", "rank", "total"]


@admin.register(Grade)
class GradeAdmin(WorkbookImportMixin, UnitIndicatorInputAdmin):
    import_kind = "grades"
    resource_classes = [resources.GradeExport]
    list_display = ["unit", "indicator", "grade", "reason"]
    list_filter = [*UnitIndicatorInputAdmin.list_filter, "grade"]


@admin.register(SurveyRate)
class SurveyRateAdmin(WorkbookImportMixin, UnitIndicatorInputAdmin):
    """A rate written by a closed satisfaction survey is shown, never changed by hand: it
    changes only when a survey of its unit and indicator closes again."""

    import_kind = "surveys"
    resource_classes = [resources.SurveyExport]
    list_display = ["unit", "indicator", "rate", "survey"]
    list_select_related = ["unit", "indicator", "survey"]
    readonly_fields = ["survey"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        if obj is not None and obj.survey_id is not None:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        if obj is not None and obj.survey_id is not None:
            return False
        return super().has_delete_permission(request, obj)


class BallotedMixin:
    """An evaluation given by the ballots of an evaluation round is shown, never changed by
    hand (nor by an import): it is the round's calculation."""

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        if obj is not None and obj.round_id is not None:
            return False
        return super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        if obj is not None and obj.round_id is not None:
            return False
        return super().has_delete_permission(request, obj)  # type: ignore[misc]


@admin.register(TeamEvaluation)
class TeamEvaluationAdmin(BallotedMixin, WorkbookImportMixin, YearPolicyAdmin):
    import_kind = "evaluations"  # team and cadre evaluations share one workbook
    import_permission_model = TeamEvaluation
    policy_action = Action.ENTER_ASSESSMENTS
    resource_classes = [resources.TeamEvaluationExport]
    list_display = ["unit", "year", "score", "round"]
    list_filter = ["year", "unit__category"]
    search_fields = ["unit__code", "unit__name"]
    list_select_related = ["unit", "year", "round"]
    autocomplete_fields = ["unit"]
    readonly_fields = ["round"]


@admin.register(CadreEvaluation)
class CadreEvaluationAdmin(BallotedMixin, WorkbookImportMixin, YearPolicyAdmin):
    import_kind = "evaluations"
    import_permission_model = TeamEvaluation
    policy_action = Action.ENTER_ASSESSMENTS
    resource_classes = [resources.CadreEvaluationExport]
    list_display = ["cadre", "year", "score", "round"]
    list_filter = ["year", "cadre__unit__category"]
    search_fields = ["cadre__name", "cadre__unit__code", "cadre__unit__name"]
    list_select_related = ["cadre__unit", "year", "round"]
    autocomplete_fields = ["cadre"]
    readonly_fields = ["round"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Computed or logged rows: shown, never edited by hand."""

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class MilestoneInline(ReadOnlyInline):
    model = Milestone
    fields = ["title", "due"]


class ContributionInline(ReadOnlyInline):
    model = Contribution
    fields = [
        "cadre",
        "points",
        "description",
        "status",
        "is_current",
        "recorded_by",
        "verified_by",
    ]


@admin.register(KeyProject)
class KeyProjectAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    """Shown with its history; planned, reported and verified in the key-project pages, where
    the year's policy and the rule "nobody verifies their own unit" apply."""

    list_display = ["name", "year", "unit", "lead_cadre"]
    list_filter = ["year", "unit__category"]
    search_fields = ["name", "unit__name", "lead_cadre__name"]
    list_select_related = ["year", "unit", "lead_cadre"]
    inlines = [MilestoneInline, ContributionInline]


@admin.register(ProjectTask)
class ProjectTaskAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["description", "cadre", "quantity", "measure", "due", "milestone"]
    list_filter = ["milestone__project__year"]
    search_fields = ["description", "cadre__name", "milestone__project__name"]
    list_select_related = ["cadre", "milestone__project"]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["date", "task", "amount", "status", "is_current", "recorded_by", "verified_by"]
    list_filter = ["status", "is_current", "is_late", "task__milestone__project__year"]
    search_fields = ["description", "task__description", "task__milestone__project__name"]
    list_select_related = ["task__cadre", "recorded_by", "verified_by"]


@admin.register(Contribution)
class ContributionAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["project", "cadre", "points", "status", "is_current", "recorded_by"]
    list_filter = ["status", "is_current", "project__year"]
    search_fields = ["project__name", "cadre__name", "description"]
    list_select_related = ["project", "cadre", "recorded_by"]


@admin.register(ComputationRun)
class ComputationRunAdmin(ReadOnlyAdmin):
    list_display = [
        "year", "computed_at", "computed_by", "is_current", "bonus_pool", "input_hash", "reason",
    ]  # fmt: skip
    list_filter = ["year", "is_current"]
    list_select_related = ["year", "computed_by"]


@admin.register(UnitResult)
class UnitResultAdmin(ReadOnlyAdmin):
    list_display = ["unit", "category", "total", "rank", "tier", "veto", "bonus", "run"]
    list_filter = ["run__year", "run__is_current", "category", "tier", "veto"]
    search_fields = ["unit__code", "unit__name"]
    list_select_related = ["unit", "category", "run__year"]


@admin.register(TeamResult)
class TeamResultAdmin(ReadOnlyAdmin):
    list_display = ["unit", "evaluation", "score", "rank", "tier", "run"]
    list_filter = ["run__year", "run__is_current", "tier"]
    search_fields = ["unit__code", "unit__name"]
    list_select_related = ["unit", "run__year"]


@admin.register(CadreResult)
class CadreResultAdmin(ReadOnlyAdmin):
    list_display = ["cadre", "evaluation", "contribution", "score", "rank", "tier", "run"]
    list_filter = ["run__year", "run__is_current", "tier"]
    search_fields = ["cadre__name", "cadre__unit__name"]
    list_select_related = ["cadre__unit", "run__year"]


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    """Filed and answered in the staff pages (the unit's score sheet, the objection page)."""

    list_display = [
        "filed_at",
        "year",
        "unit",
        "indicator",
        "status",
        "resolved_by",
        "resolved_run",
    ]
    list_filter = ["year", "status", "unit__category"]
    search_fields = ["unit__code", "unit__name", "indicator__code", "reason", "resolution"]
    list_select_related = ["year", "unit", "indicator", "resolved_by", "resolved_run"]


@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdmin):
    """Published versions are written once by publishing, never edited or deleted here."""

    list_display = ["year", "version", "published_at", "published_by", "early", "sha256"]
    list_filter = ["year", "early"]
    list_select_related = ["year", "published_by"]
    exclude = ["document"]


@admin.register(ImportLog)
class ImportLogAdmin(ReadOnlyAdmin):
    list_display = [
        "imported_at", "kind", "file_name", "imported_by", "door", "dry_run", "succeeded",
    ]  # fmt: skip
    list_filter = ["kind", "door", "succeeded", "dry_run"]
    search_fields = ["file_name", "sha256"]
    list_select_related = ["imported_by"]


@admin.register(EvidenceStatement)
class EvidenceStatementAdmin(ReadOnlyAdmin):
    list_display = ["stated_at", "unit", "evidence", "stated_by"]
    list_filter = ["unit__category"]
    search_fields = ["unit__code", "unit__name", "text"]
    list_select_related = ["unit", "evidence__indicator", "evidence__unit", "stated_by"]


@admin.register(EvidenceAttachment)
class EvidenceAttachmentAdmin(ReadOnlyAdmin):
    """Attachments are listed, not served here: files go out only through a checked view."""

    list_display = [
        "uploaded_at", "original_name", "content_type", "size", "evidence", "progress",
        "objection",
    ]  # fmt: skip
    list_filter = ["content_type"]
    search_fields = ["original_name", "sha256"]
    list_select_related = [
        "evidence__indicator", "evidence__unit", "progress__task__cadre", "objection__unit",
    ]  # fmt: skip
    exclude = ["file"]


# --- satisfaction surveys: managed on the staff pages, read here ------------------------------


class SurveyQuestionInline(ReadOnlyInline):
    model = SurveyQuestion
    fields = ["position", "text"]


class SurveyCodeBatchInline(ReadOnlyInline):
    model = SurveyCodeBatch
    fields = ["created_at", "created_by", "size", "voided_at", "voided_by"]


@admin.register(Survey)
class SurveyAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    """Surveys are prepared, opened and closed on the staff pages (the services check the
    year's policy); the token is left out: the link is on the survey's page."""

    list_display = ["title", "year", "unit", "indicator", "service", "status", "access", "rate"]
    list_filter = ["year", "status", "access", "unit__category"]
    search_fields = ["title", "service", "unit__code", "unit__name", "indicator__code"]
    list_select_related = ["year", "unit", "indicator"]
    exclude = ["token"]
    inlines = [SurveyQuestionInline, SurveyCodeBatchInline]


@admin.register(SurveyResponse)
class SurveyResponseAdmin(ReadOnlyAdmin):
    """Responses are anonymous and never changed: their day, whether they count and why."""

    list_display = ["submitted_on", "survey", "is_valid", "invalid_reason"]
    list_filter = ["is_valid", "invalid_reason", "survey__year"]
    list_select_related = ["survey__year"]
    exclude = ["fingerprint"]


# --- democratic evaluation rounds: managed on the staff pages, read here ----------------------


class RaterGroupInline(ReadOnlyInline):
    model = RaterGroup
    fields = ["position", "name", "weight", "min_ballots", "own_unit"]


class QuestionInline(ReadOnlyInline):
    model = Question
    fields = ["position", "text", "weight"]


@admin.register(EvaluationRound)
class EvaluationRoundAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    """Rounds are prepared, opened and closed on the staff pages; ballots never appear here
    (they are anonymous and counted only by the round's results)."""

    list_display = ["name", "year", "status", "closes_on", "closed_at"]
    list_filter = ["year", "status"]
    search_fields = ["name"]
    list_select_related = ["year"]
    inlines = [RaterGroupInline, QuestionInline]


@admin.register(RoundResult)
class RoundResultAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["subject", "round", "score"]
    list_filter = ["round__year", "round"]
    list_select_related = ["round__year", "subject__unit", "subject__cadre"]
