"""The admin shows progress bulletins read-only: they are made on the reports pages (or with
``manage.py make_bulletin``) and never changed."""

from django.contrib import admin

from reports.models import ProgressBulletin


@admin.register(ProgressBulletin)
class ProgressBulletinAdmin(admin.ModelAdmin):
    list_display = ["title", "year", "quarter", "as_of", "created_at", "created_by"]
    list_filter = ["year", "quarter"]
    search_fields = ["title"]
    readonly_fields = [f.name for f in ProgressBulletin._meta.fields]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False
