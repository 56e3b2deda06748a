"""The public survey pages, mounted at ``/survey/`` without login (namespace "survey")."""

from django.urls import path

from assessment.views import survey_answers as views

app_name = "survey"

urlpatterns = [
    path("<str:token>/", views.respond, name="respond"),
    path("<str:token>/thanks/", views.thanks, name="thanks"),
]
