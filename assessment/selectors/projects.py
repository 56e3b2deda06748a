"""Reads of the key-project pages: which projects a user sees, and the list's figures.

The list is filtered from the same facts as the rule ``assessment.view_keyproject`` in
``assessment.access``: the roles that work across units see every project; a unit's users see
the projects their unit is responsible for or has a cadre in (as lead or team member). Each
``<thing>_get_for_user`` is the access helper for one type: 404 when it does not exist, 403
when the user may not see its project.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, Model, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

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


def _visible(user: AnyUser, record: Model, project: KeyProject) -> Model:
    if not user.has_perm("assessment.view_keyproject", project):
        raise PermissionDenied
    return record


def project_get_for_user(user: AnyUser, pk: int) -> KeyProject:
    project = get_object_or_404(KeyProject.objects.select_related(*PROJECT_RELATED), pk=pk)
    return _visible(user, project, project)  # type: ignore[return-value]


def milestone_get_for_user(user: AnyUser, pk: int) -> Milestone:
    related = [f"project__{name}" for name in PROJECT_RELATED]
    milestone = get_object_or_404(Milestone.objects.select_related(*related), pk=pk)
    return _visible(user, milestone, milestone.project)  # type: ignore[return-value]


def task_get_for_user(user: AnyUser, pk: int) -> ProjectTask:
    related = ["cadre", *(f"milestone__project__{name}" for name in PROJECT_RELATED)]
    task = get_object_or_404(ProjectTask.objects.select_related(*related), pk=pk)
    return _visible(user, task, task.milestone.project)  # type: ignore[return-value]


def update_get_for_user(user: AnyUser, pk: int) -> ProgressUpdate:
    related = ["task__cadre", *(f"task__milestone__project__{name}" for name in PROJECT_RELATED)]
    update = get_object_or_404(ProgressUpdate.objects.select_related(*related), pk=pk)
    return _visible(user, update, update.task.milestone.project)  # type: ignore[return-value]


def contribution_get_for_user(user: AnyUser, pk: int) -> Contribution:
    related = ["cadre__unit", *(f"project__{name}" for name in PROJECT_RELATED)]
    contribution = get_object_or_404(Contribution.objects.select_related(*related), pk=pk)
    return _visible(user, contribution, contribution.project)  # type: ignore[return-value]


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

    One query for a page of projects, with the rules of ``services.projects.project_progress``:
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
