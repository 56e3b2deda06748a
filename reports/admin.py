"""The admin shows progress bulletins read-only: they are made on the reports pages (or with
``manage.py make_bulletin``) and never changed."""

from __future__ import annotations

from django.contrib import admin

from assessment.admin.base import ReadOnlyAdmin
from reports.models import PhaseDeadline, ProgressBulletin, ReminderLog


@admin.register(ProgressBulletin)
class ProgressBulletinAdmin(ReadOnlyAdmin):
    list_display = ["title", "year", "quarter", "as_of", "created_at", "created_by"]
    list_filter = ["year", "quarter"]
    search_fields = ["title"]
    readonly_fields = [f.name for f in ProgressBulletin._meta.fields]


# --- reminders -----------------------------------------------------------------------------------
# Deadlines are set on the reminders pages (``reports.reminders.services.deadlines_save``, which
# keeps the year's rule); the admin shows them and the e-mails sent, read-only.


@admin.register(PhaseDeadline)
class PhaseDeadlineAdmin(ReadOnlyAdmin):
    list_display = ["year", "phase", "due_on", "day_of_month", "notice_days", "updated_by"]
    list_filter = ["year", "phase"]
    readonly_fields = [f.name for f in PhaseDeadline._meta.fields]


@admin.register(ReminderLog)
class ReminderLogAdmin(ReadOnlyAdmin):
    list_display = ["day", "user", "email", "overdue", "upcoming", "sent_at"]
    list_filter = ["day"]
    search_fields = ["email", "user__username"]
    readonly_fields = [f.name for f in ReminderLog._meta.fields]
