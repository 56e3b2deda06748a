"""The admin of key projects: read-only, they are kept on the staff pages."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from assessment.admin.base import (
    ReadOnlyAdmin,
    ReadOnlyInline,
)
from assessment.models import (
    Contribution,
    KeyProject,
    Milestone,
    ProgressUpdate,
    ProjectTask,
)


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
