"""Key projects (重点项目): plan, report progress, propose and verify contribution points.

One project, one leader, one team. The office plans (``project_save``, ``milestone_save``,
``task_save``): the responsible unit, the lead cadre and the team, milestones with a date and,
under each, quantified tasks of one person of the team. The responsible unit reports
progress on a task (``progress_record``, corrected by ``progress_correct``) and proposes
contribution points for the people of the team (``contribution_record``, corrected by
``contribution_correct``); both are records of the one flow of ``services.records``, like
evidence: append-only, on the year's clock, and verified by someone outside the unit who did
not create them (``progress_verify``, ``contribution_verify``). Only verified, current
contribution points reach the cadre's three-in-one score.

The reads of a project's page (``project_progress``) and its team (``team_of``) are
``selectors.projects``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from assessment.access import (
    contribution_record_refusal,
    contribution_verify_refusal,
    manages_assessment,
    progress_record_refusal,
    progress_verify_refusal,
)
from assessment.lib import attachments as files
from assessment.models import (
    AssessmentYear,
    Contribution,
    KeyProject,
    Milestone,
    ProgressUpdate,
    ProjectTask,
)
from assessment.policy import Action, year_check
from assessment.selectors.projects import team_of
from assessment.services import records as record_rules
from assessment.services.records import RecordFlow, User
from units.models import Cadre, Unit

# --- planning (the office) --------------------------------------------------------------------


def _plan_check(year: AssessmentYear, by: User, reason: str) -> None:
    if not manages_assessment(by):
        raise ValidationError(
            _("Only the assessment office plans key projects."), code="not_allowed"
        )
    year_check(year, Action.PLAN_PROJECTS, reason=reason)


def _full_clean(instance: models.Model, errors: dict[str, list[str]] | None = None) -> None:
    errors = dict(errors or {})
    try:
        instance.full_clean()
    except ValidationError as error:
        record_rules.merge(errors, error)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def project_save(
    *,
    year: AssessmentYear,
    name: str,
    unit: Unit,
    lead_cadre: Cadre,
    members: Iterable[Cadre],
    description: str = "",
    by: User,
    project: KeyProject | None = None,
    reason: str = "",
) -> KeyProject:
    """Create (``project`` None) or change a key project and its team, all or nothing.

    The lead cadre leads; the team members are the other people of the project (the lead is
    not listed twice). Nobody can be removed from the team while they still have tasks.
    """
    year = AssessmentYear.objects.get(pk=year.pk)
    _plan_check(year, by, reason)
    members = list(dict.fromkeys(members))
    errors: dict[str, list[str]] = {}
    if lead_cadre in members:
        errors["members"] = [
            _("%(name)s leads the project: do not list them among the team members.")
            % {"name": lead_cadre.name}
        ]
    if project is None:
        project = KeyProject(year=year)
    elif project.year_id != year.pk:
        raise ValidationError(_("This project belongs to another year."), code="wrong_year")
    project.name = name.strip()
    project.unit = unit
    project.lead_cadre = lead_cadre
    project.description = description.strip()
    if project.pk is not None:
        team = {lead_cadre.pk, *(cadre.pk for cadre in members)}
        stranded = (
            Cadre.objects.filter(project_tasks__milestone__project=project)
            .exclude(pk__in=team)
            .distinct()
            .order_by("name")
        )
        if stranded:
            errors.setdefault("members", []).append(
                _("%(names)s still have tasks in this project: move their tasks first.")
                % {"names": "、".join(cadre.name for cadre in stranded)}
            )
    _full_clean(project, errors)
    record_rules.save(project, by, reason)
    project.members.set(members)
    return project


def _in_year_errors(due: datetime.date | None, year: AssessmentYear) -> list[str]:
    if due is not None and due.year != year.year:
        return [_("The date must be in %(year)s, the assessment year.") % {"year": year.year}]
    return []


@transaction.atomic
def milestone_save(
    *,
    project: KeyProject,
    title: str,
    due: datetime.date,
    by: User,
    milestone: Milestone | None = None,
    reason: str = "",
) -> Milestone:
    """Add (``milestone`` None) or change a milestone of the project's plan."""
    project = KeyProject.objects.select_related("year").get(pk=project.pk)
    _plan_check(project.year, by, reason)
    milestone = milestone or Milestone(project=project)
    milestone.title = title.strip()
    milestone.due = due
    errors: dict[str, list[str]] = {}
    if due_errors := _in_year_errors(due, project.year):
        errors["due"] = due_errors
    if milestone.pk is not None and due is not None:
        late_tasks = milestone.tasks.filter(due__gt=due).count()
        if late_tasks:
            errors.setdefault("due", []).append(
                _(
                    "%(count)s task(s) of this milestone are due after that date: choose a later "
                    "date, or first move those tasks' due dates to it or earlier."
                )
                % {"count": late_tasks}
            )
    _full_clean(milestone, errors)
    record_rules.save(milestone, by, reason)
    return milestone


