"""The integrity review queue; included with the assessment app's URLs (namespace
"assessment")."""

from django.urls import path

from assessment.views import integrity as views_integrity

urlpatterns = [
    path("years/<int:year>/integrity/", views_integrity.queue, name="integrity_queue"),
    path(
        "years/<int:year>/integrity/compute/",
        views_integrity.compute,
        name="integrity_compute",
    ),
    path("years/<int:year>/integrity/<int:pk>/", views_integrity.signal, name="integrity_signal"),
    path(
        "years/<int:year>/integrity/<int:pk>/failure/",
        views_integrity.failure,
        name="integrity_failure",
    ),
]
