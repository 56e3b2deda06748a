"""The third-party apps as the office sees them in the admin: named in its words.

Their models' names come from the packages' own messages, which have no Chinese; the words
are listed in ``config.third_party_words`` so that this project's catalogue carries them.
"""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class LoginAttemptsConfig(AxesAppConfig):
    verbose_name = _("Login attempts")


class BackgroundTasksConfig(TasksAppConfig):
    # django-tasks-db's own name is a plain str, so its inferred type refuses a lazy one.
    verbose_name = _("Background tasks")  # type: ignore[assignment]  # Django takes either
