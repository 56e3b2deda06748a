"""The month-end rush of ``make loadtest`` (``--month-end``): who does what.

In the last days of a month every unit reports: 100 reporters record evidence with a PDF
attached (one account for each of the demo's 33 units, several people at once on each), 10
verifiers of the office work through the queue (each its own share of it, as an office splits
the work), 20 leaders read their overview, the results and the warnings, and 50 anonymous
visitors read the published rankings, a unit's page and the published PDF, their browsers
asking again with the entity tag they were given. A person reads and types between two
requests: 5 s on average (``--think``).

The goals are those of the steady state, after the logins and a warm-up of the same work
(``WARM_UP_SECONDS``): no error, p95 under 300 ms for every page kind, and under 100 ms for the
public pages and the published document.
"""

from __future__ import annotations

import random
import re
import time
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from loadtest import report as report_rows
from loadtest import run

if TYPE_CHECKING:
    from loadtest.run import Stats, VirtualUser

REPORTERS, VERIFIERS, LEADERS, VISITORS = 100, 10, 20, 50
SECONDS, THINK = 120.0, 5.0
# After the last login, the same work for this long before the measured time: every server
# process compiles its templates and fills its caches once, as a site that has been up for a
# morning has done long before month end.
WARM_UP_SECONDS = 20.0
WARM_UP = "warm-up"  # the requests of that time, printed beside the logins
PASSWORD_ENV = "LOADTEST_REPORTER_PASSWORD"
# Page kinds measured against the tighter goal: what the public reads.
PUBLIC_KINDS = frozenset({"public ranking", "public unit", "public PDF"})
STEADY_GOAL_MS, PUBLIC_GOAL_MS = 300.0, 100.0
# Logins are the start, not the steady state.
SETUP_KINDS = frozenset({"login form", "login"})

# One reporter account for each demo unit, made in the scratch database (``accounts_code``).
ACCOUNTS_CODE = f"""
import os
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from units.models import Membership, Unit
from units.roles import GROUP_NAMES, Role
group = Group.objects.get(name=GROUP_NAMES[Role.REPORTER])
password = os.environ["{PASSWORD_ENV}"]
for unit in Unit.objects.order_by("code"):
    user = get_user_model().objects.create_user(
        username="lt-" + unit.code.lower(), password=password, first_name=unit.name + " 填报员"
    )
    user.groups.add(group)
    Membership.objects.create(user=user, unit=unit)
"""

# The indicators whose records name a catalogued item: a unit claims those through the items,
# not as a figure, so the reporters here record the others.
CATALOGUED_CODE = (
    "from assessment.models import Item; "
    "print(' '.join(str(pk) for pk in set(Item.objects.values_list('indicator_id', flat=True))))"
)

RECORD_LINK_RE = re.compile(r'href="/years/(\d+)/verify/(\d+)/')
FORM_RE = re.compile(r'<form[^>]*id="record-decision-form".*?</form>', re.S)


def reporter_account(unit: str) -> str:
    return "lt-" + unit.lower()


def a_pdf() -> bytes:
    """A small PDF of its own (the attachments service looks at the bytes, not the name)."""
    return f"%PDF-1.4\n% month-end load test {uuid.uuid4()}\n%%EOF\n".encode()


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    """A ``multipart/form-data`` body and its content type."""
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(f"{head}{value}\r\n".encode())
    for name, (filename, content) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n'
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def verifier_share(page: str, share: int) -> list[str]:
    """The record pages of the queue's first page that are this verifier's share."""
    return [
        f"/years/{year}/verify/{pk}/"
        for year, pk in RECORD_LINK_RE.findall(page)
        if int(pk) % VERIFIERS == share
    ]


def decision_form(page: str) -> dict[str, str] | None:
    """The hidden fields of a record's decision form (token, one-time submission, record)."""
    form = FORM_RE.search(page)
    if form is None:
        return None
    return dict(run.HIDDEN_RE.findall(form.group(0)))


# --- the people ----------------------------------------------------------------------------


def people(
    make: type[VirtualUser],
    base: str,
    stats: Stats,
    passwords: dict[str, str],
    think: float,
    catalogued: frozenset[str] = frozenset(),
) -> list[VirtualUser]:
    """The month-end rush's people, mixed as they arrive."""
    virtual = []
    for n in range(REPORTERS):
        unit = run.UNITS[n % len(run.UNITS)]
        account = reporter_account(unit)
        user = make(base, stats, account, passwords[account], think)
        user.role, user.unit = "reporter", unit
        user.catalogued = catalogued
        virtual.append(user)
    for n in range(VERIFIERS):
        user = make(base, stats, "kaoheban", passwords["kaoheban"], think)
        user.role, user.share = "verifier", n
        virtual.append(user)
    for _n in range(LEADERS):
        user = make(base, stats, "lingdao", passwords["lingdao"], think)
        user.role = "leader"
        virtual.append(user)
    for _n in range(VISITORS):
        user = make(base, stats, None, "", think)
        user.role = "visitor"
        virtual.append(user)
    random.Random(2026).shuffle(virtual)  # the roles arrive mixed, as people do
    return virtual


