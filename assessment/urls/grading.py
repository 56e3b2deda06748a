"""Lead departments assess their own indicators; included by ``assessment.urls.years`` (its
"assessment" namespace), so every name here starts with ``grading_``."""

from django.urls import path

from assessment.views import grading as views_grading

urlpatterns = [
    path("years/<int:year>/grading/", views_grading.grading_index, name="grading_index"),
    path("years/<int:year>/grading/<int:pk>/", views_grading.grading_grid, name="grading_grid"),
]
