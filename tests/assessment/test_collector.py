"""Python's cycle collector paused during a computation, and a computation that leaves nothing
for it to collect."""

from __future__ import annotations

import gc
import threading
import weakref
from decimal import Decimal as D

import pytest

from assessment.lib import collector
from assessment.scoring import EvidenceTotal, IndicatorSpec, UnitSpec, YearInputs, compute
from assessment.services.explanations import year_details


@pytest.fixture(autouse=True)
def _collector_on():
    gc.enable()
    yield
    gc.enable()


def test_the_collector_is_off_inside_and_on_again_after():
    with collector.paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_an_error_inside_still_turns_the_collector_on_again():
    with pytest.raises(ZeroDivisionError), collector.paused():
        1 / 0  # noqa: B018
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off():
    gc.disable()
    with collector.paused():
        pass
    assert not gc.isenabled()


def test_two_computations_at_once_keep_it_off_until_the_last_ends():
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen: dict[str, bool] = {}

    def first() -> None:
        with collector.paused():
            first_in.set()
            second_in.wait(5)
        first_out.set()

    def second() -> None:
        first_in.wait(5)
        with collector.paused():
            second_in.set()
            first_out.wait(5)
            seen["after the first ended"] = gc.isenabled()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    assert seen == {"after the first ended": False}
    assert gc.isenabled()


def test_the_explanations_leave_the_inputs_to_be_freed_at_once():
    # With the collector off, only reference counts free objects: the inputs are gone the moment
    # the last name is dropped, so no cycle through them is left for the collector.
    inputs = YearInputs(
        indicators={"town": [IndicatorSpec("E01", "output", "economy", D(10), "completion")]},
        units=[UnitSpec("A", "甲镇", "town", 10)],
        targets={("A", "E01"): D(100)},
        evidence={("A", "E01"): EvidenceTotal(D(80), 2)},
    )
    details = year_details(inputs, compute(inputs))
    # the numbers the explanation is worded from when shown
    assert details["A"]["E01"] == {
        "method": "completion",
        "points": "10.00",
        "target": "100",
        "actual": "80",
    }
    gone = weakref.ref(inputs)

    with collector.paused():
        del inputs
        assert gone() is None
