"""Key projects (重点项目): the year's list, a project's page and its planning by the office.

Thin: a form parses, one service acts (``services.projects``), the view renders or redirects.
Who may see a project is the rule ``assessment.view_keyproject`` (403 otherwise); who may do
what on it is ``assessment.access``'s refusals, which hide the buttons a user may not use and
answer 403 to a user who may never do it. What the year's state allows now is the services'
(shown as their message). Progress reports, contribution points and the decisions on them are
``views.project_progress``; the project's page shows them with what the user may do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from assessment.access import (
    contribution_record_refusal,
    contribution_verify_refusal,
    manages_assessment,
    progress_record_refusal,
    progress_verify_refusal,
)
from assessment.forms.project_progress import DecisionForm
from assessment.forms.projects import MilestoneForm, ProjectFilterForm, ProjectForm, TaskForm
from assessment.lib.attachments import accepted_kinds_text
from assessment.lib.marks import mark
from assessment.models import (
    AssessmentYear,
    KeyProject,
    YearStatus,
)
from assessment.policy import ALLOWED, WITH_REASON, Action
from assessment.selectors import projects as project_selectors
from assessment.selectors import years as selectors
from assessment.services import projects as project_service
from assessment.services.records import recording_open, verifying_open
from assessment.views.records import Decided, form_submitted, mark_decision
from units.access import AnyUser
from units.models import Unit
from units.submissions import once_per_submission

PROJECTS_PER_PAGE = 20


# --- what the year and the user allow now -----------------------------------------------------


def _open_for(year: AssessmentYear, action: Action) -> bool:
    """Whether the policy lets ``action`` happen at all now (maybe only with a reason)."""
    status = YearStatus(year.status)
    return status in ALLOWED[action] or status in WITH_REASON[action]


def _may_plan(user: AnyUser, year: AssessmentYear) -> bool:
    return manages_assessment(user) and _open_for(year, Action.PLAN_PROJECTS)


def _require_office(request: HttpRequest) -> None:
    if not manages_assessment(request.user):
        raise PermissionDenied


def detail_url(project: KeyProject, anchor: str = "") -> str:
    url = reverse("assessment:project_detail", kwargs={"pk": project.pk})
    return f"{url}#{anchor}" if anchor else url


# --- the list ---------------------------------------------------------------------------------


@require_GET
@login_required
def project_list(request: HttpRequest, year: int) -> HttpResponse:
    """The year's projects the user may see, with their progress and what waits for a decision."""
    assessment_year = selectors.year_get_for_user(request.user, year)
    filters = ProjectFilterForm(
        request.GET or None,
        projects=project_selectors.projects_for_user(request.user, assessment_year),
    )
    rows = project_selectors.project_list(request.user, assessment_year, **filters.values())
    page = Paginator(rows, PROJECTS_PER_PAGE).get_page(request.GET.get("page"))
    counts = project_selectors.task_counts(page, timezone.localdate())
    for project in page:
        mark(project, counts=counts[project.pk])
    context = {
        "year": assessment_year,
        "filters": filters,
        "page": page,
        "may_plan": _may_plan(request.user, assessment_year),
    }
    return render(request, "projects/list.html", context)


# --- a project's page -------------------------------------------------------------------------


def _mark_plan(
    user: AnyUser, progress: project_selectors.ProjectProgress, decided: Decided | None
) -> None:
    """Attach each task and update to the objects already read, and what the user may do.

    The plan, its tasks and updates come from ``project_progress`` (a fixed number of
    queries); the access rules read ``update.task.milestone.project``, so those links are set
    here rather than read again per record.
    """
    project = progress.project
    reporting = recording_open(user, project.year)
    may_verify = verifying_open(project.year) and user.has_perm("assessment.verify_progressupdate")
    for milestone in progress.milestones:
        milestone.milestone.project = project
        for item in milestone.tasks:
            task = item.task
            task.milestone = milestone.milestone
            may_report = reporting and progress_record_refusal(user, task) is None
            mark(task, may_report=may_report)
            for update in item.updates:
                update.task = task
                mark(update, may_correct=update.is_current and may_report)
                if may_verify and update.awaits_decision:
                    mark_decision(
                        user, "update", update, progress_verify_refusal, decided, DecisionForm
                    )


def _mark_contributions(
    user: AnyUser, progress: project_selectors.ProjectProgress, decided: Decided | None
) -> bool:
    """Mark each contribution like the updates; return whether the user may propose points."""
    project = progress.project
    may_propose = (
        recording_open(user, project.year) and contribution_record_refusal(user, project) is None
    )
    may_verify = verifying_open(project.year) and user.has_perm("assessment.verify_contribution")
    for contribution in progress.contributions:
        contribution.project = project
        mark(contribution, may_correct=contribution.is_current and may_propose)
        if may_verify and contribution.awaits_decision:
            mark_decision(
                user,
                "contribution",
                contribution,
                contribution_verify_refusal,
                decided,
                DecisionForm,
            )
    return may_propose


def _with_units(progress: project_selectors.ProjectProgress) -> None:
    """The team's units, read in one query (``team_of`` reads the members without them)."""
    cadres = [person.cadre for person in progress.people]
    units = Unit.objects.in_bulk({cadre.unit_id for cadre in cadres})
    for cadre in cadres:
        cadre.unit = units[cadre.unit_id]


def render_detail(
    request: HttpRequest, project: KeyProject, decided: Decided | None = None
) -> HttpResponse:
    user = request.user
    progress = project_selectors.project_progress(project)
    _mark_plan(user, progress, decided)
    may_propose = _mark_contributions(user, progress, decided)
    _with_units(progress)
    context = {
        "year": project.year,
        "project": project,
        "progress": progress,
        "team": [person.cadre for person in progress.people],
        "may_plan": _may_plan(user, project.year),
        "may_propose": may_propose,
    }
    return render(request, "projects/detail.html", context)


