"""The queries of Heard's busiest requests, pinned exactly (bench/RESULTS.md has them at national scale).

Each count is every statement Django sends, BEGIN and COMMIT included; on a mismatch the test
prints each query. Staff sign in to the app with TOTP (as the app does), so the session says so.
"""

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from consultations.services import forms_sync_from_files, invitations_create_for_review
from feedback.models import Category
from feedback.safeguarding import active_phrases
from feedback.services import statement_submit
from feedback.tasks import notify_alert, notify_child_about_statement, notify_iro_of_statement
from integrations.services import SUBSCRIBERS as webhook_subscribers
from reporting.services import themes_by_slug
from reviews.models import Review
from reviews.services import iro_allocate
from sms.tasks import deliver_sms
from tests.conftest import app_token, make_child, make_user
from tests.consultations.history import reviews_answered
from tests.sms.fake_twilio import AUTH_TOKEN, PUBLIC_BASE_URL, signed_post

# A transaction-wrapped test sees no BEGIN or COMMIT and makes savepoints of its own: count as served.
pytestmark = pytest.mark.django_db(transaction=True)

CASELOADS = (10, 60, 300)


@pytest.fixture(autouse=True)
def _working_hours(pinned_clock):
    """A Monday morning: an urgent message goes to the IRO, not the out-of-hours duty team."""


@pytest.fixture(autouse=True)
def _rules_loaded(council_defaults):
    """Each process keeps the phrases, themes and webhook subscriptions once loaded (backend/edited_rules.py)."""
    active_phrases.get()
    themes_by_slug.get()
    webhook_subscribers.get()


@pytest.fixture(autouse=True)
def _tasks_queued_not_run(monkeypatch):
    """The worker's notices are its own queries, not the request's: count only what the request does."""
    queued: list[str] = []
    for task in (notify_iro_of_statement, notify_alert, notify_child_about_statement, deliver_sms):
        monkeypatch.setattr(task, "delay", lambda *args, _name=task.name, **kwargs: queued.append(_name))
    monkeypatch.setattr(deliver_sms, "apply_async", lambda *args, **kwargs: queued.append(deliver_sms.name))
    return queued


def _exactly(expected: int, queries: CaptureQueriesContext, what: str) -> None:
    done = [q["sql"] for q in queries.captured_queries]
    listing = "\n".join(f"{n}. {sql[:300]}" for n, sql in enumerate(done, 1))
    assert len(done) == expected, f"{what}: expected {expected} queries, made {len(done)}:\n{listing}"


def _count(request, expected: int, what: str, status: int):
    with CaptureQueriesContext(connection) as queries:
        response = request()
    assert response.status_code == status, response.content[:300]
    _exactly(expected, queries, what)
    return response


# --- Submission: the app, the web and texts; not urgent and urgent --------------------------


@pytest.fixture
def app(child, child_user) -> Client:
    token = app_token(child_user.username)
    app = Client(headers={"X-Session-Token": token})
    app.get("/api/v1/me/")  # the session is in the cache from here on, as on every later request
    return app


def _app_submit(app: Client, key: str, category: str, body: str):
    return app.post(
        "/api/v1/statements/",
        {"category": category, "body": body},
        content_type="application/json",
        headers={"Idempotency-Key": key},
    )


@pytest.mark.parametrize(
    ("category", "body", "expected"),
    [
        (Category.SCHOOL, "Can I change my maths set?", 8),
        (Category.UNSAFE, "I don't feel safe at home", 10),
    ],
    ids=["not urgent", "urgent"],
)
def test_submitting_through_the_app(app, category, body, expected):
    _count(lambda: _app_submit(app, "first", category, body), expected, "app submission", 201)


def test_a_retried_app_submission_is_answered_from_its_record(app):
    _app_submit(app, "once", Category.SCHOOL, "Can I change my maths set?")
    _count(lambda: _app_submit(app, "once", Category.SCHOOL, "Can I change my maths set?"), 8, "app retry", 201)


