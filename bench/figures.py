"""In-process measurements on the benchmark database: reports against hand-written SQL, query
counts by caseload size, and explain plans for the heaviest queries.

Imports Heard's code, so import it only once Django is set up against the benchmark database
(bench/__main__.py does that).
"""

import statistics
import time
from collections.abc import Callable
from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from reporting.periods import Period
from reporting.reports import report

LONDON_DAY = "((%({0})s::date + {1})::timestamp AT TIME ZONE 'Europe/London')"


def _day_range(start: str, end: str) -> str:
    """created_at within the London days start..end, as a range an index can use."""
    return f"created_at >= {LONDON_DAY.format(start, 0)} AND created_at < {LONDON_DAY.format(end, 1)}"


def _per_period(sql: str) -> list[str]:
    return [
        sql.replace("%(START)s", f"%({start})s").replace("%(END)s", f"%({end})s")
        for start, end in (("start", "end"), ("pstart", "pend"))
    ]


def _day_range_periods(template: str) -> list[str]:
    return [template.format(range=_day_range(s, e)) for s, e in (("start", "end"), ("pstart", "pend"))]


AGE = "date_part('year', age(r.held_on, c.date_of_birth))"
BY_GROUP = (
    "SELECT {group}, r.participation_code, count(*) FROM reviews_review r JOIN reviews_child c ON c.id = r.child_id"
    f" WHERE r.held_on BETWEEN %(START)s AND %(END)s AND {AGE} >= 4 GROUP BY 1, 2"
)

# The same figures as each report, as a person would write them by hand.
HAND_WRITTEN: dict[str, list[str]] = {
    "participation": _per_period(
        "SELECT participation_code, count(*) FROM reviews_review WHERE held_on BETWEEN %(START)s AND %(END)s GROUP BY 1"
    ),
    "participation-by-age": _per_period(BY_GROUP.format(
        group=f"CASE WHEN {AGE} <= 7 THEN 1 WHEN {AGE} <= 11 THEN 2 WHEN {AGE} <= 15 THEN 3 ELSE 4 END")),
    "participation-by-sex": _per_period(BY_GROUP.format(group="c.sex")),
    "participation-by-ethnicity": _per_period(BY_GROUP.format(
        group="CASE WHEN c.ethnicity IN ('REFU', 'NOBT') THEN 'N' ELSE left(c.ethnicity, 1) END")),
    "participation-by-placement": _per_period(BY_GROUP.format(group="c.placed_out_of_area")),
    "participation-by-communication": _per_period(BY_GROUP.format(
        group="(c.communication_needs <> '' OR c.uses_symbols)")),
    "timeliness": [
        *_per_period("SELECT count(*) FILTER (WHERE held_on <= due_by), count(*), count(*) FILTER (WHERE sequence = 1"
                     " AND held_on <= due_by), count(*) FILTER (WHERE sequence = 1) FROM reviews_review"
                     " WHERE held_on BETWEEN %(START)s AND %(END)s"),
        *_per_period("SELECT count(*) FILTER (WHERE f <= iro_allocation_due), count(*) FROM (SELECT"
                     " c.iro_allocation_due, min(a.allocated_on) f FROM reviews_child c LEFT JOIN reviews_iroallocation"
                     " a ON a.child_id = c.id WHERE c.became_looked_after BETWEEN %(START)s AND %(END)s GROUP BY c.id) x"),
        "SELECT late_reason, count(*) FROM reviews_review WHERE held_on BETWEEN %(start)s AND %(end)s"
        " AND held_on > due_by GROUP BY 1",
    ],
    "caseloads": [
        "SELECT u.id, u.first_name, u.username, u.fte, count(a.id) FILTER (WHERE a.ended_on IS NULL) FROM accounts_user u"
        " LEFT JOIN reviews_iroallocation a ON a.iro_id = u.id WHERE u.role = 'iro' AND u.is_active GROUP BY u.id"
        " ORDER BY u.first_name, u.username",
        "SELECT iro_id, ends_on FROM reviews_iroabsence WHERE starts_on <= CURRENT_DATE AND ends_on >= CURRENT_DATE",
    ],
    "consultation-returns": [
        q for s, e in (("start", "end"), ("pstart", "pend")) for q in (
            "SELECT i.audience, count(*) FROM consultations_invitation i JOIN reviews_review v ON v.id = i.review_id"
            f" WHERE coalesce(v.held_on, v.scheduled_for, v.due_by) BETWEEN %({s})s AND %({e})s GROUP BY 1",
            "SELECT i.audience, count(*) FROM consultations_invitation i JOIN reviews_review v ON v.id = i.review_id"
            " JOIN consultations_response r ON r.invitation_id = i.id WHERE r.submitted_at IS NOT NULL"
            f" AND coalesce(v.held_on, v.scheduled_for, v.due_by) BETWEEN %({s})s AND %({e})s GROUP BY 1",
        )
    ],
    "statements": [
        *_day_range_periods("SELECT channel, count(*) FROM feedback_statement WHERE found_in = '' AND {range} GROUP BY 1"),
        *_day_range_periods("SELECT category, count(*) FROM feedback_statement WHERE found_in = '' AND {range} GROUP BY 1"),
    ],
    "response-times": [
        *_day_range_periods(
            "SELECT count(*), count(*) FILTER (WHERE read_at <= created_at + interval '1 day'), count(*) FILTER"
            " (WHERE read_at <= created_at + interval '7 days'), count(*) FILTER (WHERE acknowledged_at <= created_at"
            " + interval '7 days') FROM feedback_statement WHERE found_in = '' AND {range}"),
        *[q.replace("created_at", "raised_at") for q in _day_range_periods(
            "SELECT count(*), count(*) FILTER (WHERE acknowledged_at <= created_at + interval '2 hours')"
            " FROM feedback_safeguardingalert WHERE {range}")],
    ],
    "wellbeing": [],  # filled in below
}  # fmt: skip

