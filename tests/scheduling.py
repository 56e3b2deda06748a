"""How the suite is shared between pytest-xdist workers (``make test`` runs two).

Each worker has its own test database. Two things decide what it may run, in which order:

- A transactional test (browser, live-server and race tests) is followed by a flush, which
  empties every table, the rows the migrations wrote included (the unit categories).
  pytest-django therefore sorts these tests after all the other tests of the database; a
  worker must keep that order, or a test would meet a database a flush has emptied.
- A module's module-scoped fixtures (the access-matrix district) are built once by each worker
  that runs any of its tests: a module is best run whole by one worker. The modules that share
  the seeded demo (tests/demo_seed.py) are best run together by one worker: they are one unit.

xdist's ``loadscope`` hands out whole modules, largest first, which breaks the first rule: a
module's transactional tests go with the module, and later modules follow them. This scheduler
(used with ``-n 2 --dist loadscope``, as the Makefile runs) hands out units in the order
pytest-django sorted the tests into instead. A unit is a module's run of consecutive tests in
that order: most modules are one run; a module with tests of both kinds is two, its
transactional tests making a unit that comes after every module's other tests. Each worker
thus runs a subsequence of pytest-django's order.
"""

from __future__ import annotations

import pytest

from tests.demo_seed import shares_the_demo


def make_scheduler(config: pytest.Config, log):
    """The scheduler for ``--dist loadscope``; None (xdist's own) for any other mode."""
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ModuleRunsInOrder(LoadScopeScheduling):
        _units: dict[str, str] | None = None

        def _split_scope(self, nodeid: str) -> str:
            if self._units is None:
                assert self.collection is not None  # set before the first call
                self._units = {}
                runs: dict[str, int] = {}
                previous = None
                for test in self.collection:
                    module = test.split("::", 1)[0]
                    if shares_the_demo(module):
                        module = "the seeded demo"
                    if module != previous:
                        runs[module] = runs.get(module, -1) + 1
                        previous = module
                    self._units[test] = f"{module}#{runs[module]}"
            return self._units[nodeid]

    # Units go out in the order of the collection, not by size (xdist's default).
    config.option.loadscopereorder = False
    return ModuleRunsInOrder(config, log)
