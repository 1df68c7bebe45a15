"""What the benchmark does with the loaded data: accounts, operations to count and explain, load
runs, and the results written as Markdown. Imports Heard's models, so import it only once Django is set up
against the benchmark database (bench/__main__.py does that)."""

import itertools
import json
import logging
import time
from collections.abc import Callable
from datetime import date

from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db.models import Count
from django.test import Client
from django.urls import reverse

from accounts.demo import current_totp_code
from accounts.models import Role, User
from backend.celery import app as celery_app
from bench import sms_webhook
from bench.load import ratio, wrk
from feedback.models import Statement
from reporting.periods import Period
from reporting.reports import report
from reviews.models import Child, IROAllocation, Review

PERIOD = {"from": "2025-04-01", "to": "2026-03-31"}
IRO_REPORTS = ["participation", "participation-by-age", "timeliness", "consultation-returns", "statements",
               "response-times"]  # fmt: skip
EXPLAINED_REPORTS = ["participation-by-age", "timeliness", "consultation-returns", "statements", "response-times"]
API_CHILDREN, API_IROS = 24, 4


def _staff(username: str, password: str, totp_secret: str):
    user = User.objects.create_user(
        username=username, password=password, role=Role.IRO, email=f"{username}@bench.example"
    )
    TOTP.activate(user, totp_secret)
    return user


def newest_statement() -> int:
    """The id of the newest statement, to find those a run stores after it."""
    return Statement.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def drain_notices(after: int, seconds: float = 120) -> float:
    """Wait until the worker has told the IROs of every statement stored after `after`; return how long it took.

    Otherwise the next endpoint's figures would carry the worker's backlog from submission.
    """
    began = time.monotonic()
    waiting = Statement.objects.filter(pk__gt=after, notified_at__isnull=True)
    while waiting.exists() and time.monotonic() - began < seconds:
        time.sleep(0.5)
    return round(time.monotonic() - began, 1)


def purge_broker() -> int:
    """Drop tasks left on the broker by an earlier run: its worker would spend this run's CPU on them."""
    return celery_app.control.purge() or 0


def accounts(*, caseloads: tuple[int, ...], password: str, totp_secret: str, sms_children: int) -> dict:
    """Sign-in details for a few of the loaded children and IROs, and IROs with caseloads of each size."""
    in_care = Child.objects.filter(left_care__isnull=True, reviews__held_on__isnull=True).order_by("pk")
    hashed = make_password(password)
    api_iros = list(User.objects.filter(role=Role.IRO).order_by("pk")[:API_IROS])
    User.objects.filter(pk__in=[iro.pk for iro in api_iros]).update(password=hashed)
    for iro in api_iros:
        TOTP.activate(iro, totp_secret)

    # IROs with 10, 60 and 300 children, taken from the end of the loaded children.
    sized, taken = {}, 0
    tail = list(in_care.order_by("-pk").values_list("pk", flat=True)[: sum(caseloads)])
    for size in caseloads:
        iro = _staff(f"bench-iro-{size}", password, totp_secret)
        IROAllocation.objects.filter(child_id__in=tail[taken : taken + size], ended_on__isnull=True).update(iro=iro)
        sized[size] = iro
        taken += size

    # The children who write (through the app and by text) belong to other IROs, so the inboxes
    # being read under load, and the caseloads being counted, stay the same size throughout.
    writers = in_care.exclude(iro_allocations__iro__in=[*api_iros, *sized.values()]).values_list("user_id", flat=True)
    writers = list(writers[: API_CHILDREN + sms_children])
    if len(writers) < API_CHILDREN + sms_children:
        raise SystemExit(f"Too few children for the load runs: {len(writers)}; load more children.")
    api_children = writers[:API_CHILDREN]
    User.objects.filter(pk__in=api_children).update(password=hashed)
    phones = [f"+4477009{n:05d}" for n in range(sms_children)]
    for user_id, phone in zip(writers[API_CHILDREN:], phones, strict=True):
        User.objects.filter(pk=user_id).update(phone=phone)
    return {
        "children": list(User.objects.filter(pk__in=api_children)),
        "iros": api_iros,
        "sized": sized,
        "sms_phones": phones,
    }


