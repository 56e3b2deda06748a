"""The public results pages and downloads, mounted at ``/results/`` without login."""

from django.urls import path, register_converter

from reports.downloads import FORMATS
from reports.views import public as views


class FormatConverter:
    """A download format the site offers (xlsx, pdf, json); anything else is not a URL."""

    regex = "|".join(FORMATS)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "download_format")

app_name = "public"

urlpatterns = [
    path("", views.year_list, name="year_list"),
    path("checking/", views.checking, name="checking"),
    path("<int:year>/", views.year_results, name="year"),
    path("<int:year>/v<int:version>/", views.year_results, name="year_version"),
    path("<int:year>/units/<str:code>/", views.unit_results, name="unit"),
    path("<int:year>/v<int:version>/units/<str:code>/", views.unit_results, name="unit_version"),
    path("<int:year>/results.<download_format:fmt>", views.download, name="download"),
    path(
        "<int:year>/v<int:version>/results.<download_format:fmt>",
        views.download,
        name="download_version",
    ),
]