@pytest.mark.parametrize(
    ("category", "body", "expected"),
    [
        (Category.SCHOOL, "Can I change my maths set?", 7),
        (Category.UNSAFE, "I don't feel safe at home", 10),
    ],
    ids=["not urgent", "urgent"],
)
def test_submitting_on_the_web(child, child_user, category, body, expected):
    web = Client()
    web.force_login(child_user)
    web.get(reverse("feedback:statement_new"))
    data = {"category": category, "body": body, "idempotency_key": "web-1"}
    _count(lambda: web.post(reverse("feedback:statement_new"), data), expected, "web submission", 302)


@pytest.mark.parametrize(
    ("topic", "words", "expected"),
    [("7", "Can I change my maths set?", 12), ("7", "My step dad hits me", 14)],
    ids=["not urgent", "urgent"],
)
def test_submitting_by_text(child, child_user, settings, topic, words, expected):
    settings.TWILIO_AUTH_TOKEN = AUTH_TOKEN
    settings.PUBLIC_BASE_URL = PUBLIC_BASE_URL
    settings.SMS_BACKEND = "sms.transport.ConsoleTransport"
    twilio = Client()

    def send(body: str, sid: str):
        params = {"MessageSid": sid, "From": child_user.phone, "To": "+447700900999", "Body": body}
        return signed_post(twilio, "/sms/inbound/", params)

    send(topic, "SM" + "1" * 32)
    _count(lambda: send(words, "SM" + "2" * 32), expected, "text submission", 200)


# --- The inbox and the pre-review pack at 10, 60 and 300 children ---------------------------


def _caseload(iro, size: int) -> Review:
    """Children allocated to the IRO, each with a message waiting and an urgent one (its alert open)."""
    review = None
    for number in range(size):
        user = make_user(f"kid{number}", Role.CHILD)
        child = make_child(f"Q{number:05d}", user=user)
        iro_allocate(child=child, iro=iro, allocated_on=date(2025, 9, 2))
        statement_submit(author=user, child=child, category=Category.SCHOOL, body="first", channel="web")
        statement_submit(author=user, child=child, category=Category.UNSAFE, body="not safe", channel="web")
        review = Review.objects.get(child=child, held_on__isnull=True)
    assert review is not None
    forms_sync_from_files()
    invitations_create_for_review(review=review)
    return review


@pytest.mark.parametrize("size", CASELOADS)
def test_the_inbox_and_the_pack_cost_the_same_at_any_caseload(iro, size):
    review = _caseload(iro, size)
    app = Client(headers={"X-Session-Token": app_token(iro.username)})
    web = Client()
    # Signed in to the web without the TOTP step's record in the session: the page asks the database
    # whether TOTP is set up (one query the app, signed in with TOTP, does not make).
    web.force_login(iro)
    app.get("/api/v1/me/")
    web.get(reverse("feedback:inbox"))
    _count(lambda: app.get("/api/v1/inbox/"), 6, f"inbox API, {size} children", 200)
    # The page shows the start of each message's words, so its reads are logged (one insert).
    _count(lambda: web.get(reverse("feedback:inbox")), 10, f"inbox page, {size} children", 200)
    # Filters and search narrow the same queries: none is added, whatever the caseload.
    filtered = "?q=first&category=school&unread=1&review_within=365"
    _count(lambda: app.get("/api/v1/inbox/" + filtered), 6, f"inbox API filtered, {size} children", 200)
    _count(lambda: web.get(reverse("feedback:inbox") + filtered), 10, f"inbox page filtered, {size} children", 200)
    # The pack reads the child's wellbeing answers across their reviews in one query of its own.
    _count(lambda: app.get(f"/api/v1/reviews/{review.pk}/pack/"), 6, f"pack API, {size} children", 200)
    _count(lambda: web.get(reverse("consultations:pack", args=[review.pk])), 7, f"pack page, {size} children", 200)


# --- A child's record at 1, 3 and 8 reviews ---------------------------------------------------


@pytest.mark.parametrize("reviews", (1, 3, 8))
def test_a_childs_record_costs_the_same_however_many_reviews_they_have_had(iro, reviews):
    forms_sync_from_files()
    child = reviews_answered(iro, reviews)
    web = Client()
    web.force_login(iro)  # as the inbox above: the page asks once whether TOTP is set up
    url = reverse("consultations:child_record", args=[child.pk])
    web.get(url)
    # The child, their IRO, reviews, form, wellbeing answers and latest messages; two inserts log the read.
    _count(lambda: web.get(url), 10, f"child's record, {reviews} reviews", 200)
