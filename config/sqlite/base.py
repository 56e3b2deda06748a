"""Django's SQLite backend, told how many query parameters this SQLite really allows.

Django 5.2 assumes SQLite's historic limit of 999 bound parameters, so a bulk insert of wide
rows is cut into batches of a few dozen rows (storing a city's results took 45 INSERTs).
SQLite 3.32+ allows 32,766 by default; the connection reports its actual limit, which is what
Django 6 reads too. Everything else is Django's backend unchanged.
"""

import sqlite3

from django.db.backends.sqlite3 import base, features
from django.utils.functional import cached_property


class DatabaseFeatures(features.DatabaseFeatures):
    @cached_property
    def max_query_params(self) -> int:  # type: ignore[override]  # stubs say attribute, Django a property
        self.connection.ensure_connection()
        return self.connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)


class DatabaseWrapper(base.DatabaseWrapper):
    features_class = DatabaseFeatures
