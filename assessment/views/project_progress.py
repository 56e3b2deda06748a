"""A key project's records: progress reports on its tasks and contribution points for its team,
their corrections, and the decisions on them.

They are verified records like evidence, on the pages of every verified record
(``views.records``): a form parses, one service acts (``services.projects``), the view goes back
to the project's page (``views.projects``), where the records are listed with what the user may
do. A user whom the access rules never allow a step gets 403; what the year's state allows now
is the services' (shown as their message).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from assessment.access import contribution_record_refusal, progress_record_refusal
from assessment.forms.project_progress import (
    ContributionCorrectForm,
    ContributionForm,
    DecisionForm,
    ProgressCorrectForm,
    ProgressForm,
)
from assessment.models import KeyProject, VerifiedRecord
from assessment.selectors import projects as project_selectors
from assessment.services import projects as project_service
from assessment.services.records import recording_refusal
from assessment.views.projects import (
    FormPage,
    detail_url,
    form_page,
    project_form_page,
    render_detail,
    show_form_page,
)
from assessment.views.records import Decided, calling, correction_page, decision_submitted
from units.submissions import once_per_submission


def _require_allowed(refusal: str | None) -> None:
    """A refusal of the access rules means the user may never do it here: 403."""
    if refusal is not None:
        raise PermissionDenied


def _closed(request: HttpRequest, page: FormPage) -> FormPage:
    """The page read-only, with the reason, when the user may make no record now."""
    page.closed = recording_refusal(request.user, page.year) or ""
    return page


def _correction(
    request: HttpRequest, old: VerifiedRecord, page: FormPage, may: bool, **how: Any
) -> HttpResponse:
    """The correction page of ``old`` on ``page`` (``how``: its form class, service and the
    anchor to go back to)."""
    show = partial(show_form_page, request, page=_closed(request, page))
    return correction_page(request, old, may_correct=may, show=show, **how)


# --- progress (the responsible unit) ----------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
@once_per_submission
def progress_record(request: HttpRequest, pk: int) -> HttpResponse:
    task = project_selectors.task_get_for_user(request.user, pk)
    project = task.milestone.project
    _require_allowed(progress_record_refusal(request.user, task))
    form = ProgressForm(
        request.POST or None, request.FILES or None, user=request.user, year=project.year
    )
    report = partial(project_service.progress_record, task=task)
    act = calling(report, by=request.user, then=detail_url(project, f"task-{task.pk}"))
    page = project_form_page(
        project,
        f"task-{task.pk}",
        _("Report progress"),
        _("Save the report"),
        subject=task,
        subject_template="projects/_task_summary.html",
    )
    success = _("The progress was reported. It now waits for verification.")
    return form_page(request, form, _closed(request, page), act, success)


@require_http_methods(["GET", "POST"])
@login_required
def progress_correct(request: HttpRequest, pk: int) -> HttpResponse:
    old = project_selectors.update_get_for_user(request.user, pk)
    task = old.task
    project = task.milestone.project
    intro = _(
        "The report stays as it was; the correction is a new report that supersedes it and "
        "waits for verification."
    )
    title = _("Correct a progress report")
    page = project_form_page(
        project, f"update-{old.pk}", title, _("Save the correction"), intro=intro
    )
    page.subject, page.subject_template = old, "projects/_update.html"
    return _correction(
        request,
        old,
        page,
        progress_record_refusal(request.user, task) is None,
        form_class=ProgressCorrectForm,
        correct=partial(project_service.progress_correct, update=old),
        back_url=detail_url(project, f"task-{task.pk}"),
    )


# --- contribution points ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
@once_per_submission
def contribution_record(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_selectors.project_get_for_user(request.user, pk)
    _require_allowed(contribution_record_refusal(request.user, project))
    form = ContributionForm(request.POST or None, user=request.user, project=project)
    propose = partial(project_service.contribution_record, project=project)
    act = calling(propose, by=request.user, then=detail_url(project, "contributions"))
    intro = _(
        "The assessment office verifies the points; verified points count for the person's "
        "three-in-one score."
    )
    title = _("Propose contribution points")
    page = project_form_page(project, "contributions", title, _("Save the proposal"), intro=intro)
    _closed(request, page)
    success = _("The contribution points were proposed. They now wait for verification.")
    return form_page(request, form, page, act, success)


@require_http_methods(["GET", "POST"])
@login_required
def contribution_correct(request: HttpRequest, pk: int) -> HttpResponse:
    old = project_selectors.contribution_get_for_user(request.user, pk)
    project = old.project
    intro = _(
        "The proposal stays as it was; the correction supersedes it and waits for verification."
    )
    title = _("Correct contribution points")
    page = project_form_page(
        project, f"contribution-{old.pk}", title, _("Save the correction"), intro=intro
    )
    page.subject, page.subject_template = old, "projects/_contribution.html"
    correct = partial(project_service.contribution_correct, contribution=old)
    return _correction(
        request,
        old,
        page,
        contribution_record_refusal(request.user, project) is None,
        form_class=ContributionCorrectForm,
        correct=correct,
        back_url=detail_url(project, "contributions"),
    )


# --- verification -----------------------------------------------------------------------------


def _decide(
    request: HttpRequest,
    project: KeyProject,
    kind: str,
    record: VerifiedRecord,
    verify: Callable[..., object],
) -> HttpResponse:
    """Verify or reject one record of the project's page with ``verify`` (its service, the
    record given). A refusal in words is said on top of the page; a missing reason is shown
    under the record's own reason field, as typed."""
    decided = Decided(kind, record.pk, DecisionForm(request.POST, prefix=f"{kind}-{record.pk}"))
    url = detail_url(project, f"{kind}-{record.pk}")

    def act(accept: bool, reason: str) -> str:
        verify(by=request.user, accept=accept, reason=reason)
        return _("The record was verified.") if accept else _("The record was rejected.")

    return decision_submitted(
        request,
        decided.form,
        act,
        page=lambda: render_detail(request, project, decided),
        then=url,
        refused=url,
    )


@require_POST
@login_required
def progress_decide(request: HttpRequest, pk: int) -> HttpResponse:
    update = project_selectors.update_get_for_user(request.user, pk)
    if not request.user.has_perm("assessment.verify_progressupdate"):
        raise PermissionDenied
    verify = partial(project_service.progress_verify, update=update)
    return _decide(request, update.task.milestone.project, "update", update, verify)


@require_POST
@login_required
def contribution_decide(request: HttpRequest, pk: int) -> HttpResponse:
    contribution = project_selectors.contribution_get_for_user(request.user, pk)
    if not request.user.has_perm("assessment.verify_contribution"):
        raise PermissionDenied
    verify = partial(project_service.contribution_verify, contribution=contribution)
    return _decide(request, contribution.project, "contribution", contribution, verify)
