"""The reminders pages, mounted at ``reminders/`` with the namespace ``reminders``."""

from django.urls import path

from reports.views import reminders as views

app_name = "reminders"

urlpatterns = [
    path("", views.latest, name="latest"),
    path("<int:year>/", views.year_page, name="year"),
    path("<int:year>/deadlines/", views.deadlines, name="deadlines"),
]
