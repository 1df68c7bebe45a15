"""The load and fault runs (bench/reliability.py), small, in CI's PostgreSQL and Redis run.

Each starts Heard for real (the Procfile's web server, a Celery worker, the scheduler) on a PostgreSQL and a Redis of
its own, sends statements from many clients, and breaks one part mid-run. The full-size figures
(5,000 statements from 50 clients) are in bench/results/reliability.json.
"""

import json
import os
import shutil
import subprocess
import sys

import pytest
from django.db import connection

from bench.reliability import PG_BIN
from bench.servers import ROOT


@pytest.fixture(autouse=True)
def _needs_servers():
    if connection.vendor != "postgresql":
        pytest.skip("the reliability runs go with CI's PostgreSQL and Redis run (DATABASE_URL set)")
    if not (PG_BIN / "initdb").exists() or not shutil.which("redis-server"):
        pytest.skip("needs PostgreSQL's initdb and redis-server on this machine")
    if os.geteuid() == 0 and not shutil.which("runuser"):
        pytest.skip("needs runuser to start PostgreSQL as its own user")


@pytest.mark.parametrize("scenario", ["load", "redis", "worker", "database"])
def test_every_statement_is_stored_once_and_every_iro_told_once(scenario, tmp_path):
    # The README's command, in a small form.
    out = tmp_path / "reliability.json"
    command = [sys.executable, "-m", "bench.reliability", "--scenario", scenario, "--statements", "300"]
    done = subprocess.run(
        [*command, "--clients", "15", "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    [run] = json.loads(out.read_text())["runs"]
    assert run["given_up"] == 0, run
    assert (run["stored"], run["duplicates"], run["missing"]) == (300, 0, 0), run
    assert run["server_errors_not_503"] == 0, run  # a database restart answers 503 + Retry-After, never a 500
    if scenario != "database":
        assert run["server_errors_5xx"] == 0, run
    assert run["iro_notices_marked"] == 300, run
    assert run["notices_distinct"] == 300, run  # every IRO told, each notice its own Message-ID
    # SIGKILL can land between an email leaving and its mark: that one is sent again, same Message-ID
    # (twice, never lost), at most one per worker process (-c 2). No other run repeats any.
    assert run["notice_emails_repeated"] <= (2 if scenario == "worker" else 0), run
    assert run["notice_emails"] == 300 + run["notice_emails_repeated"], run