@transaction.atomic
def task_save(
    *,
    milestone: Milestone,
    cadre: Cadre,
    description: str,
    quantity: Decimal,
    measure: str,
    due: datetime.date,
    by: User,
    task: ProjectTask | None = None,
    reason: str = "",
) -> ProjectTask:
    """Add (``task`` None) or change a person's quantified task under a milestone.

    The person is of the project's team, the quantity positive, and the task due in the
    year and no later than its milestone.
    """
    milestone = Milestone.objects.select_related("project__year", "project__lead_cadre").get(
        pk=milestone.pk
    )
    project = milestone.project
    _plan_check(project.year, by, reason)
    errors: dict[str, list[str]] = {}
    if cadre not in team_of(project):
        errors["cadre"] = [
            _("%(name)s is not in the team of %(project)s.")
            % {"name": cadre.name, "project": project.name}
        ]
    if due_errors := _in_year_errors(due, project.year):
        errors["due"] = due_errors
    elif due is not None and due > milestone.due:
        errors["due"] = [
            _("The task must be done by its milestone's date, %(date)s.")
            % {"date": f"{milestone.due:%Y-%m-%d}"}
        ]
    task = task or ProjectTask(milestone=milestone)
    task.cadre = cadre
    task.description = description.strip()
    task.quantity = quantity
    task.measure = measure.strip()
    task.due = due
    _full_clean(task, errors)
    record_rules.save(task, by, reason)
    return task


# --- progress and contribution points: records of the one flow (``services.records``) -------


def _progress_field_errors(update: ProgressUpdate, year: AssessmentYear) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if date_errors := record_rules.date_error(update.date, year):
        errors["date"] = date_errors
    return errors


def _contribution_field_errors(
    contribution: Contribution, year: AssessmentYear
) -> dict[str, list[str]]:
    """The person is of the team and the points more than 0 and at most the year's cap."""
    project, cadre, points = contribution.project, contribution.cadre, contribution.points
    errors: dict[str, list[str]] = {}
    if cadre not in team_of(project):
        errors["cadre"] = [
            _("%(name)s is not in the team of %(project)s.")
            % {"name": cadre.name, "project": project.name}
        ]
    cap = year.contribution_cap
    if points is not None and not (Decimal(0) < points <= cap):
        errors["points"] = [
            _("Contribution points are more than 0 and at most %(cap)s, the most that counts.")
            % {"cap": f"{cap.normalize():f}"}
        ]
    return errors


# Progress: reported by the responsible unit (or the office), with attachments; verified by the
# office or supervision from outside the unit.
PROGRESS: RecordFlow[ProgressUpdate] = RecordFlow(
    model=ProgressUpdate,
    related=("task__milestone__project__year",),
    year_of=lambda update: update.task.milestone.project.year,
    record_refusal=lambda user, update: progress_record_refusal(user, update.task),
    decide_refusal=progress_verify_refusal,
    field_errors=_progress_field_errors,
    attach_to="progress",
)
# Contribution points: proposed by the responsible unit (or the office); verified by the office
# from outside the unit. Only verified, current points reach the cadre's score.
CONTRIBUTION: RecordFlow[Contribution] = RecordFlow(
    model=Contribution,
    related=("project__year", "project__lead_cadre"),
    year_of=lambda contribution: contribution.project.year,
    record_refusal=lambda user, contribution: contribution_record_refusal(
        user, contribution.project
    ),
    decide_refusal=contribution_verify_refusal,
    field_errors=_contribution_field_errors,
)


