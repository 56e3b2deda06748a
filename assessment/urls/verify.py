"""The verification queue and the recording of failures; included by ``assessment.urls`` (its
"assessment" namespace), so every name here starts with ``verify_``."""

from django.urls import path

from assessment.views import verify as views_verify

urlpatterns = [
    path("years/<int:year>/verify/", views_verify.verify_queue, name="verify_queue"),
    path("years/<int:year>/verify/decide/", views_verify.verify_decide, name="verify_decide"),
    path("years/<int:year>/verify/<int:pk>/", views_verify.verify_record, name="verify_record"),
    path(
        "years/<int:year>/failures/record/",
        views_verify.verify_failure_record,
        name="verify_failure_record",
    ),
]
