"""Fixtures the assessment tests share: a year that collects evidence, a second office user,
and a key project of 甲镇 with a milestone and a task."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings

from assessment.models import YearStatus
from assessment.services import projects as project_service
from tests.assessment.factories import YearFactory
from tests.factories import UserFactory
from units.roles import Role


@pytest.fixture
def english(client):
    """The test client has chosen English with the language switcher."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def year(db):
    return YearFactory(year=2026, status=YearStatus.COLLECTING)


@pytest.fixture
def office_2(db):
    """A second office user: someone who did not create what the first one did."""
    return UserFactory(username="office2", role=Role.OFFICE, unit=None)


# --- a key project ----------------------------------------------------------------------------


@pytest.fixture
def project_members(cadres):
    """The team beside the lead 张三: 李四 of 甲镇; 乙镇 has nobody in it."""
    return [cadres[1]]


@pytest.fixture
def project_due():
    """When the milestone and its task are due."""
    return datetime.date(2026, 9, 30)


@pytest.fixture
def project(year, unit_a, cadres, office_user, project_members):
    """高标准农田建设 of 甲镇, led by 张三, planned by the office."""
    return project_service.project_save(
        year=year,
        name="高标准农田建设",
        unit=unit_a,
        lead_cadre=cadres[0],
        members=project_members,
        description="新建高标准农田 1000 亩",
        by=office_user,
    )


@pytest.fixture
def milestone(project, office_user, project_due):
    return project_service.milestone_save(
        project=project, title="完成土地平整", due=project_due, by=office_user
    )


@pytest.fixture
def task(milestone, cadres, office_user, project_due):
    """李四's task: 100 亩 of land levelled."""
    return project_service.task_save(
        milestone=milestone,
        cadre=cadres[1],
        description="平整土地",
        quantity=Decimal(100),
        measure="亩",
        due=project_due,
        by=office_user,
    )
