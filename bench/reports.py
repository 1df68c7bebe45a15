"""Benchmark: each report on national-scale data, as a ratio to the equivalent hand-written SQL.

Loads children, ten years of statutory reviews and statements into a fresh PostgreSQL database
with COPY (progress and rows per second as it goes), then times each report through Heard's
code against a hand-written SQL query giving the same figures, on the same database in the
same run. Figures go to bench/results/reports.json.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/reports.py --children 100000
    (--children 2000 for a quick run)
"""

import argparse
import io
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
CODES = ["PN1", "PN1", "PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN6", "PN6", "PN7"]
CATEGORIES = [
    "next_review",
    "worried",
    "good_news",
    "where_i_live",
    "family_time",
    "school",
    "health",
    "something_else",
]


def _copy(cursor, table: str, columns: list[str], rows, label: str) -> None:
    began, count, buffer = time.perf_counter(), 0, io.StringIO()
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
            if count % 500_000 == 0:
                rate = count / (time.perf_counter() - began)
                print(f"  {label}: {count:,} rows ({rate:,.0f} rows/s)", flush=True)
    rate = count / max(time.perf_counter() - began, 1e-9)
    print(f"  {label}: {count:,} rows in {time.perf_counter() - began:.1f}s ({rate:,.0f} rows/s)", flush=True)
    buffer.close()


def load(database_url: str, children: int, seed: int = 903) -> dict:
    """Fill the database with children, reviews and statements; return the counts."""
    import psycopg

    rng = random.Random(seed)  # noqa: S311 (test data)
    today = date(2026, 3, 31)
    now = datetime.now(UTC)
    with psycopg.connect(database_url, autocommit=True) as conn, conn.cursor() as cur:
        cur.execute("INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, email, is_staff,"
                    " is_active, date_joined, role, phone, phone_verified, iro_contract, fte, gender, languages, regions,"
                    " notify_by) VALUES ('!', false, 'bench-child', '', '', '', false, true, now(), 'child', '', false, '',"
                    " 1, '', '', '', 'app') RETURNING id")  # fmt: skip
        author = cur.fetchone()[0]
        child_rows = []
        for number in range(1, children + 1):
            born = today - timedelta(days=rng.randint(0, 18 * 365))
            arrived = born + timedelta(days=rng.randint(0, max(1, (today - born).days)))
            child_rows.append((number, f"N{number:07d}", "", born, rng.choice("12"), rng.choice(["WBRI", "MWBC", "AIND", "BAFR", "OOTH"]),
                               "English", "", False, rng.random() < 0.3, "", "", arrived, arrived + timedelta(days=7)))  # fmt: skip
        print(f"Loading {children:,} children", flush=True)
        _copy(cur, "reviews_child", ["id", "case_reference", "known_as", "date_of_birth", "sex", "ethnicity",
              "first_language", "communication_needs", "uses_symbols", "placed_out_of_area", "placement_region",
              "preferred_iro_gender", "became_looked_after", "iro_allocation_due"], child_rows, "children")  # fmt: skip

        def reviews():
            review_id = 0
            for child_id, _, _, born, _, _, _, _, _, _, _, _, arrived, _ in child_rows:
                held, sequence = arrived + timedelta(days=25), 1
                start = max(arrived, today - timedelta(days=3650))
                while held <= today:
                    if held >= start:
                        review_id += 1
                        age = held.year - born.year - ((held.month, held.day) < (born.month, born.day))
                        code = "PN0" if age < 4 else rng.choice(CODES)
                        due = held + timedelta(days=rng.choice([0, 0, 0, 3, -5]))
                        yield (
                            review_id,
                            child_id,
                            sequence,
                            due,
                            held,
                            "" if held <= due else "Rebooked",
                            code,
                            "",
                            "",
                            "",
                            now,
                        )
                    sequence += 1
                    held += timedelta(days=182 if sequence > 2 else 91)

        print("Loading reviews (ten years)", flush=True)
        review_columns = [
            "id", "child_id", "sequence", "due_by", "held_on", "late_reason", "participation_code",
            "views_conveyed", "proposed_code", "child_summary", "created_at",
        ]  # fmt: skip
        _copy(cur, "reviews_review", review_columns, reviews(), "reviews")  # fmt: skip

        def statements():
            for number in range(children * 50):
                child_id = number % children + 1
                created = datetime(2016, 4, 1, tzinfo=UTC) + timedelta(minutes=rng.randint(0, 10 * 365 * 24 * 60))
                channel = rng.choice(["web", "app", "sms"])
                yield (child_id, rng.choice(CATEGORIES), "bench", channel, author, created, False, False, "", "", False,
                       "", "[]", False)  # fmt: skip

        print("Loading statements", flush=True)
        statement_columns = [
            "child_id", "category", "body", "channel", "author_id", "created_at", "on_behalf", "consent_given",
            "idempotency_key", "request_fingerprint", "is_urgent", "reply", "urgent_reasons", "quote_consent",
        ]  # fmt: skip
        _copy(cur, "feedback_statement", statement_columns, statements(), "statements")
        cur.execute("ANALYZE")
        cur.execute("SELECT (SELECT count(*) FROM reviews_child), (SELECT count(*) FROM reviews_review),"
                    " (SELECT count(*) FROM feedback_statement)")  # fmt: skip
        counts = cur.fetchone()
    return {"children": counts[0], "reviews": counts[1], "statements": counts[2]}


