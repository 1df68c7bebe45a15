"""Load and fault runs: thousands of statements from many clients, with Redis, the worker or the database failing.

Each scenario starts Heard for real on this machine: its web server, a Celery worker and the scheduler,
on a PostgreSQL server and a Redis server of its own (started here, on free ports, so they can be
stopped and started without touching anything else). Then `--clients` app clients each send
`--statements / --clients` statements through the API, each with its own Idempotency-Key, retrying
on a connection error or a retryable answer (429, 503) with the same key, as the app does. One
fault is injected a third of the way in and repaired at two thirds:

    load      none: every statement stored exactly once, no 5xx
    redis     Redis stopped: submissions still succeed; notices catch up once it is back
    worker    the Celery worker killed (SIGKILL): queued work completes after restart, nothing stored
              twice; a notice emailed just before the kill but not yet marked is sent again with
              the same Message-ID (twice, never lost), at most one per worker process
    database  PostgreSQL restarted: clients get 503 + Retry-After, retries store each statement once

Afterwards it waits for every IRO notice (one email per statement), then counts: requests,
answers by status, stored, duplicates, missing, notices, emails and distinct notice Message-IDs. Figures go to
bench/results/reliability.json (and a table on stdout).

    .venv/bin/python -m bench.reliability [--scenario all] [--statements 5000] [--clients 50]
"""

import argparse
import http.client
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from bench.servers import ROOT, production_command, production_server
from bench.servers import free_port as _free_port
from bench.servers import wait_for_port as _wait_for_port

PG_BIN = Path("/usr/lib/postgresql") / (sorted(os.listdir("/usr/lib/postgresql"))[-1]) / "bin"
RETRYABLE = {429, 502, 503, 504}


class Postgres:
    """A PostgreSQL server of this run's own, in a temporary folder (run as the postgres user)."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.port = folder, _free_port()
        folder.mkdir(parents=True)
        shutil.chown(folder, "postgres")
        self._as_postgres([str(PG_BIN / "initdb"), "-D", str(folder / "data"), "-A", "trust", "-U", "postgres"])

    def _as_postgres(self, command: list[str]) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run(prefix + command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off"
        ctl = [str(PG_BIN / "pg_ctl"), "-D", str(self.folder / "data"), "-o", options]
        self._as_postgres([*ctl, "-l", str(self.folder / "log"), "-w", "start"])

    def stop(self) -> None:
        self._as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "fast", "-w", "stop"])

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/heard"


class Redis:
    """A Redis server of this run's own."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        _wait_for_port(self.port)

    def stop(self) -> None:
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


class Heard:
    """The Procfile's web server, a Celery worker and the scheduler, as production runs them."""

    def __init__(self, env: dict, folder: Path) -> None:
        self.env, self.folder = env, folder
        self.port = int(env["HEARD_BENCH_PORT"])
        self.processes: dict[str, subprocess.Popen] = {}

    def _start(self, name: str, command: list[str]) -> None:
        log = (self.folder / f"{name}.log").open("a")
        self.processes[name] = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)

    def start_worker(self) -> None:
        self._start(
            "worker",
            [sys.executable, "-m", "celery", "-A", "backend", "worker", "-c", "2", "-l", "WARNING", "--without-gossip"],
        )

    def kill_worker(self) -> None:
        self.processes["worker"].send_signal(signal.SIGKILL)
        self.processes["worker"].wait()

    def start(self) -> None:
        self._start("web", production_command(self.port))
        self.start_worker()
        self._start("scheduler", [sys.executable, "manage.py", "heard_scheduler", "--interval", "3"])
        _wait_for_port(self.port)

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def _django(env: dict, code: str) -> str:
    """Run Django code against the run's database; returns what it prints."""
    script = "import django, json; django.setup()\n" + code
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return done.stdout


def _prepare(env: dict, clients: int) -> None:
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    _django(
        env,
        f"""
from datetime import date
from accounts.models import Role, User
from reviews.services import child_admit, iro_allocate
iro = User.objects.create_user(username="iro", role=Role.IRO, email="iro@bench.example")
for n in range({clients}):
    user = User.objects.create_user(username=f"child{{n}}", password="bench-child-password", role=Role.CHILD)
    child = child_admit(case_reference=f"R{{n:05d}}", date_of_birth=date(2010, 1, 1), sex="1", ethnicity="WBRI",
                        became_looked_after=date(2025, 1, 6), user=user)
    iro_allocate(child=child, iro=iro, allocated_on=date(2025, 1, 7))
""",
    )


