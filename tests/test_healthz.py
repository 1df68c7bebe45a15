"""/healthz answers 200 when the database (and Redis, when configured) answer, and 503 when not."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent

_PROBE = """
import django, json
django.setup()
from django.test import Client
response = Client().get("/healthz")
print(json.dumps({"status": response.status_code, "body": response.json()}))
"""


def _healthz_in_a_fresh_process(**env: str) -> dict:
    """Ask /healthz in a separate process whose settings point at the given (broken) parts."""
    # LD_PRELOAD too: under faketime (the suite is run at odd moments) libfaketime's monotonic clock
    # stalls the connection pool's timed wait; the probe is about reachability, not the date.
    environment = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "LD_PRELOAD"}}
    environment.update({"DJANGO_SETTINGS_MODULE": "backend.settings", "HEARD_ALLOWED_HOSTS": "testserver", **env})
    result = subprocess.run(
        [sys.executable, "-c", _PROBE], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_healthz_is_ok_when_the_database_answers(db):
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"
    if settings.REDIS_URL:
        assert response.json()["checks"]["redis"] == "ok"


def test_healthz_is_503_when_the_database_is_down():
    # Port 1 on loopback: nothing listens there, so the connection is refused at once.
    result = _healthz_in_a_fresh_process(DATABASE_URL="postgres://heard@127.0.0.1:1/heard")
    assert result == {"status": 503, "body": {"status": "down", "checks": {"database": "down"}}}


def test_healthz_is_503_when_redis_is_configured_and_down(tmp_path):
    result = _healthz_in_a_fresh_process(HEARD_VAR_DIR=str(tmp_path), REDIS_URL="redis://127.0.0.1:1/0")
    assert result["status"] == 503
    assert result["body"]["checks"] == {"database": "ok", "redis": "down"}
