"""Signed webhooks to the case system, posted to a real HTTP receiver on this machine: signing, retries, redelivery."""

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.conf import settings
from django.contrib.admin.sites import site
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from consultations.models import Invitation
from consultations.services import forms_sync_from_files, invitations_create_for_review, response_submit
from feedback.alerts import alert_acknowledge, alert_close
from feedback.models import Category, SafeguardingAlert, Statement
from feedback.services import statement_submit
from integrations.admin import WebhookEndpointForm
from integrations.delivery import RETRY_AFTER, deliveries_send_due
from integrations.models import DeliveryStatus, EventType, WebhookDelivery, WebhookEndpoint
from reviews.models import Review
from reviews.services import review_record_held
from tests.conftest import client_for, make_user

WORDS = "Grandad Tobias shouts at me and I want to move"


class Receiver:
    """A case system's webhook receiver on loopback: keeps every request, answers the codes it is given."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.answers: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(receiver.answers.pop(0) if receiver.answers else 204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/heard"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def payloads(self) -> list[dict]:
        return [json.loads(body) for _, body in self.received]

    def close(self) -> None:
        if self.thread.is_alive():
            self.server.shutdown()
            self.server.server_close()
            self.thread.join()


@pytest.fixture
def receiver():
    running = Receiver()
    yield running
    running.close()


@pytest.fixture
def endpoint(db, receiver, settings):
    settings.HEARD_WEBHOOKS_ALLOW_HTTP = True  # the receiver is on loopback, without TLS
    return WebhookEndpoint.objects.create(name="Case record", url=receiver.url, event_types=list(EventType.values))


def _submit(child_user, child, category=Category.SCHOOL, body=WORDS) -> Statement:
    statement, _ = statement_submit(author=child_user, child=child, category=category, body=body, channel="web")
    return statement


def test_a_message_is_posted_signed_with_its_id_and_link_never_its_words(
    pinned_clock, endpoint, receiver, child, child_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        statement = _submit(child_user, child)

    [(headers, body)] = receiver.received
    payload = Webhook(endpoint.secret).verify(body, headers)  # raises unless signed with the endpoint's secret
    assert payload == {
        "type": "statement.received",
        "timestamp": payload["timestamp"],
        "data": {
            "statement_id": statement.pk,
            "child_reference": child.case_reference,
            "review_id": statement.review_id,
            "link": endpoint_base() + reverse("v1-statement", args=[statement.pk]),
        },
    }
    assert headers["webhook-id"] == WebhookDelivery.objects.get().message_id
    assert "Tobias" not in body.decode() and "shouts" not in body.decode()
    assert WebhookDelivery.objects.get().status == DeliveryStatus.DELIVERED
    with pytest.raises(WebhookVerificationError):
        Webhook(WebhookEndpoint(secret="whsec_" + "A" * 43 + "=").secret).verify(body, headers)  # another secret


def endpoint_base() -> str:
    return settings.PUBLIC_BASE_URL


def test_a_message_that_rolls_back_sends_nothing(pinned_clock, endpoint, receiver, child, child_user):
    with pytest.raises(RuntimeError), transaction.atomic():
        _submit(child_user, child)
        raise RuntimeError("the request failed after the statement was written")
    assert (Statement.objects.count(), WebhookDelivery.objects.count(), receiver.received) == (0, 0, [])


def test_only_subscribed_events_go_and_an_inactive_endpoint_gets_none(
    pinned_clock, endpoint, receiver, child, child_user, django_capture_on_commit_callbacks, settings
):
    second = Receiver()
    try:
        WebhookEndpoint.objects.create(name="Alerts only", url=second.url, event_types=["alert.raised"])
        WebhookEndpoint.objects.create(name="Switched off", url=second.url, event_types=["statement.received"])
        WebhookEndpoint.objects.filter(name="Switched off").update(is_active=False)
        with django_capture_on_commit_callbacks(execute=True):
            _submit(child_user, child)
        assert [p["type"] for p in receiver.payloads()] == ["statement.received"]
        assert second.received == []
        with django_capture_on_commit_callbacks(execute=True):
            _submit(child_user, child, category=Category.UNSAFE, body="I don't feel safe tonight")
        assert [p["type"] for p in second.payloads()] == ["alert.raised"]
    finally:
        second.close()


def test_a_receiver_that_fails_is_tried_again_after_each_wait_with_the_same_id_then_failed(
    pinned_clock, endpoint, receiver, child, child_user, django_capture_on_commit_callbacks
):
    receiver.answers = [500] * (len(RETRY_AFTER) + 1)
    with django_capture_on_commit_callbacks(execute=True):
        _submit(child_user, child)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.tries) == (DeliveryStatus.PENDING, 1)
    assert deliveries_send_due() == 0 and len(receiver.received) == 1  # not yet: its wait has not passed

    for wait in RETRY_AFTER:
        pinned_clock.shift(wait + timedelta(seconds=1))
        assert deliveries_send_due() == 0  # tried, and refused again
    delivery.refresh_from_db()
    assert (delivery.status, delivery.tries, delivery.next_attempt_at) == (DeliveryStatus.FAILED, 8, None)
    assert [a.status_code for a in delivery.attempts.all()] == [500] * 8  # every try logged
    assert {headers["webhook-id"] for headers, _ in receiver.received} == {delivery.message_id}
    pinned_clock.shift(timedelta(days=2))
    assert deliveries_send_due() == 0 and len(receiver.received) == 8  # a failed one waits for an admin


def test_an_unreachable_receiver_never_troubles_the_child_and_the_try_is_logged(
    pinned_clock, endpoint, receiver, child, child_user, django_capture_on_commit_callbacks
):
    receiver.close()  # nothing listens there now
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(child_user).post(
            "/api/v1/statements/", {"category": "school", "body": WORDS}, content_type="application/json"
        )
    assert response.status_code == 201
    [attempt] = WebhookDelivery.objects.get().attempts.all()
    assert attempt.status_code is None and "ConnectionError" in attempt.error


def test_an_admin_sees_a_failed_delivery_and_sends_it_again(
    pinned_clock, endpoint, receiver, child, child_user, django_capture_on_commit_callbacks
):
    receiver.answers = [503] * (len(RETRY_AFTER) + 1)
    with django_capture_on_commit_callbacks(execute=True):
        _submit(child_user, child)
    for wait in RETRY_AFTER:
        pinned_clock.shift(wait + timedelta(seconds=1))
        deliveries_send_due()
    delivery = WebhookDelivery.objects.get(status=DeliveryStatus.FAILED)

    admin = make_user("admin", "admin", is_staff=True, is_superuser=True)
    listing = client_for(admin).get(reverse("admin:integrations_webhookdelivery_changelist") + "?status__exact=failed")
    assert listing.status_code == 200 and "statement.received" in listing.content.decode()
    detail = client_for(admin).get(reverse("admin:integrations_webhookdelivery_change", args=[delivery.pk]))
    assert detail.status_code == 200 and "503" in detail.content.decode()
    assert WORDS not in detail.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        sent = client_for(admin).post(
            reverse("admin:integrations_webhookdelivery_changelist"),
            {"action": "redeliver", "_selected_action": [delivery.pk]},
        )
    assert sent.status_code == 302
    delivery.refresh_from_db()
    assert (delivery.status, delivery.tries) == (DeliveryStatus.DELIVERED, 1)
    assert len(receiver.received) == 9 and receiver.received[-1][0]["webhook-id"] == delivery.message_id


def test_the_periodic_job_sends_what_was_never_queued(pinned_clock, endpoint, receiver, child, child_user):
    # Written in a transaction whose after-commit work never ran (a worker or broker was down).
    _submit(child_user, child)
    assert receiver.received == []
    assert deliveries_send_due() == 1
    assert [p["type"] for p in receiver.payloads()] == ["statement.received"]
    assert deliveries_send_due() == 0  # once


def test_alerts_consultations_and_reviews_each_post_their_event(
    pinned_clock, endpoint, receiver, child, child_user, iro, django_capture_on_commit_callbacks
):
    forms_sync_from_files()
    with django_capture_on_commit_callbacks(execute=True):
        _submit(child_user, child, category=Category.UNSAFE, body="I don't feel safe tonight")
    alert = SafeguardingAlert.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        alert_acknowledge(alert=alert, user=iro)
    with django_capture_on_commit_callbacks(execute=True):
        alert_close(alert=alert, user=iro, action_taken="Visited the child with her social worker.")

    review = Review.objects.get(child=child, held_on__isnull=True)
    review.scheduled_for = timezone.localdate() + timedelta(days=14)
    review.save()
    invitations_create_for_review(review=review)
    with django_capture_on_commit_callbacks(execute=True):
        response, _ = response_submit(
            invitation=Invitation.objects.get(review=review, contact__isnull=True),
            answers={"home_feeling": "happy"},
        )
    review.scheduled_for = timezone.localdate() - timedelta(days=1)
    review.save()
    with django_capture_on_commit_callbacks(execute=True):
        review_record_held(review=review, held_on=timezone.localdate() - timedelta(days=1), late_reason="late")

    got = {p["type"]: p["data"] for p in receiver.payloads()}
    base = endpoint_base()
    assert list(got) == [
        "statement.received",
        "alert.raised",
        "alert.acknowledged",
        "alert.closed",
        "consultation.submitted",
        "review.recorded",
    ]
    assert got["alert.closed"]["link"] == base + reverse("v1-alert", args=[alert.pk])
    assert got["consultation.submitted"] == {
        "response_id": response.pk,
        "review_id": review.pk,
        "audience": response.invitation.audience,
        "child_reference": child.case_reference,
        "link": base + reverse("v1-review-pack", args=[review.pk]),
    }
    assert got["review.recorded"]["review_id"] == review.pk
    assert "Visited" not in json.dumps(receiver.payloads())  # the action taken stays in Heard


@pytest.mark.parametrize(
    ("url", "events", "problem"),
    [
        ("http://case.council.example/heard", ["statement.received"], "url"),
        ("https://case.council.example/heard", ["statement.deleted"], "event_types"),
        ("not an address", ["statement.received"], "url"),
    ],
)
def test_an_endpoint_with_a_plain_address_or_an_unknown_event_is_refused(db, settings, url, events, problem):
    settings.HEARD_WEBHOOKS_ALLOW_HTTP = False
    form = WebhookEndpointForm({"name": "Case record", "url": url, "event_types": events, "is_active": True})
    assert not form.is_valid()
    assert problem in form.errors
    with pytest.raises(ValidationError):
        WebhookEndpoint(name="x", url=url, event_types=events).full_clean()


def test_the_admin_makes_a_signing_secret_and_lists_the_events(db, settings):
    settings.HEARD_WEBHOOKS_ALLOW_HTTP = False
    form = WebhookEndpointForm(
        {"name": "Case record", "url": "https://case.council.example/heard", "event_types": ["alert.raised"]}
    )
    assert form.is_valid(), form.errors
    endpoint = form.save()
    assert endpoint.secret.startswith("whsec_") and len(Webhook(endpoint.secret)._whsecret) == 32
    admin = site._registry[WebhookEndpoint]
    assert admin.subscribed(endpoint) == "alert.raised"
    request = RequestFactory().get("/")
    assert "secret" in admin.get_readonly_fields(request, endpoint)
