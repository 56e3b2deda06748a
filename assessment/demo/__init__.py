"""The demo district (``manage.py seed_demo``): the 2025 year published, the 2026 year at work."""

from assessment.demo.district import seed

__all__ = ["seed"]
