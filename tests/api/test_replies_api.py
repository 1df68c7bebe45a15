"""The conversation through the API: oldest first a page at a time, replies from both sides, receipts, retries, 404s."""

import json
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import AccessLogEntry
from feedback.models import Reply, ReplyFrom, SafeguardingAlert
from feedback.services import reply_post, statement_submit
from mobile_api.models import IdempotentRequest
from reviews.services import iro_allocate
from tests.conftest import client_for, problem_fields

pytestmark = pytest.mark.usefixtures("pinned_clock")
WORDS = "I want to stay at my school."


@pytest.fixture
def statement(child, child_user, iro):
    iro.first_name, iro.last_name = "Amara", "Osei"
    iro.save()
    return statement_submit(author=child_user, child=child, category="school", body=WORDS, channel="app")[0]


def _url(statement) -> str:
    return f"/api/v1/statements/{statement.pk}/replies/"


def _post(client, url, body, key=""):
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


def test_both_sides_reply_and_read_the_conversation_oldest_first(statement, child_user, iro):
    child, staff = client_for(child_user), client_for(iro)
    made = _post(staff, _url(statement), {"body": "I'll ask school."})
    assert made.status_code == 201
    assert made.json() | {"id": 0, "created_at": ""} == {
        "id": 0,
        "from": "iro",
        "author_name": "Amara",  # the first name only
        "body": "I'll ask school.",
        "created_at": "",
        "read_at": None,
    }
    assert _post(child, _url(statement), {"body": "Thanks!"}).json()["from"] == "child"

    seen = child.get(_url(statement)).json()
    assert [(r["from"], r["author_name"], r["body"]) for r in seen["results"]] == [
        ("iro", "Amara", "I'll ask school."),
        ("child", None, "Thanks!"),
    ]
    # The child's reading marked their IRO's reply read; their own waits for their IRO.
    assert seen["results"][0]["read_at"] is not None and seen["results"][1]["read_at"] is None
    assert staff.get(_url(statement)).json()["results"][1]["read_at"] is not None
    assert set(Reply.objects.values_list("read_by", flat=True)) == {child_user.pk, iro.pk}


def test_the_iros_read_is_in_the_access_log_and_a_childs_is_not(statement, child_user, iro):
    client_for(child_user).get(_url(statement))
    client_for(iro).get(_url(statement))
    assert list(AccessLogEntry.objects.values_list("user", "object_id")) == [(iro.pk, str(statement.pk))]


def test_an_advocate_replies_for_the_child_on_what_they_wrote(child, advocate):
    advocate.first_name = "Riley"
    advocate.save()
    written, _ = statement_submit(
        author=advocate, child=child, category="school", body=WORDS, channel="app", consent_given=True
    )
    made = _post(client_for(advocate), _url(written), {"body": "She says thank you."})
    assert (made.status_code, made.json()["from"], made.json()["author_name"]) == (201, "advocate", "Riley")


def test_pages_are_cursor_paged_twenty_at_a_time_oldest_first(statement, child_user, iro, pinned_clock):
    for number in range(25):
        pinned_clock.shift(60)
        reply_post(statement=statement, author=child_user if number % 2 else iro, body=f"reply {number}")
    client = client_for(child_user)
    first = client.get(_url(statement)).json()
    assert [r["body"] for r in first["results"]] == [f"reply {n}" for n in range(20)]
    cursor = parse_qs(urlsplit(first["next"]).query)["cursor"][0]
    rest = client.get(_url(statement), {"cursor": cursor}).json()
    assert [r["body"] for r in rest["results"]] == [f"reply {n}" for n in range(20, 25)]
    assert rest["next"] is None
    small = client.get(_url(statement), {"page_size": "5"}).json()
    assert len(small["results"]) == 5 and small["next"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "101"}, "page_size"),
        ({"page_size": "ten"}, "page_size"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"cursor": "bz14"}, "cursor"),  # base64 of "o=x": the shape of a cursor, not one Heard made
    ],
)
def test_a_bad_page_size_or_cursor_is_a_clear_400_and_marks_nothing_read(statement, child_user, iro, query, field):
    reply_post(statement=statement, author=iro, body="Hello")
    response = client_for(child_user).get(_url(statement), query)
    assert response.status_code == 400 and field in problem_fields(response)
    assert Reply.objects.get().read_at is None


