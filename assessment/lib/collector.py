"""Python's cycle collector paused while a computation builds its values.

A city's computation makes a few million short-lived objects (rows read, the engine's values,
the explanations and seals it stores). Each 700 allocations start a collection, which walks the
young objects, and now and then every object of the process: about a tenth of the computation's
time (`make bench`'s city on PostgreSQL, medians of an A/B run: 1.62 s with the collector,
1.44 s without). The objects are freed by their reference counts as they are dropped (the
explanations keep no cycle through the inputs: tests/assessment/test_collector.py); anything
else that forms a cycle is collected once the computation ends.

The collector is one switch for the whole process: ``paused`` counts the computations running in
its threads, and switches the collector back on when the last one ends, if it was on before the
first began.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_running = 0
_was_enabled = False


@contextmanager
def paused() -> Iterator[None]:
    """No cycle collection inside the block (nor in other threads meanwhile)."""
    global _running, _was_enabled
    with _lock:
        if _running == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _running += 1
    try:
        yield
    finally:
        with _lock:
            _running -= 1
            if _running == 0 and _was_enabled:
                gc.enable()
