"""Texts in and out: every message, its delivery state, opt-outs, and SMS conversations."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Purpose(models.TextChoices):
    LOGIN_CODE = "login_code", "Sign-in code"
    CHILD_READ = "child_read", "Your IRO read your message"
    CHILD_REPLY = "child_reply", "Your IRO replied"
    CHILD_CRISIS = "child_crisis", "What to do right now"
    STAFF_ALERT = "staff_alert", "Safeguarding alert to staff"
    INVITATION = "invitation", "Consultation invitation"
    REMINDER = "reminder", "Consultation reminder"
    COMPLAINT = "complaint", "Your complaint was received or answered"


class Status(models.TextChoices):
    PENDING = "pending", "Waiting to send"
    SENDING = "sending", "Handing to the provider"
    QUEUED = "queued", "Queued at the provider"
    SENT = "sent", "Sent"
    DELIVERED = "delivered", "Delivered"
    UNDELIVERED = "undelivered", "Undelivered"
    FAILED = "failed", "Failed"
    SUPPRESSED = "suppressed", "Not sent: the number opted out"


# Delivery states only move forward; a late "sent" callback never undoes "delivered".
STATUS_RANK = {
    Status.PENDING: 0,
    Status.SENDING: 1,
    Status.QUEUED: 2,
    Status.SENT: 3,
    Status.DELIVERED: 4,
    Status.UNDELIVERED: 4,
    Status.FAILED: 4,
    Status.SUPPRESSED: 4,
}
FAILED_STATES = frozenset({Status.UNDELIVERED, Status.FAILED})

# What a stored text holds where its sign-in code went: the code itself is never stored, only
# handed to the task that sends the text (sms.outbound.sms_queue).
CODE_MASK = "••••••"


class OutboundMessage(models.Model):
    """One text Heard sends, once: the idempotency key names its purpose and occasion."""

    idempotency_key = models.CharField(max_length=200, unique=True)
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    to = models.CharField(max_length=20)
    body = models.TextField()
    encoding = models.CharField(max_length=6)
    segments = models.PositiveSmallIntegerField()
    # Whose record shows a permanent failure (never printed in the text itself).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="sms_messages"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    provider_sid = models.CharField(max_length=64, null=True, blank=True, unique=True)
    error_code = models.CharField(max_length=32, blank=True, default="")
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "status"], name="sms_outbound_user_status")]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} to {self.to} ({self.status})"


class InboundMessage(models.Model):
    """A text a known person sent us, kept before anything else happens so nothing is lost."""

    message_sid = models.CharField(max_length=64, unique=True)
    from_number = models.CharField(max_length=20)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(blank=True, default="")
    received_at = models.DateTimeField(auto_now_add=True)
    # The reply sent back in TwiML: a retry of the same MessageSid gets the same answer.
    reply = models.TextField(blank=True, default="")
    processed_at = models.DateTimeField(null=True, blank=True)
    statement = models.ForeignKey(
        "feedback.Statement", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"Text {self.message_sid}"


class OptOut(models.Model):
    """A number that said STOP: nothing more is sent to it until it says START."""

    phone = models.CharField(max_length=20, unique=True)
    opted_out_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.phone} opted out"


class ConversationStep(models.TextChoices):
    CATEGORY = "category", "Waiting for what it is about"
    WORDS = "words", "Waiting for the child's words"
    CONSULTATION = "form", "Answering a consultation, one question at a time"
    FOLLOW_UP = "follow_up", "Adding to an urgent message"


class Conversation(models.Model):
    """Where a child is in the short SMS flow; an idle one expires."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sms_conversation")
    step = models.CharField(max_length=10, choices=ConversationStep.choices)
    category = models.CharField(max_length=20, blank=True, default="")
    # Words sent before choosing a category are kept, so the child need not type them again.
    draft = models.TextField(blank=True, default="")
    # For a consultation by text: which form, and which question is being asked.
    invitation = models.ForeignKey(
        "consultations.Invitation", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    question_index = models.PositiveSmallIntegerField(default=0)
    # After an urgent message: what the child texts next is added to it (and to its alert).
    statement = models.ForeignKey(
        "feedback.Statement", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(step="words") | ~Q(category=""), name="sms_conversation_words_after_category"
            )
        ]

    def __str__(self) -> str:
        return f"SMS conversation with {self.user} ({self.step})"
