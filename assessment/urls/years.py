"""The assessment year, its schemes and indicators, targets and the computation."""

from django.urls import path

from assessment.views import years as views

urlpatterns = [
    path("years/", views.year_list, name="year_list"),
    path("years/new/", views.year_create, name="year_create"),
    path("years/<int:year>/", views.year_detail, name="year_detail"),
    path("years/<int:year>/transition/", views.year_transition, name="year_transition"),
    path("years/<int:year>/schemes/", views.scheme_index, name="scheme_index"),
    path("years/<int:year>/schemes/<str:category>/", views.scheme_detail, name="scheme_detail"),
    path("years/<int:year>/indicators/<int:pk>/items/new/", views.item_create, name="item_create"),
    path("years/<int:year>/items/<int:pk>/", views.item_edit, name="item_edit"),
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
