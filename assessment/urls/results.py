"""The results workflow's pages; included with the assessment app's URLs (namespace
"assessment"): score sheets, the records behind a score, objections, publishing."""

from django.urls import path

from assessment.views import results as views_results

urlpatterns = [
    path("years/<int:year>/scores/<str:unit>/", views_results.score_sheet, name="score_sheet"),
    path(
        "years/<int:year>/units/<str:unit>/records/<str:indicator>/",
        views_results.indicator_records,
        name="indicator_records",
    ),
    path("years/<int:year>/objections/", views_results.objection_list, name="objection_list"),
    path(
        "years/<int:year>/units/<str:unit>/objections/new/",
        views_results.objection_file,
        name="objection_file",
    ),
    path("objections/<int:pk>/", views_results.objection_detail, name="objection_detail"),
    path("objections/<int:pk>/resolve/", views_results.objection_resolve, name="objection_resolve"),
    path("years/<int:year>/publish/", views_results.publish, name="publish"),
    path(
        "years/<int:year>/publications/",
        views_results.publication_list,
        name="publication_list",
    ),
    path(
        "years/<int:year>/publications/<int:version>/document.json",
        views_results.publication_document,
        name="publication_document",
    ),
]
