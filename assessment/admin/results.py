"""The admin of computations, results, objections, publications and the import log."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from assessment.admin.base import (
    ReadOnlyAdmin,
)
from assessment.models import (
    CadreResult,
    ComputationRun,
    ImportLog,
    Objection,
    Publication,
    TeamResult,
    UnitResult,
)


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
