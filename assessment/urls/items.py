"""Catalogued items' claims and fault-tolerance waivers; included with the assessment app's
URLs (namespace "assessment")."""

from django.urls import path

from assessment.views import items as views_items

urlpatterns = [
    path("years/<int:year>/claims/", views_items.claims, name="claims"),
    path("years/<int:year>/waivers/", views_items.waiver_list, name="waiver_list"),
    path("evidence/<int:pk>/waiver/", views_items.waiver_propose, name="waiver_propose"),
    path("waivers/<int:pk>/decide/", views_items.waiver_decide, name="waiver_decide"),
]
