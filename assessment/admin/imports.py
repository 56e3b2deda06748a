"""The admin's door to the workbook imports: upload → preview → confirm (``assessment.imports``).

``WorkbookImportMixin`` gives a changelist an "Import from Excel" button and three views:

* ``<changelist>/workbook-import/`` — the upload form (file, optional amendment reason). A POST
  runs ``workbook_preview`` and shows its totals, rows and errors. A file whose preview has no
  error is staged in private media storage as ``import-staging/<sha256>.xlsx`` and remembered in
  the user's session (kind, SHA-256, file name).
* ``<changelist>/workbook-import/confirm/`` — POST only, with nothing but the kind, the SHA-256
  and the reason. It refuses a malformed SHA-256 or a staged file whose bytes no longer hash to
  it (400), re-reads the file, runs ``workbook_import`` with ``door="admin"`` and the user, and
  deletes the staged file. Only a file this user previewed without error can be confirmed.
* ``<changelist>/workbook-import/template/`` — an empty workbook with the kind's headers.

The layer checks the user's permissions, scope and the year's policy and writes all or nothing;
the admin only asks first for the model's ``add`` permission (``import_permission_model``).
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_permission_codename
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from import_export.admin import ExportMixin

from assessment.forms.imports import XLSX_TYPE, WorkbookUploadForm
from assessment.imports import (
    KINDS,
    Preview,
    RowResult,
    RowStatus,
    workbook_import,
    workbook_preview,
)
from assessment.imports.staging import discard_staged, purge_stale_staging, read_staged, stage
from assessment.imports.workbooks import template_file_names, template_workbook
from units.downloads import attachment

if TYPE_CHECKING:
    from django.contrib.admin import AdminSite
    from django.db.models.options import Options

    # What the mixin's ``super()`` reaches: it goes before an admin with ``ExportMixin``.
    _ExportAdmin = ExportMixin[Any]
else:
    _ExportAdmin = object

SESSION_KEY = "workbook_imports"
SESSION_MAX_ENTRIES = 20
ROWS_SHOWN = 500  # rows listed on the preview page; the totals always count every row
ERRORS_SHOWN = 1_000  # as many as the ImportLog keeps

STATUS_LABELS = {
    RowStatus.NEW: gettext_lazy("new"),
    RowStatus.CHANGED: gettext_lazy("changed"),
    RowStatus.UNCHANGED: gettext_lazy("unchanged"),
    RowStatus.ERROR: gettext_lazy("error"),
}


class WorkbookConfirmForm(forms.Form):
    """What the confirm step sends: which previewed file (by SHA-256), which kind, and why."""

    kind = forms.CharField(max_length=32, widget=forms.HiddenInput)
    sha256 = forms.RegexField(regex=r"\A[0-9a-f]{64}\Z", widget=forms.HiddenInput)
    reason = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)


# --- the admin mixin ---------------------------------------------------------------------------


class WorkbookImportMixin(_ExportAdmin):
    """Adds the workbook import door to a ``ModelAdmin`` that also uses ``ExportMixin``.

    Put it first among the bases. ``import_kind`` is a kind of ``assessment.imports.KINDS``;
    ``import_permission_model`` the model whose ``add`` permission the door asks for (default:
    the admin's model).
    """

    import_kind: str
    import_permission_model: type[models.Model] | None = None
    import_export_change_list_template = "admin/workbook_import/change_list.html"
    workbook_upload_template = "admin/workbook_import/upload.html"
    workbook_preview_template = "admin/workbook_import/preview.html"

    if TYPE_CHECKING:  # what the ``ModelAdmin`` it is mixed into has
        opts: Options[Any]
        admin_site: AdminSite

        def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool: ...

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if not isinstance(self, ExportMixin):
            raise ImproperlyConfigured(f"{type(self).__name__} needs import_export's ExportMixin.")
        if getattr(self, "import_kind", None) not in KINDS:
            raise ImproperlyConfigured(f"{type(self).__name__}.import_kind is not a known kind.")
        super().__init__(*args, **kwargs)

    def get_urls(self) -> list[URLPattern]:
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        return [
            path(
                "workbook-import/",
                view(self.workbook_upload_view),
                name="{}_{}_workbook_import".format(*info),
            ),
            path(
                "workbook-import/confirm/",
                view(self.workbook_confirm_view),
                name="{}_{}_workbook_import_confirm".format(*info),
            ),
            path(
                "workbook-import/template/",
                view(self.workbook_template_view),
                name="{}_{}_workbook_template".format(*info),
            ),
            *super().get_urls(),
        ]

    def has_workbook_import_permission(self, request: HttpRequest) -> bool:
        opts = (self.import_permission_model or self.model)._meta
        return request.user.has_perm(f"{opts.app_label}.{get_permission_codename('add', opts)}")

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        extra_context = {
            **(extra_context or {}),
            "has_workbook_import_permission": self.has_workbook_import_permission(request),
        }
        return super().changelist_view(request, extra_context)

    # --- views ----------------------------------------------------------------------------------

    def workbook_upload_view(self, request: HttpRequest) -> HttpResponse:
        self._require_import_permission(request)
        if request.method != "POST":
            return self._render_upload(request, WorkbookUploadForm())
        form = WorkbookUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render_upload(request, form)
        upload = form.cleaned_data["file"]
        reason = form.cleaned_data["reason"]
        data = upload.read()
        preview = workbook_preview(
            kind=self.import_kind,
            data=data,
            file_name=upload.name or "",
            user=request.user,
            reason=reason,
            door="admin",
        )
        confirm_form = None
        if preview.ok:
            purge_stale_staging()
            stage(data)
            self._remember(request, preview)
            confirm_form = WorkbookConfirmForm(
                initial={"kind": self.import_kind, "sha256": preview.sha256, "reason": reason}
            )
        return self._render_preview(request, preview, confirm_form=confirm_form, reason=reason)

    @method_decorator(require_POST)
    def workbook_confirm_view(self, request: HttpRequest) -> HttpResponse:
        self._require_import_permission(request)
        form = WorkbookConfirmForm(request.POST)
        if not form.is_valid() or form.cleaned_data["kind"] != self.import_kind:
            return HttpResponseBadRequest(_("Refused: this is not the confirmation of a preview."))
        sha256 = form.cleaned_data["sha256"]
        pending = request.session.get(SESSION_KEY, {}).get(self._session_entry(sha256))
        data = read_staged(sha256) if pending is not None else None
        if pending is None or data is None:
            self._forget(request, sha256)
            messages.error(
                request,
                _(
                    "This file is not waiting for confirmation: it was imported already, its "
                    "preview had errors or it expired. Upload it again."
                ),
            )
            return redirect(self._url("workbook_import"))
        if hashlib.sha256(data).hexdigest() != sha256:
            discard_staged(sha256)
            self._forget(request, sha256)
            return HttpResponseBadRequest(
                _("Refused: the staged file was altered. Upload it again.")
            )
        preview = workbook_import(
            kind=self.import_kind,
            data=data,
            file_name=pending["file_name"],
            user=request.user,
            reason=form.cleaned_data["reason"],
            door="admin",
        )
        discard_staged(sha256)
        self._forget(request, sha256)
        if not preview.ok:
            return self._render_preview(request, preview, reason=form.cleaned_data["reason"])
        counts = preview.counts
        messages.success(
            request,
            _("Imported %(file)s: %(new)d new, %(changed)d changed, %(unchanged)d unchanged.")
            % {
                "file": preview.file_name,
                "new": counts[RowStatus.NEW],
                "changed": counts[RowStatus.CHANGED],
                "unchanged": counts[RowStatus.UNCHANGED],
            },
        )
        return redirect(self._url("changelist"))

    def workbook_template_view(self, request: HttpRequest) -> HttpResponse:
        """The kind's template: headers, drop-down lists, an example sheet and instructions."""
        self._require_import_permission(request)
        response = HttpResponse(template_workbook(self.import_kind), content_type=XLSX_TYPE)
        return attachment(response, *template_file_names(KINDS[self.import_kind]))

    # --- helpers --------------------------------------------------------------------------------

    def _require_import_permission(self, request: HttpRequest) -> None:
        if not self.has_workbook_import_permission(request):
            raise PermissionDenied

    def _url(self, view: str) -> str:
        opts = self.opts
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}")

    def _session_entry(self, sha256: str) -> str:
        return f"{self.import_kind}:{sha256}"

    def _remember(self, request: HttpRequest, preview: Preview) -> None:
        pending = request.session.get(SESSION_KEY, {})
        pending.pop(self._session_entry(preview.sha256), None)
        pending[self._session_entry(preview.sha256)] = {"file_name": preview.file_name}
        while len(pending) > SESSION_MAX_ENTRIES:  # the oldest previews go first
            pending.pop(next(iter(pending)))
        request.session[SESSION_KEY] = pending

    def _forget(self, request: HttpRequest, sha256: str) -> None:
        pending = request.session.get(SESSION_KEY, {})
        if pending.pop(self._session_entry(sha256), None) is not None:
            request.session[SESSION_KEY] = pending

    def _context(self, request: HttpRequest, title: str) -> dict[str, object]:
        opts = self.opts
        kind = KINDS[self.import_kind]
        return {
            **self.admin_site.each_context(request),
            "title": title,
            "subtitle": kind.label,
            "opts": opts,
            "app_label": opts.app_label,
            "kind": kind,
            "has_view_permission": self.has_view_permission(request),
        }

    def _render_upload(self, request: HttpRequest, form: WorkbookUploadForm) -> HttpResponse:
        context = self._context(request, _("Import from Excel"))
        context.update(form=form, upload_limit=settings.UPLOAD_MAX_MB)
        return TemplateResponse(request, self.workbook_upload_template, context)

    def _render_preview(
        self,
        request: HttpRequest,
        preview: Preview,
        *,
        reason: str,
        confirm_form: WorkbookConfirmForm | None = None,
    ) -> HttpResponse:
        shown = preview.rows
        if len(shown) > ROWS_SHOWN:  # the unchanged rows are left out first
            shown = [row for row in shown if row.status != RowStatus.UNCHANGED][:ROWS_SHOWN]
        title = _("Import preview") if preview.dry_run else _("Import refused")
        context = self._context(request, title)
        context.update(
            preview=preview,
            counts=preview.counts,
            rows=[_display_row(row) for row in shown],
            rows_hidden=len(preview.rows) - len(shown),
            errors=preview.errors[:ERRORS_SHOWN],
            errors_hidden=max(len(preview.errors) - ERRORS_SHOWN, 0),
            reason=reason,
            confirm_form=confirm_form,
        )
        return TemplateResponse(request, self.workbook_preview_template, context)


def _display_row(row: RowResult) -> dict[str, object]:
    return {
        "number": row.number,
        "status": row.status.value,
        "status_label": STATUS_LABELS[row.status],
        "label": row.label,
        "cells": row.cells,
        "changes": row.changes,
        "errors": row.errors,
    }
