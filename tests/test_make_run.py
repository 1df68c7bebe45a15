"""`make run`, the README's first command, sets Heard up on the embedded defaults and serves the demo."""

import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from bench.servers import free_port

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def served(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("make run's embedded default is tried once, in the SQLite run")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "REDIS_URL", "TWILIO_", "HEARD_"))}
    env["HEARD_VAR_DIR"] = str(tmp_path)
    server = subprocess.Popen(
        ["make", "run", f"PORT={port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # so the scheduler and Daphne stop with it
    )
    lines: list[str] = []
    deadline = time.monotonic() + 240
    try:
        assert server.stdout is not None
        while time.monotonic() < deadline:
            line = server.stdout.readline()
            if not line:
                break
            lines.append(line.rstrip())
            if line.startswith("Heard is ready"):
                for _ in range(4):  # the addresses that follow
                    lines.append(server.stdout.readline().rstrip())
                yield port, lines, tmp_path
                return
        pytest.fail("make run never said it was ready:\n" + "\n".join(lines[-40:]))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def _get(port: int, path: str) -> tuple[int, str]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as answer:
        return answer.status, answer.read().decode()


def test_make_run_serves_the_demo_and_says_where(served):
    port, lines, var = served
    assert f"  site      http://127.0.0.1:{port}/" in lines
    assert any("/api/docs/" in line for line in lines) and any("/admin/" in line for line in lines)
    # The seed's mail and texts are in a file, not on the screen.
    assert (var / "demo-outbox.txt").stat().st_size > 0
    assert any("demo-outbox.txt" in line for line in lines)
    assert len(lines) < 30, "\n".join(lines)  # no pages of migrations, mail or texts
    status, page = _get(port, "/accounts/login/")
    assert status == 200 and "Sign in" in page
    assert _get(port, "/healthz")[0] == 200
    assert _get(port, "/api/docs/")[0] == 200