def _sign_in(port: int, clients: int) -> list[str]:
    tokens = []
    for n in range(clients):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        body = json.dumps({"username": f"child{n}", "password": "bench-child-password"})
        conn.request("POST", "/_allauth/app/v1/auth/login", body, {"Content-Type": "application/json"})
        tokens.append(json.loads(conn.getresponse().read())["meta"]["session_token"])
        conn.close()
    return tokens


class Load:
    """The app clients: each sends its statements in order, retrying each with the same key until stored."""

    def __init__(self, port: int, tokens: list[str], per_client: int) -> None:
        self.port, self.tokens, self.per_client = port, tokens, per_client
        self.statuses: Counter = Counter()
        self.connection_errors = 0
        self.requests = 0
        self.stored = 0
        self.given_up = 0
        self.lock = threading.Lock()

    @property
    def done(self) -> int:
        return self.stored + self.given_up

    def _client(self, number: int, token: str) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        for n in range(self.per_client):
            key = f"client{number}-statement{n}"
            body = json.dumps({"category": "school", "body": f"Reliability run: client {number}, statement {n}."})
            headers = {"Content-Type": "application/json", "X-Session-Token": token, "Idempotency-Key": key}
            for attempt in range(60):
                try:
                    conn.request("POST", "/api/v1/statements/", body, headers)
                    response = conn.getresponse()
                    response.read()
                    status = response.status
                except (OSError, http.client.HTTPException):
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                    with self.lock:
                        self.requests += 1
                        self.connection_errors += 1
                    time.sleep(min(2.0, 0.1 * 2**attempt))
                    continue
                with self.lock:
                    self.requests += 1
                    self.statuses[status] += 1
                if status in (200, 201):
                    with self.lock:
                        self.stored += 1
                    break
                if status not in RETRYABLE:
                    with self.lock:
                        self.given_up += 1
                    break
                time.sleep(min(2.0, 0.1 * 2**attempt))
            else:
                with self.lock:
                    self.given_up += 1
        conn.close()

    def run(self) -> threading.Thread:
        threads = [threading.Thread(target=self._client, args=(n, t)) for n, t in enumerate(self.tokens)]
        for thread in threads:
            thread.start()

        def join() -> None:
            for thread in threads:
                thread.join()

        joiner = threading.Thread(target=join)
        joiner.start()
        return joiner


NOTICE_ID = re.compile(r"^Message-ID: <(statement-\d+\.notice@[^>]+)>", re.MULTILINE)


def _count(env: dict, folder: Path) -> dict:
    counted = json.loads(
        _django(
            env,
            """
from django.db.models import Count
from feedback.models import Statement
rows = Statement.objects.filter(body__startswith="Reliability run")
repeated = rows.values("body").annotate(n=Count("id")).filter(n__gt=1).count()
print(json.dumps({"stored": rows.count(), "distinct": rows.values("body").distinct().count(),
                  "repeated_bodies": repeated, "notified": rows.filter(notified_at__isnull=False).count()}))
""",
        )
    )
    mails = folder / "mail"
    texts = [path.read_text() for path in mails.iterdir()] if mails.is_dir() else []
    counted["emails"] = sum(text.count("Subject: New message in Heard") for text in texts)
    # Each statement's notice has one Message-ID: a resend after a kill is the same email again.
    counted["notices"] = len({found for text in texts for found in NOTICE_ID.findall(text)})
    return counted


