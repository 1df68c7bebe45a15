"""National-scale test data, loaded into PostgreSQL with COPY.

Children with the ages, sexes and ethnic groups of England's children in care, each with an
account, a carer, an IRO (about 60 children each), ten years of statutory reviews, their
messages (read and answered, the newest waiting for the next review) and consultation
invitations and answers for the last two years. `grow()` adds children to what is there, so
the benchmark can measure at 10k, 100k and 2.5M reviews in one database. Heard's own form rules
check the made-up answers, so Django must be set up first (bench/__main__.py does that).
"""

import json
import random
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from hashlib import sha256

import psycopg

from consultations.schema import MULTI_CHOICE_TYPES, SINGLE_CHOICE_TYPES, choices_for, clean_answers, schema_for_age

TODAY = date(2026, 3, 31)
WINDOW_START = TODAY - timedelta(days=3652)  # ten years of reviews
CONSULTED_SINCE = TODAY - timedelta(days=730)  # Heard's consultations: the last two years
CHILDREN_PER_IRO = 60  # IRO Handbook para 7.15: 50-70 per full-time IRO
REVIEWS_PER_CHILD = 25  # DESIGN.md section 6: 100,000 children, about 2.5 million reviews
STATEMENTS_PER_CHILD = 50  # 5 million for 100,000 children

# Ages on 31 March: DfE "Children looked after in England", 2024 (under 1 5%, 1-4 14%, 5-9 17%,
# 10-15 38%, 16 and over 26%).
AGE_BANDS = [((0, 0), 5), ((1, 4), 14), ((5, 9), 17), ((10, 15), 38), ((16, 17), 26)]
ETHNICITIES = [("WBRI", 66), ("WOTH", 6), ("MWBC", 4), ("MOTH", 6), ("BAFR", 4), ("BCRB", 3), ("AIND", 1),
               ("APKN", 2), ("AOTH", 2), ("OOTH", 4), ("REFU", 1), ("NOBT", 1)]  # fmt: skip
CODES = [("PN1", 30), ("PN2", 8), ("PN3", 12), ("PN4", 6), ("PN5", 10), ("PN6", 28), ("PN7", 6)]
VIEWS = {"PN1": "in_person", "PN2": "advocate", "PN3": "in_person", "PN4": "symbols", "PN5": "form",
         "PN6": "advocate", "PN7": ""}  # fmt: skip
LATE_REASONS = ["Rebooked: the child's exams", "IRO unwell", "Carer unavailable", "Social worker changed", ""]
CATEGORIES = ["next_review", "worried", "good_news", "where_i_live", "family_time", "school", "health",
              "something_else"]  # fmt: skip
WORDS = [
    "Can I see my brother more often at the weekends?",
    "I like my new school and I joined the football team.",
    "I want to stay where I live now, it feels like home.",
    "Please can my review be after school, not in the morning.",
    "I would like to see my mum on Saturdays not Sundays.",
    "Can I have my own room when we move?",
    "I got a merit in maths this week.",
    "I don't want my social worker to change again.",
]


@dataclass
class Loaded:
    """Rows added by one `grow()`, and how long it took."""

    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def rows_per_second(self) -> float:
        return sum(self.rows.values()) / max(self.seconds, 1e-9)


def _weighted(rng: random.Random, choices: list[tuple]) -> object:
    return rng.choices([value for value, _ in choices], [weight for _, weight in choices])[0]


class Progress:
    """A progress bar on a terminal, a line every tenth elsewhere; rows per second as it goes."""

    def __init__(self, label: str, expected: int) -> None:
        self.label, self.expected, self.count = label, max(expected, 1), 0
        self.began = time.perf_counter()
        self.tty = sys.stdout.isatty()
        self._next_line = self.expected // 10

    def add(self, n: int = 1) -> None:
        self.count += n
        if self.tty and self.count % 20_000 == 0:
            self._draw("\r")
        elif not self.tty and self.count >= self._next_line:
            self._next_line += self.expected // 10 or 1
            self._draw("", "\n")

    def _draw(self, start: str, end: str = "") -> None:
        done = min(self.count / self.expected, 1.0)
        bar = "#" * int(done * 30)
        rate = self.count / max(time.perf_counter() - self.began, 1e-9)
        sys.stdout.write(f"{start}  {self.label:<24} [{bar:<30}] {self.count:>11,} rows {rate:>10,.0f} rows/s{end}")
        sys.stdout.flush()

    def finish(self) -> None:
        self.expected = max(self.count, 1)
        self._draw("\r" if self.tty else "", "\n")