# The wellbeing check by hand: each indicator's question ids across the forms (each form asks one of them),
# the answers that count as doing well, and those left out of the base.
WELLBEING_SHARES = [
    ("trusted_adult", ["trusted_adult", "grown_up_to_talk_to"], ["yes"]),
    ("family_time", ["family_time", "family_feeling"], ["right", "very_happy", "happy"]),
    ("know_why_in_care", ["know_why_in_care"], ["yes"]),
    ("listened_to", ["plan_listened", "plans_listened", "adults_listen", "grown_ups_listen"], ["yes"]),
    ("good_friend", ["good_friend"], ["yes"]),
    ("school", ["school_feeling"], ["very_happy", "happy"]),
    ("enjoys_activities", ["enjoy_activities"], ["yes"]),
    ("settled", ["home_feeling"], ["very_happy", "happy"]),
    ("happy", ["feel_most_days"], ["very_happy", "happy"]),
    ("not_worried", ["worry_a_lot"], ["no"]),
    ("life_better", ["life_better"], ["better"]),
]
WELLBEING_SCALES = [("ons_life_satisfaction", 7, 10), ("ons_worthwhile", 7, 10), ("ons_happy", 7, 10),
                    ("ons_anxious", 0, 3)]  # fmt: skip
ONS_BANDS = {True: [(0, 4), (5, 6), (7, 8), (9, 10)], False: [(0, 1), (2, 3), (4, 5), (6, 10)]}


def _wellbeing_sql(start: str, end: str) -> str:
    def quoted(values: list[str]) -> str:
        return ", ".join(f"'{value}'" for value in values)

    scores = []
    for slug, keys, good in WELLBEING_SHARES:
        answer = "coalesce(" + ", ".join(f"answers->>'{key}'" for key in keys) + ")"
        scores.append(f"CASE WHEN {answer} IN ({quoted(good)}) THEN 1 WHEN {answer} IS NULL"
                      f" OR {answer} IN ('', 'not_sure') THEN NULL ELSE 0 END AS {slug}")  # fmt: skip
    scores += [f"(answers->>'{slug}')::int AS {slug}" for slug, _, _ in WELLBEING_SCALES]
    counts = [f"count({slug}), sum({slug})" for slug, _, _ in WELLBEING_SHARES] + [
        f"count({slug}), sum({slug}), count(*) FILTER (WHERE {slug} BETWEEN {low} AND {high}), "
        + ", ".join(f"count(*) FILTER (WHERE {slug} BETWEEN {a} AND {b})" for a, b in ONS_BANDS[low == 7])
        for slug, low, high in WELLBEING_SCALES
    ]
    age = "date_part('year', age((submitted_at AT TIME ZONE 'Europe/London')::date, date_of_birth))"
    sent = _day_range(start, end).replace("created_at", "r.submitted_at")
    return (
        "WITH latest AS (SELECT DISTINCT ON (v.child_id) r.answers, r.submitted_at, c.date_of_birth, c.sex,"
        " c.ethnicity, c.placed_out_of_area FROM consultations_response r JOIN consultations_invitation i"
        " ON i.id = r.invitation_id JOIN reviews_review v ON v.id = i.review_id JOIN reviews_child c"
        f" ON c.id = v.child_id WHERE i.contact_id IS NULL AND {sent}"
        " ORDER BY v.child_id, r.submitted_at DESC, r.id DESC), scored AS (SELECT"
        f" CASE WHEN {age} BETWEEN 4 AND 7 THEN 1 WHEN {age} BETWEEN 8 AND 11 THEN 2 WHEN {age} BETWEEN 12 AND 15"
        f" THEN 3 WHEN {age} >= 16 THEN 4 END AS band, sex,"
        " CASE WHEN ethnicity IN ('REFU', 'NOBT') THEN 'N' ELSE left(ethnicity, 1) END AS ethnic_group,"
        f" placed_out_of_area, {', '.join(scores)} FROM latest)"
        f" SELECT band, sex, ethnic_group, placed_out_of_area, {', '.join(counts)} FROM scored GROUP BY 1, 2, 3, 4"
    )


