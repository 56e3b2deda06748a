"""The key-project pages: the list, a project's page and its planning; included by
``assessment.urls`` (its "assessment" namespace), so every name here starts with ``project_``."""

from django.urls import path

from assessment.views import projects as views

urlpatterns = [
    path("years/<int:year>/projects/", views.project_list, name="project_list"),
    path("years/<int:year>/projects/new/", views.project_create, name="project_create"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:pk>/milestones/new/", views.milestone_add, name="project_milestone_add"),
    path("projects/milestones/<int:pk>/tasks/new/", views.task_add, name="project_task_add"),
]
