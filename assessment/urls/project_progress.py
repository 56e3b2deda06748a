"""A key project's progress reports and contribution points, corrected and decided; included by
``assessment.urls`` (its "assessment" namespace), so every name here starts with ``project_``."""

from django.urls import path

from assessment.views import project_progress as views

urlpatterns = [
    path(
        "projects/tasks/<int:pk>/progress/new/",
        views.progress_record,
        name="project_progress_record",
    ),
    path(
        "projects/progress/<int:pk>/correct/",
        views.progress_correct,
        name="project_progress_correct",
    ),
    path(
        "projects/progress/<int:pk>/decide/",
        views.progress_decide,
        name="project_progress_decide",
    ),
    path(
        "projects/<int:pk>/contributions/new/",
        views.contribution_record,
        name="project_contribution_record",
    ),
    path(
        "projects/contributions/<int:pk>/correct/",
        views.contribution_correct,
        name="project_contribution_correct",
    ),
    path(
        "projects/contributions/<int:pk>/decide/",
        views.contribution_decide,
        name="project_contribution_decide",
    ),
]
