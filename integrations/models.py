"""Webhook endpoints a case system subscribes, and every delivery to them with each attempt."""

import hashlib
import secrets
import uuid
from base64 import b64encode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q


class EventType(models.TextChoices):
    STATEMENT_RECEIVED = "statement.received", "A child's message arrived"
    ALERT_RAISED = "alert.raised", "A safeguarding alert was raised"
    ALERT_ACKNOWLEDGED = "alert.acknowledged", "A safeguarding alert was acknowledged"
    ALERT_CLOSED = "alert.closed", "A safeguarding alert was closed"
    CONSULTATION_SUBMITTED = "consultation.submitted", "A consultation form was sent"
    REVIEW_RECORDED = "review.recorded", "A review was recorded as held"


def new_secret() -> str:
    """A Standard Webhooks signing secret: "whsec_" and 32 random bytes in base64."""
    return "whsec_" + b64encode(secrets.token_bytes(32)).decode()


def new_message_id() -> str:
    """The webhook-id of one event to one endpoint: the same on every retry, so receivers can de-duplicate."""
    return f"msg_{uuid.uuid4().hex}"


class WebhookEndpoint(models.Model):
    """Where a case-system integration wants to hear about events, and which."""

    name = models.CharField(max_length=100, help_text="Which system this is, e.g. the case record's integration.")
    url = models.URLField(max_length=500, help_text="Its address; https, as the payload links to children's records.")
    secret = models.CharField(
        max_length=100, default=new_secret, help_text="Give this to the receiver: it checks each signature with it."
    )
    event_types = models.JSONField(default=list, blank=True, help_text="The events it subscribes to.")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Only https addresses (http only where settings allow it: demos and tests), only known events."""
        if not self.url.startswith("https://") and not settings.HEARD_WEBHOOKS_ALLOW_HTTP:
            raise ValidationError({"url": "Use an https address: the payloads link to children's records."})
        unknown = sorted(set(self.event_types) - set(EventType.values)) if isinstance(self.event_types, list) else []
        if not isinstance(self.event_types, list) or unknown:
            raise ValidationError({"event_types": f"Unknown events: {', '.join(map(str, unknown)) or 'not a list'}."})


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent (or sent again)"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed after every retry"


class WebhookDelivery(models.Model):
    """One event for one endpoint: written in the event's own transaction, sent after it commits."""

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.PROTECT, related_name="deliveries")
    message_id = models.CharField(max_length=40, unique=True, default=new_message_id)
    event_type = models.CharField(max_length=40, choices=EventType.choices)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    # Attempts in this round (an admin's redelivery starts a new round); each one is in `attempts`.
    tries = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # A sender's claim, so two workers never post the same delivery at once; a dead one's claim lapses.
    claimed_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "webhook deliveries"
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=Q(status="pending"), name="integrations_due"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} to {self.endpoint_id} ({self.status})"


class WebhookAttempt(models.Model):
    """One try at posting a delivery: what the receiver answered, or why it could not be reached."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempts")
    attempted_at = models.DateTimeField(auto_now_add=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True, default="")
    milliseconds = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["attempted_at", "pk"]

    def __str__(self) -> str:
        return f"{self.status_code or self.error} at {self.attempted_at:%Y-%m-%d %H:%M:%S}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


KEY_PREFIX = "heard_"


def key_digest(key: str) -> str:
    """What is stored of an integration key: its SHA-256, so a copy of the database holds no usable key."""
    return hashlib.sha256(key.encode()).hexdigest()


class IntegrationKey(models.Model):
    """A key the case system's integration sends (Authorization: Bearer) to fetch what a webhook names.

    The key is shown once when made (manage.py integration_key); only its digest is kept. The account
    it belongs to has the case-system role: it reads through the API's usual gates and access log,
    and may not write.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="integration_keys")
    name = models.CharField(max_length=100, help_text="Which system uses it.")
    # The first characters, to tell keys apart in the admin and logs without the key itself.
    prefix = models.CharField(max_length=16, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def make(cls, *, user, name: str) -> tuple["IntegrationKey", str]:
        """Make a key for this case-system account; return it and the key itself (shown once, never stored)."""
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        made = cls.objects.create(user=user, name=name, prefix=key[: len(KEY_PREFIX) + 6], digest=key_digest(key))
        return made, key
