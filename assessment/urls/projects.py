"""The key-project pages; included by ``assessment.urls.years`` (its "assessment" namespace), so
every name here starts with ``project_``."""

from django.urls import path

from assessment.views import projects as views

urlpatterns = [
    path("years/<int:year>/projects/", views.project_list, name="project_list"),
    path("years/<int:year>/projects/new/", views.project_create, name="project_create"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:pk>/milestones/new/", views.milestone_add, name="project_milestone_add"),
    path("projects/milestones/<int:pk>/tasks/new/", views.task_add, name="project_task_add"),
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