def _client(user):
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _pack_review(iro):
    """The IRO's first child's next review that has invitations out (so every part of the pack is there)."""
    return (
        Review.objects.filter(held_on__isnull=True, child__iro_allocations__iro=iro,
                              child__iro_allocations__ended_on__isnull=True, invitations__response__isnull=False)
        .order_by("child_id").first()
    )  # fmt: skip


def _get(client, url: str, **params) -> Callable[[], object]:
    def run():
        response = client.get(url, params)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")

    return run


def counted_operations(found: dict) -> dict[str, dict[int, Callable[[], object]]]:
    """The inbox, the pack and an IRO's reports, for IROs with each caseload size."""
    operations: dict[str, dict[int, Callable[[], object]]] = {
        "inbox (page)": {}, "inbox (API)": {}, "pre-review pack (page)": {}, "pre-review pack (API)": {},
        "an IRO's reports (API, 6 reports)": {},
    }  # fmt: skip
    for size, iro in found["sized"].items():
        client, review = _client(iro), _pack_review(iro)
        operations["inbox (page)"][size] = _get(client, reverse("feedback:inbox"))
        operations["inbox (API)"][size] = _get(client, "/api/v1/inbox/")
        operations["pre-review pack (page)"][size] = _get(client, reverse("consultations:pack", args=[review.pk]))
        operations["pre-review pack (API)"][size] = _get(client, f"/api/v1/reviews/{review.pk}/pack/")

        def reports(client=client):
            for name in IRO_REPORTS:
                _get(client, f"/api/v1/reports/{name}/", **PERIOD)()

        operations["an IRO's reports (API, 6 reports)"][size] = reports
    return operations


def explained_operations(found: dict, password: str) -> dict[str, Callable[[], object]]:
    """The operations whose heaviest queries get an EXPLAIN ANALYZE."""
    iro = found["sized"][60]
    client, review = _client(iro), _pack_review(iro)
    period = Period(date(2025, 4, 1), date(2026, 3, 31))
    writer, token, keys = Client(), _headless_token(found["children"][0].username, password, ""), itertools.count()
    operations: dict[str, Callable[[], object]] = {
        "IRO inbox (API), 60 children": _get(client, "/api/v1/inbox/?page_size=100"),
        "pre-review pack (API)": _get(client, f"/api/v1/reviews/{review.pk}/pack/"),
        "statement submission (API)": lambda: _submit(writer, token, f"explain-{next(keys)}"),
        "SMS: finding the child by phone": lambda: User.objects.filter(
            phone=found["sms_phones"][-1], is_active=True, role=Role.CHILD
        ).first(),
    }
    for name in EXPLAINED_REPORTS:
        operations[f"report: {name} (whole council)"] = lambda name=name: report(name, period)
    return operations


def _submit(client, token: str, key: str) -> None:
    response = client.post("/api/v1/statements/", STATEMENT, content_type="application/json",
                           headers={"X-Session-Token": token, "Idempotency-Key": key})  # fmt: skip
    if response.status_code != 201:
        raise RuntimeError(f"submitting a statement answered {response.status_code}: {response.content[:200]!r}")


def _headless_token(username: str, password: str, totp_secret: str) -> str:
    client = Client()
    response = client.post("/_allauth/app/v1/auth/login", json.dumps({"username": username, "password": password}),
                           content_type="application/json")  # fmt: skip
    token = response.json()["meta"]["session_token"]
    if response.status_code == 401:  # staff: the TOTP step
        response = client.post("/_allauth/app/v1/auth/2fa/authenticate",
                               json.dumps({"code": current_totp_code(totp_secret)}),
                               content_type="application/json", headers={"X-Session-Token": token})  # fmt: skip
        token = response.json()["meta"]["session_token"]
    if response.status_code != 200:
        raise RuntimeError(f"could not sign in {username}: {response.status_code} {response.content[:200]!r}")
    return token