def reporter(user: VirtualUser, deadline: float) -> None:
    """Records evidence of its unit with a PDF attached, as month end has it."""
    unit = user.unit
    while time.monotonic() < deadline:
        user.request("evidence home", f"/years/{run.YEAR}/units/{unit}/")
        user.pause()
        path = f"/years/{run.YEAR}/units/{unit}/record/"
        page = user.request("record form", path)
        token = run.CSRF_RE.search(page or "")
        select = run.SELECT_RE.search(page or "")
        offered = run.OPTION_RE.findall(select.group(0)) if select else []
        choices = [pk for pk in offered if pk not in user.catalogued]
        if page is None or not token or not choices:
            if page is not None:
                user.stats.add("record POST", 0.0, f"{path}: no token or no indicator")
            continue
        user.pause()
        fields = user.record_fields(page, token.group(1), choices, "月末集中填报的佐证记录")
        body, content_type = multipart(fields, {"attachments": ("佐证材料.pdf", a_pdf())})
        user.request("record POST", path, 302, body=body, headers={"Content-Type": content_type})
        user.pause()


def verifier(user: VirtualUser, deadline: float) -> None:
    """Works through its share of the queue: a record's page, then verifies it."""
    while time.monotonic() < deadline:
        queue = user.request("verify queue", f"/years/{run.YEAR}/verify/")
        user.pause()
        mine = verifier_share(queue or "", user.share)
        if not mine:
            continue
        path = user.rng.choice(mine)
        page = user.request("verify record", path)
        form = decision_form(page or "")
        if page is None or form is None:
            continue
        user.pause()
        form["decision"] = "verify"
        user.request("verify POST", f"/years/{run.YEAR}/verify/decide/", 302, form)
        user.pause()


def leader(user: VirtualUser, deadline: float) -> None:
    """Reads the overview, a category's results and the warnings."""
    while time.monotonic() < deadline:
        category = user.rng.choice(list(run.CATEGORIES.values()))
        for kind, path in [
            ("home", "/"),
            ("results", f"/years/{run.YEAR}/results/{category}/"),
            ("warnings", f"/years/{run.YEAR}/warnings/"),
        ]:
            if time.monotonic() >= deadline:
                return
            user.request(kind, path)
            user.pause()


def visitor(user: VirtualUser, deadline: float) -> None:
    """A visitor's browser: it keeps each page's entity tag and asks with it."""
    while time.monotonic() < deadline:
        unit = user.rng.choice(run.UNITS)
        for kind, path in [
            ("public ranking", f"/results/{run.PUBLIC_YEAR}/"),
            ("public unit", f"/results/{run.PUBLIC_YEAR}/units/{unit}/"),
            ("public PDF", f"/results/{run.PUBLIC_YEAR}/results.pdf"),
        ]:
            if time.monotonic() >= deadline:
                return
            kept = user.etags.get(path)
            headers = {"If-None-Match": kept} if kept else {}
            if user.request(kind, path, (200, 304), headers=headers) is not None:
                if user.last_etag:
                    user.etags[path] = user.last_etag
            user.pause()


ROLES: dict[str, Callable[[VirtualUser, float], None]] = {
    "reporter": reporter,
    "verifier": verifier,
    "leader": leader,
    "visitor": visitor,
}


# --- the report ----------------------------------------------------------------------------


def report(stats: Stats, elapsed: float, users: int, seconds: float, warm_up: float) -> int:
    """The month-end rush's figures beside their goals (loadtest/py)."""
    header = f"{'page kind':<16}{'requests':>9}{'errors':>8}{'req/s':>8}"
    header += f"{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}   goal (p95)"
    print()
    print(
        f"month-end rush: {users} people, {seconds:g} s after the last login and {warm_up:g} s "
        f"of warm-up (wall {elapsed:.1f} s)"
    )
    print(header)
    print("-" * len(header))
    missed = 0
    everything: list[float] = []
    for kind in sorted(stats.latencies):
        values = sorted(stats.latencies[kind])
        everything += values
        public = kind in PUBLIC_KINDS
        goal_ms = PUBLIC_GOAL_MS if public else STEADY_GOAL_MS
        p95 = report_rows.percentile(values, 0.95) * 1000
        met = p95 < goal_ms and not stats.errors.get(kind, 0)
        missed += not met
        goal = f"   < {goal_ms:.0f} ms {'ok' if met else 'MISSED'}"
        print(report_rows.row(kind, values, stats.errors.get(kind, 0), elapsed, goal))
    print("-" * len(header))
    total_errors = sum(stats.errors.values())
    print(report_rows.row("overall", sorted(everything), total_errors, elapsed, "   0 errors"))
    for kind in sorted(stats.setup):
        values = sorted(stats.setup[kind])
        what = "   warm-up, every page kind" if kind == WARM_UP else "   set-up"
        print(report_rows.row(f"({kind})", values, 0, elapsed, f"{what}, before the measured time"))
    return report_rows.footer(stats, everything, elapsed, f"   goals missed: {missed}")
