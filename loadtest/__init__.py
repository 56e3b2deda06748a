"""Load test of the whole stack (gunicorn + PostgreSQL): ``make loadtest``, see ``run``."""
