"""What a page shows beside a row, decided in Python and hung on the row for its template."""

from __future__ import annotations


def mark(row: object, **facts: object) -> None:
    """Set ``facts`` as attributes of ``row``, read by the template (``{{ record.may_correct }}``)
    as it reads a queryset's annotations; for what only Python decides, such as access rules."""
    for name, value in facts.items():
        setattr(row, name, value)
