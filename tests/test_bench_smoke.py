"""The benchmark's quick mode, end to end, in CI's PostgreSQL and Redis run (a smoke test).

It runs `python -m bench --quick` exactly as `make bench-quick` does, into a folder of its own,
then checks what it wrote: every section present, every load run answered without a failure,
every statement answered 201 stored exactly once, query counts constant in caseload size, and
the generated data consistent (the loader skips per-row foreign-key checks, so they are made
here). Nothing is asserted about a timing: the figures are measurements, not tests.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import psycopg
import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent

# Each row a foreign key the loader fills, as (table, column, referenced table).
LOADED_KEYS = [
    ("reviews_child", "user_id", "accounts_user"),
    ("reviews_iroallocation", "child_id", "reviews_child"),
    ("reviews_iroallocation", "iro_id", "accounts_user"),
    ("reviews_review", "child_id", "reviews_child"),
    ("reviews_review", "chaired_by_id", "accounts_user"),
    ("feedback_statement", "child_id", "reviews_child"),
    ("feedback_statement", "author_id", "accounts_user"),
    ("feedback_statement", "review_id", "reviews_review"),
    ("feedback_statement", "read_by_id", "accounts_user"),
    ("consultations_childcontact", "child_id", "reviews_child"),
    ("consultations_invitation", "review_id", "reviews_review"),
    ("consultations_invitation", "contact_id", "consultations_childcontact"),
    ("consultations_invitation", "version_id", "consultations_formtemplateversion"),
    ("consultations_response", "invitation_id", "consultations_invitation"),
]


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    if connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"):
        pytest.skip("the benchmark smoke test goes with CI's PostgreSQL and Redis run")
    if not shutil.which("wrk"):
        pytest.skip("needs wrk (make bench-tools installs it; .ci/run does)")
    out = tmp_path_factory.mktemp("bench")
    admin_url = urlparse(os.environ["DATABASE_URL"])._replace(path="/postgres").geturl()
    env = {**os.environ, "DATABASE_URL": admin_url, "REDIS_URL": "redis://127.0.0.1:6379/3"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--out", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    database = settings.DATABASES["default"]
    bench_url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/heard_bench_quick"
    return json.loads((out / "bench.json").read_text()), out, bench_url


def test_every_section_is_written(quick_run):
    results, out, _ = quick_run
    assert results["mode"] == "quick"
    assert {"machine", "date", "loads", "reports", "query_counts", "plans", "api", "sms", "scale_out"} <= set(results)
    assert [load["children"] for load in results["loads"]] == [40, 400, 1000]
    reviews = [step["data"]["reviews_review"] for step in results["reports"]]
    assert reviews == sorted(reviews) and reviews[-1] > 20_000  # about 25 a child
    for step in results["reports"]:
        assert set(step["reports"]) >= {"participation", "timeliness", "statements", "consultation-returns"}
        assert all(figures["ratio"] > 0 for figures in step["reports"].values())
    summary = (out / "RESULTS.md").read_text()
    assert "Reports against hand-written SQL" in summary and "Scale-out" in summary
    assert "ASGI servers compared" in summary
    assert "The IRO annual report as a PDF" in summary
    assert results["annual_pdf"]["children"] == 600 and results["annual_pdf"]["size_kb"] > 20
    assert set(results["servers"]) == {"daphne", "uvicorn"}
    for server in results["servers"].values():
        assert all(server[name]["failed"] == 0 and server[name]["web_rss_mb"] > 0 for name in ("bare_drf", "iro_inbox"))
    assert "EXPLAIN" in (out / "plans.md").read_text()


def test_load_runs_fail_nothing_and_store_every_statement_once(quick_run):
    results, _, _ = quick_run
    runs = [found[size] for found in results["scale_out"]["rounds"] for size in ("one", "two")]
    assert len(runs) == 4 and results["api"] is not None
    for run in runs:
        for name in ("bare_drf", "statement_submission", "iro_inbox"):
            assert run[name]["requests"] > 0, (name, run[name])
            assert run[name]["failed"] == 0, (name, run[name])
    assert set(results["stored_check"]) == {"one1", "two1", "one2", "two2", "server-daphne", "server-uvicorn"}
    for check in results["stored_check"].values():
        # Every statement answered 201 is stored, once; a few more may be stored that were still
        # in flight when wrk stopped counting.
        assert check["answered_201"] <= check["stored"] <= check["answered_201"] + results["api"]["connections"], check
        assert check["stored_twice"] == 0 and check["ok"], check
    for name in ("bare_django_view", "sms_inbound_webhook"):
        assert results["sms"][name]["errors"] == 0, results["sms"][name]


def test_query_counts_do_not_grow_with_the_caseload(quick_run):
    results, _, _ = quick_run
    for name, counted in results["query_counts"].items():
        assert list(counted["queries_by_caseload"]) == ["10", "60", "300"], name
        assert counted["constant"], (name, counted)


def test_the_loaded_data_keeps_every_reference_and_rule(quick_run):
    _, _, bench_url = quick_run
    with psycopg.connect(bench_url) as conn:
        for table, column, target in LOADED_KEYS:
            dangling = conn.execute(
                f"SELECT count(*) FROM {table} t LEFT JOIN {target} r ON r.id = t.{column}"  # noqa: S608
                f" WHERE t.{column} IS NOT NULL AND r.id IS NULL"
            ).fetchone()[0]
            assert dangling == 0, (table, column)
        # One upcoming review per child in care, none for a child who has left.
        assert conn.execute(
            "SELECT count(*) FROM reviews_child c WHERE c.left_care IS NULL AND NOT EXISTS"
            " (SELECT 1 FROM reviews_review r WHERE r.child_id = c.id AND r.held_on IS NULL)"
        ).fetchone() == (0,)
        # Under-4s are PN0, everyone else not (DfE rules 440/441).
        wrong_pn0 = (
            "SELECT count(*) FROM reviews_review r JOIN reviews_child c ON c.id = r.child_id"
            " WHERE r.held_on IS NOT NULL"
            " AND (date_part('year', age(r.held_on, c.date_of_birth)) < 4) <> (r.participation_code = 'PN0')"
        )
        assert conn.execute(wrong_pn0).fetchone() == (0,)
    # Rows made after the load (the bench's IROs, the statements sent under load) got fresh ids, so
    # the loader moved each identity on: otherwise those inserts would have failed above.


def test_the_floors_are_measured_and_keep_what_they_were_sent(quick_run):
    results, out, bench_url = quick_run
    api, sms = results["api"], results["sms"]
    for name in ("signed_in_floor", "write_floor", "read_floor"):
        assert api[name]["requests"] > 0 and api[name]["failed"] == 0, (name, api[name])
    assert set(api["ratio_to_floor"]) == {"statement_submission", "iro_inbox"}
    assert api["read_floor_messages"] > 0  # as many as the inbox's first pages hold
    assert sms["sms_floor"]["errors"] == 0 and sms["ratio_to_floor"]["throughput"] > 0
    assert "Against the floors" in (out / "RESULTS.md").read_text()
    with psycopg.connect(bench_url) as conn:
        # Each floor write answered 201 is a row (a few more were in flight when wrk stopped);
        # each text the SMS floor was sent is kept once.
        written = conn.execute(
            "SELECT count(*) FROM mobile_api_idempotentrequest WHERE key LIKE 'floor-bench-one1-%'"
        ).fetchone()
        assert api["write_floor"]["requests"] <= written[0] <= api["write_floor"]["requests"] + api["connections"]
        texts = conn.execute("SELECT count(*) FROM sms_inboundmessage WHERE message_sid LIKE 'SMfloor%'").fetchone()
        assert texts[0] == sms["requests_each"]