def tokens(found: dict, password: str, totp_secret: str) -> dict[str, list[str]]:
    """App session tokens (allauth headless) for the load runs' children and IROs."""
    logging.getLogger("django.request").setLevel(logging.ERROR)  # staff's first step answers 401: expected
    return {
        "children": [_headless_token(u.username, password, totp_secret) for u in found["children"]],
        "iros": [_headless_token(u.username, password, totp_secret) for u in found["iros"]],
    }


STATEMENT = json.dumps({"category": "school", "body": "Can I change my maths set? I get on better with Ms Price."})


def inbox_first_page_messages(iro_tokens: list[str]) -> int:
    """How many messages the IROs' inbox first pages hold, on average: the read floor reads as many."""
    counts = []
    for token in iro_tokens:
        body = Client().get("/api/v1/inbox/", headers={"X-Session-Token": token}).json()
        counts.append(sum(len(group["statements"]) for group in body["groups"]))
    return max(1, round(sum(counts) / len(counts)))


FLOORS = {"statement_submission": "write_floor", "iro_inbox": "read_floor"}


def api_runs(
    cluster,
    found_tokens: dict,
    seconds: float,
    connections: int,
    run: str,
    whole_inbox: bool = False,
    floors: bool = False,
) -> dict:
    """The bare DRF endpoint, statement submission and the IRO inbox, one after another; ratios to the bare one.

    The inbox is its first page (20 children), as the app asks for it; with `whole_inbox` also all
    60 children on one page, to show what a page costs against the whole caseload. With `floors`,
    also the floors (bench/urls.py): signed in and doing nothing, the least write and the least read
    of as many messages as the inbox's first page, each submission and inbox then as a ratio to its floor.
    """
    endpoints = {
        "bare_drf": {"path": "/bench/bare-api/"},
        "statement_submission": {"path": "/api/v1/statements/", "method": "POST", "body": STATEMENT,
                                 "tokens": found_tokens["children"]},
        "iro_inbox": {"path": "/api/v1/inbox/", "tokens": found_tokens["iros"]},
    }  # fmt: skip
    if whole_inbox:
        endpoints["iro_inbox_whole"] = {"path": "/api/v1/inbox/?page_size=100", "tokens": found_tokens["iros"]}
    if floors:
        messages = inbox_first_page_messages(found_tokens["iros"])
        endpoints |= {
            "signed_in_floor": {"path": "/bench/floor/signed-in/", "tokens": found_tokens["iros"]},
            "write_floor": {"path": "/bench/floor/write/", "method": "POST", "body": STATEMENT,
                            "tokens": found_tokens["children"]},
            "read_floor": {"path": f"/bench/floor/read/?n={messages}", "tokens": found_tokens["iros"]},
        }  # fmt: skip
    results: dict = {"connections": connections, "seconds": seconds, "server": cluster.server}
    for name, endpoint in endpoints.items():
        port = cluster.port
        before = newest_statement()
        wrk(port, seconds=1, connections=connections, run=f"warm{run}", **endpoint)  # warm: imports, caches, pools
        with cluster.cpu() as cpu:
            results[name] = wrk(port, seconds=seconds, connections=connections, run=run, **endpoint)
        figures = results[name]
        figures["cpu"] = cpu.figures
        per = {
            part: round(1000 * used / max(figures["requests"], 1), 1)
            for part, used in cpu.figures["cpu_seconds"].items()
        }
        figures["cpu_ms_per_request"] = per
        figures["web_rss_mb"] = max(cluster.web_rss_mb())
        if name == "statement_submission":
            figures["worker_caught_up_after_s"] = drain_notices(before)
        print(f"    {name:<22} {figures['requests_per_second']:>8} req/s  p50 {figures['p50_ms']:>7} ms"
              f"  p99 {figures['p99_ms']:>7} ms  failed {figures['failed']}  CPU {cpu.figures['machine_busy_percent']}%"
              f" (ms/request: web {per['web']}, workers {per['workers']}, rest {per['database_redis_and_load']});"
              f" web RSS {figures['web_rss_mb']} MB",
              flush=True)  # fmt: skip
    results["ratio_to_bare_drf"] = {
        name: ratio(results[name], results["bare_drf"]) for name in endpoints if name != "bare_drf"
    }
    if floors:
        results["read_floor_messages"] = messages
        results["ratio_to_floor"] = {name: ratio(results[name], results[floor]) for name, floor in FLOORS.items()}
    return results


