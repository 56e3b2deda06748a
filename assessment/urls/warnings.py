"""URLs of the three-colour warnings, their follow-up and leaders' instructions (namespace
"assessment")."""

from django.urls import path

from assessment.views import warnings as views_warnings

urlpatterns = [
    path("years/<int:year>/warnings/", views_warnings.warnings_year, name="warnings_year"),
    path(
        "years/<int:year>/warnings/periods/",
        views_warnings.periods_create,
        name="warning_periods_create",
    ),
    path(
        "warnings/periods/<int:pk>/close/", views_warnings.period_close, name="warning_period_close"
    ),
    path(
        "warnings/periods/<int:pk>/talks/<str:unit>/",
        views_warnings.talk_record,
        name="warning_talk_record",
    ),
    path("warnings/notices/<int:pk>/", views_warnings.notice_detail, name="notice_detail"),
    path("warnings/notices/<int:pk>/report/", views_warnings.notice_report, name="notice_report"),
    path("warnings/reports/<int:pk>/review/", views_warnings.report_review, name="report_review"),
    path("years/<int:year>/instructions/", views_warnings.instructions, name="instructions"),
    path("instructions/<int:pk>/", views_warnings.instruction_detail, name="instruction_detail"),
    path(
        "instructions/<int:pk>/answer/",
        views_warnings.instruction_answer,
        name="instruction_answer",
    ),
]
