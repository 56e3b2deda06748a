"""Load test: simulated users against gunicorn + PostgreSQL on loopback (``make loadtest``).

1. Creates a scratch database ``district_load`` on the local PostgreSQL server (dropped first
   if it exists; no other database is touched), migrates it, loads the demo district and moves
   the demo year 2026 back to "collecting" so reporters may record evidence; collects the
   static files and starts gunicorn with production settings (DEBUG off, WhiteNoise manifest)
   on a free loopback port. Everything written on disk (VAR_DIR with the demo passwords,
   MEDIA_ROOT, STATIC_ROOT, the server's log) lives in a temporary directory: a small settings
   module there imports ``config.settings`` and only moves those paths.
2. Drives ``--users`` concurrent virtual users for ``--seconds``, each a thread with its own
   cookie jar (stdlib only): reporters (``tianbao``), the office (``kaoheban``) and leaders
   (``lingdao``) log in, then loop over the home page, a unit's evidence home, the year page
   and the results page, and now and then record an evidence record through the form;
   anonymous visitors read the public rankings and a unit's public page.
3. Prints requests, errors, requests/s and p50/p95/p99 latency per page kind and overall;
   stops gunicorn, drops ``district_load`` and the temporary directory. The exit status is 1
   if any request failed (unexpected status, status >= 400, failed form, exception).

Usage: ``python -m loadtest.run [--users 50] [--seconds 60] [--workers 5] [--threads 1]``, or
``python -m loadtest.run --month-end [--warm-up 20]``.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from loadtest import month_end
from loadtest.report import report

BASE_DIR = Path(__file__).resolve().parent.parent
DB_NAME = "district_load"
PG = ["-h", "127.0.0.1", "-p", "5432", "-U", "postgres"]
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
YEAR = 2026  # the demo year: moved to "collecting" where seed_demo leaves it elsewhere
PUBLIC_YEAR = 2025  # the demo's published year
UNITS = (
    [f"ZJ{n:02d}" for n in range(1, 13)]
    + [f"JJ{n:02d}" for n in range(1, 9)]
    + [f"ZH{n:02d}" for n in range(1, 8)]
    + [f"SH{n:02d}" for n in range(1, 7)]
)
CATEGORIES = {"ZJ": "town", "JJ": "economic", "ZH": "management", "SH": "social"}
# One cycle of virtual users: who logs in as whom (None: an anonymous visitor).
ROLE_CYCLE = ["tianbao", "tianbao", "kaoheban", "lingdao", None]
STATUS_CODE = (
    "from assessment.models import AssessmentYear; "
    f"print(AssessmentYear.objects.get(year={YEAR}).status)"
)
REPORTER_UNIT = "ZJ01"  # tianbao's unit (units/demo.py)
CATALOGUED = "(catalogued indicators)"  # carried with the passwords from the set-up


# --- set-up and tear-down --------------------------------------------------------------------


def log(message: str) -> None:
    print(f"[loadtest] {message}", flush=True)


def run(cmd: list[str], env: dict[str, str] | None = None, quiet: bool = True) -> None:
    result = subprocess.run(cmd, env=env, cwd=BASE_DIR, capture_output=quiet, text=True)
    if result.returncode != 0:
        if quiet:
            sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"[loadtest] failed ({result.returncode}): {' '.join(cmd)}")


def ensure_postgres() -> None:
    ready = subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", "5432"], capture_output=True)
    if ready.returncode == 0:
        return
    clusters = sorted(os.listdir("/etc/postgresql"))
    if not clusters:
        raise SystemExit("[loadtest] no PostgreSQL cluster in /etc/postgresql")
    log(f"starting PostgreSQL {clusters[0]}/main")
    run(["pg_ctlcluster", "--skip-systemctl-redirect", clusters[0], "main", "start"])
    for _ in range(30):
        if subprocess.run(["pg_isready", "-h", "127.0.0.1"], capture_output=True).returncode == 0:
            return
        time.sleep(1)
    raise SystemExit("[loadtest] PostgreSQL does not answer on 127.0.0.1:5432")


def drop_database() -> None:
    run(["dropdb", *PG, "--if-exists", "--force", DB_NAME])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(tmp: Path) -> dict[str, str]:
    """Production settings, but every path on disk in ``tmp`` (settings module written there)."""
    (tmp / "var").mkdir()
    (tmp / "media").mkdir()
    (tmp / "loadtest_settings.py").write_text(
        "from pathlib import Path\n\n"
        "from config.settings import *  # noqa: F403\n\n"
        f"VAR_DIR = Path({str(tmp / 'var')!r})\n"
        f"STATIC_ROOT = Path({str(tmp / 'static')!r})\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTHON"))}
    env.update(
        PYTHONPATH=f"{tmp}{os.pathsep}{BASE_DIR}",
        DJANGO_SETTINGS_MODULE="loadtest_settings",
        DATABASE_URL=DATABASE_URL,
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        SECURE_HSTS_SECONDS="0",
        MEDIA_ROOT=str(tmp / "media"),
        # One cache for every worker, as the README asks of a site run in several processes:
        # what a public page computes is then computed once, not once a worker.
        CACHE_URL="dbcache://district_cache",
        # Many virtual users share one account and one address: never lock them out.
        AXES_FAILURE_LIMIT="1000000",
        LOG_LEVEL="WARNING",
    )
    return env


def prepare(tmp: Path, env: dict[str, str], rush: bool = False) -> dict[str, str]:
    """Create, migrate and seed the scratch database; return the demo passwords (and, for the
    month-end rush, those of a reporter account for every unit)."""
    python = sys.executable
    manage = [python, "manage.py"]
    log(f"creating the scratch database {DB_NAME}")
    drop_database()
    run(["createdb", *PG, DB_NAME])
    log("migrate")
    run([*manage, "migrate", "--no-input"], env)
    run([*manage, "createcachetable"], env)
    log("seed_demo")
    run([*manage, "seed_demo", "--url", "http://127.0.0.1/"], env)
    printed = subprocess.run(
        [*manage, "shell", "--no-imports", "--verbosity", "0", "-c", STATUS_CODE],
        env=env,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
    ).stdout.split()
    status = printed[-1] if printed else ""
    if status != "collecting":  # the demo may leave its year collecting already
        log(f"year_status --year {YEAR} --to collecting (from {status or 'unknown'})")
        run([*manage, "year_status", "--year", str(YEAR), "--to", "collecting"], env)
    # The planner's statistics, as autovacuum would have gathered them after the seeding (this
    # machine's server runs without autovacuum: without them every plan guesses one row).
    log("ANALYZE")
    run(["psql", *PG, "-d", DB_NAME, "-q", "-c", "ANALYZE"])
    log("collectstatic (WhiteNoise manifest, temporary STATIC_ROOT)")
    run([*manage, "collectstatic", "--no-input"], env)
    passwords: dict[str, str] = json.loads((tmp / "var" / "demo-accounts.json").read_text())
    if rush:
        log("a reporter account for every unit")
        password = secrets.token_urlsafe(12)
        run(
            [*manage, "shell", "-c", month_end.ACCOUNTS_CODE],
            {**env, month_end.PASSWORD_ENV: password},
        )
        passwords.update({month_end.reporter_account(unit): password for unit in UNITS})
        printed = subprocess.run(
            [*manage, "shell", "--no-imports", "--verbosity", "0", "-c", month_end.CATALOGUED_CODE],
            env=env,
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
        ).stdout.split()
        passwords[CATALOGUED] = " ".join(printed)
    return passwords


def start_gunicorn(env: dict[str, str], port: int, workers: int, threads: int, logfile: Path):
    cmd = [
        str(Path(sys.executable).parent / "gunicorn"),
        "config.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--timeout",
        "60",
    ]
    log(f"starting gunicorn on 127.0.0.1:{port} ({workers} workers x {threads} threads)")
    out = logfile.open("w")
    process = subprocess.Popen(cmd, env=env, cwd=BASE_DIR, stdout=out, stderr=out)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"[loadtest] gunicorn stopped:\n{logfile.read_text()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5):
                return process
        except (OSError, urllib.error.URLError):
            time.sleep(0.5)
    process.terminate()
    raise SystemExit(f"[loadtest] gunicorn did not answer:\n{logfile.read_text()}")


def stop_gunicorn(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- the virtual users -----------------------------------------------------------------------


@dataclass
class Stats:
    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    samples: list[str] = field(default_factory=list)
    # The month-end rush: the logins, and the requests sent before ``steady_from`` (the
    # warm-up after the last login), are set-up, not measured; an error is counted always.
    rush: bool = False
    steady_from: float = 0.0
    setup: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    clock: Callable[[], float] = time.monotonic

    def add(self, kind: str, seconds: float, error: str | None) -> None:
        sent = self.clock() - seconds
        with self.lock:
            if self.rush and (self.steady_from == 0.0 or sent < self.steady_from):
                phase = kind if kind in month_end.SETUP_KINDS else month_end.WARM_UP
                self.setup[phase].append(seconds)
                if not error:
                    return
            self.latencies[kind].append(seconds)
            if error:
                self.errors[kind] += 1
                if len(self.samples) < 15:
                    self.samples.append(f"{kind}: {error}")


class NoRedirect(urllib.request.HTTPErrorProcessor):
    """Hand every response back as it is: redirects are measured, not followed."""

    def http_response(self, request, response):
        return response

    https_response = http_response


CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# the record form's own hidden fields: its CSRF token and its one-time submission token
RECORD_FORM_RE = re.compile(r'<form[^>]*id="record-form".*?</form>', re.S)
FEEDBACK_RE = re.compile(r'class="invalid-feedback[^"]*"[^>]*>(.*?)</', re.S)
HIDDEN_RE = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def hidden_fields(page: str) -> dict[str, str]:
    """The hidden fields of the page's record form, as a browser sends them back."""
    form = RECORD_FORM_RE.search(page)
    return dict(HIDDEN_RE.findall(form.group(0))) if form else {}


