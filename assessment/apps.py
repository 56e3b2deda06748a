from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "assessment"
    verbose_name = _("Assessment")

    def ready(self) -> None:
        from assessment import access  # noqa: F401  (registers the object permission rules)
