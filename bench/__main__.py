"""Heard's benchmark: national-scale data, reports, query counts, plans, API and SMS load, scale-out.

    make bench          # full: 100,000 children, ~2.5M reviews, 5M statements (under 30 minutes)
    make bench-quick    # the same steps at 1,000 children (under 3 minutes; CI runs it as a smoke test)

Makes a fresh database on the PostgreSQL server in DATABASE_URL (default the local one) and uses
the Redis in REDIS_URL (default redis://127.0.0.1:6379/3), then, in one run on one machine:

1. loads children in three steps (about 10k, 100k and 2.5M reviews) with COPY, measuring every
   report against hand-written SQL giving the same figures after each step;
2. counts the queries the inbox, the pre-review pack and the reports make for IROs with 10, 60 and
   300 children, and keeps EXPLAIN ANALYZE plans for the heaviest queries;
3. starts the ASGI server the Procfile runs and a Celery worker and drives statement submission,
   the IRO inbox and the SMS webhook under concurrent load, each as a ratio to a bare DRF endpoint /
   bare Django view on the same server, with the web process's memory after, and the floors: the
   least Django and DRF can do for the same requests (bench/urls.py), each path as a ratio to its own;
4. does the API runs again with two server processes and two workers, for the scale-out (3 and 4
   twice over, alternating, so a shared machine's noise shows);
5. does the API runs once on each ASGI server (Daphne, Uvicorn), for the comparison.

Figures go to bench/results/bench.json, a table to bench/RESULTS.md and the plans to
bench/results/plans.md (or all three under --out). Nothing here asserts on a timing.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

import django
import psycopg

from bench.servers import ROOT, SERVERS, Cluster, free_port, production_server

FULL = {"stages": [400, 4_000, 100_000], "repeats": 3, "seconds": 15, "sms_pairs": 1500, "connections": 16}
QUICK = {"stages": [40, 400, 1_000], "repeats": 2, "seconds": 2, "sms_pairs": 100, "connections": 8}
TOKEN, SID = "bench-auth-token-0123456789abcdef", "AC" + "b" * 32
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
PASSWORD = "bench-password-not-for-production"
CASELOADS = (10, 60, 300)


def _environment(database_url: str, redis_url: str, port: int, folder: Path) -> dict:
    return {
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DJANGO_SETTINGS_MODULE": "backend.settings",
        "HEARD_ROOT_URLCONF": "bench.urls",
        "HEARD_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "HEARD_SECRET_KEY": "bench-secret-key-not-for-production-0123456789",
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "TWILIO_ACCOUNT_SID": SID,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "TWILIO_FROM": "+447700900999",
        "HEARD_SMS_BACKEND": "sms.transport.ConsoleTransport",
        "HEARD_SMS_INBOUND_PER_NUMBER_PER_HOUR": "100000",
        "HEARD_API_RATE_PER_USER": "10000000/minute",
        "HEARD_API_RATE_PER_ADDRESS": "10000000/minute",
        "HEARD_SIGN_IN_RATE_PER_ADDRESS": "100000/m/ip",
        "HEARD_EMAIL_FILE_PATH": str(folder / "email"),
        "HEARD_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }


def _fresh_database(admin_url: str, name: str) -> str:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlparse(admin_url)._replace(path=f"/{name}").geturl()


def _manage(*args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=os.environ, check=True, stdout=subprocess.DEVNULL
    )


def _machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())  # fmt: skip
    memory = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal"))) // 1024**2  # fmt: skip
    with psycopg.connect(os.environ["DATABASE_URL"]) as conn:
        server = conn.execute("SHOW server_version").fetchone()[0]
    return (f"{platform.machine()}, {os.cpu_count()} cores ({cpu}), {memory} GiB; Python {platform.python_version()},"
            f" PostgreSQL {server.split()[0]}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 children and short runs (under 3 minutes)")
    parser.add_argument("--children", type=int, help="children in the last step (default 100,000; quick 1,000)")
    parser.add_argument("--seconds", type=float, help="seconds of load for each run")
    parser.add_argument("--out", type=Path, help="folder for the results (default: bench/results, RESULTS.md)")
    args = parser.parse_args()

    plan = dict(QUICK if args.quick else FULL)
    if args.children:
        plan["stages"] = [n for n in plan["stages"] if n < args.children] + [args.children]
    if args.seconds:
        plan["seconds"] = args.seconds
    out = args.out or ROOT / "bench" / "results"
    summary = (args.out / "RESULTS.md") if args.out else ROOT / "bench" / "RESULTS.md"
    out.mkdir(parents=True, exist_ok=True)
    logs = out / "logs"

    began = time.perf_counter()
    admin_url = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"
    if not admin_url.startswith("postgres"):
        sys.exit("The benchmark needs PostgreSQL: set DATABASE_URL to a server it may make a database on.")
    redis_url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/3"
    name = "heard_bench_quick" if args.quick else "heard_bench"
    port = free_port()
    print(f"Heard benchmark ({'quick' if args.quick else 'full'}): database {name}", flush=True)
    database_url = _fresh_database(admin_url, name)
    os.environ.update(_environment(database_url, redis_url, port, logs))
    _manage("migrate", "--noinput")
    _manage("consultation_forms_sync")
    phases = {"database": round(time.perf_counter() - began, 1)}

    django.setup()
    # These import Heard's models and settings, which come from the environment this run has just made.
    from bench import data, figures, scenarios  # noqa: PLC0415

    dropped = scenarios.purge_broker()
    if dropped:
        print(f"  dropped {dropped:,} tasks an earlier run left on the broker", flush=True)
    results: dict = {
        "benchmark": "heard",
        "mode": "quick" if args.quick else "full",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": _machine(),
        "loads": [],
        "reports": [],
    }

    print("1. Data and reports", flush=True)
    have = 0
    for target in plan["stages"]:
        loaded = data.grow(database_url, target - have)
        have = target
        table_counts = data.counts(database_url, ["reviews_child", "reviews_review", "feedback_statement",
                                                  "consultations_invitation", "consultations_response"])  # fmt: skip
        results["loads"].append({"children": target, "rows": loaded.rows, "seconds": round(loaded.seconds, 1),
                                 "rows_per_second": round(loaded.rows_per_second)})  # fmt: skip
        print(f"  {table_counts['reviews_review']:,} reviews, {table_counts['feedback_statement']:,} statements"
              f" ({loaded.rows_per_second:,.0f} rows/s); reports (median of {plan['repeats']}):", flush=True)  # fmt: skip
        results["reports"].append({"data": table_counts, "reports": figures.reports_against_sql(plan["repeats"])})

    results["annual_pdf"] = figures.annual_report_pdf(plan["repeats"])
    phases["data and reports"] = round(time.perf_counter() - began - sum(phases.values()), 1)
    print("2. Query counts and plans", flush=True)
    accounts = scenarios.accounts(caseloads=CASELOADS, password=PASSWORD, totp_secret=TOTP_SECRET,
                                  sms_children=plan["sms_pairs"])  # fmt: skip
    results["query_counts"] = figures.query_counts(scenarios.counted_operations(accounts))
    plans = figures.explain_heaviest(scenarios.explained_operations(accounts, PASSWORD))
    results["plans"] = {name: [{"ms": p["ms"], "sql": p["sql"][:300]} for p in found] for name, found in plans.items()}

    tokens = scenarios.tokens(accounts, PASSWORD, TOTP_SECRET)
    phases["query counts and plans"] = round(time.perf_counter() - began - sum(phases.values()), 1)
    # One process, then two, twice over: a shared machine's noise shows as the rounds' difference.
    server = production_server()
    rounds = []
    for n in (1, 2):
        print(f"3. Load, round {n}: 1 {server} process, 1 Celery worker", flush=True)
        with Cluster(dict(os.environ), port, logs, web=1, workers=1, server=server) as cluster:
            one = scenarios.api_runs(
                cluster, tokens, plan["seconds"], plan["connections"], run=f"one{n}", whole_inbox=n == 1, floors=n == 1
            )
            if n == 1:
                results["sms"] = scenarios.sms_runs(port, accounts["sms_phones"], plan["connections"])
        print(f"4. Scale-out, round {n}: 2 {server} processes, 2 Celery workers", flush=True)
        with Cluster(dict(os.environ), port, logs, web=2, workers=2, server=server) as cluster:
            two = scenarios.api_runs(cluster, tokens, plan["seconds"], plan["connections"], run=f"two{n}")
        rounds.append({"one": one, "two": two})
    results["servers"] = {}
    for name in SERVERS:
        print(f"5. ASGI servers compared: 1 {name} process, 1 Celery worker", flush=True)
        with Cluster(dict(os.environ), port, logs, web=1, workers=1, server=name) as cluster:
            results["servers"][name] = scenarios.api_runs(
                cluster, tokens, plan["seconds"], plan["connections"], run=f"server-{name}"
            )
    results["api"] = rounds[0]["one"]
    results["scale_out"] = scenarios.scale_out(rounds)
    results["stored_check"] = scenarios.stored_check(
        {f"{size}{n}": found[size] for n, found in enumerate(rounds, 1) for size in ("one", "two")}
        | {f"server-{name}": runs for name, runs in results["servers"].items()}
    )
    results["seconds"] = round(time.perf_counter() - began, 1)
    phases["load and scale-out"] = round(results["seconds"] - sum(phases.values()), 1)
    results["phases_seconds"] = phases

    (out / "bench.json").write_text(json.dumps(results, indent=2) + "\n")
    (out / "plans.md").write_text(scenarios.plans_markdown(plans, results))
    summary.write_text(scenarios.results_markdown(results))
    print(f"Done in {results['seconds']:.0f} s ({phases}): {out / 'bench.json'}, {summary}", flush=True)


if __name__ == "__main__":
    main()
