"""The admin of years, indicators and targets."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from assessment.admin import resources
from assessment.admin.base import (
    IndicatorScopedAdmin,
    NoHandEdits,
    YearPolicyAdmin,
)
from assessment.admin.imports import WorkbookImportMixin
from assessment.models import (
    AssessmentYear,
    Indicator,
    Item,
    PeriodTarget,
    Target,
)
from assessment.policy import Action


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
        (_("Data sources (一数一源)"), {"fields": ["source_tolerance"]}),
    ]

    def year_from_form(
        self, cleaned_data: dict[str, Any], instance: AssessmentYear
    ) -> AssessmentYear | None:
        return instance if instance.pk else None  # a new year starts in setup: free

    def year_of(self, obj: AssessmentYear) -> AssessmentYear:
        return obj


@admin.register(Indicator)
class IndicatorAdmin(WorkbookImportMixin, YearPolicyAdmin):
    import_kind = "indicators"
    policy_action = Action.EDIT_SCHEME
    resource_classes = [resources.IndicatorExport]
    list_display = [
        "code", "name", "year", "category", "group", "points", "method", "aggregation",
        "lead_unit", "source_unit",
    ]  # fmt: skip
    list_filter = ["year", "category", "method", "group"]
    search_fields = ["code", "name", "group"]
    list_select_related = ["year", "category", "lead_unit", "source_unit"]
    autocomplete_fields = ["lead_unit", "source_unit"]
    ordering = ["-year__year", "category__sort_order", "sort_order", "code"]


@admin.register(Item)
class ItemAdmin(WorkbookImportMixin, IndicatorScopedAdmin):
    import_kind = "items"
    policy_action = Action.EDIT_SCHEME
    resource_classes = [resources.ItemExport]
    list_display = ["code", "name", "indicator", "level", "points", "cap"]
    list_filter = ["indicator__year", "indicator__category", "level"]
    search_fields = ["code", "name", "indicator__code", "indicator__name"]
    list_select_related = ["indicator__year", "indicator__category"]
    raw_id_fields = ["indicator"]
    ordering = ["-indicator__year__year", "indicator__code", "sort_order", "code"]


class _TargetsAdmin(WorkbookImportMixin, IndicatorScopedAdmin):
    """A unit's targets, of the year or of a period: both rows of the targets workbook."""

    import_kind = "targets"
    import_permission_model = Target
    policy_action = Action.EDIT_TARGETS
    search_fields = ["unit__code", "unit__name", "indicator__code", "indicator__name"]


@admin.register(Target)
class TargetAdmin(_TargetsAdmin):
    resource_classes = [resources.TargetExport]
    list_display = ["unit", "indicator", "target", "base", "leader"]
    list_filter = ["indicator__year", "unit__category", "indicator__method"]
    list_select_related = ["unit", "indicator", "leader"]
    autocomplete_fields = ["unit", "leader"]
    raw_id_fields = ["indicator"]


@admin.register(PeriodTarget)
class PeriodTargetAdmin(NoHandEdits, _TargetsAdmin):
    """The period targets, to read and export (as rows of the targets workbook, 期间 named).
    They change through the unit's targets form or that workbook, which apply the period rules
    (a closed period keeps its targets); never here."""

    resource_classes = [resources.PeriodTargetExport]
    list_display = ["period", "unit", "indicator", "share", "value"]
    list_filter = ["indicator__year", "period__name", "unit__category"]
    list_select_related = ["period__year", "unit", "indicator"]
    ordering = ["-period__year__year", "period__ends_on", "unit__code", "indicator__code"]
