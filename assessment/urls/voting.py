"""The raters' pages (no login): enter or scan a code, mark the ballot, cast it. Namespace
"vote", mounted at /vote/."""

from django.urls import path

from assessment.views import voting as views_vote

app_name = "vote"

urlpatterns = [
    path("", views_vote.start, name="start"),
    path("cast/", views_vote.cast, name="cast"),
]
