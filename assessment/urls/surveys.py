"""The office's pages of the satisfaction surveys; included with the assessment app's URLs
(namespace "assessment")."""

from django.urls import path

from assessment.views import surveys as views_surveys

urlpatterns = [
    path("surveys/", views_surveys.survey_index, name="survey_index"),
    path("years/<int:year>/surveys/", views_surveys.survey_list, name="survey_list"),
    path("years/<int:year>/surveys/new/", views_surveys.survey_create, name="survey_create"),
    path("surveys/<int:pk>/", views_surveys.survey_detail, name="survey_detail"),
    path("surveys/<int:pk>/edit/", views_surveys.survey_edit, name="survey_edit"),
    path("surveys/<int:pk>/open/", views_surveys.survey_open, name="survey_open"),
    path("surveys/<int:pk>/close/", views_surveys.survey_close, name="survey_close"),
    path("surveys/<int:pk>/codes/", views_surveys.survey_codes, name="survey_codes"),
    path("surveys/<int:pk>/poster.pdf", views_surveys.survey_poster, name="survey_poster"),
]
