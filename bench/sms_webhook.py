"""Benchmark: the signed SMS inbound webhook against a bare Django view on the same server.

Runs Daphne on a fresh PostgreSQL database, sends the same number of signed, form-encoded
POSTs to /sms/inbound/ (children texting a topic, then their words: each pair stores a
statement) and to a bare view, from several client threads, and reports requests per second
and p50/p99 latency for each, and their ratio. Figures go to bench/results/sms_webhook.json.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/2 \
        .venv/bin/python bench/sms_webhook.py [--requests 2000] [--concurrency 8]
"""

import argparse
import http.client
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode, urlparse

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "bench-auth-token-0123456789abcdef"
SID = "AC" + "b" * 32


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_urls(base: str) -> tuple[str, str]:
    parsed = urlparse(base)
    return base, parsed._replace(path="/heard_bench").geturl()


def _env(db_url: str, base_url: str) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=db_url,
        DJANGO_SETTINGS_MODULE="backend.settings",
        HEARD_ROOT_URLCONF="bench.urls",
        HEARD_ALLOWED_HOSTS="127.0.0.1",
        HEARD_SECRET_KEY="bench-secret-key-not-for-production-0123456789",
        TWILIO_ACCOUNT_SID=SID,
        TWILIO_AUTH_TOKEN=TOKEN,
        TWILIO_FROM="+447700900999",
        HEARD_SMS_BACKEND="sms.transport.ConsoleTransport",
        HEARD_SMS_INBOUND_PER_NUMBER_PER_HOUR="100000",
        HEARD_LOG_LEVEL="WARNING",
        PUBLIC_BASE_URL=base_url,
        PYTHONPATH=str(ROOT),
    )
    return env


def _prepare(env: dict, children: int) -> None:
    admin_url, _ = _database_urls(os.environ["DATABASE_URL"])
    script = f"""
import psycopg
with psycopg.connect({admin_url!r}, autocommit=True) as conn:
    conn.execute("DROP DATABASE IF EXISTS heard_bench WITH (FORCE)")
    conn.execute("CREATE DATABASE heard_bench")
"""
    subprocess.run([sys.executable, "-c", script], check=True, cwd=ROOT)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], check=True, cwd=ROOT, env=env)
    seed = f"""
import django; django.setup()
from datetime import date
from accounts.models import Role, User
from reviews.services import child_admit, iro_allocate
iro = User.objects.create_user(username="iro", role=Role.IRO, email="iro@bench.example")
for n in range({children}):
    user = User.objects.create_user(username=f"c{{n}}", role=Role.CHILD, phone=f"+4477009{{n:05d}}")
    child = child_admit(case_reference=f"B{{n:06d}}", date_of_birth=date(2010, 1, 1), sex="1", ethnicity="WBRI",
                        became_looked_after=date(2025, 1, 6), user=user)
    iro_allocate(child=child, iro=iro, allocated_on=date(2025, 1, 7))
"""
    subprocess.run([sys.executable, "-c", seed], check=True, cwd=ROOT, env=env)


def _signed(base_url: str, path: str, params: dict) -> tuple[str, dict]:
    from twilio.request_validator import RequestValidator

    signature = RequestValidator(TOKEN).compute_signature(f"{base_url}{path}", params)
    return urlencode(params), {"X-Twilio-Signature": signature, "Content-Type": "application/x-www-form-urlencoded"}


def _run(port: int, requests: list[tuple[str, str, dict]], concurrency: int, group: int = 1) -> dict:
    """Send the requests from `concurrency` threads; runs of `group` stay in order on one thread."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    groups = [requests[i : i + group] for i in range(0, len(requests), group)]
    chunks = [[r for g in groups[i::concurrency] for r in g] for i in range(concurrency)]

    def worker(chunk):
        nonlocal errors
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, failed = [], 0
        for path, body, headers in chunk:
            start = time.perf_counter()
            conn.request("POST", path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - start)
            failed += response.status != 200
        conn.close()
        with lock:
            latencies.extend(mine)
            errors += failed

    threads = [threading.Thread(target=worker, args=(chunk,)) for chunk in chunks]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    ordered = sorted(latencies)
    return {
        "requests": len(latencies),
        "errors": errors,
        "seconds": round(elapsed, 3),
        "requests_per_second": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="requests to each endpoint")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "sms_webhook.json"))
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL server (a database heard_bench is made there).")

    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    _, bench_db = _database_urls(os.environ["DATABASE_URL"])
    env = _env(bench_db, base_url)
    pairs = args.requests // 2
    _prepare(env, children=pairs)

    webhook = []
    for n in range(pairs):
        for step, body in enumerate(("7", f"Benchmark message {n}: can I change my maths set?")):
            params = {
                "MessageSid": f"SM{n:016d}{step:016d}",
                "From": f"+4477009{n:05d}",
                "To": "+447700900999",
                "Body": body,
            }
            webhook.append(("/sms/inbound/", *_signed(base_url, "/sms/inbound/", params)))
    bare = [
        ("/bench/bare/", *_signed(base_url, "/bench/bare/", {"MessageSid": f"SMbare{n}", "Body": "x"}))
        for n in range(len(webhook))
    ]

    log = open(ROOT / "bench" / "results" / "sms_webhook_server.log", "w")  # noqa: SIM115
    server = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "backend.asgi:application"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.2)
        _run(port, bare[:50], 2)  # warm up
        # Each child's topic and words go in order from one client thread, as one phone would.
        webhook_result = _run(port, webhook, args.concurrency, group=2)
        bare_result = _run(port, bare, args.concurrency)
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()

    results = {
        "benchmark": "sms_webhook",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}",
        "server": "daphne, 1 process, PostgreSQL",
        "tasks": "queued to Redis (no worker)" if os.environ.get("REDIS_URL") else "run in process on commit",
        "concurrency": args.concurrency,
        "bare_django_view": bare_result,
        "sms_inbound_webhook": webhook_result,
        "ratio": {
            "throughput": round(webhook_result["requests_per_second"] / bare_result["requests_per_second"], 3),
            "p50": round(webhook_result["p50_ms"] / bare_result["p50_ms"], 2),
            "p99": round(webhook_result["p99_ms"] / bare_result["p99_ms"], 2),
        },
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n")
    print(f"{'endpoint':<24}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'errors':>8}")
    for name in ("bare_django_view", "sms_inbound_webhook"):
        r = results[name]
        print(f"{name:<24}{r['requests_per_second']:>10}{r['p50_ms']:>10}{r['p99_ms']:>10}{r['errors']:>8}")
    ratio = results["ratio"]
    print(f"ratio (webhook / bare): throughput {ratio['throughput']}, p50 {ratio['p50']}x, p99 {ratio['p99']}x")


if __name__ == "__main__":
    main()
