#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # The command line defaults to development, as the WSGI entry point defaults to production:
    # a server started by gunicorn without DEBUG set is never in debug mode, while a developer's
    # `manage.py shell` needs no SECRET_KEY. Production sets DEBUG=false in its environment.
    os.environ.setdefault("DEBUG", "true")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
