"""The public survey pages, mounted at ``/survey/`` without login (namespace "survey")."""

from django.urls import path

from assessment import views_survey_public as views

app_name = "survey"

urlpatterns = [
    path("<str:token>/", views.respond, name="respond"),
    path("<str:token>/thanks/", views.thanks, name="thanks"),
]
