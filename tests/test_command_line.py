"""The operator's door, end to end: the example district from workbooks to exported results.

Only the command line is used: import every workbook, move the year through its states,
compute with the example's bonus pool, export JSON, and compare with expected.json.
"""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from tests.example_district import load_expected
from tests.imports_helpers import example, run_import

pytestmark = pytest.mark.django_db
EXPECTED = load_expected()


def _status(year: int, to: str = "", reason: str = "") -> str:
    out = io.StringIO()
    options = {"year": year, "stdout": out}
    if to:
        options["to"] = to
    if reason:
        options["reason"] = reason
    call_command("year_status", **options)
    return out.getvalue()


def test_the_example_district_from_workbooks_to_exported_results():
    for kind in ["units", "cadres", "indicators", "targets"]:
        run_import(kind, example(kind))
    assert _status(2026).startswith("2026: setup")
    _status(2026, "collecting")
    for kind in ["evidence", "city_ranks", "grades", "surveys", "evaluations"]:
        run_import(kind, example(kind))
    _status(2026, "scoring")
    call_command(
        "compute_scores", year=2026, bonus_pool=EXPECTED["bonus_pool"], stdout=io.StringIO()
    )

    out = io.StringIO()
    call_command("export_results", year=2026, format="json", stdout=out)
    document = json.loads(out.getvalue())

    units = {u["unit"]: u for u in document["units"]}
    for code, expected in EXPECTED["units"].items():
        got = units[code]
        assert {k: got[k] for k in ("category", "total", "rank", "tier", "veto", "bonus")} == {
            k: expected[k] for k in ("category", "total", "rank", "tier", "veto", "bonus")
        }, code
        assert got["indicators"] == expected["indicators"], code
    assert {t["unit"]: {"score": t["score"], "tier": t["tier"]} for t in document["teams"]} == (
        EXPECTED["teams"]
    )
    cadres = {f"{c['unit']}/{c['name']}": {"score": c["score"], "tier": c["tier"]}
              for c in document["cadres"]}  # fmt: skip
    assert cadres == EXPECTED["cadres"]


def test_a_refused_state_change_says_why_and_fails(office_user):
    call_command("import_workbook", "units", str(example("units")), stdout=io.StringIO())
    call_command("import_workbook", "indicators", str(example("indicators")), stdout=io.StringIO())
    with pytest.raises(CommandError) as refusal:
        _status(2026, "published")
    assert "2026" in str(refusal.value)
    assert _status(2026).startswith("2026: setup")
    with pytest.raises(CommandError):
        _status(2026, "publicity")  # not from setup


def test_a_database_gone_mid_command_ends_with_one_line_and_changes_nothing(office_user):
    """The connection drops while ``compute_scores`` works: one clear line, a non-zero exit
    (``CommandError``), no traceback, and no computation stored."""
    from unittest import mock

    from django.db import OperationalError

    from assessment.models import ComputationRun
    from assessment.services import compute
    from tests.assessment.factories import YearFactory

    YearFactory(year=2026, status="scoring")
    dropped = OperationalError("server closed the connection unexpectedly\n\tThis probably ...")
    with (
        mock.patch.object(compute, "year_data", side_effect=dropped),
        translation.override("en"),
        pytest.raises(CommandError) as refused,
    ):
        call_command("compute_scores", "--year", "2026")
    message = str(refused.value)
    assert "server closed the connection unexpectedly" in message
    assert "nothing was changed" in message and "\n" not in message
    assert not ComputationRun.objects.exists()


def test_commands_with_no_database_print_one_line_and_fail():
    """A real process pointed at a database server that is not there."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
        "LANGUAGE_CODE": "en",
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "compute_scores", "--year", "2026"],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
