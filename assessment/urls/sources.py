"""The data sources (一数一源); included with the assessment app's URLs (namespace
"assessment")."""

from django.urls import path

from assessment.views import sources as views_sources

urlpatterns = [
    path("years/<int:year>/sources/", views_sources.source_index, name="source_index"),
    path(
        "years/<int:year>/sources/differences/",
        views_sources.source_differences,
        name="source_differences",
    ),
]
