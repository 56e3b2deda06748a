"""The evidence pages; included with the assessment app's URLs (namespace "assessment")."""

from django.urls import path

from assessment.views import evidence as views_evidence

urlpatterns = [
    path(
        "years/<int:year>/units/<str:unit>/",
        views_evidence.unit_home,
        name="evidence_unit_home",
    ),
    path(
        "years/<int:year>/units/<str:unit>/record/",
        views_evidence.record,
        name="evidence_record",
    ),
    path(
        "years/<int:year>/units/<str:unit>/highlights/",
        views_evidence.highlight_add,
        name="highlight_add",
    ),
    path(
        "highlights/<int:pk>/withdraw/",
        views_evidence.highlight_withdraw,
        name="highlight_withdraw",
    ),
    path("evidence/<int:pk>/correct/", views_evidence.correct, name="evidence_correct"),
    path("evidence/<int:pk>/statement/", views_evidence.statement, name="evidence_statement"),
    path("attachments/<int:pk>/", views_evidence.attachment, name="evidence_attachment"),
    path(
        "attachments/<int:pk>/preview/",
        views_evidence.attachment_preview,
        name="evidence_attachment_preview",
    ),
]
