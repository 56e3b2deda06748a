"""Reads of the key-project pages: which projects a user sees, the list's figures, and a
project's page (``project_progress``: its plan with the progress reported, its people and their
points).

The list is filtered from the same facts as the rule ``assessment.view_keyproject`` in
``assessment.access``: the roles that work across units see every project; a unit's users see
the projects their unit is responsible for or has a cadre in (as lead or team member). Each
``<thing>_get_for_user`` is the access helper for one type: 404 when it does not exist, 403
when the user may not see its project.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, Model, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from assessment.models import (
    AssessmentYear,
    Contribution,
    EvidenceStatus,
    KeyProject,
    Milestone,
    ProgressUpdate,
    ProjectTask,
)
from units.access import AnyUser, is_staff_member, sees_all_units, user_unit_id
from units.models import Cadre

RecordT = TypeVar("RecordT", bound=Model)

PROJECT_RELATED = ("year", "unit", "lead_cadre__unit")


# --- who sees which project -------------------------------------------------------------------


def projects_for_user(user: AnyUser, year: AssessmentYear) -> QuerySet[KeyProject]:
    """The year's projects ``user`` may see (the rule ``view_keyproject``, as a filter)."""
    projects = KeyProject.objects.filter(year=year)
    if not is_staff_member(user):
        return projects.none()
    if sees_all_units(user):
        return projects
    own = user_unit_id(user)
    if own is None:
        return projects.none()
    in_team = KeyProject.members.through.objects.filter(cadre__unit_id=own).values("keyproject_id")
    return projects.filter(Q(unit_id=own) | Q(lead_cadre__unit_id=own) | Q(pk__in=in_team))


def team_of(project: KeyProject) -> list[Cadre]:
    """The lead cadre first, then the team members by name."""
    return [project.lead_cadre, *project.members.order_by("name")]


def _visible(user: AnyUser, record: RecordT, project: KeyProject) -> RecordT:
    if not user.has_perm("assessment.view_keyproject", project):
        raise PermissionDenied
    return record


def project_get_for_user(user: AnyUser, pk: int) -> KeyProject:
    project = get_object_or_404(KeyProject.objects.select_related(*PROJECT_RELATED), pk=pk)
    return _visible(user, project, project)


def milestone_get_for_user(user: AnyUser, pk: int) -> Milestone:
    related = [f"project__{name}" for name in PROJECT_RELATED]
    milestone = get_object_or_404(Milestone.objects.select_related(*related), pk=pk)
    return _visible(user, milestone, milestone.project)


def task_get_for_user(user: AnyUser, pk: int) -> ProjectTask:
    related = ["cadre", *(f"milestone__project__{name}" for name in PROJECT_RELATED)]
    task = get_object_or_404(ProjectTask.objects.select_related(*related), pk=pk)
    return _visible(user, task, task.milestone.project)


def update_get_for_user(user: AnyUser, pk: int) -> ProgressUpdate:
    related = ["task__cadre", *(f"task__milestone__project__{name}" for name in PROJECT_RELATED)]
    update = get_object_or_404(ProgressUpdate.objects.select_related(*related), pk=pk)
    return _visible(user, update, update.task.milestone.project)


def contribution_get_for_user(user: AnyUser, pk: int) -> Contribution:
    related = ["cadre__unit", *(f"project__{name}" for name in PROJECT_RELATED)]
    contribution = get_object_or_404(Contribution.objects.select_related(*related), pk=pk)
    return _visible(user, contribution, contribution.project)


# --- the list ---------------------------------------------------------------------------------


