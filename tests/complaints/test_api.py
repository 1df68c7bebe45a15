"""GET/POST /api/v1/complaints/ and GET /api/v1/complaints/{id}/: made once per key, bad input as problems."""

import json

import pytest

from complaints.models import Complaint
from tests.complaints.conftest import app_client
from tests.conftest import problem_fields

pytestmark = pytest.mark.usefixtures("pinned_clock")


def _post(client, body, **headers):
    return client.post("/api/v1/complaints/", json.dumps(body), content_type="application/json", headers=headers)


def test_a_child_makes_a_complaint_and_lists_it_with_its_dates(child):
    client = app_client("alice")
    made = _post(client, {"words": "My pocket money stopped.", "advocate_wanted": False})
    assert made.status_code == 201
    body = made.json()
    # Made on Mon 23 Nov 2026: acknowledge by Wed 25 Nov, stage 1 answer by Mon 7 Dec.
    assert (body["kind"], body["channel"], body["stage"], body["is_open"]) == ("complaint", "app", 1, True)
    assert (body["acknowledgement_due"], body["stage1_due"]) == ("2026-11-25", "2026-12-07")
    listed = client.get("/api/v1/complaints/").json()
    assert [c["id"] for c in listed["results"]] == [body["id"]]
    assert client.get(f"/api/v1/complaints/{body['id']}/").json()["words"] == "My pocket money stopped."


def test_a_retry_with_the_same_key_makes_one_complaint_and_another_body_is_a_conflict(child):
    client = app_client("alice")
    first = _post(client, {"words": "Same words"}, **{"Idempotency-Key": "k-1"})
    again = _post(client, {"words": "Same words"}, **{"Idempotency-Key": "k-1"})
    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true"
    assert first.json()["id"] == again.json()["id"]
    other = _post(client, {"words": "Other words"}, **{"Idempotency-Key": "k-1"})
    assert other.status_code == 409
    assert Complaint.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"words": ""}, "words"),
        ({"words": "   "}, "words"),
        ({"words": "x" * 5001}, "words"),
        ({}, "words"),
        ({"words": "hi", "kind": "grumble"}, "kind"),
        ({"words": 42}, "words"),
        ({"words": "hi", "advocate_wanted": "yes"}, "advocate_wanted"),
        ({"words": "hi", "child": 1}, "child"),
    ],
)
def test_bad_input_is_a_problem_naming_the_field(child, body, field):
    response = _post(app_client("alice"), body)
    assert response.status_code == 400
    assert field in problem_fields(response)
    assert not Complaint.objects.exists()


def test_a_body_that_is_not_an_object_is_a_problem_not_a_500(child):
    response = app_client("alice").post("/api/v1/complaints/", "[1, 2]", content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


def test_staff_do_not_make_complaints_in_the_api(child, manager, iro):
    for username in ("morgan", "amara"):
        assert _post(app_client(username), {"words": "For Alice"}).status_code == 403
    assert not Complaint.objects.exists()
