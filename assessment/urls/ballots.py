"""The office's pages of the evaluation rounds (民主测评); included with the assessment app's
URLs (namespace "assessment"). The raters' voting pages are ``assessment.urls.voting``."""

from django.urls import path

from assessment.views import ballots as views_ballots

urlpatterns = [
    path("years/<int:year>/evaluations/", views_ballots.round_list, name="round_list"),
    path("evaluations/<int:pk>/", views_ballots.round_detail, name="round_detail"),
    path("evaluations/<int:pk>/edit/", views_ballots.round_edit, name="round_edit"),
    path("evaluations/<int:pk>/groups/", views_ballots.round_groups, name="round_groups"),
    path("evaluations/<int:pk>/questions/", views_ballots.round_questions, name="round_questions"),
    path(
        "evaluations/<int:pk>/subjects/",
        views_ballots.round_subjects_add,
        name="round_subjects_add",
    ),
    path(
        "evaluations/<int:pk>/subjects/<int:subject>/remove/",
        views_ballots.round_subject_remove,
        name="round_subject_remove",
    ),
    path("evaluations/<int:pk>/open/", views_ballots.round_open, name="round_open"),
    path("evaluations/<int:pk>/close/", views_ballots.round_close, name="round_close"),
    path("evaluations/<int:pk>/codes/", views_ballots.batch_create, name="batch_create"),
    path("code-batches/<int:pk>/void/", views_ballots.batch_void, name="batch_void"),
]