def _columns(cur, table: str) -> dict[str, object]:
    """A value for every NOT NULL column without a default, so rows survive new model fields."""
    cur.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s"
        " AND is_nullable = 'NO' AND column_default IS NULL AND is_identity = 'NO'",
        [table],
    )
    empty = {"boolean": False, "integer": 0, "bigint": 0, "smallint": 0, "numeric": 1, "jsonb": "{}",
             "double precision": 0}  # fmt: skip
    return {name: empty.get(kind, "") for name, kind in cur.fetchall()}


class Copier:
    """One COPY stream into one table, filling the columns a row leaves out."""

    def __init__(
        self, conn, table: str, columns: list[str], expected: int, label: str | None = None, fill: dict | None = None
    ) -> None:
        with conn.cursor() as cur:
            # `fill` gives a left-out column its model's default where "empty" would break a rule.
            defaults = _columns(cur, table) | (fill or {})
        self.extra = [name for name in defaults if name not in columns]
        self.extra_values = tuple(defaults[name] for name in self.extra)
        names = ", ".join([*columns, *self.extra])
        self.cursor = conn.cursor()
        self.copy_context = self.cursor.copy(f"COPY {table} ({names}) FROM STDIN")
        self.copy = self.copy_context.__enter__()
        self.progress = Progress(label or table, expected)

    def write(self, row: tuple) -> None:
        self.copy.write_row(row + self.extra_values)
        self.progress.add()

    def close(self) -> int:
        self.copy_context.__exit__(None, None, None)
        self.cursor.close()
        self.progress.finish()
        return self.progress.count


def _next_id(cur, table: str) -> int:
    cur.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")
    return cur.fetchone()[0]


def _sample_answers(rng: random.Random, versions: dict[str, tuple[int, dict]]) -> dict[tuple, list[str]]:
    """A few valid sets of answers for each form as each age is asked it, checked by Heard's own form rules.

    Keyed by (audience, the question ids asked): the 8 to 11 form asks its ONS questions only from 11.
    """
    samples: dict[tuple, list[str]] = {}
    for audience, (_, whole) in versions.items():
        for age in (None, *range(4, 26)):
            schema = schema_for_age(whole, age)
            key = _asked(audience, schema)
            if key in samples:
                continue
            variants = []
            for _ in range(12):
                raw: dict[str, object] = {}
                for question in schema["questions"]:
                    kind = question["type"]
                    if kind in SINGLE_CHOICE_TYPES:
                        raw[question["id"]] = rng.choice(choices_for(question))["value"]
                    elif kind in MULTI_CHOICE_TYPES:
                        raw[question["id"]] = [rng.choice(choices_for(question))["value"]]
                    elif kind != "not_shared":
                        raw[question["id"]] = rng.choice(WORDS)
                cleaned, errors = clean_answers(schema, raw, complete=True)
                if errors:
                    raise RuntimeError(f"made-up answers for {audience} do not pass the form's rules: {errors}")
                variants.append(json.dumps(cleaned))
            samples[key] = variants
    return samples


def _asked(audience: str, schema: dict) -> tuple:
    return (audience, tuple(question["id"] for question in schema["questions"]))


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _child_form(age: int, uses_symbols: bool) -> str | None:
    if uses_symbols:
        return "symbols"
    if age < 4:
        return None
    return "child_4_7" if age <= 7 else "child_8_11" if age <= 11 else "young_12_15" if age <= 15 else "young_16_plus"


@dataclass
class _Child:
    id: int
    user_id: int
    iro_id: int
    born: date
    arrived: date
    left: date | None
    uses_symbols: bool
    contact_id: int

    @property
    def span(self) -> tuple[date, date]:
        return max(self.arrived, WINDOW_START), self.left or TODAY