HAND_WRITTEN = {
    "participation": [
        "SELECT participation_code, count(*) FROM reviews_review WHERE held_on BETWEEN %(start)s AND %(end)s GROUP BY 1",
        "SELECT participation_code, count(*) FROM reviews_review WHERE held_on BETWEEN %(pstart)s AND %(pend)s GROUP BY 1",
    ],
    "participation-by-age": [
        "SELECT CASE WHEN a BETWEEN 4 AND 7 THEN 1 WHEN a BETWEEN 8 AND 11 THEN 2 WHEN a BETWEEN 12 AND 15 THEN 3 ELSE 4 END,"
        " participation_code, count(*) FROM (SELECT r.participation_code, date_part('year', age(r.held_on, c.date_of_birth)) a"
        " FROM reviews_review r JOIN reviews_child c ON c.id = r.child_id WHERE r.held_on BETWEEN %(start)s AND %(end)s) x"
        " WHERE a >= 4 GROUP BY 1, 2",
        "SELECT CASE WHEN a BETWEEN 4 AND 7 THEN 1 WHEN a BETWEEN 8 AND 11 THEN 2 WHEN a BETWEEN 12 AND 15 THEN 3 ELSE 4 END,"
        " participation_code, count(*) FROM (SELECT r.participation_code, date_part('year', age(r.held_on, c.date_of_birth)) a"
        " FROM reviews_review r JOIN reviews_child c ON c.id = r.child_id WHERE r.held_on BETWEEN %(pstart)s AND %(pend)s) x"
        " WHERE a >= 4 GROUP BY 1, 2",
    ],
    "timeliness": [
        "SELECT count(*) FILTER (WHERE held_on <= due_by), count(*), count(*) FILTER (WHERE sequence = 1 AND held_on <= due_by),"
        " count(*) FILTER (WHERE sequence = 1) FROM reviews_review WHERE held_on BETWEEN %(start)s AND %(end)s",
        "SELECT count(*) FILTER (WHERE held_on <= due_by), count(*), count(*) FILTER (WHERE sequence = 1 AND held_on <= due_by),"
        " count(*) FILTER (WHERE sequence = 1) FROM reviews_review WHERE held_on BETWEEN %(pstart)s AND %(pend)s",
        "SELECT count(*) FILTER (WHERE f <= iro_allocation_due), count(*) FROM (SELECT c.iro_allocation_due, min(a.allocated_on) f"
        " FROM reviews_child c LEFT JOIN reviews_iroallocation a ON a.child_id = c.id"
        " WHERE c.became_looked_after BETWEEN %(start)s AND %(end)s GROUP BY c.id) x",
        "SELECT count(*) FILTER (WHERE f <= iro_allocation_due), count(*) FROM (SELECT c.iro_allocation_due, min(a.allocated_on) f"
        " FROM reviews_child c LEFT JOIN reviews_iroallocation a ON a.child_id = c.id"
        " WHERE c.became_looked_after BETWEEN %(pstart)s AND %(pend)s GROUP BY c.id) x",
        "SELECT late_reason, count(*) FROM reviews_review WHERE held_on BETWEEN %(start)s AND %(end)s AND held_on > due_by GROUP BY 1",
    ],
    "statements": [
        f"SELECT {field}, count(*) FROM feedback_statement WHERE (created_at AT TIME ZONE 'Europe/London')::date"
        f" BETWEEN %({start})s AND %({end})s GROUP BY 1"
        for field in ("channel", "category") for start, end in (("start", "end"), ("pstart", "pend"))
    ],
}  # fmt: skip


def _median_seconds(run, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        run()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def measure(repeats: int) -> dict:
    import django

    django.setup()
    from django.db import connection

    from reporting.periods import Period
    from reporting.reports import report

    period = Period(date(2025, 4, 1), date(2026, 3, 31))
    previous = period.previous()
    params = {"start": period.start, "end": period.end, "pstart": previous.start, "pend": previous.end}
    results = {}
    for name, queries in HAND_WRITTEN.items():
        heard = _median_seconds(lambda name=name: report(name, period), repeats)

        def sql(queries=queries):
            with connection.cursor() as cursor:
                for query in queries:
                    cursor.execute(query, params)
                    cursor.fetchall()

        baseline = _median_seconds(sql, repeats)
        results[name] = {"heard_s": round(heard, 4), "sql_s": round(baseline, 4), "ratio": round(heard / baseline, 2)}
        print(f"  {name:<24} heard {heard:8.4f}s   sql {baseline:8.4f}s   ratio {heard / baseline:5.2f}", flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "reports.json"))
    parser.add_argument("--measure-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure_only:
        sys.stdout.write(json.dumps(measure(args.repeats)) + "\n")
        return
    admin_url = os.environ.get("DATABASE_URL", "")
    if not admin_url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL server (a database heard_bench_reports is made there).")
    bench_url = urlparse(admin_url)._replace(path="/heard_bench_reports").geturl()
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS heard_bench_reports WITH (FORCE)")
        conn.execute("CREATE DATABASE heard_bench_reports")
    env = {
        **os.environ,
        "DATABASE_URL": bench_url,
        "DJANGO_SETTINGS_MODULE": "backend.settings",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("REDIS_URL", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], check=True, cwd=ROOT, env=env)
    began = time.perf_counter()
    counts = load(bench_url, args.children)
    load_seconds = time.perf_counter() - began
    print("Measuring (median of each):", flush=True)
    measured = subprocess.run(
        [sys.executable, __file__, "--measure-only", "--repeats", str(args.repeats)],
        check=True, cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    sys.stdout.write("".join(line + "\n" for line in measured.stdout.splitlines()[:-1]))
    results = {
        "benchmark": "reports",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}, PostgreSQL",
        "data": counts,
        "load_seconds": round(load_seconds, 1),
        "reports": json.loads(measured.stdout.splitlines()[-1]),
        "aim": "each report within 1.5x of the hand-written SQL",
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