def run_scenario(scenario: str, statements: int, clients: int) -> dict:
    folder = Path(tempfile.mkdtemp(prefix=f"heard-reliability-{scenario}-"))
    folder.chmod(0o755)  # the postgres user keeps its data below here
    postgres, redis = Postgres(folder / "pg"), Redis()
    postgres.start()
    redis.start()
    subprocess.run(
        [
            "runuser",
            "-u",
            "postgres",
            "--",
            str(PG_BIN / "createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(postgres.port),
            "heard",
        ]
        if os.geteuid() == 0
        else [str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(postgres.port), "heard"],
        check=True,
    )
    port = _free_port()
    env = dict(os.environ)
    env.update(
        DATABASE_URL=postgres.url,
        REDIS_URL=redis.url,
        DJANGO_SETTINGS_MODULE="backend.settings",
        HEARD_BENCH_PORT=str(port),
        HEARD_ALLOWED_HOSTS="127.0.0.1",
        HEARD_SECRET_KEY="reliability-run-secret-key-not-for-production-0123456789",
        HEARD_API_RATE_PER_USER="100000/minute",
        HEARD_API_RATE_PER_ADDRESS="1000000/minute",
        HEARD_SIGN_IN_RATE_PER_ADDRESS="1000/m/ip",  # every client signs in from 127.0.0.1
        HEARD_EMAIL_FILE_PATH=str(folder / "mail"),
        HEARD_CATCH_UP_AFTER_SECONDS="10",
        HEARD_DB_CONN_MAX_AGE="0",
        PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
        PYTHONPATH=str(ROOT),
    )
    heard = Heard(env, folder)
    faults: list[str] = []
    try:
        _prepare(env, clients)
        heard.start()
        tokens = _sign_in(port, clients)
        load = Load(port, tokens, statements // clients)
        began = time.monotonic()
        joiner = load.run()
        target = load.per_client * clients
        while load.done < target // 3 and joiner.is_alive():
            time.sleep(0.05)
        faults.append("no fault" if scenario == "load" else f"{scenario} stopped at {load.done} stored")
        if scenario == "redis":
            redis.stop()
        elif scenario == "worker":
            heard.kill_worker()
        elif scenario == "database":
            postgres.stop()
        if scenario != "load":
            # Hold the fault for a few seconds, or until two thirds are through (whichever is later).
            time.sleep(5)
            while load.done < 2 * target // 3 and joiner.is_alive() and scenario != "database":
                time.sleep(0.05)
            if scenario == "redis":
                redis.start()
            elif scenario == "worker":
                heard.start_worker()
            elif scenario == "database":
                postgres.start()
            faults.append(f"repaired at {load.done} stored")
        joiner.join()
        seconds = time.monotonic() - began
        # Every notice should arrive: through the queue, or the catch-up once what failed is back.
        deadline = time.monotonic() + 180
        counted = _count(env, folder)
        while counted["notified"] < counted["stored"] and time.monotonic() < deadline:
            time.sleep(3)
            counted = _count(env, folder)
        time.sleep(3)  # let any duplicate notice that was going to happen, happen
        counted = _count(env, folder)
    finally:
        heard.stop()
        redis.stop()
        postgres.stop()
    server_errors = sum(n for status, n in load.statuses.items() if status >= 500)
    return {
        "scenario": scenario,
        "fault": "; ".join(faults),
        "clients": clients,
        "statements_sent": target,
        "requests": load.requests,
        "answers": dict(sorted((str(k), v) for k, v in load.statuses.items())),
        "connection_errors": load.connection_errors,
        "server_errors_5xx": server_errors,
        "server_errors_not_503": sum(n for status, n in load.statuses.items() if status >= 500 and status != 503),
        "given_up": load.given_up,
        "stored": counted["stored"],
        "duplicates": counted["stored"] - counted["distinct"],
        "missing": target - counted["distinct"],
        "iro_notices_marked": counted["notified"],
        "notice_emails": counted["emails"],
        "notice_emails_repeated": max(0, counted["emails"] - counted["distinct"]),
        "notices_distinct": counted["notices"],
        "seconds": round(seconds, 1),
        "statements_per_second": round(target / seconds, 1),
        "logs": str(folder),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", choices=["all", "load", "redis", "worker", "database"], default="all")
    parser.add_argument("--statements", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "reliability.json"))
    args = parser.parse_args()
    scenarios = ["load", "redis", "worker", "database"] if args.scenario == "all" else [args.scenario]
    runs = []
    for scenario in scenarios:
        print(f"running {scenario} ...", flush=True)
        runs.append(run_scenario(scenario, args.statements, args.clients))
        print(json.dumps(runs[-1], indent=2), flush=True)
    results = {
        "benchmark": "reliability",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}",
        "setup": f"1 {production_server().title()} process, 1 Celery worker (2 processes), the scheduler; PostgreSQL and"
        " Redis of the run's own",
        "runs": runs,
    }
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n")
    print(
        f"\n{'scenario':10} {'requests':>9} {'5xx':>5} {'not 503':>8} {'stored':>7} {'dupes':>6} {'missing':>8} "
        f"{'emails':>7} {'repeat':>7} {'s':>6}"
    )
    for run in runs:
        print(
            f"{run['scenario']:10} {run['requests']:9} {run['server_errors_5xx']:5} {run['server_errors_not_503']:8} "
            f"{run['stored']:7} {run['duplicates']:6} {run['missing']:8} {run['notice_emails']:7} "
            f"{run['notice_emails_repeated']:7} {run['seconds']:6}"
        )


if __name__ == "__main__":
    main()
