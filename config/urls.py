from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from reports.views.workbench import workbench

urlpatterns = [
    path("", workbench, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("results/", include("reports.urls.public")),
    path("vote/", include("assessment.urls.voting")),
    path("survey/", include("assessment.urls.survey_answers")),
    path("reports/", include("reports.urls.staff")),
    path("reminders/", include("reports.urls.reminders")),
    path("", include("units.urls")),
    path("", include("assessment.urls")),
]
