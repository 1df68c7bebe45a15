"""A retried create is authorised again before it is answered, and the first answer's words are never kept."""

import json
from datetime import date

import pytest
from django.forms.models import model_to_dict

from mobile_api.models import IdempotentRequest
from reviews.services import iro_allocate
from tests.conftest import client_for

# Re-allocation happens on a fixed day, before the pinned moment.
pytestmark = pytest.mark.usefixtures("pinned_clock")
WORDS = "I want to stay at my school."


def _post(client, url, body, key):
    return client.post(url, json.dumps(body), content_type="application/json", headers={"Idempotency-Key": key})


def test_a_former_iro_replaying_their_reply_gets_404_not_the_childs_words(child, child_user, iro, other_iro):
    made = _post(client_for(child_user), "/api/v1/statements/", {"category": "school", "body": WORDS}, "k1").json()
    url = f"/api/v1/statements/{made['id']}/reply/"
    first = _post(client_for(iro), url, {"reply": "I'll talk to school."}, "reply-1")
    assert first.status_code == 200 and WORDS in first.content.decode()

    iro_allocate(child=child, iro=other_iro, allocated_on=date(2026, 11, 20))
    replayed = _post(client_for(iro), url, {"reply": "I'll talk to school."}, "reply-1")
    assert replayed.status_code == 404
    assert WORDS not in replayed.content.decode()


def test_replaying_the_create_of_a_statement_taken_back_gets_404(child, child_user):
    client = client_for(child_user)
    made = _post(client, "/api/v1/statements/", {"category": "school", "body": WORDS}, "k1")
    assert made.status_code == 201
    assert client.delete(f"/api/v1/statements/{made.json()['id']}/").status_code == 204
    replayed = _post(client, "/api/v1/statements/", {"category": "school", "body": WORDS}, "k1")
    assert replayed.status_code == 404
    assert WORDS not in replayed.content.decode()


def test_a_replay_answers_as_the_first_time_while_it_may(child, child_user):
    client = client_for(child_user)
    first = _post(client, "/api/v1/statements/", {"category": "school", "body": WORDS}, "k1")
    again = _post(client, "/api/v1/statements/", {"category": "school", "body": WORDS}, "k1")
    assert (again.status_code, again.json(), again["Idempotent-Replayed"]) == (201, first.json(), "true")


def test_no_idempotency_record_keeps_a_childs_words(child, child_user):
    _post(client_for(child_user), "/api/v1/statements/", {"category": "school", "body": WORDS}, "k1")
    record = IdempotentRequest.objects.get()
    assert WORDS not in json.dumps(model_to_dict(record), default=str)