def _children(rng: random.Random, count: int) -> list[tuple[date, date, date | None, bool]]:
    people = []
    for _ in range(count):
        low, high = _weighted(rng, AGE_BANDS)  # type: ignore[misc]
        born = TODAY - timedelta(days=rng.randint(low * 365, high * 365 + 364))
        # Most children in care long term came in young; an older child may have come in lately.
        arrived = born + timedelta(days=int((TODAY - born).days * rng.random() ** 1.5))
        arrived = min(arrived, TODAY - timedelta(days=30))
        arrived = max(arrived, born)
        left = arrived + timedelta(days=rng.randint(30, 2000)) if rng.random() < 0.12 else None
        people.append((born, arrived, left if left and left < TODAY else None, rng.random() < 0.02))
    return people


def grow(database_url: str, children: int, seed: int = 903) -> Loaded:
    """Add `children` children, with everything around them, to the database; return what was loaded."""
    began = time.perf_counter()
    rng = random.Random(seed + children)  # noqa: S311 (test data)
    now = datetime.now(UTC)
    loaded = Loaded()
    with psycopg.connect(database_url, autocommit=True) as admin:
        cur = admin.cursor()
        first = {t: _next_id(cur, t) for t in (
            "accounts_user", "reviews_child", "reviews_review", "feedback_statement", "reviews_iroallocation",
            "consultations_childcontact", "consultations_invitation", "consultations_response")}  # fmt: skip
        cur.execute(
            "SELECT t.audience, v.id, v.schema FROM consultations_formtemplateversion v JOIN"
            " consultations_formtemplate t ON t.id = v.template_id WHERE v.published_at IS NOT NULL"
            " ORDER BY v.number"
        )
        versions = {audience: (version_id, schema) for audience, version_id, schema in cur.fetchall()}
        answers = _sample_answers(rng, versions)

        people = _children(rng, children)
        iros = -(-children // CHILDREN_PER_IRO)
        user_rows, child_rows, allocation_rows, contact_rows, kids = [], [], [], [], []
        iro_first = first["accounts_user"]
        for n in range(iros):
            user_rows.append((iro_first + n, "!", f"iro-{iro_first + n}", "IRO", f"{iro_first + n}",
                              f"iro-{iro_first + n}@bench.example", True, True, now, "iro", 1, "app"))  # fmt: skip
        next_user = iro_first + iros
        for n, (born, arrived, left, symbols) in enumerate(people):
            child_id, user_id, iro_id = first["reviews_child"] + n, next_user + n, iro_first + n // CHILDREN_PER_IRO
            user_rows.append((user_id, "!", f"child-{child_id}", "", "", "", False, True, now, "child", 1, "app"))
            child_rows.append((
                child_id, f"N{child_id:08d}", user_id, born, "1" if rng.random() < 0.56 else "2", _weighted(rng, ETHNICITIES),
                "English", "Uses Makaton" if symbols or rng.random() < 0.03 else "", symbols,
                rng.random() < 0.4, arrived, arrived + timedelta(days=7), left,
            ))  # fmt: skip
            allocated = arrived + timedelta(days=rng.choice([1, 2, 3, 5, 7, 12]))
            allocation_rows.append((first["reviews_iroallocation"] + n, child_id, iro_id,
                                    min(allocated, left or allocated), left, now))  # fmt: skip
            contact_rows.append((first["consultations_childcontact"] + n, child_id, "carer", f"Carer {child_id}",
                                 "foster carer", f"carer-{child_id}@bench.example", "", "email", True))  # fmt: skip
            contact_id = first["consultations_childcontact"] + n
            kids.append(_Child(child_id, user_id, iro_id, born, arrived, left, symbols, contact_id))

        print(f"Loading {children:,} children, {iros:,} IROs and their records", flush=True)
        with psycopg.connect(database_url) as conn:
            conn.execute("SET session_replication_role = replica")  # trusted rows: skip per-row FK triggers
            for table, columns, rows in (
                ("accounts_user", ["id", "password", "username", "first_name", "last_name", "email", "is_staff",
                                   "is_active", "date_joined", "role", "fte", "notify_by"], user_rows),
                ("reviews_child", ["id", "case_reference", "user_id", "date_of_birth", "sex", "ethnicity",
                                   "first_language", "communication_needs", "uses_symbols", "placed_out_of_area",
                                   "became_looked_after", "iro_allocation_due", "left_care"], child_rows),
                ("reviews_iroallocation", ["id", "child_id", "iro_id", "allocated_on", "ended_on", "created_at"],
                 allocation_rows),
                ("consultations_childcontact", ["id", "child_id", "role", "name", "relationship", "email", "phone",
                                                "channel", "active"], contact_rows),
            ):  # fmt: skip
                copier = Copier(conn, table, columns, len(rows))
                for row in rows:
                    copier.write(row)
                loaded.rows[table] = copier.close()

        # Reviews at the child's own pace: the statutory timetable at most (20 working days, 3 months,
        # then 6 months: Care Planning Regulations 2010 reg 33), brought forward often enough that
        # the total matches the design's 25 a child. The first two and the late ones keep the full
        # statutory gap, so the gaps come out longer than the interval aimed at: aim 9% more
        # reviews (aiming at 25 gave 23.5 a child).
        total_span = sum(max((b - a).days, 0) for a, b in (kid.span for kid in kids))
        aimed = children * REVIEWS_PER_CHILD * 1.09
        interval = max(60, min(182, int(total_span / max(aimed, 1))))
        per_day = children * STATEMENTS_PER_CHILD / max(total_span, 1)
        with psycopg.connect(database_url) as reviews_conn, psycopg.connect(database_url) as statements_conn:
            for conn in (reviews_conn, statements_conn):
                conn.execute("SET session_replication_role = replica")
            reviews = Copier(reviews_conn, "reviews_review", [
                "id", "child_id", "sequence", "due_by", "scheduled_for", "held_on", "late_reason", "child_attended",
                "views_conveyed", "met_child_alone_before", "participation_code", "chaired_by_id", "proposed_code",
                "child_summary", "created_at"], children * REVIEWS_PER_CHILD)  # fmt: skip
            statements = Copier(statements_conn, "feedback_statement", [
                "child_id", "category", "body", "channel", "author_id", "on_behalf", "consent_given", "routed_to_id",
                "review_id", "created_at", "read_at", "read_by_id", "acknowledged_at", "reply", "replied_at",
                "replied_by_id", "quote_consent", "is_urgent", "notified_at", "urgent_reasons"],
                children * STATEMENTS_PER_CHILD, fill={"for_iro": True, "pictures": "[]"})  # fmt: skip
            consulted = []
            review_id = first["reviews_review"]
            for kid in kids:
                held_dates = list(_review_days(rng, kid, interval))
                start, end = kid.span
                moments = sorted(
                    datetime.combine(start, datetime.min.time(), UTC)
                    + timedelta(seconds=rng.randint(0, max((end - start).days, 1) * 86400))
                    for _ in range(int(per_day * max((end - start).days, 0) + rng.random()))
                )
                for sequence, due, held, late in held_dates:
                    if held is not None and held < WINDOW_START:
                        continue
                    age = _age(kid.born, held or due)
                    if held is None:
                        reviews.write((review_id, kid.id, sequence, due, due - timedelta(days=3), None, "", None, "",
                                       None, "", None, "", "", now))  # fmt: skip
                    else:
                        code = "PN0" if age < 4 else _weighted(rng, CODES)
                        reviews.write((review_id, kid.id, sequence, due, None, held, late, code in ("PN1", "PN3"),
                                       VIEWS.get(code, ""), age >= 4 and rng.random() < 0.6, code, kid.iro_id, code,
                                       "", now))  # fmt: skip
                    day = held or due
                    while moments and moments[0].date() <= day:
                        _statement(rng, statements, kid, moments.pop(0), review_id, waiting=held is None)
                    if day >= CONSULTED_SINCE:
                        consulted.append((review_id, kid, day, held is None, age))
                    review_id += 1
            loaded.rows["reviews_review"] = reviews.close()
            loaded.rows["feedback_statement"] = statements.close()

        with psycopg.connect(database_url) as invitations_conn, psycopg.connect(database_url) as responses_conn:
            for conn in (invitations_conn, responses_conn):
                conn.execute("SET session_replication_role = replica")
            invitations = Copier(invitations_conn, "consultations_invitation", [
                "id", "review_id", "audience", "contact_id", "version_id", "channel", "token_hash", "expires_at",
                "sent_at", "created_at"], len(consulted) * 2)  # fmt: skip
            responses = Copier(responses_conn, "consultations_response", [
                "id", "invitation_id", "version_id", "answers", "submitted_at", "entry_mode", "consent_given",
                "updated_at"], len(consulted))  # fmt: skip
            invitation_id, response_id = first["consultations_invitation"], first["consultations_response"]
            asked_keys: dict[tuple, tuple] = {}  # (audience, age or None for an adult): the questions asked
            for review, kid, day, upcoming, age in consulted:
                sent = datetime.combine(day - timedelta(days=14), datetime.min.time(), UTC)
                for audience, contact_id in ((_child_form(age, kid.uses_symbols), None), ("carer", kid.contact_id)):
                    if audience is None:
                        continue
                    token = sha256(f"{invitation_id}-{seed}".encode()).hexdigest()
                    invitations.write((invitation_id, review, audience, contact_id, versions[audience][0],
                                       "app" if contact_id is None else "email", token, sent + timedelta(days=21), sent,
                                       sent))  # fmt: skip
                    if rng.random() < (0.35 if upcoming else 0.65):
                        submitted = sent + timedelta(days=rng.randint(1, 12))
                        asked = (audience, None if contact_id else age)
                        if asked not in asked_keys:
                            schema = schema_for_age(versions[audience][1], asked[1])
                            asked_keys[asked] = _asked(audience, schema)
                        responses.write((response_id, invitation_id, versions[audience][0],
                                         rng.choice(answers[asked_keys[asked]]), submitted, "own_words", False,
                                         submitted))  # fmt: skip
                        response_id += 1
                    invitation_id += 1
            loaded.rows["consultations_invitation"] = invitations.close()
            loaded.rows["consultations_response"] = responses.close()

        # Explicit ids were given: move each table's identity on past them.
        for table in first:
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT coalesce(max(id), 1) FROM {table}))"
            )
        cur.execute("ANALYZE")
    loaded.seconds = time.perf_counter() - began
    return loaded