def sms_runs(port: int, phones: list[str], connections: int) -> dict:
    """The SMS webhook, the bare Django view and the floor (bench/urls.py), the same number of signed POSTs each."""
    webhook, bare, floor = sms_webhook.requests_for(settings.PUBLIC_BASE_URL, phones)
    sms_webhook.drive(port, bare[:50], 2)  # warm
    # Each child's topic and words go in order from one client thread, as one phone would.
    results = {
        "requests_each": len(webhook),
        "client": f"{connections} Python threads",
        "sms_inbound_webhook": sms_webhook.drive(port, webhook, connections, group=2),
        "bare_django_view": sms_webhook.drive(port, bare, connections),
        "sms_floor": sms_webhook.drive(port, floor, connections),
    }
    results["ratio_to_bare_view"] = ratio(results["sms_inbound_webhook"], results["bare_django_view"])
    results["floor_ratio_to_bare_view"] = ratio(results["sms_floor"], results["bare_django_view"])
    results["ratio_to_floor"] = ratio(results["sms_inbound_webhook"], results["sms_floor"])
    for name in ("bare_django_view", "sms_inbound_webhook", "sms_floor"):
        figures = results[name]
        print(f"    {name:<22} {figures['requests_per_second']:>8} req/s  p50 {figures['p50_ms']:>7} ms"
              f"  p99 {figures['p99_ms']:>7} ms  errors {figures['errors']}", flush=True)  # fmt: skip
    return results


def scale_out(rounds: list[dict]) -> dict:
    """Throughput with two processes and two workers as a multiple of one and one, in each round."""
    growth = {}
    for name in ("bare_drf", "statement_submission", "iro_inbox"):
        one = [r["one"][name]["requests_per_second"] for r in rounds]
        two = [r["two"][name]["requests_per_second"] for r in rounds]
        each = [round(b / a, 2) for a, b in zip(one, two, strict=True)]
        growth[name] = {"one_process_rps": one, "two_processes_rps": two, "growth": each,
                        "mean_growth": round(sum(each) / len(each), 2),
                        "machine_busy_two": [r["two"][name]["cpu"]["machine_busy_percent"] for r in rounds]}  # fmt: skip
    return {"rounds": rounds, "growth": growth}


def stored_check(runs: dict[str, dict]) -> dict:
    """Statements each timed run stored, against those answered 201 within the run.

    wrk stops counting when time is up while up to one request per connection is still in flight:
    the server finishes and stores those, so stored may exceed answered by at most that many.
    Never fewer (an answered statement lost), never a key stored twice.
    """
    check = {}
    for run, figures in runs.items():
        stored = Statement.objects.filter(idempotency_key__startswith=f"bench-{run}-")
        answered = figures["statement_submission"]["requests"] - figures["statement_submission"]["failed"]
        twice = stored.values("author", "idempotency_key").annotate(n=Count("pk")).filter(n__gt=1).count()
        count, in_flight = stored.count(), figures["connections"]
        check[run] = {"answered_201": answered, "stored": count, "stored_twice": twice,
                      "ok": answered <= count <= answered + in_flight and twice == 0}  # fmt: skip
    return check


def _table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


FLOOR_NAMES = ("signed_in_floor", "write_floor", "read_floor")


def _floors_markdown(api: dict) -> str:
    """Each hot path against the least Django and DRF can do for the same request, and each floor against bare."""
    bare = api["ratio_to_bare_drf"]
    rows = [
        ["signed in, doing nothing", "signed in floor", "", bare["signed_in_floor"]["throughput"]],
        ["statement submission", "write floor: one row in a transaction, one empty task after commit",
         api["ratio_to_floor"]["statement_submission"]["throughput"], bare["write_floor"]["throughput"]],
        ["iro inbox (first page)", f"read floor: {api['read_floor_messages']} messages as columns in one query",
         api["ratio_to_floor"]["iro_inbox"]["throughput"], bare["read_floor"]["throughput"]],
    ]  # fmt: skip
    return (
        "\n## Against the floors (`bench/urls.py`: the least Django and DRF, as Heard configures them, can do "
        "for the same request)\n\n"
        + _table(["endpoint", "its floor", "req/s ÷ its floor's", "the floor's req/s ÷ bare DRF"], rows)
        + "\nA goal of a ratio to bare DRF above its floor's cannot be reached by any change to Heard's own code.\n"
    )


