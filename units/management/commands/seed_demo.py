"""Load the demo district: every app's ``demo.seed`` in dependency order, then the accounts."""

from argparse import ArgumentParser
from importlib import import_module
from typing import Any

from django.apps import apps
from django.db import transaction

from units.commands import DistrictCommand
from units.demo import seed_accounts


class Command(DistrictCommand):
    help = "Load the demo district (idempotent) and print the demo accounts."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000/", help="Where to log in.")

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        for config in apps.get_app_configs():
            try:
                module = import_module(f"{config.name}.demo")
            except ModuleNotFoundError as error:
                if error.name == f"{config.name}.demo":
                    continue
                raise
            module.seed(stdout=self.stdout)
        accounts = seed_accounts()

        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Log in at {options['url']}"))
        self.stdout.write(f"{'account':<10} {'role':<22} {'unit':<6} password")
        for account, password in accounts:
            role = str(account.role.label) if account.role else "superuser (admin site)"
            shown = password or "(unchanged; reset with: manage.py changepassword)"
            self.stdout.write(
                f"{account.username:<10} {role:<22} {account.unit_code or '-':<6} {shown}"
            )