def test_a_retry_with_the_same_key_is_answered_as_the_first_time_and_stored_once(statement, child_user):
    client = client_for(child_user)
    first = _post(client, _url(statement), {"body": "See you Friday"}, "reply-1")
    again = _post(client, _url(statement), {"body": "See you Friday"}, "reply-1")
    assert (first.status_code, again.status_code, again["Idempotent-Replayed"]) == (201, 201, "true")
    assert again.json() == first.json()
    assert Reply.objects.count() == 1
    other = _post(client, _url(statement), {"body": "Other words"}, "reply-1")
    assert other.status_code == 409
    assert Reply.objects.count() == 1


def test_a_retry_after_its_record_has_gone_is_found_by_its_key(statement, child_user):
    client = client_for(child_user)
    first = _post(client, _url(statement), {"body": "See you Friday"}, "reply-2")
    IdempotentRequest.objects.all().delete()  # kept 7 days; the reply's own key still answers
    again = _post(client, _url(statement), {"body": "See you Friday"}, "reply-2")
    assert (again.status_code, again.json()) == (201, first.json())
    assert _post(client, _url(statement), {"body": "Other"}, "reply-2").status_code == 409
    assert Reply.objects.count() == 1


@pytest.mark.parametrize(("body", "expected"), [({"body": "   "}, "Please write something"), ({}, "Please write")])
def test_an_empty_reply_is_a_clear_400(statement, child_user, body, expected):
    response = _post(client_for(child_user), _url(statement), body)
    assert response.status_code == 400 and expected in problem_fields(response)["body"]
    assert not Reply.objects.exists()


def test_too_long_a_reply_is_a_clear_400(statement, child_user, iro, settings):
    settings.HEARD_STATEMENT_MAX_LENGTH = 20
    child = _post(client_for(child_user), _url(statement), {"body": "x" * 21})
    staff = _post(client_for(iro), _url(statement), {"body": "x" * 1001})
    assert child.status_code == staff.status_code == 400
    assert "under 20 characters" in problem_fields(child)["body"]
    assert "under 1000 characters" in problem_fields(staff)["body"]
    assert not Reply.objects.exists()


def test_nobody_outside_the_conversation_reads_or_writes_in_it(
    statement, child, other_child, other_child_user, iro, other_iro, manager
):
    for outsider in (other_child_user, other_iro):
        client = client_for(outsider)
        assert client.get(_url(statement)).status_code == 404
        assert _post(client, _url(statement), {"body": "hi"}).status_code == 404
    assert client_for(manager).get(_url(statement)).status_code == 200  # managers may look
    assert _post(client_for(manager), _url(statement), {"body": "hi"}).status_code == 403
    iro_allocate(child=child, iro=other_iro, allocated_on=date(2026, 11, 20))
    former = client_for(iro)
    assert former.get(_url(statement)).status_code == 404
    assert _post(former, _url(statement), {"body": "hi"}).status_code == 404
    assert WORDS not in former.get(_url(statement)).content.decode()
    assert not Reply.objects.exists()


def test_the_old_reply_endpoint_adds_to_the_conversation(statement, child_user, iro):
    url = f"/api/v1/statements/{statement.pk}/reply/"
    for words in ("First", "Second"):
        assert _post(client_for(iro), url, {"reply": words}).status_code == 200
    assert list(Reply.objects.values_list("sender", "body")) == [(ReplyFrom.IRO, "First"), (ReplyFrom.IRO, "Second")]
    assert client_for(child_user).get(f"/api/v1/statements/{statement.pk}/").json()["reply"] == "Second"


def test_a_childs_urgent_reply_through_the_app_raises_an_alert(statement, child_user):
    made = _post(client_for(child_user), _url(statement), {"body": "my step dad hits me"})
    assert made.status_code == 201
    assert SafeguardingAlert.objects.filter(statement=statement, closed_at__isnull=True).exists()


def test_reading_the_conversation_costs_the_same_however_long_it_is(statement, child_user, iro):
    client = client_for(child_user)
    reply_post(statement=statement, author=iro, body="one")
    client.get(_url(statement))  # the session and language are settled from here on

    def queries() -> int:
        with CaptureQueriesContext(connection) as done:
            assert client.get(_url(statement)).status_code == 200
        return len(done.captured_queries)

    short = queries()
    for number in range(15):
        reply_post(statement=statement, author=iro, body=f"more {number}")
    assert queries() == short <= 8