OPTION_RE = re.compile(r'<option value="(\d+)"')
SELECT_RE = re.compile(r'<select name="indicator".*?</select>', re.S)


class VirtualUser:
    def __init__(self, base: str, stats: Stats, account: str | None, password: str, think: float):
        self.base = base
        self.stats = stats
        self.account = account
        self.password = password
        self.think = think
        self.rng = random.Random()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
        )
        self.last_etag: str | None = None
        self.etags: dict[str, str] = {}  # what the browser keeps: a page's entity tag
        self.share = 0  # a verifier's share of the queue
        self.role = ""  # in the month-end rush: reporter, verifier, leader or visitor
        self.catalogued: frozenset[str] = frozenset()  # indicator ids recorded by item
        self.unit = REPORTER_UNIT

    def request(
        self,
        kind: str,
        path: str,
        expect: int | tuple[int, ...] = 200,
        data: dict[str, str] | None = None,
        *,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> str | None:
        """One request, measured; returns the body, or None if it failed. ``body`` with its
        ``headers`` is sent as it is (a file upload); ``data`` as a form."""
        headers = dict(headers or {})
        if data is not None:
            body = urllib.parse.urlencode(data).encode()
        if body is not None:
            headers["Referer"] = self.base + path
        request = urllib.request.Request(self.base + path, data=body, headers=headers)
        expected = (expect,) if isinstance(expect, int) else expect
        start = time.perf_counter()
        error = None
        text = None
        try:
            with self.opener.open(request, timeout=60) as response:
                text = response.read().decode("utf-8", "replace")
                status = response.status
                location = response.headers.get("Location", "")
                self.last_etag = response.headers.get("ETag")
            if status not in expected:
                error = f"{path} -> {status} (expected {expect}) {location}".strip()
                said = FEEDBACK_RE.search(text or "")
                if said:  # a form sent back: what it said
                    error += f" «{re.sub(r'<[^>]+>', '', said.group(1)).strip()[:120]}»"
            elif 302 in expected and "/accounts/login/" in location:
                error = f"{path} -> redirected to the login page"
        except Exception as exc:  # any failure is counted, never raised
            error = f"{path} -> {type(exc).__name__}: {exc}"
        self.stats.add(kind, time.perf_counter() - start, error)
        return None if error else text

    def pause(self) -> None:
        if self.think:
            time.sleep(self.rng.uniform(0, 2 * self.think))

    def login(self) -> bool:
        page = self.request("login form", "/accounts/login/")
        if page is None:
            return False
        token = CSRF_RE.search(page)
        if not token:
            self.stats.add("login", 0.0, "no CSRF token in the login form")
            return False
        form = {
            "csrfmiddlewaretoken": token.group(1),
            "username": self.account or "",
            "password": self.password,
        }
        return self.request("login", "/accounts/login/", 302, form) is not None

    def record(self, unit: str, late_reason: bool = False) -> None:
        path = f"/years/{YEAR}/units/{unit}/record/"
        page = self.request("record form", path)
        if page is None:
            return
        token = CSRF_RE.search(page)
        select = SELECT_RE.search(page)
        choices = OPTION_RE.findall(select.group(0)) if select else []
        if not token or not choices:
            self.stats.add("record POST", 0.0, f"{path}: no token or no indicator in the form")
            return
        self.pause()
        form = self.record_fields(page, token.group(1), choices, "负载测试录入的佐证记录")
        if late_reason:
            form["late_reason"] = "负载测试：补录"
        self.request("record POST", path, 302, form)

    def record_fields(
        self, page: str, token: str, choices: list[str], description: str
    ) -> dict[str, str]:
        """What a person fills in on the record form: an indicator, a date, a value."""
        fields = {
            **hidden_fields(page),
            "csrfmiddlewaretoken": token,
            "indicator": self.rng.choice(choices),
            "date": f"{YEAR}-{self.rng.randint(1, 10):02d}-{self.rng.randint(1, 28):02d}",
            "value": str(self.rng.randint(1, 500)),
            "description": description,
        }
        if 'name="late_reason"' in page:
            fields["late_reason"] = "负载测试：补录"
        return fields

    def staff_loop(self, deadline: float) -> None:
        if not self.login():
            return
        while time.monotonic() < deadline:
            unit = REPORTER_UNIT if self.account == "tianbao" else self.rng.choice(UNITS)
            category = CATEGORIES[unit[:2]]
            steps = [
                ("home", "/"),
                ("evidence home", f"/years/{YEAR}/units/{unit}/"),
                ("year page", f"/years/{YEAR}/"),
                ("results", f"/years/{YEAR}/results/{category}/"),
            ]
            for kind, path in steps:
                if time.monotonic() >= deadline:
                    return
                self.request(kind, path)
                self.pause()
            may_record = self.account in ("tianbao", "kaoheban")
            if may_record and time.monotonic() < deadline and self.rng.random() < 0.5:
                self.record(unit)
                self.pause()

    def public_loop(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            self.request("public ranking", f"/results/{PUBLIC_YEAR}/")
            self.pause()
            if time.monotonic() >= deadline:
                return
            unit = self.rng.choice(UNITS)
            self.request("public unit", f"/results/{PUBLIC_YEAR}/units/{unit}/")
            self.pause()

    def rush(self, barrier: threading.Barrier, deadline: list[float]) -> None:
        """Sign in, wait for everybody to have signed in, then work until the deadline (set
        when the last one is in): the steady state is measured without the logins' rush, and
        without the warm-up after it (``--warm-up``: the same work, not measured, while every
        server process compiles its templates and fills its caches for the first time).

        Each person then reads for a while (one think time) before the first request, as
        between any two: 180 first requests sent in the same millisecond are a burst no office
        makes, and would measure the queue it builds instead of the steady state."""
        signed_in = self.role == "visitor" or self.login()
        try:
            barrier.wait(timeout=600)
        except threading.BrokenBarrierError:
            self.stats.add("client", 0.0, "the virtual users never all signed in")
            return
        if signed_in:
            self.pause()
            self.run(deadline[0])

    def run(self, deadline: float) -> None:
        try:
            if self.role:
                month_end.ROLES[self.role](self, deadline)
            elif self.account is None:
                self.public_loop(deadline)
            else:
                self.staff_loop(deadline)
        except Exception as exc:  # a bug of the client is an error too
            self.stats.add("client", 0.0, f"{type(exc).__name__}: {exc}")


def drive(
    base: str,
    passwords: dict[str, str],
    users: int,
    seconds: float,
    think: float,
    rush: bool = False,
    warm_up: float = 0.0,
):
    stats = Stats(rush=rush)
    virtual = []
    if rush:
        catalogued = frozenset(passwords.get(CATALOGUED, "").split())
        virtual = month_end.people(VirtualUser, base, stats, passwords, think, catalogued)
    for n in range(0 if rush else users):
        account = ROLE_CYCLE[n % len(ROLE_CYCLE)]
        password = passwords.get(account, "") if account else ""
        virtual.append(VirtualUser(base, stats, account, password, think))
    users = len(virtual)
    start = time.monotonic()
    deadline = [start + seconds]
    if rush:
        started = [start]

        def go() -> None:  # the last one signed in: the warm-up, then the measured time
            started[0] = time.monotonic() + warm_up
            deadline[0] = started[0] + seconds
            stats.steady_from = started[0]

        barrier = threading.Barrier(users, action=go)
        threads = [
            threading.Thread(target=v.rush, args=(barrier, deadline), daemon=True) for v in virtual
        ]
    else:
        threads = [
            threading.Thread(target=v.run, args=(deadline[0],), daemon=True) for v in virtual
        ]
    for thread in threads:
        thread.start()
        time.sleep(min(0.05, 1.0 / max(users, 1)))  # ramp up over about a second
    for thread in threads:
        thread.join(timeout=seconds + warm_up + 720)
    if rush:
        return stats, time.monotonic() - started[0]
    return stats, time.monotonic() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=50, help="concurrent virtual users")
    parser.add_argument("--seconds", type=float, default=None, help="duration of the load")
    parser.add_argument(
        "--think", type=float, default=None, help="mean pause between a user's requests, s"
    )
    parser.add_argument(
        "--month-end",
        action="store_true",
        help="the month-end rush (loadtest/month_end.py): 180 people, 120 s, goals printed",
    )
    parser.add_argument(
        "--warm-up",
        type=float,
        default=None,
        help="month-end rush: seconds of work after the last login before the measured time",
    )
    parser.add_argument("--workers", type=int, default=5, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker")
    args = parser.parse_args(argv)
    rush = args.month_end
    seconds = args.seconds or (month_end.SECONDS if rush else 60.0)
    think = args.think if args.think is not None else (month_end.THINK if rush else 1.0)
    warm_up = args.warm_up if args.warm_up is not None else month_end.WARM_UP_SECONDS

    ensure_postgres()
    tmp = Path(tempfile.mkdtemp(prefix="district-load-"))
    server = None
    try:
        env = server_env(tmp)
        passwords = prepare(tmp, env, rush)
        port = free_port()
        server = start_gunicorn(env, port, args.workers, args.threads, tmp / "gunicorn.log")
        users = (
            month_end.REPORTERS + month_end.VERIFIERS + month_end.LEADERS + month_end.VISITORS
            if rush
            else args.users
        )
        log(f"driving {users} users for {seconds:g} s (think time ~{think:g} s)")
        if rush:
            log(f"then {warm_up:g} s of warm-up, not measured")
        base = f"http://127.0.0.1:{port}"
        stats, elapsed = drive(base, passwords, users, seconds, think, rush, warm_up)
        if rush:
            status = month_end.report(stats, elapsed, users, seconds, warm_up)
        else:
            status = report(stats, elapsed, users, seconds)
        if status:
            server_log = (tmp / "gunicorn.log").read_text()[-4000:]
            if server_log.strip():
                print("\n--- end of the gunicorn log ---\n" + server_log)
        return status
    finally:
        if server is not None:
            log("stopping gunicorn")
            stop_gunicorn(server)
        log(f"dropping {DB_NAME}")
        drop_database()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