@transaction.atomic
def progress_record(
    *,
    task: ProjectTask,
    date: datetime.date,
    amount: Decimal,
    description: str,
    by: User,
    attachments: Iterable[files.Upload] = (),
    late_reason: str = "",
) -> ProgressUpdate:
    """Report progress on a task: the amount done on ``date`` (added up per task), pending.

    The same rules as evidence: the responsible unit or the office reports, on the year's
    clock (late records by the office, with a reason), dated in the year, attachments stored
    with it all or nothing.
    """
    task = ProjectTask.objects.select_related("milestone__project__year").get(pk=task.pk)
    update = ProgressUpdate(task=task, date=date, amount=amount, description=description.strip())
    return record_rules.record_create(
        PROGRESS,
        update,
        year=task.milestone.project.year,
        by=by,
        late_reason=late_reason,
        attachments=attachments,
    )


@transaction.atomic
def progress_correct(
    *,
    update: ProgressUpdate,
    amount: Decimal,
    description: str,
    reason: str,
    by: User,
    date: datetime.date | None = None,
    attachments: Iterable[files.Upload] = (),
) -> ProgressUpdate:
    """Correct a progress update by a new one that supersedes it, with the reason."""

    def new(old: ProgressUpdate) -> ProgressUpdate:
        return ProgressUpdate(
            task=old.task, date=date or old.date, amount=amount, description=description.strip()
        )

    return record_rules.record_correct(
        PROGRESS, update, new, by=by, reason=reason, attachments=attachments
    )


@transaction.atomic
def progress_verify(
    *, update: ProgressUpdate, by: User, accept: bool, reason: str = ""
) -> ProgressUpdate:
    """Verify or reject a pending progress update (office or supervision, outside the unit)."""
    return record_rules.record_verify(PROGRESS, update, by=by, accept=accept, reason=reason)


@transaction.atomic
def contribution_record(
    *,
    project: KeyProject,
    cadre: Cadre,
    points: Decimal,
    description: str,
    by: User,
    late_reason: str = "",
    supersedes: Contribution | None = None,
    reason: str = "",
) -> Contribution:
    """Propose contribution points of a person of the team, pending the office's verification.

    Points are positive and at most the year's cap (the cap is also what counts for a cadre
    in the year, whatever the sum). With ``supersedes`` (and a ``reason``), the proposal
    corrects an earlier one of the same project, which stops counting
    (``contribution_correct``).
    """
    project = KeyProject.objects.select_related("year", "lead_cadre").get(pk=project.pk)
    if supersedes is not None:
        if supersedes.project_id != project.pk:
            raise ValidationError(_("The corrected record is of another project."))
        return contribution_correct(
            contribution=supersedes,
            cadre=cadre,
            points=points,
            description=description,
            reason=reason,
            by=by,
        )
    contribution = Contribution(
        project=project, cadre=cadre, points=points, description=description.strip()
    )
    return record_rules.record_create(
        CONTRIBUTION, contribution, year=project.year, by=by, late_reason=late_reason
    )


@transaction.atomic
def contribution_correct(
    *,
    contribution: Contribution,
    points: Decimal,
    description: str,
    reason: str,
    by: User,
    cadre: Cadre | None = None,
) -> Contribution:
    """Correct proposed points by a new proposal that supersedes them, with the reason; for
    the same person unless ``cadre`` names another of the team."""

    def new(old: Contribution) -> Contribution:
        return Contribution(
            project=old.project,
            cadre=cadre or old.cadre,
            points=points,
            description=description.strip(),
        )

    return record_rules.record_correct(CONTRIBUTION, contribution, new, by=by, reason=reason)


@transaction.atomic
def contribution_verify(
    *, contribution: Contribution, by: User, accept: bool, reason: str = ""
) -> Contribution:
    """Verify or reject proposed contribution points (the office, outside the unit)."""
    return record_rules.record_verify(
        CONTRIBUTION, contribution, by=by, accept=accept, reason=reason
    )
