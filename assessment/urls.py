from django.urls import path

from assessment import views
from assessment.urls_ballots import urlpatterns as ballots_urlpatterns
from assessment.urls_evidence import urlpatterns as evidence_urlpatterns
from assessment.urls_grading import urlpatterns as grading_urlpatterns
from assessment.urls_imports import urlpatterns as imports_urlpatterns
from assessment.urls_projects import urlpatterns as projects_urlpatterns
from assessment.urls_results import urlpatterns as results_urlpatterns
from assessment.urls_surveys import urlpatterns as surveys_urlpatterns
from assessment.urls_verify import urlpatterns as verify_urlpatterns

app_name = "assessment"

urlpatterns = [
    path("years/", views.year_list, name="year_list"),
    path("years/new/", views.year_create, name="year_create"),
    path("years/<int:year>/", views.year_detail, name="year_detail"),
    path("years/<int:year>/transition/", views.year_transition, name="year_transition"),
    path("years/<int:year>/schemes/", views.scheme_index, name="scheme_index"),
    path("years/<int:year>/schemes/<str:category>/", views.scheme_detail, name="scheme_detail"),
    path(
        "years/<int:year>/schemes/<str:category>/new/",
        views.indicator_create,
        name="indicator_create",
    ),
    path("years/<int:year>/indicators/<int:pk>/", views.indicator_edit, name="indicator_edit"),
    path(
        "years/<int:year>/indicators/<int:pk>/delete/",
        views.indicator_delete,
        name="indicator_delete",
    ),
    path("years/<int:year>/targets/", views.target_index, name="target_index"),
    path("years/<int:year>/targets/<str:unit>/", views.targets, name="targets"),
    path("years/<int:year>/compute/", views.results_compute, name="compute"),
    path("years/<int:year>/results/", views.results_index, name="results_index"),
    path("years/<int:year>/results/<str:category>/", views.results, name="results"),
]

# Year-round evidence: the unit's pages, verification and failures, and the lead
# departments' grading grids (issue 4).
urlpatterns += evidence_urlpatterns + verify_urlpatterns + grading_urlpatterns
# Key projects (重点项目): plans, progress, contribution points.
urlpatterns += projects_urlpatterns
# Excel imports from the staff pages, with their jobs and the import log (issue 5).
urlpatterns += imports_urlpatterns
# Results: score sheets, publicity and objections, publishing and published versions.
urlpatterns += results_urlpatterns
# Democratic evaluation rounds (民主测评): the office's pages (issue 8).
urlpatterns += ballots_urlpatterns
# Satisfaction surveys (群众满意度): the office's pages (issue 8).
urlpatterns += surveys_urlpatterns
