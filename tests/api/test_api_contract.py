"""The rules every API operation keeps: problem details, retries, cursors, ETags, throttles, limits."""

import json
import threading
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.utils import timezone

from consultations.models import Response as FormResponse
from consultations.services import forms_sync_from_files, invitations_create_for_review
from feedback.models import ServiceFeedback, Statement
from feedback.services import statement_submit
from mobile_api.models import IdempotentRequest
from reviews.models import AdvocacyRequest, Review
from reviews.services import review_record_held
from tests.conftest import client_for, problem_fields

LONDON = ZoneInfo("Europe/London")


def _post(client, url, body, *, key=None, method="post"):
    headers = {"Idempotency-Key": key} if key else {}
    return getattr(client, method)(url, json.dumps(body), content_type="application/json", headers=headers)


# --- problem details -------------------------------------------------------------------------


def test_an_unknown_api_path_is_a_problem_not_a_page(db):
    response = client_for(None).get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    problem_fields(response)
    assert response.json()["title"] == "Not Found"


def test_without_a_session_the_answer_is_401_with_a_challenge(db):
    response = Client().get("/api/v1/me/")
    assert response.status_code == 401
    assert "X-Session-Token" in response["WWW-Authenticate"]
    problem_fields(response)


def test_an_expired_or_stolen_session_token_is_401(child, child_user):
    response = Client(headers={"X-Session-Token": "stolen-or-expired"}).get("/api/v1/statements/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_another_childs_statement_is_404_with_nothing_of_it_in_the_answer(child, other_child, other_child_user):
    theirs, _ = statement_submit(
        author=other_child_user, child=other_child, category="school", body="Bob's secret", channel="web"
    )
    response = client_for(child.user).get(f"/api/v1/statements/{theirs.pk}/")
    assert response.status_code == 404
    assert b"secret" not in response.content
    assert response.json()["code"] == "not_found"


def test_unknown_fields_are_named_and_nothing_is_stored(child, child_user):
    response = _post(
        client_for(child_user), "/api/v1/statements/", {"category": "school", "body": "hi", "catgory": "x"}
    )
    assert response.status_code == 400
    assert problem_fields(response) == {"catgory": "This field is not part of this request."}
    assert response.json()["errors"][0]["pointer"] == "#/catgory"
    assert not Statement.objects.exists()


def test_wrong_types_are_named_with_a_pointer(child, child_user):
    response = _post(client_for(child_user), "/api/v1/statements/", {"category": ["school"], "body": {"a": 1}})
    assert response.status_code == 400
    assert set(problem_fields(response)) == {"category", "body"}


def test_a_huge_body_is_413_and_not_read(child, child_user, settings):
    settings.HEARD_API_MAX_BODY_BYTES = 1000
    response = _post(client_for(child_user), "/api/v1/statements/", {"category": "school", "body": "x" * 5000})
    assert response.status_code == 413
    problem_fields(response)
    assert not Statement.objects.exists()


def test_a_body_that_is_not_json_is_415(child, child_user):
    response = client_for(child_user).post("/api/v1/statements/", "category=school&body=hi", content_type="text/plain")
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_a_method_the_endpoint_lacks_is_405_in_the_same_shape(child, child_user):
    response = client_for(child_user).delete("/api/v1/statements/")
    assert response.status_code == 405
    assert "GET" in response["Allow"]
    problem_fields(response)


@pytest.fixture
def mid_minute():
    """Forty seconds into a minute, clock stopped: the throttles count in whole minutes."""
    with time_machine.travel(datetime(2026, 11, 20, 15, 4, 40, tzinfo=LONDON), tick=False) as traveller:
        yield traveller


def test_too_many_requests_is_429_with_retry_after_per_user(child, child_user, other_child_user, settings, mid_minute):
    settings.HEARD_API_THROTTLE_RATES = {"user": "3/minute", "address": "1000/minute"}
    alice = client_for(child_user)
    statuses = [alice.get("/api/v1/me/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = alice.get("/api/v1/me/")
    assert refused["Retry-After"] == "20"  # when this minute's count starts again
    assert refused.json()["code"] == "throttled"
    assert client_for(other_child_user).get("/api/v1/me/").status_code == 200  # each user has their own budget
    mid_minute.shift(timedelta(seconds=20))
    assert alice.get("/api/v1/me/").status_code == 200


def test_too_many_requests_from_one_address_is_429_whoever_signs_in(child_user, other_child_user, settings, mid_minute):
    settings.HEARD_API_THROTTLE_RATES = {"user": "1000/minute", "address": "3/minute"}
    statuses = []
    for user in (child_user, other_child_user, child_user, other_child_user):
        client = client_for(user)
        statuses.append(client.get("/api/v1/me/", REMOTE_ADDR="203.0.113.9").status_code)
    assert statuses == [200, 200, 200, 429]
    assert client_for(child_user).get("/api/v1/me/", REMOTE_ADDR="203.0.113.10").status_code == 200


# --- Idempotency-Key on every create --------------------------------------------------------


def _statement_create(child, child_user, iro, **_):
    return client_for(child_user), "/api/v1/statements/", {"category": "school", "body": "a"}, Statement.objects


def _statement_reply(child, child_user, iro, **_):
    statement, _ = statement_submit(author=child_user, child=child, category="school", body="a", channel="web")
    return client_for(iro), f"/api/v1/statements/{statement.pk}/reply/", {"reply": "Thanks"}, IdempotentRequest.objects


def _consultation_submit(child, child_user, iro, **_):
    forms_sync_from_files()
    review = Review.objects.get(child=child, held_on__isnull=True)
    review.scheduled_for = timezone.localdate() + timedelta(days=14)
    review.save()
    [invitation] = [i for i in invitations_create_for_review(review=review) if i.contact_id is None]
    body = {"answers": {"home_feeling": "ok"}}
    return client_for(child_user), f"/api/v1/consultations/{invitation.pk}/submit/", body, FormResponse.objects


def _review_feedback(child, child_user, iro, capture, **_):
    review = Review.objects.get(child=child, held_on__isnull=True)
    with time_machine.travel(datetime(2026, 11, 20, 15, tzinfo=LONDON)), capture(execute=True):
        review_record_held(review=review, held_on=date(2026, 11, 20), late_reason="late", attended=True, views="spoke")
    body = {"listened": "yes", "made_difference": "partly"}
    return client_for(child_user), f"/api/v1/reviews/{review.pk}/feedback/", body, ServiceFeedback.objects


def _advocacy_request(child, child_user, iro, **_):
    return client_for(child_user), "/api/v1/advocacy-requests/", {"note": "help"}, AdvocacyRequest.objects


CREATES = [_statement_create, _statement_reply, _consultation_submit, _review_feedback, _advocacy_request]


# What each create answers the first time: 201 where something new is made, 200 for a step on
# something that exists.
FIRST_ANSWER = {
    "_statement_create": 201,
    "_statement_reply": 200,
    "_consultation_submit": 201,
    "_review_feedback": 201,
    "_advocacy_request": 201,
}


@pytest.mark.parametrize("scenario", CREATES, ids=lambda f: f.__name__.strip("_"))
@pytest.mark.usefixtures("pinned_clock")  # the review is held on a fixed day; feedback is asked for four weeks
def test_every_create_answers_a_retry_with_the_first_answer_and_a_changed_body_with_409(
    scenario, child, child_user, iro, django_capture_on_commit_callbacks
):
    client, url, body, stored = scenario(
        child=child, child_user=child_user, iro=iro, capture=django_capture_on_commit_callbacks
    )
    first = _post(client, url, body, key="one-tap")
    assert first.status_code == FIRST_ANSWER[scenario.__name__], first.content
    before = stored.count()

    again = _post(client, url, body, key="one-tap")
    assert (again.status_code, again.json()) == (first.status_code, first.json())
    assert again["Idempotent-Replayed"] == "true"

    changed = {**body, **({"note": "other"} if "note" in body else {})}
    changed = changed if changed != body else {**body, next(iter(body)): _different(body[next(iter(body))])}
    conflict = _post(client, url, changed, key="one-tap")
    assert conflict.status_code == 409
    assert conflict.json()["code"] == "conflict"
    assert stored.count() == before


def _different(value):
    if isinstance(value, dict):
        return {**value, "extra": "changed"}
    return {"yes": "no", "school": "health"}.get(value, f"{value} changed")


def test_an_idempotency_key_that_is_not_printable_or_too_long_is_named(child, child_user):
    client = client_for(child_user)
    long_key = _post(client, "/api/v1/statements/", {"category": "school", "body": "a"}, key="k" * 256)
    assert long_key.status_code == 400
    assert "Idempotency-Key" in problem_fields(long_key)
    assert not Statement.objects.exists()


def test_keys_belong_to_one_user(child, child_user, advocate):
    _post(client_for(child_user), "/api/v1/statements/", {"category": "school", "body": "a"}, key="same")
    theirs = _post(
        client_for(advocate),
        "/api/v1/statements/",
        {"category": "school", "body": "b", "child": child.pk, "consent_given": True},
        key="same",
    )
    assert theirs.status_code == 201
    assert Statement.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_retries_at_the_same_moment_store_one_statement(child, child_user):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL; SQLite's test database serialises whole tables")
    results = []
    barrier = threading.Barrier(4)

    def send():
        barrier.wait()
        response = _post(client_for(child_user), "/api/v1/statements/", {"category": "school", "body": "a"}, key="k")
        results.append(response.status_code)
        connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [201] * 4
    assert Statement.objects.count() == 1
    assert IdempotentRequest.objects.count() == 1


# --- cursors and ETags -------------------------------------------------------------------------


def test_cursors_are_stable_when_new_statements_arrive_mid_walk(child, child_user, iro):
    for n in range(5):
        statement_submit(author=child_user, child=child, category="school", body=f"m{n}", channel="web")
    client = client_for(iro)
    page = client.get("/api/v1/statements/?page_size=2").json()
    seen = [item["body"] for item in page["results"]]
    statement_submit(author=child_user, child=child, category="school", body="new", channel="web")
    while page["next"]:
        page = client.get(page["next"]).json()
        seen += [item["body"] for item in page["results"]]
    assert seen == ["m4", "m3", "m2", "m1", "m0"]


def test_a_forged_cursor_is_a_clear_404(child, child_user):
    response = client_for(child_user).get("/api/v1/statements/?cursor=not-a-cursor")
    assert response.status_code == 404
    problem_fields(response)


def test_etag_gives_304_until_something_changes(child, child_user, iro):
    statement, _ = statement_submit(author=child_user, child=child, category="school", body="a", channel="web")
    client = client_for(child_user)
    url = f"/api/v1/statements/{statement.pk}/"
    first = client.get(url)
    assert first["Cache-Control"] == "private, no-store"
    etag = first["ETag"]

    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    client_for(iro).post(f"{url}read/")
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.json()["read"] is True
    assert changed["ETag"] != etag
