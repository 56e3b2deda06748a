"""The assessment office's draft schemes (方案草稿) and the balance of a scheme."""

from django.urls import path

from assessment.views import drafts as views

urlpatterns = [
    path("years/<int:year>/drafts/", views.draft_list, name="draft_list"),
    path("years/<int:year>/balance/", views.year_balance, name="year_balance"),
    path("drafts/<int:pk>/", views.draft_edit, name="draft_edit"),
    path("drafts/<int:pk>/indicators/add/", views.draft_indicator_add, name="draft_indicator_add"),
    path(
        "drafts/<int:pk>/indicators/remove/",
        views.draft_indicator_remove,
        name="draft_indicator_remove",
    ),
    path("drafts/<int:pk>/compare/", views.draft_compare, name="draft_compare"),
    path("drafts/<int:pk>/compare.xlsx", views.draft_export, name="draft_export"),
    path("drafts/<int:pk>/balance/", views.draft_balance, name="draft_balance"),
    path("drafts/<int:pk>/copy/", views.draft_copy, name="draft_copy"),
    path("drafts/<int:pk>/delete/", views.draft_delete, name="draft_delete"),
    path("drafts/<int:pk>/adopt/", views.draft_adopt, name="draft_adopt"),
]