def results_markdown(results: dict) -> str:
    """The short table of bench/RESULTS.md."""
    data = results["reports"][-1]["data"]
    parts = [
        "# Heard benchmark results\n",
        f"{results['date']} · {results['mode']} run (`{'make bench-quick' if results['mode'] == 'quick' else 'make bench'}`)"
        f" in {results['seconds']:.0f} s · {results['machine']}\n",
        f"Data: {data['reviews_child']:,} children, {data['reviews_review']:,} reviews, "
        f"{data['feedback_statement']:,} statements, {data['consultations_invitation']:,} consultation invitations, "
        f"{data['consultations_response']:,} responses. Every figure is measured in this run against a baseline "
        "measured in the same run on the same machine; ratios, not seconds, are the point. Full figures: "
        "`bench/results/bench.json`; explain plans: `bench/results/plans.md`.\n",
        "## Loading (COPY)\n",
        _table(["children after step", "rows", "seconds", "rows/s"],
               [[f"{load['children']:,}", f"{sum(load['rows'].values()):,}", load["seconds"],
                 f"{load['rows_per_second']:,}"] for load in results["loads"]]),
        "## Reports against hand-written SQL (median ms; ratio = Heard / SQL)\n",
    ]  # fmt: skip
    steps = results["reports"]
    header = ["report"] + [f"{step['data']['reviews_review']:,} reviews" for step in steps]
    rows = [
        [name] + [f"{s['reports'][name]['heard_ms']} / {s['reports'][name]['sql_ms']} = **{s['reports'][name]['ratio']}**"
                  for s in steps]
        for name in steps[0]["reports"]
    ]  # fmt: skip
    parts.append(_table(header, rows))
    annual = results.get("annual_pdf")
    if annual:
        parts.append(
            f"\n## The IRO annual report as a PDF, one council-size year ({annual['children']:,} children of the "
            "national data; median ms)\n"
        )
        parts.append(
            _table(
                ["figures (database)", "PDF (WeasyPrint)", "whole", "size, KB"],
                [[annual["figures_ms"], annual["pdf_ms"], annual["whole_ms"], annual["size_kb"]]],
            )
        )
    parts.append("\n## Query counts by caseload size (IROs with 10, 60 and 300 children)\n")
    parts.append(_table(["operation", "queries", "constant"],
                        [[name, " / ".join(str(n) for n in c["queries_by_caseload"].values()),
                          "yes" if c["constant"] else "**no**"] for name, c in results["query_counts"].items()]))  # fmt: skip
    api = results["api"]
    parts.append(f"\n## API under load (1 {api['server'].title()} process, 1 Celery worker; wrk, "
                 f"{api['connections']} connections, {api['seconds']} s each)\n")  # fmt: skip
    rows = []
    for name in ("bare_drf", "statement_submission", "iro_inbox", "iro_inbox_whole", *FLOOR_NAMES):
        if name not in api:
            continue
        figures = api[name]
        share = api["ratio_to_bare_drf"].get(name, {"throughput": 1, "p50": 1, "p99": 1})
        cpu = figures["cpu_ms_per_request"]
        rows.append([name.replace("_", " "), figures["requests_per_second"], figures["p50_ms"], figures["p99_ms"],
                     figures["failed"], share["throughput"], share["p50"], share["p99"],
                     f"{cpu['web']} / {cpu['workers']} / {cpu['database_redis_and_load']}",
                     f"{figures['cpu']['machine_busy_percent']}%", figures.get("web_rss_mb", "")])  # fmt: skip
    parts.append(_table(["endpoint", "req/s", "p50 ms", "p99 ms", "failed", "throughput ratio", "p50 ratio",
                         "p99 ratio", "CPU ms a request: web / worker / database and rest", "machine busy",
                         "web process RSS after, MB"], rows))  # fmt: skip
    if "ratio_to_floor" in api:
        parts.append(_floors_markdown(api))
    if "servers" in results:
        parts.append("\n## ASGI servers compared (1 process each, the same runs one after the other)\n")
        rows = []
        for server, runs in results["servers"].items():
            for name in ("bare_drf", "statement_submission", "iro_inbox"):
                share = runs["ratio_to_bare_drf"].get(name, {"throughput": 1})
                rows.append([server, name.replace("_", " "), runs[name]["requests_per_second"], runs[name]["p50_ms"],
                             runs[name]["p99_ms"], share["throughput"], runs[name]["cpu_ms_per_request"]["web"],
                             runs[name]["web_rss_mb"]])  # fmt: skip
        parts.append(_table(["server", "endpoint", "req/s", "p50 ms", "p99 ms", "throughput ratio",
                             "web CPU ms a request", "web RSS after, MB"], rows))  # fmt: skip
    sms = results["sms"]
    parts.append(f"\n## SMS webhook ({sms['requests_each']:,} signed POSTs each, {sms['client']})\n")
    rows = []
    shares = {"sms_inbound_webhook": sms["ratio_to_bare_view"], "sms_floor": sms.get("floor_ratio_to_bare_view")}
    for name in ("bare_django_view", "sms_inbound_webhook", "sms_floor"):
        if name not in sms:
            continue
        figures = sms[name]
        share = shares.get(name) or {"throughput": 1, "p50": 1, "p99": 1}
        rows.append([name.replace("_", " "), figures["requests_per_second"], figures["p50_ms"], figures["p99_ms"],
                     figures["errors"], share["throughput"], share["p50"], share["p99"]])  # fmt: skip
    parts.append(_table(["endpoint", "req/s", "p50 ms", "p99 ms", "errors", "throughput ratio", "p50 ratio",
                         "p99 ratio"], rows))  # fmt: skip
    if "ratio_to_floor" in sms:
        above = sms["ratio_to_floor"]
        parts.append(f"\nThe floor (`bench/urls.py`): the signature checked, the sender found by number, the text "
                     "written in a transaction and one empty task sent after commit. The webhook against it: "
                     f"throughput {above['throughput']}, p50 {above['p50']}x, p99 {above['p99']}x.\n")  # fmt: skip
    parts.append(f"\n## Scale-out: two {api['server'].title()} processes and two Celery workers on one PostgreSQL "
                 "and Redis\n")  # fmt: skip
    parts.append("One process, then two, twice over (round 1, round 2), with the same connections.\n")
    growth = results["scale_out"]["growth"]

    def both(values: list) -> str:
        return " / ".join(str(v) for v in values)

    parts.append(_table(["endpoint", "1 process req/s", "2 processes req/s", "growth", "machine busy (2 processes)"],
                        [[name.replace("_", " "), both(g["one_process_rps"]), both(g["two_processes_rps"]),
                          both(f"{x}x" for x in g["growth"]), both(f"{x}%" for x in g["machine_busy_two"])]
                         for name, g in growth.items()]))  # fmt: skip
    check = results["stored_check"].values()
    parts.append(
        "\nStatements answered 201 within the timed runs / stored (the difference: requests still in flight when "
        f"wrk stopped, finished by the server): {sum(c['answered_201'] for c in check):,} / "
        f"{sum(c['stored'] for c in check):,}; stored twice: {sum(c['stored_twice'] for c in check)}.\n"
    )
    return "\n".join(parts)


def plans_markdown(plans: dict, results: dict) -> str:
    """Every kept plan, with its query."""
    parts = [f"# Explain plans ({results['date']}, {results['mode']} run)\n",
             "EXPLAIN (ANALYZE, BUFFERS) of the slowest queries of each operation, on the benchmark's data.\n"]  # fmt: skip
    for name, found in plans.items():
        parts.append(f"## {name}\n")
        for plan in found:
            parts.append(f"{plan['ms']} ms when captured.\n\n```sql\n{plan['sql']}\n```\n\n```\n{plan['plan']}\n```\n")
    return "\n".join(parts)
