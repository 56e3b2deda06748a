"""The verification queue at city scale, measured on the city ``benchmarks.compute`` builds.

What a verifier's page reads of the queue (``assessment.views.verify``): the first page of the
pending records, oldest first, and their count for the pager, as the assessment office (who is
asked about every record of the year). Goal, on PostgreSQL (a city's database): both within
0.1 s, a third of a page's p95 budget under the month-end rush (issue #20), whatever the size
of the table of records. On SQLite, for information: without the statistics of an ``ANALYZE``
(which nothing runs on an embedded database) its planner does not choose the queue's index.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

GOAL = 0.1  # seconds, the first page and the count together


@dataclass
class QueueFigures:
    records: int  # every evidence record of the city
    pending: int  # in the office's queue
    seconds: float  # median: the first page and the count


def measure_queue(repeat: int = 5) -> QueueFigures:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from assessment.models import AssessmentYear, Evidence
    from assessment.selectors.verify import queue_for_user
    from assessment.views.verify import RECORDS_PER_PAGE
    from units.roles import GROUP_NAMES, Role

    office = get_user_model().objects.get(username="bench_office")
    office.groups.add(Group.objects.get(name=GROUP_NAMES[Role.OFFICE]))
    office = get_user_model().objects.get(pk=office.pk)  # its roles read afresh
    year = AssessmentYear.objects.get()
    pending = 0
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        queue = queue_for_user(office, year)
        first = list(queue[:RECORDS_PER_PAGE])
        pending = queue.count()
        timings.append(time.perf_counter() - started)
        assert len(first) == min(RECORDS_PER_PAGE, pending)
    return QueueFigures(
        records=Evidence.objects.count(), pending=pending, seconds=statistics.median(timings)
    )
