"""The admin of team and cadre evaluations, evaluation rounds and surveys."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from assessment.admin import resources
from assessment.admin.base import (
    BallotedMixin,
    ReadOnlyAdmin,
    ReadOnlyInline,
    YearPolicyAdmin,
)
from assessment.admin.imports import WorkbookImportMixin
from assessment.models import (
    CadreEvaluation,
    EvaluationRound,
    Question,
    RaterGroup,
    RoundResult,
    Survey,
    SurveyCodeBatch,
    SurveyQuestion,
    SurveyResponse,
    TeamEvaluation,
)
from assessment.policy import Action


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
