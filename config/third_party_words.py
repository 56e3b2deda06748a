"""Messages of third-party apps shown in the admin (django-axes, django-tasks' database
queue), listed so that ``make messages`` puts them in this project's catalogue, whose Chinese
Django then uses (the project's catalogue comes first). Never imported at run time."""

from django.utils.translation import gettext_noop as _

WORDS = [
    # django-axes
    _("Access Attempt"), _("Access lock out"), _("Attempt Remaining"), _("Attempt Time"),
    _("Clean up expired attempts"), _("Expires At"), _("Failed Logins"), _("Form Data"),
    _("GET Data"), _("HTTP Accept"), _("IP Address"), _("Locked Out"), _("Logout Time"),
    _("Meta Data"), _("Not set"), _("POST Data"), _("Path"), _("Session key hash (sha256)"),
    _("The time when access attempt expires and is no longer valid."), _("User Agent"),
    _("Username"), _("access attempt expiration"), _("access attempt expirations"),
    _("access attempt"), _("access attempts"), _("access failure"), _("access failures"),
    _("access log"), _("access logs"),
    # django-tasks (database queue)
    _("Task Result"), _("Task Results"), _("args kwargs"), _("backend name"), _("enqueued at"),
    _("exception class path"), _("finished at"), _("priority"), _("queue name"),
    _("return value"), _("run after"), _("started at"), _("task path"), _("traceback"),
    _("worker id"),
]  # fmt: skip
