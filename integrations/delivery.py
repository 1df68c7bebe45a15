"""Posting webhook deliveries, signed the Standard Webhooks way, with retries and an admin's redelivery.

Each delivery keeps one webhook-id across every try, so a receiver that saw it already can ignore
it; the timestamp and signature are made fresh for each try (standardwebhooks.com). A receiver
that answers other than 2xx, or cannot be reached, is tried again after each wait in RETRY_AFTER;
after the last, the delivery is failed, shown to admins, and can be redelivered from the admin.
"""

import json
import logging
import time
from datetime import datetime, timedelta

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from integrations.models import DeliveryStatus, WebhookAttempt, WebhookDelivery

logger = logging.getLogger("heard.integrations")

# The waits between tries (the Standard Webhooks guidance: back off over about a day). The periodic
# job runs each minute, so a wait is at least that.
RETRY_AFTER = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
)
# How long a sender holds its claim on a delivery before another may take it over (the first died).
CLAIM = timedelta(minutes=2)


def _claim(delivery_id: int, now: datetime) -> bool:
    return bool(
        WebhookDelivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + CLAIM)
    )


def _post(delivery: WebhookDelivery) -> tuple[int | None, str]:
    """Post the delivery once; return the receiver's status code, or why it could not be reached."""
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    sent_at = timezone.now()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Heard-Webhooks/1",
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": Webhook(delivery.endpoint.secret).sign(delivery.message_id, sent_at, body),
    }
    try:
        # No redirects: the address is the one an admin checked. Nothing of the answer is read.
        with requests.post(
            delivery.endpoint.url,
            data=body,
            headers=headers,
            timeout=settings.HEARD_WEBHOOK_TIMEOUT_SECONDS,
            allow_redirects=False,
            stream=True,
        ) as response:
            return response.status_code, ""
    except requests.RequestException as exc:
        return None, f"{type(exc).__name__}: {exc}"[:300]


def delivery_send(*, delivery_id: int) -> bool:
    """Try a due delivery once and record the try; return whether the receiver took it."""
    if not _claim(delivery_id, timezone.now()):
        return False  # delivered, failed, not due yet, or another sender has it
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    started = time.monotonic()
    status_code, error = _post(delivery)
    took = int((time.monotonic() - started) * 1000)
    delivered = status_code is not None and 200 <= status_code < 300
    tries = delivery.tries + 1
    now = timezone.now()
    if delivered:
        outcome = {"status": DeliveryStatus.DELIVERED, "delivered_at": now, "next_attempt_at": None}
    elif tries > len(RETRY_AFTER):
        outcome = {"status": DeliveryStatus.FAILED, "next_attempt_at": None}
    else:
        outcome = {"next_attempt_at": now + RETRY_AFTER[tries - 1]}
    with transaction.atomic():
        WebhookAttempt.objects.create(delivery=delivery, status_code=status_code, error=error, milliseconds=took)
        WebhookDelivery.objects.filter(pk=delivery_id).update(tries=tries, claimed_until=None, **outcome)
    if not delivered:
        logger.warning(
            "Webhook %s to endpoint %s not taken (%s), try %s",
            delivery.message_id,
            delivery.endpoint_id,
            status_code or error,
            tries,
        )
    return delivered


def deliveries_send_due(*, limit: int = 200) -> int:
    """Send every delivery whose time has come (first tries never started, and retries); return how many went."""
    now = timezone.now()
    due = (
        WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(delivery_send(delivery_id=delivery_id) for delivery_id in list(due))