HAND_WRITTEN["wellbeing"] = [_wellbeing_sql("start", "end"), _wellbeing_sql("pstart", "pend")]


def _median_seconds(run: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        run()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def reports_against_sql(repeats: int) -> dict:
    """Each report through Heard's code, and its hand-written SQL, median of `repeats`; and the ratio."""
    period = Period(date(2025, 4, 1), date(2026, 3, 31))
    previous = period.previous()
    params = {"start": period.start, "end": period.end, "pstart": previous.start, "pend": previous.end}
    results = {}
    for name, queries in HAND_WRITTEN.items():
        report(name, period)  # warm: the first run pays for the cache, for both
        heard = _median_seconds(lambda name=name: report(name, period), repeats)

        def sql(queries=queries):
            with connection.cursor() as cursor:
                for query in queries:
                    cursor.execute(query, params)
                    cursor.fetchall()

        sql()
        baseline = _median_seconds(sql, repeats)
        results[name] = {"heard_ms": round(heard * 1000, 1), "sql_ms": round(baseline * 1000, 1),
                         "ratio": round(heard / baseline, 2)}  # fmt: skip
        print(f"    {name:<32} heard {heard * 1000:9.1f} ms   sql {baseline * 1000:9.1f} ms   "
              f"ratio {heard / baseline:5.2f}", flush=True)  # fmt: skip
    return results


def _captured(run: Callable[[], object]) -> list[dict]:
    with CaptureQueriesContext(connection) as queries:
        run()
    return list(queries.captured_queries)


def query_counts(operations: dict[str, dict[int, Callable[[], object]]]) -> dict:
    """Queries each operation makes, for each caseload size; constant when they are all the same."""
    results = {}
    for name, by_size in operations.items():
        counts = {str(size): len(_captured(run)) for size, run in by_size.items()}
        results[name] = {"queries_by_caseload": counts, "constant": len(set(counts.values())) == 1}
        print(f"    {name:<32} {counts}  {'constant' if results[name]['constant'] else 'GROWS'}", flush=True)
    return results


def explain_heaviest(operations: dict[str, Callable[[], object]], per_operation: int = 2) -> dict[str, list[dict]]:
    """EXPLAIN (ANALYZE, BUFFERS) for the slowest queries each operation makes."""
    plans: dict[str, list[dict]] = {}
    for name, run in operations.items():
        run()  # warm
        captured = [q for q in _captured(run) if q["sql"].lstrip().upper().startswith("SELECT")]
        captured.sort(key=lambda q: float(q["time"]), reverse=True)
        plans[name] = []
        for query in captured[:per_operation]:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                plan = "\n".join(row[0] for row in cursor.fetchall())
            plans[name].append({"sql": query["sql"], "plan": plan, "ms": round(float(query["time"]) * 1000, 2)})
    return plans


def annual_report_pdf(repeats: int, children: int = 600) -> dict:
    """The IRO annual report for one council-size year (`children` children of the national data) as a PDF.

    Split in two: working out every figure (the database) and laying out the PDF (WeasyPrint).
    """
    from reporting.annual import annual_document, annual_pdf  # noqa: PLC0415 (WeasyPrint loads Pango)
    from reviews.models import Child  # noqa: PLC0415

    period = Period(date(2025, 4, 1), date(2026, 3, 31))
    # The council: the first `children` children, chosen by a range of ids, a condition as a council's own
    # database or an IRO team's scope is, not a list of 600 ids for psycopg to bind into every query.
    last = Child.objects.order_by("pk").values_list("pk", flat=True)[children - 1]
    council = Child.objects.filter(pk__lte=last)
    annual_pdf(annual_document(period, council))  # warm: fonts, templates and the first query plans
    figures_seconds = _median_seconds(lambda: annual_document(period, council), repeats)
    document = annual_document(period, council)
    pdf_seconds = _median_seconds(lambda: annual_pdf(document), repeats)
    whole = _median_seconds(lambda: annual_pdf(annual_document(period, council)), repeats)
    size_kb = round(len(annual_pdf(document)) / 1024)
    result = {"children": children, "figures_ms": round(figures_seconds * 1000, 1),
              "pdf_ms": round(pdf_seconds * 1000, 1), "whole_ms": round(whole * 1000, 1), "size_kb": size_kb}  # fmt: skip
    print(f"    annual report PDF, {children} children: figures {result['figures_ms']} ms, PDF {result['pdf_ms']} ms,"
          f" whole {result['whole_ms']} ms", flush=True)  # fmt: skip
    return result
