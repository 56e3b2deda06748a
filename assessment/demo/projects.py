"""The demo year's key projects: three projects, each with its team, a plan of two milestones
with tasks per person, a year of progress updates and contribution points.

Among the progress updates are verified, pending, rejected and corrected ones, and one task
of each project falls short of its October milestone (the demo is set in late November, so
it is overdue). Progress and points are recorded by a user of the responsible unit where the
unit has one, and decided by the office (or, for progress, supervision): never by their
creator nor their own unit. Called by ``assessment.demo.seed`` while the year collects.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.contrib.auth.models import User as AuthUser
from django.utils import timezone

from assessment.lib.history import set_change_reason, set_history_user
from assessment.models import (
    AssessmentYear,
    Contribution,
    EvidenceStatus,
    KeyProject,
    Milestone,
    ProgressUpdate,
    ProjectTask,
)
from units.models import Cadre, Membership, Unit

if TYPE_CHECKING:
    from assessment.demo.world import BulkWrite, District

D = Decimal
V, P, R = EvidenceStatus.VERIFIED, EvidenceStatus.PENDING, EvidenceStatus.REJECTED


@dataclass(frozen=True)
class TaskPlan:
    person: int  # 0 = the lead cadre, 1.. = team members in order
    description: str
    quantity: str
    measure: str
    # (month, day, amount, status) of each progress update
    updates: tuple[tuple[int, int, str, str], ...]


@dataclass(frozen=True)
class ProjectPlan:
    name: str
    unit: str  # code of the responsible unit (else the first unit of the category)
    category: str
    description: str
    milestones: tuple[tuple[str, tuple[int, int], tuple[TaskPlan, ...]], ...]


PROJECTS = (
    ProjectPlan(
        "城东智能制造产业园基础设施建设",
        "JJ01",
        "economic",
        "园区道路、标准厂房及供水供电管网配套建设，总投资12.6亿元，年内完成主体工程。",
        (
            (
                "完成征地拆迁和前期手续",
                (4, 30),
                (
                    TaskPlan(
                        0,
                        "协调完成项目用地报批",
                        "320",
                        "亩",
                        ((2, 20, "180", V), (4, 10, "140", V)),
                    ),
                    TaskPlan(1, "完成征收户签约", "86", "户", ((3, 5, "50", V), (4, 18, "36", V))),
                ),
            ),
            (
                "主体工程完工",
                (10, 31),
                (
                    TaskPlan(
                        0,
                        "完成年度固定资产投资",
                        "8.5",
                        "亿元",
                        ((6, 30, "3.2", V), (9, 30, "3.6", V), (11, 10, "1.9", P)),
                    ),
                    TaskPlan(
                        1,
                        "建成标准厂房",
                        "12",
                        "栋",
                        ((7, 15, "5", V), (9, 20, "4", R), (10, 25, "4", V)),
                    ),
                    TaskPlan(
                        2,
                        "铺设供水供电管网",
                        "9.6",
                        "公里",
                        ((8, 12, "6.0", V), (10, 28, "3.6", P)),
                    ),
                ),
            ),
        ),
    ),
    ProjectPlan(
        "城乡教育医疗服务能力提升工程",
        "SH01",
        "social",
        "新建改扩建中小学3所、镇街卫生院2所，年内投入使用。",
        (
            (
                "完成设计和招标",
                (3, 31),
                (
                    TaskPlan(0, "完成施工图设计审查", "5", "个", ((2, 25, "5", V),)),
                    TaskPlan(1, "完成施工招标", "5", "个", ((3, 20, "5", V),)),
                ),
            ),
            (
                "学校和卫生院投入使用",
                (9, 30),
                (
                    TaskPlan(0, "新建改扩建中小学", "3", "所", ((8, 28, "2", V), (9, 29, "1", P))),
                    TaskPlan(2, "改扩建镇街卫生院", "2", "所", ((9, 26, "2", V),)),
                ),
            ),
        ),
    ),
    ProjectPlan(
        "城关老旧小区改造提升工程",
        "ZJ01",
        "town",
        "改造2000年以前建成的老旧小区14个，惠及居民3200户。",
        (
            (
                "完成居民意见征集和方案公示",
                (3, 31),
                (
                    TaskPlan(
                        0,
                        "入户征集居民意见",
                        "3200",
                        "户",
                        ((2, 28, "1800", V), (3, 25, "1400", V)),
                    ),
                ),
            ),
            (
                "改造工程完工",
                (10, 31),
                (
                    TaskPlan(
                        0,
                        "完成小区改造",
                        "14",
                        "个",
                        ((5, 30, "4", V), (7, 30, "5", V), (9, 30, "4", P)),
                    ),
                    TaskPlan(
                        1,
                        "加装电梯",
                        "20",
                        "部",
                        ((6, 15, "8", V), (8, 20, "7", V), (10, 15, "5", V)),
                    ),
                ),
            ),
        ),
    ),
)
# Points per person (lead first); the second project's second claim waits for the office.
POINTS = ("3.0", "2.0", "1.5", "2.5", "2.5")
CONTRIBUTION_TEXTS = (
    "牵头协调项目用地报批，提前两个月完成征地拆迁",
    "统筹项目资金申报，争取上级专项资金到位",
    "驻点推进施工，协调解决水电配套问题",
    "组织专班攻坚，按期完成年度投资任务",
)
REJECTION = "现场核查工程量与上报不符，请核实后重新上报"
CORRECTION = "上报时误将计划数填为完成数，更正为实际完成量"


def _moment(date: datetime.date, days: int, hour: int) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(date + datetime.timedelta(days=days), datetime.time(hour))
    )


class _Seeder:
    def __init__(self, year: AssessmentYear, district: District, bulk: BulkWrite) -> None:
        self.year = year
        self.district = district
        self.bulk = bulk
        units = {unit.code: unit for unit in district.units}
        self.units = units
        self.unit_users = {
            m.unit_id: m.user
            for m in Membership.objects.filter(unit__in=units.values()).select_related("user")
        }

    def unit_for(self, plan: ProjectPlan) -> Unit | None:
        if plan.unit in self.units:
            return self.units[plan.unit]
        categories = self.district.categories
        return next(
            (u for u in self.district.units if categories[u.category_id].code == plan.category),
            None,
        )

    def team_for(self, unit: Unit, number: int, previous_lead: Cadre | None) -> list[Cadre]:
        """The unit's principal leads; its deputy and two cadres of other units serve; the
        previous project's lead serves too (so one cadre's points go over the cap)."""
        own = self.district.cadres.get(unit.pk, [])
        others = [
            cadres[0]
            for unit_id, cadres in self.district.cadres.items()
            if cadres and unit_id != unit.pk
        ][number * 2 : number * 2 + 2]
        team = [*own[:2], *others, *([previous_lead] if previous_lead else [])]
        return list(dict.fromkeys(team))

    def verifier(self, recorder: AuthUser | None, turn: int) -> AuthUser:
        supervision = self.district.supervision
        if turn % 2 and supervision is not None and supervision is not recorder:
            return supervision
        return self.district.office

    def seed(self) -> None:
        tasks: list[tuple[ProjectTask, TaskPlan]] = []
        contributions: list[Contribution] = []
        previous_lead = None
        for number, plan in enumerate(PROJECTS):
            unit = self.unit_for(plan)
            team = self.team_for(unit, number, previous_lead) if unit else []
            if len(team) < 2:
                continue
            project = KeyProject(
                year=self.year,
                name=plan.name,
                unit=unit,
                lead_cadre=team[0],
                description=plan.description,
            )
            set_history_user(project, self.district.office)
            project.full_clean()
            project.save()
            project.members.set(team[1:])
            tasks += self.plan(project, plan, team)
            contributions += self.claims(project, team, number)
            previous_lead = team[0]
        self.progress(tasks)
        self.bulk(Contribution, contributions, self.district)

    def plan(
        self, project: KeyProject, plan: ProjectPlan, team: Sequence[Cadre]
    ) -> list[tuple[ProjectTask, TaskPlan]]:
        made = []
        for title, (month, day), task_plans in plan.milestones:
            due = datetime.date(self.year.year, month, day)
            milestone = self.bulk(
                Milestone, [Milestone(project=project, title=title, due=due)], self.district
            )[0]
            for task_plan in task_plans:
                task = ProjectTask(
                    milestone=milestone,
                    cadre=team[min(task_plan.person, len(team) - 1)],
                    description=task_plan.description,
                    quantity=D(task_plan.quantity),
                    measure=task_plan.measure,
                    due=due,
                )
                made.append((task, task_plan))
        created = self.bulk(ProjectTask, [task for task, _plan in made], self.district)
        return list(zip(created, [task_plan for _task, task_plan in made], strict=True))

    def progress(self, tasks: list[tuple[ProjectTask, TaskPlan]]) -> None:
        rows = []
        turn = 0
        for task, task_plan in tasks:
            recorder = self.unit_users.get(task.milestone.project.unit_id)
            for month, day, amount, status in task_plan.updates:
                date = datetime.date(self.year.year, month, day)
                decided = status != P
                turn += 1
                rows.append(
                    ProgressUpdate(
                        task=task,
                        date=date,
                        amount=D(amount),
                        description=f"{task.description}：本期完成 {amount} {task.measure}",
                        status=status,
                        recorded_by=recorder,
                        verified_by=self.verifier(recorder, turn) if decided else None,
                        verified_at=_moment(date, 3, 10) if decided else None,
                        status_reason=REJECTION if status == R else "",
                    )
                )
        created = self.bulk(ProgressUpdate, rows, self.district)
        self.correct_one(created)

    def correct_one(self, updates: list[ProgressUpdate]) -> None:
        """The first verified update is found to be overstated: corrected by a pending one."""
        old = next(u for u in updates if u.status == V and u.amount > 1)
        old.is_current = False
        set_history_user(old, self.district.office)
        set_change_reason(old, CORRECTION)
        old.save(update_fields=["is_current"])
        new = ProgressUpdate(
            task=old.task,
            date=old.date,
            amount=old.amount - 1,
            description=f"{old.description}（更正）",
            recorded_by=old.recorded_by,
            supersedes=old,
            correction_reason=CORRECTION,
        )
        self.bulk(ProgressUpdate, [new], self.district)

    def claims(self, project: KeyProject, team: Sequence[Cadre], number: int) -> list:
        recorder = self.unit_users.get(project.unit_id)
        rows = []
        for index, cadre in enumerate(team):
            pending = number == 1 and index == 1  # one claim still waiting for the office
            rows.append(
                Contribution(
                    project=project,
                    cadre=cadre,
                    points=D(POINTS[index % len(POINTS)]),
                    description=CONTRIBUTION_TEXTS[(number + index) % len(CONTRIBUTION_TEXTS)],
                    status=P if pending else V,
                    recorded_by=recorder,
                    verified_by=None if pending else self.district.office,
                    verified_at=None
                    if pending
                    else _moment(datetime.date(self.year.year, 10, 20), 0, 15),
                )
            )
        return rows


def seed_projects(year: AssessmentYear, district: District, bulk: BulkWrite) -> None:
    """Key projects for the demo year (``bulk`` writes with history, naming the office)."""
    _Seeder(year, district, bulk).seed()
