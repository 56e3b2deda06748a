"""Real races on PostgreSQL: the same attempt run at once by several threads, each on its own
database connection, as several people's requests would be."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable


def race(attempt: Callable[[str], str], names: Iterable[str]) -> dict[str, str]:
    """``attempt(name)`` in one thread a name; what each attempt returned, by name.

    An attempt returns its outcome (e.g. "saved" or the code of a refusal); an exception it did
    not expect becomes the outcome ``error: …``, so that the main thread reports it.
    """
    outcomes: dict[str, str] = {}

    def run(name: str) -> None:
        from django.db import connection  # this thread's own connection

        try:
            outcomes[name] = attempt(name)
        except Exception as error:
            outcomes[name] = f"error: {error!r}"
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes
