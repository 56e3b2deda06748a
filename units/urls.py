from django.urls import path

from units import views

app_name = "units"

urlpatterns = [
    path("units/", views.unit_list, name="unit_list"),
    path("units/<str:code>/", views.unit_detail, name="unit_detail"),
    path("cadres/", views.cadre_list, name="cadre_list"),
    path("categories/", views.category_list, name="category_list"),
]