def _review_days(rng: random.Random, kid: _Child, interval: int) -> Iterator[tuple[int, date, date | None, str]]:
    """(sequence, due by, held on or None for the next one, late reason) for each of a child's reviews."""
    end = kid.left or TODAY
    sequence, due = 1, kid.arrived + timedelta(days=28)  # 20 working days
    held = due - timedelta(days=rng.randint(0, 10))
    reason = ""
    while held <= end:
        yield sequence, due, held, reason
        sequence += 1
        statutory = 91 if sequence == 2 else 182
        due = held + timedelta(days=statutory)
        if rng.random() < 0.08:
            held, reason = due + timedelta(days=rng.randint(1, 20)), rng.choice(LATE_REASONS)
        else:
            # Often brought forward (a move, a change of plan): due by the statutory date, held earlier.
            gap = statutory if sequence == 2 else max(45, min(statutory, int(rng.gauss(interval, 20))))
            held, reason = held + timedelta(days=gap), ""
    if kid.left is None:
        yield sequence, due, None, ""


def _statement(rng: random.Random, copier: Copier, kid: _Child, at: datetime, review_id: int, waiting: bool) -> None:
    """One message: older ones read (and most answered); some of those waiting for the next review unread."""
    unread = waiting and rng.random() < 0.5
    read = None if unread else at + timedelta(hours=rng.randint(1, 120))
    replied = read + timedelta(hours=rng.randint(1, 48)) if read and rng.random() < 0.7 else None
    copier.write((
        kid.id, rng.choice(CATEGORIES), rng.choice(WORDS), rng.choice(("web", "app", "app", "sms")), kid.user_id,
        False, False, kid.iro_id, review_id, at, read, None if unread else kid.iro_id, replied,
        "Thank you for telling me." if replied else "", replied, kid.iro_id if replied else None, False, False, at,
        "[]",
    ))  # fmt: skip


def counts(database_url: str, tables: Iterable[str]) -> dict[str, int]:
    """Rows in each table."""
    with psycopg.connect(database_url) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
