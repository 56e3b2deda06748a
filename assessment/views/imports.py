"""The staff import pages: choose a kind, download its template, upload → preview → confirm.

Each role sees the kinds its permissions allow (the office: all of them; a lead department:
the grades, ranks and surveys of its indicators; a unit: its own evidence), and the import
layer holds every row to the same rules as the forms. The work is an ``ImportJob``
(``assessment.imports.jobs``): small files are handled in the request, large ones by the
task worker while the page shows a progress bar. The office reads the log of every import.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessment.access import manages_assessment
from assessment.forms.imports import XLSX_TYPE, ImportLogFilterForm, WorkbookUploadForm
from assessment.imports import KINDS, recovery
from assessment.imports.jobs import job_confirm, job_percent, job_retry, job_start, preview_of
from assessment.imports.preview import RowStatus
from assessment.imports.rows import Kind
from assessment.imports.staging import read_staged
from assessment.imports.workbooks import marked_workbook, template_file_names, template_workbook
from assessment.models import ImportJob, ImportJobState, ImportLog
from assessment.views.feedback import say_refusal
from units.access import AnyUser, account, is_staff_member
from units.downloads import attachment
from units.submissions import once_per_submission

LOG_PER_PAGE = 50
RECENT_JOBS = 10


def importable_kinds(user: AnyUser) -> list[Kind]:
    """The kinds ``user`` may import, in the order of the spec."""
    if not is_staff_member(user):
        return []
    return [kind for kind in KINDS.values() if user.has_perms(kind.permissions)]


def _kind_for(request: HttpRequest, name: str) -> Kind:
    kind = KINDS.get(name)
    if kind is None:
        raise Http404
    if kind not in importable_kinds(request.user):
        raise PermissionDenied
    return kind


def _job_for(request: HttpRequest, pk: uuid.UUID) -> ImportJob:
    """A job is seen by the person who uploaded it and by the office."""
    job = get_object_or_404(ImportJob.objects.select_related("user", "log"), pk=pk)
    if job.user_id != request.user.pk and not manages_assessment(request.user):
        raise PermissionDenied
    return job


def _xlsx(data: bytes, name: str, fallback: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX_TYPE)
    response["Cache-Control"] = "private, no-store"
    return attachment(response, name, fallback)


# --- pages ------------------------------------------------------------------------------------


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    kinds = importable_kinds(request.user)
    if not kinds:
        raise PermissionDenied
    recent = ImportJob.objects.filter(user=account(request.user))[:RECENT_JOBS]
    context = {
        "kinds": kinds,
        "recent": recent,
        "sees_log": manages_assessment(request.user),
    }
    return render(request, "imports/index.html", context)


@require_GET
@login_required
def template(request: HttpRequest, kind: str) -> HttpResponse:
    chosen = _kind_for(request, kind)
    return _xlsx(template_workbook(chosen.name), *template_file_names(chosen))


@require_http_methods(["GET", "POST"])
@login_required
@once_per_submission
def upload(request: HttpRequest, kind: str) -> HttpResponse:
    chosen = _kind_for(request, kind)
    form = WorkbookUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = job_start(
            kind=chosen.name,
            data=upload.read(),
            file_name=upload.name or "",
            user=request.user,
            reason=form.cleaned_data["reason"],
        )
        return redirect("assessment:import_job", pk=job.pk)
    return render(request, "imports/upload.html", {"kind": chosen, "form": form})


def _job_context(job: ImportJob) -> dict[str, object]:
    summary = job.summary or {}
    return {
        "job": job,
        "kind": KINDS.get(job.kind),
        "percent": job_percent(job),
        "summary": summary,
        "counts": summary.get("counts", {}),
        "errors_hidden": max(summary.get("errors_total", 0) - len(summary.get("errors", [])), 0),
        "may_confirm": job.state == ImportJobState.PREVIEWED and summary.get("ok"),
        "statuses": {status.value: status for status in RowStatus},
    }


@require_GET
@login_required
def job(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    job = recovery.settle(_job_for(request, pk))
    context = _job_context(job)
    context["may_confirm"] = context["may_confirm"] and job.user_id == request.user.pk
    context["may_retry"] = job.state == ImportJobState.FAILED and job.user_id == request.user.pk
    return render(request, "imports/job.html", context)


@require_GET
@login_required
def job_progress(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """The progress bar alone, polled by the page; once the job ends, the page reloads."""
    job = recovery.settle(_job_for(request, pk))
    if job.finished:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("assessment:import_job", kwargs={"pk": job.pk})
        return response
    return render(request, "imports/_progress.html", _job_context(job))


@require_POST
@login_required
def confirm(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    job = _job_for(request, pk)
    try:
        job = job_confirm(job, request.user)
    except ValidationError as error:
        say_refusal(request, error)
    else:
        if job.state == ImportJobState.IMPORTED:
            counts = job.summary.get("counts", {})
            messages.success(
                request,
                _("Imported %(file)s: %(new)d new, %(changed)d changed, %(unchanged)d unchanged.")
                % {
                    "file": job.file_name,
                    "new": counts.get("new", 0),
                    "changed": counts.get("changed", 0),
                    "unchanged": counts.get("unchanged", 0),
                },
            )
    return redirect("assessment:import_job", pk=job.pk)


@require_POST
@login_required
def retry(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """再次导入: the same staged file again, as a new job."""
    job = _job_for(request, pk)
    try:
        again = job_retry(job, request.user)
    except ValidationError as error:
        say_refusal(request, error)
        return redirect("assessment:import_job", pk=job.pk)
    return redirect("assessment:import_job", pk=again.pk)


@require_GET
@login_required
def marked(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """A copy of the uploaded workbook with every bad cell marked and commented."""
    job = _job_for(request, pk)
    data = read_staged(job.sha256)
    if job.state != ImportJobState.REFUSED or data is None:
        raise Http404
    name = job.file_name.rsplit(".", 1)[0] or job.kind
    marked_name = name + "-" + pgettext("file name", "errors marked") + ".xlsx"
    return _xlsx(marked_workbook(data, preview_of(job)), marked_name, f"{job.kind}-errors.xlsx")


@require_GET
@login_required
def log(request: HttpRequest) -> HttpResponse:
    """Every import, whatever the door: who, when, which file (SHA-256), kind, counts, outcome."""
    if not (manages_assessment(request.user) or request.user.has_perm("assessment.view_importlog")):
        raise PermissionDenied
    filters = ImportLogFilterForm(request.GET or None, kinds=KINDS.values())
    logs = ImportLog.objects.select_related("imported_by")
    if filters.is_valid():
        logs = filters.apply(logs)
    page = Paginator(logs, LOG_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "imports/log.html", {"page": page, "filters": filters, "kinds": KINDS})
