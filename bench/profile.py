"""Where the time goes on Heard's busiest requests: cProfile, the queries and pg_stat_statements.

    python -m bench.profile --label before     # or after; writes its section of bench/results/profiles.md

Makes a fresh database (1,000 children, IROs with 60), then runs each hot path in this process
through Django's full stack (middleware, authentication, the view, the service, the database):
the bare DRF endpoint, statement submission through the API, an IRO's inbox through the API, the
signed SMS webhook, and the worker's notice to the IRO. For each it records the queries of one
request, the top of a cProfile run over many, and, when PostgreSQL has pg_stat_statements loaded,
the statements that took the database's time. Nothing here asserts on a timing.
"""

import argparse
import cProfile
import io
import os
import pstats
import re
import time
from collections.abc import Callable
from pathlib import Path

import django
import psycopg
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.__main__ import PASSWORD, TOTP_SECRET, _environment, _fresh_database, _manage
from bench.servers import ROOT, free_port

SECTION = re.compile(r"^## (?P<label>\w+)\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)


def _pg_stat_available(url: str) -> bool:
    with psycopg.connect(url, autocommit=True) as conn:
        loaded = conn.execute("SHOW shared_preload_libraries").fetchone()[0]
        if "pg_stat_statements" not in loaded:
            return False
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
    return True


def _pg_stat_reset(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SELECT pg_stat_statements_reset()")


def _pg_stat_top(url: str, requests: int, limit: int = 8) -> list[str]:
    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT calls, total_exec_time, query FROM pg_stat_statements"
            " WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())"
            " ORDER BY total_exec_time DESC LIMIT %s",
            [limit],
        ).fetchall()
    lines = ["| calls a request | ms a request | statement |", "|---|---|---|"]
    for calls, total, query in rows:
        text = " ".join(query.split())[:160].replace("|", "\\|")
        lines.append(f"| {calls / requests:.2f} | {total / requests:.3f} | `{text}` |")
    return lines


def _profile_top(profile: cProfile.Profile, requests: int, limit: int = 25) -> list[str]:
    """The functions with the most own time, and Heard's own functions by cumulative time."""
    stats = pstats.Stats(profile, stream=io.StringIO())
    rows = stats.stats  # type: ignore[attr-defined]
    root = str(ROOT)

    def where(key: tuple[str, int, str]) -> str:
        path, line, name = key
        path = path.replace(root + "/", "").replace(str(Path(django.__file__).parent.parent) + "/", "")
        return f"{path}:{line}({name})" if line else name

    own = sorted(rows.items(), key=lambda item: item[1][2], reverse=True)[:limit]
    lines = ["Own time (tottime), ms a request:", "", "| own ms | cumulative ms | calls a request | function |"]
    lines.append("|---|---|---|---|")
    for key, (_, calls, tottime, cumtime, _) in own:
        lines.append(f"| {1000 * tottime / requests:.3f} | {1000 * cumtime / requests:.3f} | {calls / requests:.1f} "
                     f"| `{where(key)}` |")  # fmt: skip
    ours = [
        (key, value)
        for key, value in rows.items()
        if key[0].startswith(root) and "/.venv" not in key[0] and "/bench/" not in key[0]
    ]
    ours.sort(key=lambda item: item[1][3], reverse=True)
    lines += ["", "Heard's own functions by cumulative time, ms a request:", "", "| cumulative ms | calls | function |"]
    lines.append("|---|---|---|")
    for key, (_, calls, _, cumtime, _) in ours[:limit]:
        lines.append(f"| {1000 * cumtime / requests:.3f} | {calls / requests:.1f} | `{where(key)}` |")
    return lines


def _expect(response, status: int) -> None:
    if response.status_code != status:
        raise RuntimeError(f"expected {status}, got {response.status_code}: {response.content[:300]!r}")


def _scenario(
    name: str, run: Callable[[int], None], requests: int, database_url: str, pg_stat: bool, warm: int = 20
) -> list[str]:
    """Run one hot path: warm it, capture the queries of one request, then profile `requests` of them."""
    for n in range(warm):
        run(n)
    with CaptureQueriesContext(connection) as one:
        run(warm)
    queries = list(one.captured_queries)  # read now: the next request clears Django's query log
    if pg_stat:
        _pg_stat_reset(database_url)
    profile = cProfile.Profile()
    began = time.perf_counter()
    profile.enable()
    for n in range(warm + 1, warm + 1 + requests):
        run(n)
    profile.disable()
    elapsed = time.perf_counter() - began
    lines = [
        f"### {name}",
        "",
        f"{requests} requests in one process under cProfile: {1000 * elapsed / requests:.1f} ms a request "
        f"(profiled, so slower than served); {len(queries)} queries in one request:",
        "",
    ]
    lines += [f"{i}. `{' '.join(q['sql'].split())[:200]}`" for i, q in enumerate(queries, 1)]
    lines += ["", *_profile_top(profile, requests), ""]
    if pg_stat:
        lines += ["The database (pg_stat_statements), per request:", "", *_pg_stat_top(database_url, requests), ""]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.splitlines()[0])
    parser.add_argument("--label", default="now", help="the section of profiles.md to write (before, after, ...)")
    parser.add_argument("--requests", type=int, default=300, help="requests profiled on each path")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "profiles.md")
    args = parser.parse_args()

    admin_url = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"
    redis_url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/3"
    database_url = _fresh_database(admin_url, "heard_bench_profile")
    logs = ROOT / "bench" / "results" / "logs"
    os.environ.update(_environment(database_url, redis_url, free_port(), logs))
    _manage("migrate", "--noinput")
    _manage("consultation_forms_sync")
    django.setup()
    # These import Heard's models and settings, which come from the environment made just above.
    from django.conf import settings  # noqa: PLC0415
    from django.test import Client  # noqa: PLC0415

    from bench import data, scenarios, sms_webhook  # noqa: PLC0415
    from feedback.models import Statement  # noqa: PLC0415
    from feedback.notifications import statement_arrived  # noqa: PLC0415

    print("Loading 1,000 children", flush=True)
    data.grow(database_url, 1_000)
    found = scenarios.accounts(caseloads=(60,), password=PASSWORD, totp_secret=TOTP_SECRET, sms_children=200)
    tokens = scenarios.tokens(found, PASSWORD, TOTP_SECRET)
    pg_stat = _pg_stat_available(database_url)
    client = Client()
    child, iro = tokens["children"][0], tokens["iros"][0]
    webhook, _ = sms_webhook.requests_for(settings.PUBLIC_BASE_URL, found["sms_phones"])

    def bare(n: int) -> None:
        client.get("/bench/bare-api/")

    def submit(n: int) -> None:
        response = client.post(
            "/api/v1/statements/",
            scenarios.STATEMENT,
            content_type="application/json",
            headers={"X-Session-Token": child, "Idempotency-Key": f"profile-{args.label}-{n}"},
        )
        _expect(response, 201)

    def inbox(n: int) -> None:  # all 60 children on one page, as before the inbox was paged
        response = client.get("/api/v1/inbox/?page_size=100", headers={"X-Session-Token": iro})
        _expect(response, 200)

    def inbox_page(n: int) -> None:  # the first page, as the app asks for it
        response = client.get("/api/v1/inbox/", headers={"X-Session-Token": iro})
        _expect(response, 200)

    def sms(n: int) -> None:
        path, body, headers = webhook[n % len(webhook)]
        response = client.post(path, body, content_type=headers["Content-Type"],
                               headers={"X-Twilio-Signature": headers["X-Twilio-Signature"]})  # fmt: skip
        _expect(response, 200)

    # Statements the worker has still to tell the IRO about, one for each run of the notice.
    statements = list(Statement.objects.order_by("-pk").values_list("pk", flat=True)[: args.requests + 21])
    Statement.objects.filter(pk__in=statements).update(notified_at=None, notice_claimed_at=None)

    def notice(n: int) -> None:
        statement_arrived(statement_id=statements[n])

    sms_requests = min(args.requests, len(webhook) - 21)
    lines = [f"## {args.label}", "", f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.", ""]
    for name, run, requests in (
        ("Bare DRF endpoint (the floor)", bare, args.requests),
        ("Statement submission (API, not urgent)", submit, args.requests),
        ("IRO inbox (API, 60 children)", inbox, args.requests),
        ("IRO inbox (API, its first page: 20 of the 60 children)", inbox_page, args.requests),
        ("SMS inbound webhook (signed; a topic, then words)", sms, sms_requests),
        ("The worker's notice to the IRO of a statement", notice, args.requests),
    ):
        print(f"  {name}", flush=True)
        lines += _scenario(name, run, requests, database_url, pg_stat)
    # The notices this run queued have no worker here: leave none for the next run's worker.
    scenarios.purge_broker()
    section = "\n".join(lines) + "\n"

    existing = args.out.read_text() if args.out.exists() else "# Profiles of Heard's hot paths\n\n"
    if re.search(rf"^## {args.label}$", existing, re.MULTILINE):
        existing = SECTION.sub(lambda m: section if m["label"] == args.label else m[0], existing)
    else:
        existing = existing.rstrip("\n") + "\n\n" + section
    args.out.write_text(existing)
    print(f"Written: {args.out} (section {args.label})", flush=True)


if __name__ == "__main__":
    main()
