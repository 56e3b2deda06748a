"""The upload form of every workbook door (the admin's and the staff import pages)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessment.forms.base import choice_field

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile
    from django.db.models import QuerySet

    from assessment.imports.rows import Kind
    from assessment.models import ImportLog

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class WorkbookUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel workbook (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": f".xlsx,{XLSX_TYPE}", "class": "form-control"}
        ),
    )
    reason = forms.CharField(
        label=gettext_lazy("reason for the amendment"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60, "class": "form-control"}),
        help_text=gettext_lazy("Required once the year is past the state where this may change."),
    )

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        limit = settings.UPLOAD_MAX_MB
        if upload.size > limit * 1024 * 1024:
            raise ValidationError(
                _("The file is %(size)s MB; files of at most %(limit)s MB can be imported.")
                % {"size": f"{upload.size / 1024 / 1024:.1f}", "limit": limit}
            )
        return upload


DOORS = [
    ("web", gettext_lazy("import pages")),
    ("admin", gettext_lazy("administration")),
    ("cli", gettext_lazy("command line")),
]
OUTCOMES = [
    ("imported", gettext_lazy("imported")),
    ("previewed", gettext_lazy("previewed without errors")),
    ("refused", gettext_lazy("refused (errors)")),
]


class ImportLogFilterForm(forms.Form):
    """Filters of the import log: kind, door, outcome and who imported."""

    kind = forms.ChoiceField(label=gettext_lazy("kind"), required=False)
    door = forms.ChoiceField(
        label=gettext_lazy("door"), required=False, choices=[("", "—"), *DOORS]
    )
    outcome = forms.ChoiceField(
        label=gettext_lazy("outcome"), required=False, choices=[("", "—"), *OUTCOMES]
    )
    user = forms.CharField(label=gettext_lazy("imported by"), required=False, max_length=150)

    def __init__(self, *args: Any, kinds: Iterable[Kind], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "kind").choices = [("", "—")] + [(k.name, k.label) for k in kinds]
        for field in self.fields.values():
            field.widget.attrs["class"] = (
                "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            )

    def apply(self, logs: QuerySet[ImportLog]) -> QuerySet[ImportLog]:
        data = self.cleaned_data
        if data["kind"]:
            logs = logs.filter(kind=data["kind"])
        if data["door"]:
            logs = logs.filter(door=data["door"])
        outcome = data["outcome"]
        if outcome == "imported":
            logs = logs.filter(dry_run=False, succeeded=True)
        elif outcome == "previewed":
            logs = logs.filter(dry_run=True, succeeded=True)
        elif outcome == "refused":
            logs = logs.filter(succeeded=False)
        if data["user"].strip():
            logs = logs.filter(imported_by__username__icontains=data["user"].strip())
        return logs
