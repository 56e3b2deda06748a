"""The reports app's part of the demo district (``manage.py seed_demo`` runs every app's
``demo.seed`` in order, after the assessment app's): the demo year's phase deadlines."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import OutputWrapper

from assessment.demo.scheme import DEMO_YEAR, OFFICE_USERNAME
from assessment.models import AssessmentYear
from reports.demo.reminders import seed_deadlines


def seed(*, stdout: OutputWrapper) -> None:
    year = AssessmentYear.objects.filter(year=DEMO_YEAR).first()
    if year is None:
        return
    office = get_user_model().objects.filter(username=OFFICE_USERNAME).first()
    seed_deadlines(year, by=office, stdout=stdout)