@require_GET
@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan with its progress, the people's tasks and points, and what the user may do."""
    return render_detail(request, project_selectors.project_get_for_user(request.user, pk))


# --- form pages -------------------------------------------------------------------------------


@dataclass
class FormPage:
    """What a form page shows around its form (``projects/form.html``)."""

    year: AssessmentYear
    title: str | Promise
    submit: str | Promise
    cancel_url: str
    project: KeyProject | None = None
    intro: str | Promise = ""
    # Why the form cannot be sent now: shown read-only with this reason, without a button.
    closed: str = ""
    subject: Any = None  # the task reported on, or the record corrected
    subject_template: str = ""


def project_form_page(
    project: KeyProject, anchor: str, title: str | Promise, submit: str | Promise, **more: Any
) -> FormPage:
    """A form page of the project whose cancel goes back to ``anchor`` on the project's page."""
    return FormPage(project.year, title, submit, detail_url(project, anchor), project, **more)


def form_page(
    request: HttpRequest,
    form: BaseForm,
    page: FormPage,
    act: Callable[[dict[str, Any]], str],
    success: str,
) -> HttpResponse:
    """Bind, let the service act and go to the URL it returns; or show the form again with
    what was typed and the service's reasons under the fields they concern."""
    return form_submitted(request, form, act, success) or show_form_page(request, form, page)


def show_form_page(request: HttpRequest, form: BaseForm, page: FormPage) -> HttpResponse:
    context = {
        "page": page,
        "form": form,
        "year": page.year,
        "project": page.project,
        "accepted_kinds": accepted_kinds_text(),
    }
    return render(request, "projects/form.html", context)


def _plan_closed(request: HttpRequest, year: AssessmentYear) -> bool:
    """Past the states that allow planning, say so instead of showing a form in vain."""
    if _open_for(year, Action.PLAN_PROJECTS):
        return False
    messages.error(
        request,
        _("The %(year)s assessment is in the state “%(status)s”: the key-project plans are fixed.")
        % {"year": year.year, "status": year.get_status_display()},
    )
    return True


def _reason(data: dict[str, Any]) -> str:
    return data.get("reason", "")


# --- planning (the office) --------------------------------------------------------------------


def _project_form_page(
    request: HttpRequest, year: AssessmentYear, project: KeyProject | None
) -> HttpResponse:
    """Create (``project`` None) or edit a project and its team."""
    form = ProjectForm(request.POST or None, year=year, project=project)

    def act(data: dict[str, Any]) -> str:
        saved = project_service.project_save(
            year=year,
            project=project,
            name=data["name"],
            unit=data["unit"],
            lead_cadre=data["lead_cadre"],
            members=data["members"],
            description=data["description"],
            by=request.user,
            reason=_reason(data),
        )
        return detail_url(saved)

    list_url = reverse("assessment:project_list", kwargs={"year": year.year})
    page = FormPage(
        year=year,
        project=project,
        title=_("Edit the key project") if project else _("New key project"),
        submit=_("Save the project"),
        cancel_url=detail_url(project) if project else list_url,
    )
    return form_page(request, form, page, act, _("The key project was saved."))


@require_http_methods(["GET", "POST"])
@login_required
@once_per_submission
def project_create(request: HttpRequest, year: int) -> HttpResponse:
    assessment_year = selectors.year_get_for_user(request.user, year)
    _require_office(request)
    if _plan_closed(request, assessment_year):
        return redirect("assessment:project_list", year=assessment_year.year)
    return _project_form_page(request, assessment_year, None)


@require_http_methods(["GET", "POST"])
@login_required
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_selectors.project_get_for_user(request.user, pk)
    _require_office(request)
    if _plan_closed(request, project.year):
        return redirect(detail_url(project))
    return _project_form_page(request, project.year, project)


@require_http_methods(["GET", "POST"])
@login_required
@once_per_submission
def milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_selectors.project_get_for_user(request.user, pk)
    _require_office(request)
    if _plan_closed(request, project.year):
        return redirect(detail_url(project))
    form = MilestoneForm(request.POST or None, year=project.year)

    def act(data: dict[str, Any]) -> str:
        milestone = project_service.milestone_save(
            project=project,
            title=data["title"],
            due=data["due"],
            by=request.user,
            reason=_reason(data),
        )
        return detail_url(project, f"milestone-{milestone.pk}")

    page = project_form_page(project, "", _("Add a milestone"), _("Save the milestone"))
    return form_page(request, form, page, act, _("The milestone was added."))


@require_http_methods(["GET", "POST"])
@login_required
@once_per_submission
def task_add(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = project_selectors.milestone_get_for_user(request.user, pk)
    project = milestone.project
    _require_office(request)
    if _plan_closed(request, project.year):
        return redirect(detail_url(project))
    form = TaskForm(request.POST or None, project=project)

    def act(data: dict[str, Any]) -> str:
        task = project_service.task_save(
            milestone=milestone,
            cadre=data["cadre"],
            description=data["description"],
            quantity=data["quantity"],
            measure=data["measure"],
            due=data["due"],
            by=request.user,
            reason=_reason(data),
        )
        return detail_url(project, f"task-{task.pk}")

    title = _("Add a task to “%(milestone)s”") % {"milestone": milestone.title}
    page = project_form_page(
        project,
        f"milestone-{milestone.pk}",
        title,
        _("Save the task"),
        intro=_(
            "A task is one person's of the team, in a quantity, done by the milestone's date "
            "(%(date)s) at the latest."
        )
        % {"date": f"{milestone.due:%Y-%m-%d}"},
    )
    return form_page(request, form, page, act, _("The task was added."))
