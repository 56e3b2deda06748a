from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    # Permissions exist only after post_migrate has created them, so the groups are brought in
    # line here rather than in a data migration; running it again changes nothing.
    from units.roles import sync_role_groups

    sync_role_groups(using=using)


class UnitsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "units"
    verbose_name = _("Units and cadres")

    def ready(self) -> None:
        # post_migrate is sent once per app, in INSTALLED_APPS order, and each app's permissions
        # are created by its own signal: only the last app's signal comes after all of them.
        from django.apps import apps

        from units import access  # noqa: F401  (registers the object permission rules)
        from units.audit import connect_signals

        connect_signals()  # every new history row is sealed into the audit hash chain

        last_app = [config for config in apps.get_app_configs() if config.models_module][-1]
        post_migrate.connect(_sync_roles, sender=last_app, dispatch_uid="units.sync_roles")
