"""Key projects (重点项目): one project, one leader, one team.

A project belongs to a year and to the unit responsible for it; its lead cadre and team
members are cadres. The plan is milestones, each broken down into quantified tasks per person
with a date; the responsible unit reports progress on a task as records that are verified like
evidence; verified contribution points of a cadre feed the cadre's three-in-one score
(``assessment.scoring``, capped there).
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from assessment.models.evidence import RecordManager, RecordQuerySet, VerifiedRecord
from assessment.models.years import AMOUNT, AssessmentYear
from units.models import Cadre, Unit


class KeyProject(models.Model):
    """A key project (重点项目): one project, one leader, one team."""

    year = models.ForeignKey(
        AssessmentYear, on_delete=models.PROTECT, related_name="projects", verbose_name=_("year")
    )
    name = models.CharField(_("project name"), max_length=200)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="projects", verbose_name=_("responsible unit")
    )
    lead_cadre = models.ForeignKey(
        Cadre, on_delete=models.PROTECT, related_name="led_projects", verbose_name=_("lead cadre")
    )
    members = models.ManyToManyField(
        Cadre, blank=True, related_name="projects", verbose_name=_("team members")
    )
    description = models.TextField(_("description"), blank=True)

    history = HistoricalRecords(m2m_fields=[members])

    class Meta:
        ordering = ["year", "name"]
        verbose_name = _("key project")
        verbose_name_plural = _("key projects")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "name"],
                name="project_unique_name",
                violation_error_message=_("A key project of this name already exists this year."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Milestone(models.Model):
    """A step of a project's plan (节点), due by a date."""

    project = models.ForeignKey(
        KeyProject,
        on_delete=models.PROTECT,
        related_name="milestones",
        verbose_name=_("key project"),
    )
    title = models.CharField(_("milestone"), max_length=200)
    due = models.DateField(_("due by"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["due", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "title"],
                name="milestone_unique_title",
                violation_error_message=_("The project already has a milestone of this name."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ProjectTask(models.Model):
    """A quantified task of one person for a milestone (任务分解到人): how much, by when."""

    milestone = models.ForeignKey(
        Milestone, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("milestone")
    )
    cadre = models.ForeignKey(
        Cadre, on_delete=models.PROTECT, related_name="project_tasks", verbose_name=_("person")
    )
    description = models.CharField(_("task"), max_length=300)
    quantity = models.DecimalField(
        _("quantity"), validators=[MinValueValidator(Decimal("0.000001"))], **AMOUNT
    )
    measure = models.CharField(
        _("unit of measure"), max_length=20, help_text=_("For example 亩, 万元, 户 or 个.")
    )
    due = models.DateField(_("due by"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["due", "pk"]
        verbose_name = _("project task")
        verbose_name_plural = _("project tasks")

    def __str__(self) -> str:
        return f"{self.cadre.name} · {self.description}"


class ProgressUpdate(VerifiedRecord):
    """Progress on a task (进度), reported by the responsible unit and verified like evidence."""

    task = models.ForeignKey(
        ProjectTask, on_delete=models.PROTECT, related_name="updates", verbose_name=_("task")
    )
    date = models.DateField(_("date"))
    amount = models.DecimalField(
        _("amount done"), validators=[MinValueValidator(Decimal(0))], **AMOUNT
    )
    description = models.CharField(_("description"), max_length=500)

    history = HistoricalRecords()
    objects: ClassVar[RecordManager[ProgressUpdate]] = RecordQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-recorded_at"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        permissions = [("verify_progressupdate", _("Can verify key-project progress"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_late=False) | ~models.Q(late_reason=""),
                name="progress_late_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task} · {self.date:%Y-%m-%d} · {self.amount}"


class Contribution(VerifiedRecord):
    """Contribution points of a cadre on a key project; verified ones feed the cadre score."""

    project = models.ForeignKey(
        KeyProject,
        on_delete=models.PROTECT,
        related_name="contributions",
        verbose_name=_("key project"),
    )
    cadre = models.ForeignKey(
        Cadre, on_delete=models.PROTECT, related_name="contributions", verbose_name=_("cadre")
    )
    points = models.DecimalField(
        _("points"), validators=[MinValueValidator(Decimal(0))], max_digits=6, decimal_places=2
    )
    description = models.CharField(_("description"), max_length=500)

    history = HistoricalRecords()
    objects: ClassVar[RecordManager[Contribution]] = RecordQuerySet.as_manager()

    class Meta:
        ordering = ["project", "cadre", "-recorded_at"]
        verbose_name = _("key-project contribution")
        verbose_name_plural = _("key-project contributions")
        permissions = [("verify_contribution", _("Can verify contribution points"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_late=False) | ~models.Q(late_reason=""),
                name="contribution_late_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.name} · {self.cadre.name} · {self.points}"
