"""The reminders pages' rows of the access matrix (merged into ``tests.access_matrix.MATRIX``).

In the world, 2026 is in the publicity and 2025 is published. Every staff member opens a
year's reminders (each sees what concerns them; the page filters); only the office and
administrators open the deadlines form — read-only for a published year.
"""

from __future__ import annotations

from tests.access_matrix import REDIRECT, Row, _none, _year, office_only, roles

MATRIX_REMINDERS: dict[str, Row] = {
    # The latest year not yet published: 2026.
    "reminders:latest": (_none, roles(default=REDIRECT)),
    "reminders:year": (_year, roles()),
    "reminders:year#published": (lambda w: {"year": 2025}, roles()),
    "reminders:year#unknown": (lambda w: {"year": 2099}, roles(default=404)),
    "reminders:deadlines": (_year, office_only()),
    "reminders:deadlines#published": (lambda w: {"year": 2025}, office_only()),
}
