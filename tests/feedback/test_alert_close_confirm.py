"""Closing a safeguarding alert is final: the page asks for a confirmation and refuses without it."""

import json

import pytest
from django.urls import reverse

from feedback.models import AlertEventKind, Category, SafeguardingAlert
from feedback.services import statement_submit
from tests.conftest import client_for
from tests.feedback.test_edt import app_client

pytestmark = pytest.mark.usefixtures("pinned_clock")

ACTION = "Rang her carer; she is safe at home and her social worker visits today."


@pytest.fixture
def alert(child, child_user) -> SafeguardingAlert:
    statement_submit(author=child_user, child=child, category=Category.UNSAFE, body="call me", channel="web")
    return SafeguardingAlert.objects.get()


def test_the_page_asks_to_confirm_before_closing(alert, iro):
    page = client_for(iro).get(reverse("feedback:alert_detail", args=[alert.pk])).content.decode()
    assert 'name="safe_to_close"' in page and "required" in page.split('name="safe_to_close"')[1].split(">")[0]
    assert "I have recorded what was done and the child is safe to close this" in page


def test_closing_without_the_confirmation_is_refused_and_nothing_closes(alert, iro):
    client = client_for(iro)
    refused = client.post(reverse("feedback:alert_close", args=[alert.pk]), {"action_taken": ACTION})
    assert refused.status_code == 400
    assert "Tick to confirm the child is safe before closing the alert" in refused.content.decode()
    alert.refresh_from_db()
    assert alert.closed_at is None and alert.action_taken == ""
    assert not alert.events.filter(kind=AlertEventKind.CLOSED).exists()

    done = client.post(
        reverse("feedback:alert_close", args=[alert.pk]), {"action_taken": ACTION, "safe_to_close": "on"}
    )
    assert done.status_code == 302
    alert.refresh_from_db()
    assert alert.closed_at is not None and alert.closed_by == iro and alert.action_taken == ACTION


@pytest.mark.parametrize(
    "body",
    [
        {"action_taken": ACTION},
        {"action_taken": ACTION, "safe_to_close": False},
        {"action_taken": ACTION, "safe_to_close": "yes"},
        {"action_taken": ACTION, "safe_to_close": None},
    ],
    ids=["missing", "false", "a-string", "null"],
)
def test_the_api_refuses_to_close_without_the_same_confirmation(alert, iro, body):
    api = app_client(iro)
    refused = api.post(
        f"/api/v1/alerts/{alert.pk}/close/", json.dumps(body), content_type="application/json",
        headers={"Idempotency-Key": "close-unconfirmed"},
    )  # fmt: skip
    assert refused.status_code == 400 and refused.json()["detail"].startswith("safe_to_close: ")
    alert.refresh_from_db()
    assert alert.closed_at is None and alert.action_taken == ""
    assert not alert.events.filter(kind=AlertEventKind.CLOSED).exists()


def test_the_api_closes_once_confirmed(alert, iro):
    done = app_client(iro).post(
        f"/api/v1/alerts/{alert.pk}/close/", json.dumps({"action_taken": ACTION, "safe_to_close": True}),
        content_type="application/json", headers={"Idempotency-Key": "close-confirmed"},
    )  # fmt: skip
    assert done.status_code == 200 and done.json()["closed_at"] is not None
    alert.refresh_from_db()
    assert alert.closed_by == iro and alert.action_taken == ACTION
