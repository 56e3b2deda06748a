"""The month-end load test's own bookkeeping: which requests it measures, and how it reads
them against the goals (``loadtest/run.py``, ``loadtest/month_end.py``)."""

from __future__ import annotations

import pytest

from loadtest import month_end, report, run


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_the_rush_measures_what_is_sent_after_the_logins_and_the_warm_up() -> None:
    clock = Clock(100.0)
    stats = run.Stats(rush=True, clock=clock)
    stats.add("login", 0.9, None)  # before the last login: set-up
    stats.add("public ranking", 0.5, None)  # a visitor, before the last login: warm-up
    stats.steady_from = 130.0  # the last login at 110, then 20 s of warm-up
    clock.now = 129.9
    stats.add("evidence home", 0.2, None)  # sent at 129.7: warm-up
    clock.now = 130.4
    stats.add("evidence home", 0.5, None)  # sent at 129.9, answered after 130: warm-up still
    stats.add("record POST", 0.3, None)  # sent at 130.1: measured
    clock.now = 200.0
    stats.add("evidence home", 0.25, None)  # measured

    assert dict(stats.latencies) == {"record POST": [0.3], "evidence home": [0.25]}
    assert dict(stats.setup) == {"login": [0.9], "warm-up": [0.5, 0.2, 0.5]}
    assert not stats.errors


def test_an_error_counts_in_the_warm_up_too() -> None:
    clock = Clock(50.0)
    stats = run.Stats(rush=True, clock=clock, steady_from=60.0)
    stats.add("record POST", 0.4, "/years/2026/units/ZJ01/record/ -> 500 (expected 302)")

    assert stats.errors == {"record POST": 1}
    assert stats.latencies["record POST"] == [0.4]
    assert stats.samples == ["record POST: /years/2026/units/ZJ01/record/ -> 500 (expected 302)"]


def test_the_report_sets_each_page_kind_beside_its_goal(capsys: pytest.CaptureFixture[str]) -> None:
    stats = run.Stats(rush=True, steady_from=1.0)
    # 20 answers each: the 95th percentile is the 19th smallest
    stats.latencies["public ranking"] = [0.010] * 18 + [0.090, 0.400]  # p95 90 ms < 100 ms
    stats.latencies["public unit"] = [0.010] * 18 + [0.120, 0.130]  # p95 120 ms: missed
    stats.latencies["evidence home"] = [0.100] * 18 + [0.290, 2.0]  # p95 290 ms < 300 ms
    stats.latencies["record POST"] = [0.050] * 20
    stats.errors["record POST"] = 1  # an error misses the goal whatever the time

    status = month_end.report(stats, elapsed=120.0, users=180, seconds=120.0, warm_up=20.0)

    lines = {line.split("  ")[0]: line for line in capsys.readouterr().out.splitlines()}
    assert lines["public ranking"].endswith("< 100 ms ok")
    assert " 90 " in lines["public ranking"]
    assert lines["public unit"].endswith("< 100 ms MISSED")
    assert lines["evidence home"].endswith("< 300 ms ok")
    assert lines["record POST"].endswith("< 300 ms MISSED")
    assert "goals missed: 2" in lines["total requests: 80"]
    assert status == 1  # a failed request fails the run


def test_the_percentiles_are_nearest_rank() -> None:
    twenty = [n / 1000 for n in range(1, 21)]  # 1 ms … 20 ms
    assert report.percentile(twenty, 0.95) == 0.019  # the 19th: 19 of the 20 are at or below it
    assert report.percentile(twenty, 0.50) == 0.010
    assert report.percentile(twenty, 0.99) == 0.020
    eighteen = twenty[:18]
    assert report.percentile(eighteen, 0.95) == 0.018  # 17.1 → the 18th
    assert report.percentile([], 0.95) == 0.0
