"""Browser tests: Debian's Chromium driven by Playwright, against Heard served as the Procfile serves it (Uvicorn)."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from bench.servers import free_port, production_command, wait_for_port

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("HEARD_CHROMIUM", "/usr/bin/chromium")
# Flags for a headless Chromium on a machine with no network beyond loopback.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser(monkeypatch):
    """A headless Debian Chromium, or a skip saying why there is none."""
    if not shutil.which(CHROMIUM):
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    playwright_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API keeps an event loop running in this thread; the test's own database
    # calls are still plain synchronous ones, which Django allows with this documented switch.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def live_asgi_server(transactional_db, tmp_path):
    """Serve Heard with the Procfile's web command (HTTP and websockets) on the test database; yield its base URL."""
    if connection.vendor != "postgresql":
        pytest.skip("the live server shares the test database over PostgreSQL (runs with DATABASE_URL set)")
    settings_dict = connection.settings_dict
    url = (
        f"postgres://{settings_dict['USER']}:{settings_dict['PASSWORD'] or ''}@{settings_dict['HOST']}:"
        f"{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}"
    )
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
    env.update(
        DATABASE_URL=url,
        HEARD_ALLOWED_HOSTS="127.0.0.1",
        HEARD_VAR_DIR=str(tmp_path),
        # The same key as the tests, so a session made here is valid there.
        HEARD_SECRET_KEY=settings.SECRET_KEY,
        DJANGO_SETTINGS_MODULE="backend.settings",
    )
    log = (tmp_path / "web.log").open("w")
    server = subprocess.Popen(
        production_command(port),
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        try:
            wait_for_port(port)
        except RuntimeError as error:
            raise RuntimeError("The web server did not start: " + (tmp_path / "web.log").read_text()) from error
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()
