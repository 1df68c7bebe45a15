"""The statements API: the same operations as the pages, for the app, safe to retry."""

import json
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from feedback.models import Category, Channel, Statement
from tests.conftest import app_token, client_for, problem_fields

URL = "/api/v1/statements/"


def _post(client, body=None, *, key=None, raw=None, content_type="application/json"):
    headers = {"Idempotency-Key": key} if key else {}
    payload = raw if raw is not None else json.dumps(body)
    return client.post(URL, payload, content_type=content_type, headers=headers)


def test_the_app_signs_in_with_allauth_headless_and_submits_with_the_session_token(child, child_user, iro):
    token = app_token("alice")
    app = Client(headers={"X-Session-Token": token})

    response = _post(app, {"category": Category.SCHOOL, "body": "Can I change maths sets?"}, key="app-1")

    assert response.status_code == 201, response.content
    statement = Statement.objects.get()
    assert response.json()["id"] == statement.pk
    assert (statement.child, statement.channel, statement.routed_to) == (child, Channel.APP, iro)
    listed = app.get(URL).json()
    assert [item["id"] for item in listed["results"]] == [statement.pk]


def test_a_bad_session_token_is_refused(child):
    app = Client(headers={"X-Session-Token": "not-a-token"})
    assert _post(app, {"category": Category.SCHOOL, "body": "hi"}).status_code == 401
    assert not Statement.objects.exists()


def test_a_retry_with_the_same_idempotency_key_is_stored_once(child, child_user):
    client = client_for(child_user)
    body = {"category": Category.HEALTH, "body": "My tooth hurts."}

    first = _post(client, body, key="retry-me")
    second = _post(client, body, key="retry-me")

    assert (first.status_code, second.status_code) == (201, 201)
    assert second.headers["Idempotent-Replayed"] == "true"
    assert first.json() == second.json()
    assert first.json()["id"] == second.json()["id"]
    assert Statement.objects.count() == 1


def test_the_same_key_with_a_different_body_is_a_conflict(child, child_user):
    client = client_for(child_user)
    _post(client, {"category": Category.HEALTH, "body": "My tooth hurts."}, key="k")
    response = _post(client, {"category": Category.HEALTH, "body": "Something else."}, key="k")
    assert response.status_code == 409
    assert Statement.objects.count() == 1


def test_without_a_key_each_post_is_a_new_statement(child, child_user):
    client = client_for(child_user)
    _post(client, {"category": Category.HEALTH, "body": "One."})
    _post(client, {"category": Category.HEALTH, "body": "One."})
    assert Statement.objects.count() == 2


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"body": "no category"}, "category"),
        ({"category": "secrets", "body": "x"}, "category"),
        ({"category": Category.SCHOOL}, "body"),
        ({"category": Category.SCHOOL, "body": "   "}, "body"),
        ({"category": Category.SCHOOL, "body": "x" * 5001}, "body"),
        ({"category": Category.SCHOOL, "body": "nul \x00 here"}, "body"),
        ({"category": Category.SCHOOL, "body": "ok", "child": "abc"}, "child"),
    ],
)
def test_bad_fields_get_a_400_naming_the_field(child, child_user, payload, field):
    response = _post(client_for(child_user), payload)
    assert response.status_code == 400, response.content
    assert field in problem_fields(response)
    assert not Statement.objects.exists()


@pytest.mark.parametrize(
    ("raw", "content_type", "status"),
    [("{not json", "application/json", 400), ("[]", "application/json", 400), ("category=school", "text/plain", 415)],
)
def test_malformed_bodies_get_a_clear_4xx_never_a_500(child, child_user, raw, content_type, status):
    response = _post(client_for(child_user), raw=raw, content_type=content_type)
    assert response.status_code == status
    assert problem_fields(response) is not None
    assert not Statement.objects.exists()


def test_a_child_cannot_write_as_another_child(child, other_child, child_user):
    response = _post(client_for(child_user), {"child": other_child.pk, "category": Category.SCHOOL, "body": "x"})
    assert response.status_code == 404
    assert not Statement.objects.exists()


def test_an_advocate_writes_for_an_assigned_child_only_with_consent(child, other_child, advocate):
    client = client_for(advocate)
    body = {"child": child.pk, "category": Category.SCHOOL, "body": "She wants a tutor."}

    no_consent = _post(client, body)
    assert no_consent.status_code == 400
    assert "consent_given" in problem_fields(no_consent)

    sent = _post(client, {**body, "consent_given": True})
    assert sent.status_code == 201
    assert sent.json()["on_behalf"] is True

    not_assigned = _post(client, {**body, "child": other_child.pk, "consent_given": True})
    assert not_assigned.status_code == 404
    assert Statement.objects.count() == 1


def test_an_advocate_must_say_which_child(child, advocate):
    response = _post(client_for(advocate), {"category": Category.SCHOOL, "body": "x", "consent_given": True})
    assert response.status_code == 400
    assert "child" in problem_fields(response)


def test_staff_cannot_submit_statements(child, iro, manager, cicc):
    for user in (iro, manager):
        response = _post(client_for(user), {"child": child.pk, "category": Category.SCHOOL, "body": "x"})
        assert response.status_code == 403
    assert _post(client_for(cicc), {"child": child.pk, "category": Category.SCHOOL, "body": "x"}).status_code == 404
    assert not Statement.objects.exists()


def test_the_iro_marks_a_statement_read_and_the_child_sees_it(child, child_user, iro, other_iro, manager):
    statement_id = _post(client_for(child_user), {"category": Category.SCHOOL, "body": "x"}).json()["id"]
    url = f"/api/v1/statements/{statement_id}/read/"

    assert client_for(other_iro).post(url).status_code == 404
    assert client_for(child_user).post(url).status_code == 403
    assert client_for(manager).post(url).status_code == 403
    response = client_for(iro).post(url)
    assert response.status_code == 200
    assert response.json()["read"] is True

    mine = client_for(child_user).get(URL).json()["results"][0]
    assert mine["read"] is True
    assert mine["read_at"] is not None


def test_each_caller_lists_only_what_they_may_see(child, other_child, child_user, other_child_user, iro, cicc):
    _post(client_for(child_user), {"category": Category.SCHOOL, "body": "alice"})
    _post(client_for(other_child_user), {"category": Category.SCHOOL, "body": "bob"})

    def bodies(user):
        return [item["body"] for item in client_for(user).get(URL).json()["results"]]

    assert bodies(child_user) == ["alice"]
    assert bodies(other_child_user) == ["bob"]
    assert bodies(iro) == ["alice"]
    assert bodies(cicc) == []


def test_the_schema_and_docs_are_served_without_third_party_assets(db):
    client = Client()
    schema = client.get("/api/schema/", headers={"Accept": "application/json"})
    assert schema.status_code == 200
    assert "/api/v1/statements/" in schema.content.decode()
    docs = client.get("/api/docs/").content.decode()
    assert "cdn." not in docs
    assert "unpkg" not in docs


def test_a_message_over_the_limit_gets_the_same_words_in_the_app_as_on_the_web(child, child_user, settings):
    settings.HEARD_STATEMENT_MAX_LENGTH = 20
    body = {"category": Category.SCHOOL, "body": "x" * 21}
    told = "That's a lot to say! Please keep it under 20 characters, or send it in parts."
    app = _post(client_for(child_user), body)
    assert app.status_code == 400 and problem_fields(app) == {"body": told}
    page = client_for(child_user).post(reverse("feedback:statement_new"), {**body, "idempotency_key": "k"})
    assert page.status_code == 200 and told in unescape(page.content.decode())
    assert not Statement.objects.exists()
