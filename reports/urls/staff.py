"""The staff reports, mounted at ``reports/`` with the namespace ``reports``."""

from django.urls import path

from reports.views import staff as views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    # The district leaders' dashboard; the first opens the latest year's.
    path("dashboard/", views.dashboard_latest, name="dashboard_latest"),
    path("<int:year>/dashboard/", views.dashboard, name="dashboard"),
    path("<int:year>/dashboard/risks/", views.dashboard_risks, name="dashboard_risks"),
    path("<int:year>/dashboard/overdue/", views.dashboard_overdue, name="dashboard_overdue"),
    # Target-responsibility letters (目标责任书).
    path("<int:year>/letters/", views.letter_list, name="letter_list"),
    path("<int:year>/letters/<str:unit>/", views.letter, name="letter"),
    path("<int:year>/letters/<str:unit>/pdf/", views.letter_pdf, name="letter_pdf"),
    # Quarterly progress bulletins (季度讲评通报).
    path("<int:year>/bulletins/", views.bulletin_list, name="bulletin_list"),
    path("<int:year>/bulletins/new/", views.bulletin_create, name="bulletin_create"),
    path("<int:year>/bulletins/compare/", views.bulletin_compare, name="bulletin_compare"),
    path("<int:year>/bulletins/<int:pk>/", views.bulletin_detail, name="bulletin_detail"),
    # Leadership teams and cadres (三位一体).
    path("<int:year>/teams/", views.teams, name="teams"),
    path("<int:year>/cadres/", views.cadres, name="cadres"),
    path("cadres/<int:pk>/", views.cadre_dossier, name="cadre_dossier"),
    path("<int:year>/outstanding/", views.outstanding, name="outstanding"),
    path("<int:year>/outstanding/xlsx/", views.outstanding_xlsx, name="outstanding_xlsx"),
    # Bonus distribution (奖优罚劣).
    path("<int:year>/bonus/", views.bonus, name="bonus"),
    path("<int:year>/bonus/xlsx/", views.bonus_xlsx, name="bonus_xlsx"),
]
