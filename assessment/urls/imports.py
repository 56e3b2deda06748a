"""The staff import pages; included with the assessment app's URLs (namespace "assessment")."""

from django.urls import path

from assessment.views import imports as views_imports

urlpatterns = [
    path("imports/", views_imports.index, name="import_index"),
    path("imports/log/", views_imports.log, name="import_log"),
    path("imports/<str:kind>/template/", views_imports.template, name="import_template"),
    path("imports/<str:kind>/upload/", views_imports.upload, name="import_upload"),
    path("imports/jobs/<uuid:pk>/", views_imports.job, name="import_job"),
    path("imports/jobs/<uuid:pk>/progress/", views_imports.job_progress, name="import_progress"),
    path("imports/jobs/<uuid:pk>/confirm/", views_imports.confirm, name="import_confirm"),
    path("imports/jobs/<uuid:pk>/marked/", views_imports.marked, name="import_marked"),
    path("imports/jobs/<uuid:pk>/retry/", views_imports.retry, name="import_retry"),
]
