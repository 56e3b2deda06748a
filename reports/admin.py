"""The admin shows progress bulletins read-only: they are made on the reports pages (or with
``manage.py make_bulletin``) and never changed."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from reports.models import PhaseDeadline, ProgressBulletin, ReminderLog


@admin.register(ProgressBulletin)
class ProgressBulletinAdmin(admin.ModelAdmin):
    list_display = ["title", "year", "quarter", "as_of", "created_at", "created_by"]
    list_filter = ["year", "quarter"]
    search_fields = ["title"]
    readonly_fields = [f.name for f in ProgressBulletin._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: ProgressBulletin | None = None
    ) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: ProgressBulletin | None = None
    ) -> bool:
        return False


# --- reminders -----------------------------------------------------------------------------------
# Deadlines are set on the reminders pages (``reports.reminders.services.deadlines_save``, which
# keeps the year's rule); the admin shows them and the e-mails sent, read-only.


@admin.register(PhaseDeadline)
class PhaseDeadlineAdmin(admin.ModelAdmin):
    list_display = ["year", "phase", "due_on", "day_of_month", "notice_days", "updated_by"]
    list_filter = ["year", "phase"]
    readonly_fields = [f.name for f in PhaseDeadline._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: PhaseDeadline | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: PhaseDeadline | None = None) -> bool:
        return False


@admin.register(ReminderLog)
class ReminderLogAdmin(admin.ModelAdmin):
    list_display = ["day", "user", "email", "overdue", "upcoming", "sent_at"]
    list_filter = ["day"]
    search_fields = ["email", "user__username"]
    readonly_fields = [f.name for f in ReminderLog._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ReminderLog | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ReminderLog | None = None) -> bool:
        return False
