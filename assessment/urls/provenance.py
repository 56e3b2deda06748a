"""The export of a year's records with their provenance; included with the assessment app's
URLs (namespace "assessment")."""

from django.urls import path

from assessment.views import provenance as views_provenance

urlpatterns = [
    path(
        "years/<int:year>/records.<str:fmt>",
        views_provenance.records_export,
        name="records_export",
    ),
]
