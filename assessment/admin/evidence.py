"""The admin of evidence and the lead departments' inputs (city ranks, grades, rates)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from import_export.admin import ExportMixin
from simple_history.admin import SimpleHistoryAdmin

from assessment.admin import resources
from assessment.admin.base import (
    NoHandEdits,
    ReadOnlyAdmin,
    UnitIndicatorInputAdmin,
)
from assessment.admin.imports import WorkbookImportMixin
from assessment.models import (
    CityRank,
    Evidence,
    EvidenceAttachment,
    EvidenceStatement,
    Grade,
    SurveyRate,
    Waiver,
)
from units.xlsx import SafeXLSX


@admin.register(Evidence)
class EvidenceAdmin(NoHandEdits, WorkbookImportMixin, ExportMixin, SimpleHistoryAdmin):
    """Evidence is append-only: read, exported and bulk-added by import here, never edited.

    A corrected row of an imported workbook adds a record that supersedes the old one (both
    are kept), so change and delete stay disabled.
    """

    import_kind = "evidence"
    resource_classes = [resources.EvidenceExport]
    export_formats = [SafeXLSX]
    list_display = [
        "date", "unit", "indicator", "item", "value", "document", "status", "is_current",
        "is_late", "is_waived", "recorded_by", "verified_by",
    ]  # fmt: skip
    list_filter = [
        "status",
        "is_current",
        "is_late",
        "is_waived",
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
        "document",
    ]
    list_select_related = ["unit", "indicator", "item", "recorded_by", "verified_by"]
    date_hierarchy = "date"
    list_per_page = 100


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

    def has_change_permission(self, request: HttpRequest, obj: SurveyRate | None = None) -> bool:
        if obj is not None and obj.survey_id is not None:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: SurveyRate | None = None) -> bool:
        if obj is not None and obj.survey_id is not None:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Waiver)
class WaiverAdmin(ReadOnlyAdmin):
    """Waivers are proposed and confirmed on the staff pages (two members of the office)."""

    list_display = ["evidence", "reason", "clause", "proposed_by", "confirmed_by", "declined_by"]
    list_select_related = ["evidence__unit", "evidence__indicator", "proposed_by", "confirmed_by"]
    search_fields = ["reason", "clause", "evidence__unit__code", "evidence__indicator__code"]


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