def _count(records: QuerySet, project_path: str) -> Coalesce:
    """How many of ``records`` belong to the outer project: a subquery, so that counting
    several kinds of rows does not multiply them by one another."""
    counted = (
        records.filter(**{project_path: OuterRef("pk")})
        .order_by()
        .values(project_path)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def project_list(
    user: AnyUser, year: AssessmentYear, *, unit_code: str = "", pending_only: bool = False
) -> QuerySet[KeyProject]:
    """The visible projects with their team size and how many records wait for verification.

    ``team_size`` counts the lead cadre and the team members; ``pending_updates`` and
    ``pending_contributions`` count the current records still pending.
    """
    projects = (
        projects_for_user(user, year)
        .select_related("unit", "lead_cadre")
        .annotate(
            team_size=_count(KeyProject.members.through.objects.all(), "keyproject") + 1,
            pending_updates=_count(
                ProgressUpdate.objects.awaiting_verification(), "task__milestone__project"
            ),
            pending_contributions=_count(Contribution.objects.awaiting_verification(), "project"),
        )
    )
    if unit_code:
        projects = projects.filter(unit__code=unit_code)
    if pending_only:
        projects = projects.filter(Q(pending_updates__gt=0) | Q(pending_contributions__gt=0))
    return projects.order_by("name", "pk")


@dataclass
class TaskCounts:
    tasks: int = 0
    done: int = 0
    overdue: int = 0

    @property
    def percent(self) -> int | None:
        """Share of tasks done, as ``ProjectProgress.percent`` reads it; None without tasks."""
        return int(100 * self.done / self.tasks) if self.tasks else None


def task_counts(projects: Iterable[KeyProject], today: datetime.date) -> dict[int, TaskCounts]:
    """Per project: its tasks, those done (verified amount reached) and those overdue.

    One query for a page of projects, with the rules of ``project_progress``:
    only verified, current updates count; overdue is past its date and not done.
    """
    counts = {project.pk: TaskCounts() for project in projects}
    verified = Q(updates__status=EvidenceStatus.VERIFIED, updates__is_current=True)
    rows = (
        ProjectTask.objects.filter(milestone__project__in=list(counts))
        .order_by()
        .values("pk", "milestone__project_id", "quantity", "due")
        .annotate(verified=Coalesce(Sum("updates__amount", filter=verified), Decimal(0)))
    )
    for row in rows:
        tally = counts[row["milestone__project_id"]]
        done = row["verified"] >= row["quantity"]
        tally.tasks += 1
        tally.done += done
        tally.overdue += row["due"] < today and not done
    return counts


# --- a project's page ---------------------------------------------------------------------


@dataclass
class TaskProgress:
    task: ProjectTask
    verified: Decimal = Decimal(0)
    pending: Decimal = Decimal(0)
    updates: list[ProgressUpdate] = field(default_factory=list)  # every one, newest first
    overdue: bool = False

    @property
    def done(self) -> bool:
        return self.verified >= self.task.quantity

    @property
    def percent(self) -> int:
        return min(100, int(self.verified * 100 / self.task.quantity))


@dataclass
class MilestoneProgress:
    milestone: Milestone
    tasks: list[TaskProgress]

    @property
    def done(self) -> bool:
        return all(task.done for task in self.tasks) and bool(self.tasks)

    @property
    def overdue(self) -> bool:
        return any(task.overdue for task in self.tasks)


@dataclass
class PersonProgress:
    cadre: Cadre
    is_lead: bool
    tasks: int = 0
    tasks_done: int = 0
    points: Decimal = Decimal(0)  # verified, current
    points_pending: Decimal = Decimal(0)


@dataclass
class ProjectProgress:
    project: KeyProject
    milestones: list[MilestoneProgress]
    people: list[PersonProgress]
    contributions: list[Contribution]  # every one, by person, newest first
    pending_updates: int
    pending_contributions: int

    @property
    def overdue_tasks(self) -> int:
        return sum(task.overdue for milestone in self.milestones for task in milestone.tasks)

    @property
    def percent(self) -> int | None:
        """Share of tasks done (verified amount reached), or None without tasks."""
        tasks = [task for milestone in self.milestones for task in milestone.tasks]
        if not tasks:
            return None
        return int(100 * sum(task.done for task in tasks) / len(tasks))


def _tally_updates(updates: Iterable[ProgressUpdate], tasks: dict[int, TaskProgress]) -> int:
    """Add each current update to its task's verified or pending amount; count the pending."""
    pending = 0
    for update in updates:
        progress = tasks[update.task_id]
        progress.updates.append(update)
        if not update.is_current:
            continue
        if update.status == EvidenceStatus.VERIFIED:
            progress.verified += update.amount
        elif update.status == EvidenceStatus.PENDING:
            progress.pending += update.amount
            pending += 1
    return pending


def _tally_contributions(
    contributions: Iterable[Contribution], people: dict[int, PersonProgress]
) -> int:
    """Add each current proposal to its person's verified or pending points; count the pending."""
    pending = 0
    for contribution in contributions:
        person = people.get(contribution.cadre_id)
        if not contribution.is_current or person is None:
            continue
        if contribution.status == EvidenceStatus.VERIFIED:
            person.points += contribution.points
        elif contribution.status == EvidenceStatus.PENDING:
            person.points_pending += contribution.points
            pending += 1
    return pending


def project_progress(project: KeyProject, *, today: datetime.date | None = None) -> ProjectProgress:
    """The plan with its progress: 6 queries whatever the size of the project.

    A task is overdue when its date has passed (today) and its verified amount falls short.
    """
    today = today or timezone.localdate()
    team = team_of(project)
    people = {
        cadre.pk: PersonProgress(cadre=cadre, is_lead=cadre.pk == project.lead_cadre_id)
        for cadre in team
    }
    tasks: dict[int, TaskProgress] = {}
    milestones = []
    all_tasks = ProjectTask.objects.filter(milestone__project=project).select_related("cadre")
    by_milestone: dict[int, list[TaskProgress]] = {}
    for task in all_tasks:
        progress = tasks[task.pk] = TaskProgress(task=task)
        by_milestone.setdefault(task.milestone_id, []).append(progress)
    for milestone in project.milestones.all():
        milestones.append(MilestoneProgress(milestone, by_milestone.get(milestone.pk, [])))
    updates = (
        ProgressUpdate.objects.filter(task__milestone__project=project)
        .select_related("recorded_by", "verified_by", "supersedes")
        .prefetch_related("attachments")
    )
    pending_updates = _tally_updates(updates, tasks)
    for progress in tasks.values():
        progress.overdue = progress.task.due < today and not progress.done
        person = people.get(progress.task.cadre_id)
        if person is not None:
            person.tasks += 1
            person.tasks_done += progress.done
    contributions = list(
        project.contributions.select_related("cadre", "recorded_by", "verified_by").order_by(
            "cadre__name", "-recorded_at", "-pk"
        )
    )
    pending_contributions = _tally_contributions(contributions, people)
    return ProjectProgress(
        project=project,
        milestones=milestones,
        people=list(people.values()),
        contributions=contributions,
        pending_updates=pending_updates,
        pending_contributions=pending_contributions,
    )
