"""Telling subscribed case systems what happened, and sending it again when an admin asks.

Payloads carry ids and an authenticated link to fetch the words (through the API's usual gates),
never a child's words or name. A change that rolls back leaves no delivery; one that commits is
sent after the commit, and the periodic job sends anything whose first try never started
(integrations/delivery.py).
"""

from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from backend.edited_rules import EditedRules
from integrations.models import DeliveryStatus, EventType, WebhookDelivery, WebhookEndpoint
from integrations.tasks import deliver_webhooks

if TYPE_CHECKING:
    from consultations.models import Response
    from feedback.models import SafeguardingAlert, Statement
    from reviews.models import Review


def _subscribers() -> dict[str, tuple[int, ...]]:
    subscribed: dict[str, list[int]] = defaultdict(list)
    for endpoint_id, event_types in WebhookEndpoint.objects.filter(is_active=True).values_list("pk", "event_types"):
        for event_type in event_types:
            subscribed[event_type].append(endpoint_id)
    return {event_type: tuple(ids) for event_type, ids in subscribed.items()}


# Who subscribes to what, kept per process and reloaded when an admin edits an endpoint: a child's
# message costs no query here unless someone subscribes to it.
SUBSCRIBERS = EditedRules(_subscribers, models=(WebhookEndpoint,))


def event_emit(event_type: EventType, ids: Callable[[], dict[str, int | str | None]], link: str) -> list[int]:
    """Queue this event for each endpoint subscribed to it; `link` is the API path that shows the record.

    The ids are asked for only when someone subscribes, so an event nobody wants costs nothing.
    """
    endpoint_ids = SUBSCRIBERS.get().get(event_type, ())
    if not endpoint_ids:
        return []
    now = timezone.now()
    payload = {
        "type": str(event_type),
        "timestamp": now.isoformat(),
        "data": {**ids(), "link": f"{settings.PUBLIC_BASE_URL}{link}"},
    }
    deliveries = WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(endpoint_id=endpoint_id, event_type=event_type, payload=payload, next_attempt_at=now)
            for endpoint_id in endpoint_ids
        ]
    )
    delivery_ids = [delivery.pk for delivery in deliveries]

    def send_after_commit() -> None:
        deliver_webhooks.delay(delivery_ids)

    transaction.on_commit(send_after_commit, robust=True)
    return delivery_ids


def deliveries_redeliver(*, delivery_ids: list[int]) -> int:
    """Send these deliveries again from the first try, as an admin asked (a delivered one too: the receiver lost it)."""
    count = WebhookDelivery.objects.filter(pk__in=delivery_ids).update(
        status=DeliveryStatus.PENDING, tries=0, next_attempt_at=timezone.now(), claimed_until=None, delivered_at=None
    )
    ids = list(delivery_ids)

    def send_after_commit() -> None:
        deliver_webhooks.delay(ids)

    transaction.on_commit(send_after_commit, robust=True)
    return count


def statement_received(statement: "Statement") -> None:
    """A child's message arrived (or one an advocate sent for them): its id, never its words."""
    event_emit(
        EventType.STATEMENT_RECEIVED,
        lambda: {
            "statement_id": statement.pk,
            "child_reference": statement.child.case_reference,
            "review_id": statement.review_id,
        },
        reverse("v1-statement", args=[statement.pk]),
    )


def alert_changed(alert: "SafeguardingAlert", event_type: EventType) -> None:
    """A safeguarding alert was raised, acknowledged or closed."""
    event_emit(
        event_type,
        lambda: {
            "alert_id": alert.pk,
            "statement_id": alert.statement_id,
            "child_reference": alert.child.case_reference,
        },
        reverse("v1-alert", args=[alert.pk]),
    )


def consultation_submitted(response: "Response") -> None:
    """A consultation form was sent to the IRO: the answers are read in the review's pack."""
    invitation = response.invitation
    event_emit(
        EventType.CONSULTATION_SUBMITTED,
        lambda: {
            "response_id": response.pk,
            "review_id": invitation.review_id,
            "audience": invitation.audience,
            "child_reference": invitation.review.child.case_reference,
        },
        reverse("v1-review-pack", args=[invitation.review_id]),
    )


def review_recorded(review: "Review") -> None:
    """A review was recorded as held, with its participation code."""
    event_emit(
        EventType.REVIEW_RECORDED,
        lambda: {"review_id": review.pk, "child_reference": review.child.case_reference},
        reverse("v1-review-pack", args=[review.pk]),
    )
